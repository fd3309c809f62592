"""PDF of a version's text (its own, or a published translation's), from the same printable template as the
print view."""

from __future__ import annotations

from common.pdf import render_pdf

from .selectors import VersionText


def version_pdf_bytes(text: VersionText) -> bytes:
    return render_pdf(
        "codes/version_pdf.html", {"version": text.version, "document": text.version.document, "text": text}
    )

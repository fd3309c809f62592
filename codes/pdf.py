"""PDF of a version, from the same printable template as the print view."""

from __future__ import annotations

from common.pdf import render_pdf

from .models import CodeVersion
from .selectors import sections_of


def version_pdf_bytes(version: CodeVersion) -> bytes:
    return render_pdf(
        "codes/version_pdf.html",
        {"version": version, "document": version.document, "sections": list(sections_of(version))},
    )

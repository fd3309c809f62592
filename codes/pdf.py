"""PDF of a version, rendered by WeasyPrint from the same template as the print view."""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from .models import CodeVersion
from .selectors import sections_of


def version_pdf_bytes(version: CodeVersion) -> bytes:
    # Imported here: WeasyPrint loads the pango library, which only this view needs.
    from weasyprint import CSS, HTML

    html = render_to_string(
        "codes/version_pdf.html",
        {"version": version, "document": version.document, "sections": list(sections_of(version))},
    )
    # The stylesheet is read from disk: the PDF must never fetch anything over the network.
    stylesheet = CSS(filename=finders.find("css/print.css"))
    return HTML(string=html, url_fetcher=_refuse_fetch).write_pdf(stylesheets=[stylesheet])


def _refuse_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    raise ValueError(f"PDF rendering does not fetch {url}")

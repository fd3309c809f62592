"""PDFs drawn by WeasyPrint from a template, with the portal's print stylesheet and no network access."""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    # Imported here: WeasyPrint loads the pango library, which only PDF views need.
    from weasyprint import CSS, HTML

    html = render_to_string(template_name, context)
    # The stylesheet is read from disk: a PDF must never fetch anything over the network.
    stylesheet = CSS(filename=finders.find("css/print.css"))
    return HTML(string=html, url_fetcher=_refuse_fetch).write_pdf(stylesheets=[stylesheet])


def _refuse_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    raise ValueError(f"PDF rendering does not fetch {url}")

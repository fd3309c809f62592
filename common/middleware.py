"""Responses that browsers and proxies must not keep."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """Mark every response the portal renders `Cache-Control: no-store`.

    Nearly every page and download carries personal or compliance data (the dashboard,
    the audit log, exports, receipts, PDFs), and the few that do not are sign-in pages, so
    one rule for all is safer than a list that a new view could be left out of: nothing is
    left in a shared computer's cache or a proxy after the person signs out. Static files
    keep their long cache: WhiteNoise serves them before this middleware runs.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response

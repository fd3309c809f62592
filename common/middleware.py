"""Responses that browsers and proxies must not keep, and pages for answers Django leaves blank."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.shortcuts import render
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


class MethodNotAllowedPageMiddleware:
    """Give Django's empty 405 answer a page that says, in words, what happened.

    Django has no template for a wrong method (someone opens the address of a button,
    or sends a form twice from an old tab), so the person would see a blank page. The
    status and the `Allow` header stay as they were; the API's own 405 answers (JSON,
    not `HttpResponseNotAllowed`) are left alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not isinstance(response, HttpResponseNotAllowed):
            return response
        context = {"method": request.method, "allowed": response["Allow"]}
        page = render(request, "405.html", context, status=response.status_code)
        page["Allow"] = response["Allow"]
        return page

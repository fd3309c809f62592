from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class AuthenticatedHttpRequest(HttpRequest):
    """The request a view sees behind LoginRequiredMiddleware: its user is signed in.

    Only for type hints; Django builds ordinary HttpRequest objects.
    """

    user: User
    htmx: HtmxDetails

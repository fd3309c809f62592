"""Rate limits: each token (or each person's browser session) gets its own budget, so that one runaway
program slows down only itself."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from .models import ApiToken


class ApiThrottle(SimpleRateThrottle):
    """`API_THROTTLE_RATE` requests per token, or per person when signed in by session. The history lives
    in the default cache, which must be shared by all web processes (settings.py, CACHES)."""

    scope = "api"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"address-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

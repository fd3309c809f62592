"""Who may call the API at all; what each endpoint shows is decided by the person's own permissions and
the selectors of the app it reads (a token never adds to them)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from common.permissions import missing_permission_message

from .models import ApiToken


class ApiAccess(BasePermission):
    """Signed in (by token or session); a read token may only read."""

    message = _("This token may only read: make a read-and-write token to change anything.")

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated and request.user.is_active):
            # DRF answers 401 (with WWW-Authenticate) when no authenticator vouched for the request.
            return False
        token = request.auth
        if isinstance(token, ApiToken) and token.is_read_only:
            return request.method in SAFE_METHODS
        return True


def requires(*permissions: str) -> list[type[BasePermission]]:
    """`ApiAccess`, then the Django permissions the matching portal page requires: a refusal (403) names
    the first one missing, as the page's does."""

    class HasPermissions(BasePermission):
        def has_permission(self, request: Request, view: Any) -> bool:
            for permission in permissions:
                if not request.user.has_perm(permission):
                    self.message = missing_permission_message(permission)
                    return False
            return True

    return [ApiAccess, HasPermissions]

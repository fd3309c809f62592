"""Permission checks for views: permissions, never group names, and a refusal that says why."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib.auth.models import AnonymousUser, Permission, User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def missing_permission_message(permission: str) -> str:
    app_label, codename = permission.split(".", 1)
    name = (
        Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        .values_list("name", flat=True)
        .first()
    )
    return _(
        "Your account may not open this page: it needs the permission “%(permission)s”, "
        "which none of your roles gives. Ask a portal administrator if your work needs it."
    ) % {"permission": _(name) if name else permission}


def permission_required(
    permission: str,
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Refuse the view with a 403 that names the missing permission."""

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.has_perm(permission):
                raise PermissionDenied(missing_permission_message(permission))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def require_permission(actor: User | AnonymousUser, permission: str) -> None:
    """For services: refuse an actor whose roles do not give `permission`."""
    if not actor.has_perm(permission):
        raise PermissionDenied(_("Your roles do not allow this action."))


def users_with_permission(permission: str) -> QuerySet[User]:
    """The active users for whom `user.has_perm(permission)` is true ("app_label.codename": by their
    roles, their own rights, or as superusers), as one query that other queries can filter by."""
    # Roles are groups with permissions in the database: the ModelBackend is the one that knows them
    # (the sign-in lockout and single sign-on backends grant nothing).
    users = User.objects.with_perm(permission, include_superusers=True, backend=MODEL_BACKEND)
    return cast("QuerySet[User]", users)

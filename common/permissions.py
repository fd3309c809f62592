"""Permission checks for views: permissions, never group names, and a refusal that says why."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.apps import apps
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser, Group, Permission, User
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Django names the permissions it makes for each model in English, from the model's name ("Can view legal
# hold"), where no catalogue can find them: they are said from these and the model's translated name instead.
DEFAULT_PERMISSION_NAMES = {
    "add": gettext_lazy("Can add %(model)s"),
    "change": gettext_lazy("Can change %(model)s"),
    "delete": gettext_lazy("Can delete %(model)s"),
    "view": gettext_lazy("Can view %(model)s"),
}


def permission_name(permission: str) -> str:
    """A permission ("app_label.codename") as people read it, in their language."""
    app_label, codename = permission.split(".", 1)
    action, _separator, model_name = codename.partition("_")
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        model = None
    if model is not None and action in model._meta.default_permissions and action in DEFAULT_PERMISSION_NAMES:
        return DEFAULT_PERMISSION_NAMES[action] % {"model": model._meta.verbose_name}
    name = (
        Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        .values_list("name", flat=True)
        .first()
    )
    # The portal's own permissions' names are marked for translation where their models declare them.
    return _(name) if name else permission


def missing_permission_message(permission: str) -> str:
    return _(
        "Your account may not open this page: it needs the permission “%(permission)s”, "
        "which none of your roles gives. Ask a portal administrator if your work needs it."
    ) % {"permission": permission_name(permission)}


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
    # Roles are groups with permissions in the database, as the ModelBackend reads them (the sign-in
    # lockout and single sign-on backends grant nothing). Not User.objects.with_perm: its OR of correlated
    # EXISTS runs once per user, and the sweep's escalation claim, filtered by it, took minutes at 100,000
    # people; these IN subqueries are read once each.
    app_label, codename = permission.split(".", 1)
    granting = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    by_role = User.groups.through.objects.filter(group__permissions__in=granting).values("user_id")
    own = User.user_permissions.through.objects.filter(permission__in=granting).values("user_id")
    return User.objects.filter(Q(is_superuser=True) | Q(pk__in=by_role) | Q(pk__in=own), is_active=True)


class OneQueryModelBackend(ModelBackend):
    """Django's ModelBackend, reading a person's permissions, their own and their roles', in one query where
    Django makes two: every page asks them (the navigation), and so does every API request. Cached on the
    user object for the request, as Django's are. A signed-in person asked for their password again (before
    signing, say) is checked on their user as this request loaded it, not read a second time by username."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        signed_in = getattr(request, "user", None)
        if signed_in is None or not signed_in.is_authenticated or username != signed_in.get_username():
            return super().authenticate(request, username, password, **kwargs)
        if password is not None and signed_in.check_password(password) and self.user_can_authenticate(signed_in):
            return signed_in
        return None

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            granted = Permission.objects.all()
            if not user_obj.is_superuser:
                own = User.user_permissions.through.objects.filter(user_id=user_obj.pk).values("permission_id")
                by_role = Group.permissions.through.objects.filter(group__user=user_obj.pk).values("permission_id")
                granted = granted.filter(Q(pk__in=own) | Q(pk__in=by_role))
            names = granted.values_list("content_type__app_label", "codename").order_by()
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in names}
        return user_obj._perm_cache

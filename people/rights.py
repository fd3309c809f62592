"""Who may change which account: the rules of account administration, in one place.

The admin asks these before it offers a form or an action, and the people services ask again
before they write, so no path (form, password page, bulk action, shell) escapes them:

- nobody raises their own rights through an account they control: only a superuser changes
  the account of a superuser, a staff member or an administrator (anyone holding a role or
  permission that changes accounts), or of anyone holding a permission the actor does not hold,
  so nobody takes over a peer, a superuser or a compliance officer by setting their password
  (or their email, and then resetting it);
- only a superuser grants superuser or staff status, one-off permissions, a role that changes
  accounts, or a role with a permission the actor does not hold, so administering people never
  leads to more rights than the actor's own;
- nobody changes their own roles or permissions, sets their own password without their
  current one, or deletes their own account;
- any account administrator deactivates a leaver or reactivates a returner, whatever rights
  that person holds, except a superuser, a staff member or an administrator, and never
  themselves: deactivating grants nothing, and reactivating gives back only the rights the
  account already held;
- only a superuser edits what a role may do.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser, Group, Permission, User
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from common.errors import DomainError

# Adding, changing or deleting accounts, roles or permissions: the power to hand out rights.
ACCOUNT_ADMINISTRATION = Q(content_type__app_label="auth") & ~Q(codename__startswith="view_")

Actor = User | AnonymousUser


class AccountChangeRefused(DomainError):
    """A rule of account administration refused the change."""


class AccountChange(enum.Enum):
    DETAILS = enum.auto()  # names, email, staff profile
    ACTIVITY = enum.auto()  # deactivating a leaver, reactivating a returner
    PASSWORD = enum.auto()
    ROLES = enum.auto()  # roles, one-off permissions, staff and superuser status
    DELETE = enum.auto()


def _permissions(user: Actor) -> QuerySet[Permission]:
    """The permissions an account holds through its roles and one-off, read from the database."""
    return Permission.objects.filter(Q(group__user__pk=user.pk) | Q(user__pk=user.pk))


def _beyond(actor: Actor, permissions: QuerySet[Permission]) -> bool:
    """Whether any of `permissions` is one the actor does not hold (a superuser holds them all)."""
    if actor.is_superuser:
        return False
    return permissions.exclude(pk__in=_permissions(actor).values("pk")).exists()


def assignable_roles(actor: Actor) -> QuerySet[Group]:
    """The roles `actor` may hand out: none that changes accounts, none with a permission they lack."""
    roles = Group.objects.all()
    if actor.is_superuser:
        return roles
    outside = Permission.objects.filter(ACCOUNT_ADMINISTRATION) | Permission.objects.exclude(
        pk__in=_permissions(actor).values("pk")
    )
    return roles.exclude(permissions__in=outside)


def holds_administration(user: User) -> bool:
    """Whether the account can hand out rights: superuser, staff, or a role or permission that changes accounts.

    Read from the database, not from `has_perm`, which answers nothing for an inactive account:
    a deactivated administrator stays protected, or reactivating them would hand over their rights.
    """
    if user.is_superuser or user.is_staff:
        return True
    return _permissions(user).filter(ACCOUNT_ADMINISTRATION).exists()


def change_refusal(actor: Actor, target: User, change: AccountChange) -> str | None:
    """Why `actor` may not make this kind of change to `target`'s account, or None when they may."""
    if actor.pk == target.pk:
        if change is AccountChange.ROLES:
            return _("Nobody may change their own roles or permissions: ask another administrator.")
        if change is AccountChange.PASSWORD:
            return _("Change your own password on your account page, which asks for your current one.")
        if change is AccountChange.DELETE:
            return _("You may not delete your own account.")
        if change is AccountChange.ACTIVITY:
            return _("You may not deactivate or reactivate your own account: ask another administrator.")
        return None
    if not actor.is_superuser and holds_administration(target):
        return _("Only a superuser may change the account of a superuser, a staff member or an administrator.")
    if change is AccountChange.ACTIVITY:
        if actor.has_perm("auth.change_user"):
            return None
        return _("Only an account administrator may deactivate or reactivate an account.")
    if _beyond(actor, _permissions(target)):
        return _("Only a superuser may change the account of someone who holds rights you do not hold.")
    return None


def grant_refusal(
    actor: Actor,
    *,
    added_roles: Iterable[Group],
    staff_changed: bool,
    superuser_changed: bool,
    permissions_changed: bool,
) -> str | None:
    """Why `actor` may not hand out these rights, or None when they may."""
    if actor.is_superuser:
        return None
    outside = Group.objects.filter(pk__in=[role.pk for role in added_roles]).exclude(
        pk__in=assignable_roles(actor).values("pk")
    )
    if staff_changed or superuser_changed or permissions_changed or outside.exists():
        return _(
            "Only a superuser may grant superuser or staff status, one-off permissions, "
            "a role that changes accounts, or a role with rights you do not hold."
        )
    return None


def role_edit_refusal(actor: Actor) -> str | None:
    """Why `actor` may not edit what a role may do, or None when they may."""
    if actor.is_superuser:
        return None
    return _("Only a superuser may change what a role may do.")


def require(refusal: str | None) -> None:
    """Raise the refusal, if there is one."""
    if refusal is not None:
        raise AccountChangeRefused(refusal)

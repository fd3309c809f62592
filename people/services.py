"""State changes for people: deactivating leavers, welcoming returners, language preference, checking a
password again."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from audit.services import event_record
from conduct_portal.errors import DomainError

from .models import StaffProfile, UserSession
from .signals import announce_audience_change

# Who made the change: the administrator, or None for the system (an import, a command).
Actor = AbstractBaseUser | AnonymousUser | None


def _announce(user: User) -> None:
    person_id = StaffProfile.objects.filter(user=user).values_list("pk", flat=True).first()
    if person_id is not None:
        announce_audience_change(person_id)


class PasswordRefused(DomainError):
    """The password entered again is not the person's, or password checks for the account are paused."""


@transaction.atomic
def person_deactivate(*, user: User, actor: Actor = None) -> int:
    """Block a leaver from signing in and end every session they have open.

    Once committed, the person's audience change is announced: what they were still asked for
    is marked left. Returns how many sessions were ended. Deactivating someone already
    inactive still ends any session left over.
    """
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        event_record(actor=actor, action="people.person.deactivate", target=user)
        _announce(user)
    ended, _by_model = UserSession.objects.filter(user=user).delete()
    return ended


@transaction.atomic
def person_reactivate(*, user: User, actor: Actor = None) -> None:
    """Let a returning person sign in again.

    Once committed, the person's audience change is announced: the requests marked left when
    they went, for versions still published and still meant for them, are pending again.
    """
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
        event_record(actor=actor, action="people.person.reactivate", target=user)
        _announce(user)


def profile_set_language(*, profile: StaffProfile, language: str) -> None:
    """Store the language the portal speaks to this person (pages and emails)."""
    profile.preferred_language = language
    profile.full_clean(validate_unique=False, validate_constraints=False)
    profile.save(update_fields=["preferred_language"])


# Not atomic: the audit event of a refusal must stay, and the refusal is raised.
def person_reauthenticate(*, request: HttpRequest, user: User, password: str, purpose: str) -> None:
    """Check the password of a signed-in person again before an act that needs it (`purpose`: "signing",
    "password_change").

    The check is Django's `authenticate`, so django-axes sees it as a sign-in: a wrong password
    counts towards the same lockout as a failed sign-in (per account and address), and while the
    account is locked out even the right password is refused, here and at sign-in. Every refusal
    is audited as `people.reauthentication.fail`.
    """
    authenticated = authenticate(request, username=user.get_username(), password=password)
    if authenticated is not None and authenticated.pk == user.pk:
        return
    locked_out = bool(getattr(request, "axes_locked_out", False))
    event_record(
        actor=user,
        action="people.reauthentication.fail",
        target=user,
        details={"purpose": purpose, "locked_out": locked_out},
    )
    if locked_out:
        raise PasswordRefused(
            _(
                "Too many wrong passwords: password checks for your account are paused for a while. "
                "Try again later, or reset your password."
            )
        )
    raise PasswordRefused(_("That is not your password. Enter the password you sign in with."))

"""State changes for people: deactivating leavers, welcoming returners, language preference."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import transaction

from audit.services import event_record

from .models import StaffProfile, UserSession
from .signals import announce_audience_change

# Who made the change: the administrator, or None for the system (an import, a command).
Actor = AbstractBaseUser | AnonymousUser | None


def _announce(user: User) -> None:
    person_id = StaffProfile.objects.filter(user=user).values_list("pk", flat=True).first()
    if person_id is not None:
        announce_audience_change(person_id)


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

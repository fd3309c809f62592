"""State changes for people: deactivating leavers, language preference."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from .models import StaffProfile, UserSession


@transaction.atomic
def person_deactivate(*, user: User) -> int:
    """Block a leaver from signing in and end every session they have open.

    Returns how many sessions were ended. Deactivating someone already
    inactive still ends any session left over.
    """
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    ended, _by_model = UserSession.objects.filter(user=user).delete()
    return ended


@transaction.atomic
def person_reactivate(*, user: User) -> None:
    """Let a returning person sign in again."""
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])


def profile_set_language(*, profile: StaffProfile, language: str) -> None:
    """Store the language the portal speaks to this person (pages and emails)."""
    profile.preferred_language = language
    profile.full_clean(validate_unique=False, validate_constraints=False)
    profile.save(update_fields=["preferred_language"])

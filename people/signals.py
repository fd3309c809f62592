"""What people announces to the apps that build on it (it knows nothing of them), and its sign-in receivers."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import Signal, receiver
from django.http import HttpRequest

from .middleware import remember_language
from .models import StaffProfile

# Sent once the transaction has committed, with `person_id`, whenever who a person is for an
# audience may have changed: they joined, moved department, were deactivated or reactivated.
# Receivers bring what the person is asked for in line; running one twice must change nothing.
audience_changed = Signal()


def announce_audience_change(person_id: int) -> None:
    transaction.on_commit(lambda: audience_changed.send(sender=StaffProfile, person_id=person_id))


@receiver(post_save, sender=StaffProfile, dispatch_uid="people.announce_joiners_and_movers")
def announce_joiners_and_movers(
    sender: Any, instance: StaffProfile, update_fields: frozenset[str] | None = None, **kwargs: Any
) -> None:
    # A save that names its fields and leaves the department alone (the language, say) moves nobody.
    if update_fields is None or "department" in update_fields:
        announce_audience_change(instance.pk)


@receiver(user_logged_in, dispatch_uid="people.remember_preferred_language")
def remember_preferred_language(sender: type, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    language = StaffProfile.objects.filter(user=user).values_list("preferred_language", flat=True).first()
    if language:
        remember_language(request, language)

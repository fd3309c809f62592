"""What people announces to the apps that build on it (it knows nothing of them), and its sign-in receivers."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import Signal, receiver
from django.http import HttpRequest

from .middleware import remember_language
from .models import StaffProfile

# Sent by the people services once their transaction has committed, with `person_ids` (a list: one
# person for a change made by hand, everyone an HR import changed in one announcement) and `actor_id`
# (who made the change, None for the system), when who these people are for an audience has changed:
# they were hired, moved department, were deactivated or reactivated. Nothing else sends it: saving a
# staff record (a new job title, a language) announces nothing. Receivers bring what the people are
# asked for in line, for the whole list at once; running one twice must change nothing.
person_audience_changed = Signal()


class _Announcement:
    """A pending announcement of people's audience change; `done` once sent or replaced."""

    def __init__(self, person_ids: list[int], actor_id: int | None) -> None:
        self.person_ids = person_ids
        self.actor_id = actor_id
        self.done = False

    def __call__(self) -> None:
        if not self.done:
            self.done = True
            person_audience_changed.send(sender=StaffProfile, person_ids=self.person_ids, actor_id=self.actor_id)


def announce_audience_change(person_id: int, *, actor_id: int | None) -> None:
    """Announce, once the transaction commits, that the person's audience has changed.

    One transaction can change a person twice (the admin's account form deactivates them and
    moves them in one save; an import hires and moves): it keeps one announcement per person,
    and one that knows the actor wins over the system's, so receivers run once and audit who
    acted. The pending announcement is looked up among the transaction's own commit callbacks,
    which a rollback discards with it.
    """
    pending = transaction.get_connection().run_on_commit
    for savepoints, callback, robust in pending:
        if isinstance(callback, _Announcement) and callback.person_ids == [person_id] and not callback.done:
            # Replaced by one that runs last, after everything the change did, registered under
            # the same savepoints, so a rollback discards it exactly when it would have the first.
            callback.done = True
            pending.append((savepoints, _Announcement([person_id], actor_id or callback.actor_id), robust))
            return
    transaction.on_commit(_Announcement([person_id], actor_id))


def announce_audience_changes(person_ids: list[int], *, actor_id: int | None) -> None:
    """Announce, once the transaction commits, that the audience of each of these people has changed.

    For a bulk change (an HR import) that changes each person once: one announcement for them all,
    which the receivers handle in a few queries whatever its size, instead of one each.
    """
    if person_ids:
        transaction.on_commit(_Announcement(list(person_ids), actor_id))


@receiver(user_logged_in, dispatch_uid="people.remember_preferred_language")
def remember_preferred_language(sender: type, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    language = StaffProfile.objects.filter(user=user).values_list("preferred_language", flat=True).first()
    if language:
        remember_language(request, language)

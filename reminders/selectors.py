"""Reads: a person's notifications, and what the sweeps select (what is due, what waits for delivery)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, QuerySet

from common.chunks import batched

from .models import ESCALATED, DeliveryStatus, Notification, ReminderLog
from .rules import Claim, Rule, all_rules

# Reminders (or managers' digests) one delivery task builds together and sends over one connection: a
# few queries build many emails (each is then locked, sent and marked in a transaction of its own).
DELIVERY_BATCH_SIZE = 200
DUE_BATCH_SIZE = 1000  # due reminders a dry run reads at a time


def notifications_of(user: User) -> QuerySet[Notification]:
    """A person's notifications, newest first."""
    return Notification.objects.filter(recipient=user)


def unread_count_of(user: User) -> int:
    """How many of a person's notifications they have not read (one count on a partial index)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def reminders_sent_to(user_id: int) -> QuerySet[ReminderLog]:
    """The reminders the person was sent (escalations about them go to their manager), the latest first."""
    return ReminderLog.objects.filter(recipient_id=user_id, status=DeliveryStatus.SENT).order_by("-sent_at", "-pk")


def _batches_by_pk(rows: QuerySet, size: int) -> Iterator[list[tuple]]:
    """`rows`, a values_list whose first value is the row's pk, a batch at a time in pk order: one query a
    batch (keyset pagination), never all of them at once."""
    last = 0
    while batch := list(rows.filter(pk__gt=last).order_by("pk")[:size]):
        yield batch
        if len(batch) < size:
            return
        last = batch[-1][0]


def _claimed(rule: Rule) -> QuerySet[ReminderLog]:
    return ReminderLog.objects.filter(kind=rule.kind, stage=rule.stage)


def _unclaimed(rule: Rule, day: datetime.date) -> Iterator[Claim]:
    """The rule's claims on `day` that have no log row yet."""
    if rule.recipient is None:
        # The compliance copies, computed in Python: the claims about today's overdue documents are as
        # few as the copies themselves (documents × officers), whatever the size of the log.
        taken = set(
            _claimed(rule)
            .filter(object_id__in=rule.objects(day).values("pk"))
            .values_list("object_id", "recipient_id", "due_date")
        )
        yield from (claim for claim in rule.claims(day) if claim not in taken)
        return
    # An anti-join in the database: only the claims without a log row ever leave it.
    claimed = _claimed(rule).filter(
        object_id=OuterRef("pk"), recipient_id=OuterRef(rule.recipient), due_date=OuterRef(rule.due)
    )
    unclaimed = rule.objects(day).filter(~Exists(claimed)).values_list("pk", rule.recipient, rule.due)
    for batch in _batches_by_pk(unclaimed, DUE_BATCH_SIZE):
        yield from batch


def reminders_due(*, day: datetime.date) -> Iterator[tuple[Rule, int, int]]:
    """What a sweep would claim now, without claiming it (for --dry-run), read a batch at a time."""
    for rule in all_rules():
        for object_id, recipient_id, _due_date in _unclaimed(rule, day):
            yield rule, object_id, recipient_id


def pending_reminder_ids() -> Iterator[list[int]]:
    """Pending direct reminders, as batches of ids for delivery tasks (read page by page)."""
    pending = ReminderLog.objects.filter(status=DeliveryStatus.PENDING).exclude(stage=ESCALATED).values_list("pk")
    for batch in _batches_by_pk(pending, DELIVERY_BATCH_SIZE):
        yield [pk for (pk,) in batch]


def managers_with_pending_escalations() -> list[int]:
    return list(
        ReminderLog.objects.filter(status=DeliveryStatus.PENDING, stage=ESCALATED)
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by("recipient_id")
    )


def pending_digest_batches() -> list[list[int]]:
    """Managers with escalations waiting, as batches of ids for digest delivery tasks."""
    return list(batched(managers_with_pending_escalations(), DELIVERY_BATCH_SIZE))


def pending_notice_ids(*, kind: str, object_id: int, stage: str) -> Iterator[list[int]]:
    """The notices of one event still waiting for delivery, as batches of ids for delivery tasks."""
    pending = ReminderLog.objects.filter(kind=kind, object_id=object_id, stage=stage, status=DeliveryStatus.PENDING)
    for batch in _batches_by_pk(pending.values_list("pk"), DELIVERY_BATCH_SIZE):
        yield [pk for (pk,) in batch]

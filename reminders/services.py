"""The reminder engine: claim what is due, then deliver it, each step safe to repeat.

1. `reminders_claim` runs every rule for a day and inserts one ReminderLog row per
   (kind, object, recipient, stage), in batches; rows that exist already are skipped by the
   database, so the same sweep twice, or two workers at once, claim each reminder once.
2. `reminder_deliver` sends one claimed reminder: it locks its row (skipping rows another
   worker holds), sends the email, and marks the row sent in the same transaction, only
   after the email backend accepted the message. A failure leaves the row pending for a retry.
3. `digest_deliver` sends a manager one email listing all their escalations at once.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .emails import Reminder, build_digest, build_reminder
from .models import ESCALATED, DeliveryStatus, Notification, ReminderLog
from .rules import Rule, all_rules

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000


@dataclass
class SweepReport:
    claimed: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: list[int] = field(default_factory=list)


def _chunks(pairs: Iterable[tuple[int, int]], size: int) -> Iterator[list[tuple[int, int]]]:
    iterator = iter(pairs)
    while batch := list(islice(iterator, size)):
        yield batch


def _stream(pairs: Iterable[tuple[int, int]]) -> Iterable[tuple[int, int]]:
    """Read a query in chunks (a server-side cursor on PostgreSQL), never all of it at once."""
    iterator = getattr(pairs, "iterator", None)
    return iterator(chunk_size=BATCH_SIZE) if iterator else pairs


def reminders_claim(*, day: datetime.date, rules: list[Rule] | None = None) -> SweepReport:
    """Claim every reminder due on `day` that has not been claimed before."""
    report = SweepReport()
    for rule in rules or all_rules():
        before = ReminderLog.objects.filter(kind=rule.kind, stage=rule.stage).count()
        for batch in _chunks(_stream(rule.pairs(day)), BATCH_SIZE):
            ReminderLog.objects.bulk_create(
                [
                    ReminderLog(kind=rule.kind, object_id=object_id, recipient_id=recipient_id, stage=rule.stage)
                    for object_id, recipient_id in batch
                ],
                ignore_conflicts=True,
            )
        claimed = ReminderLog.objects.filter(kind=rule.kind, stage=rule.stage).count() - before
        report.by_rule[f"{rule.kind}/{rule.stage}"] = claimed
        report.claimed += claimed
    return report


def reminders_due(*, day: datetime.date) -> list[tuple[Rule, int, int]]:
    """What a sweep would claim now, without claiming it (for --dry-run)."""
    due: list[tuple[Rule, int, int]] = []
    for rule in all_rules():
        existing = set(
            ReminderLog.objects.filter(kind=rule.kind, stage=rule.stage).values_list("object_id", "recipient_id")
        )
        due.extend((rule, o, r) for o, r in _stream(rule.pairs(day)) if (o, r) not in existing)
    return due


def pending_reminder_ids() -> Iterator[list[int]]:
    """Pending direct reminders, as batches of ids for delivery tasks (read page by page)."""
    pending = ReminderLog.objects.filter(status=DeliveryStatus.PENDING).exclude(stage=ESCALATED).order_by("pk")
    last = 0
    while batch := list(pending.filter(pk__gt=last).values_list("pk", flat=True)[:BATCH_SIZE]):
        yield batch
        last = batch[-1]


def managers_with_pending_escalations() -> list[int]:
    return list(
        ReminderLog.objects.filter(status=DeliveryStatus.PENDING, stage=ESCALATED)
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by("recipient_id")
    )


def _mark(logs: list[ReminderLog], reminder: Reminder | None) -> None:
    """Sent, with a notification in the portal; or skipped when there was nothing left to remind of."""
    status = DeliveryStatus.SENT if reminder else DeliveryStatus.SKIPPED
    ReminderLog.objects.filter(pk__in=[log.pk for log in logs]).update(
        status=status, sent_at=timezone.now() if reminder else None, attempts=F("attempts") + 1, last_error=""
    )
    if reminder:
        Notification.objects.create(recipient=logs[0].recipient, message=reminder.message[:300], url=reminder.path)


def _record_failure(log_ids: list[int], error: Exception | None) -> None:
    logger.warning("Reminder delivery failed for %s: %s", log_ids, error)
    ReminderLog.objects.filter(pk__in=log_ids).update(attempts=F("attempts") + 1, last_error=str(error)[:1000])


def reminder_deliver(*, log_id: int) -> bool:
    """Send one claimed reminder. True when it is sent (now or before), False when sending failed."""
    failure: Exception | None = None
    with transaction.atomic():
        log = (
            ReminderLog.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(pk=log_id, status=DeliveryStatus.PENDING)
            .first()
        )
        if log is None:
            return True  # sent already, or another worker is sending it right now
        reminder = build_reminder(log)
        try:
            if reminder:
                reminder.email.send()
        except Exception as error:  # any backend error: keep the reminder for a retry
            failure = error
        else:
            _mark([log], reminder)
            return True
    _record_failure([log_id], failure)
    return False


def reminders_deliver(*, log_ids: list[int]) -> DeliveryReport:
    report = DeliveryReport()
    for log_id in log_ids:
        if reminder_deliver(log_id=log_id):
            report.sent += 1
        else:
            report.failed.append(log_id)
    return report


def digest_deliver(*, manager_id: int) -> bool:
    """Send a manager one email listing every escalation waiting for them. False when sending failed."""
    failure: Exception | None = None
    with transaction.atomic():
        logs = list(
            ReminderLog.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(recipient_id=manager_id, stage=ESCALATED, status=DeliveryStatus.PENDING)
            .order_by("kind", "object_id")
        )
        if not logs:
            return True
        reminder = build_digest(get_user_model().objects.get(pk=manager_id), logs)
        try:
            if reminder:
                reminder.email.send()
        except Exception as error:  # any backend error: keep the escalations for a retry
            failure = error
        else:
            _mark(logs, reminder)
            return True
    _record_failure([log.pk for log in logs], failure)
    return False


def sweep_now(*, day: datetime.date | None = None) -> tuple[SweepReport, DeliveryReport]:
    """Claim and deliver everything due, in this process (the command without a worker)."""
    claimed = reminders_claim(day=day or timezone.localdate())
    delivered = DeliveryReport()
    for batch in pending_reminder_ids():
        result = reminders_deliver(log_ids=batch)
        delivered.sent += result.sent
        delivered.failed += result.failed
    for manager_id in managers_with_pending_escalations():
        if digest_deliver(manager_id=manager_id):
            delivered.sent += 1
        else:
            delivered.failed.append(manager_id)
    return claimed, delivered

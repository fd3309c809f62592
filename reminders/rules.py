"""Which reminders are due on a given day: one rule per (kind, stage), each a query of (object, recipient).

A rule selects a window, not a single day: a reminder "7 days before" goes to everything due
between 2 and 7 days from now that has not had it yet, so a sweep that did not run one day
catches up the next instead of skipping people. The reminder log makes each one go out once.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet

from acknowledgements.models import AcknowledgementRequest
from codes.models import CodeDocument
from training.models import Assignment

from .models import ESCALATED, OVERDUE, OVERDUE_COPY, ReminderKind, before_stage


@dataclass(frozen=True)
class Rule:
    kind: ReminderKind
    stage: str
    # (object id, recipient user id) pairs due on a day: a values_list query, or a few computed pairs.
    pairs: Callable[[datetime.date], Iterable[tuple[int, int]]]

    @property
    def is_escalation(self) -> bool:
        return self.stage == ESCALATED


def _windows(offsets: list[int]) -> Iterator[tuple[int, int]]:
    """(days, lower bound in days) for each offset: 7 and 1 give (7, 1) and (1, -1)."""
    ordered = sorted(set(offsets), reverse=True)
    for index, days in enumerate(ordered):
        lower = ordered[index + 1] if index + 1 < len(ordered) else -1
        yield days, lower


def _days(day: datetime.date, days: int) -> datetime.date:
    return day + datetime.timedelta(days=days)


def _acknowledgements() -> QuerySet[AcknowledgementRequest]:
    return AcknowledgementRequest.objects.pending().filter(person__user__is_active=True)


def _assignments() -> QuerySet[Assignment]:
    return Assignment.objects.open().filter(person__user__is_active=True)


def _to_person(requests: QuerySet) -> QuerySet:
    return requests.values_list("pk", "person__user_id")


def _to_manager(requests: QuerySet) -> QuerySet:
    return requests.filter(person__manager__user__is_active=True).values_list("pk", "person__manager__user_id")


def _due_within(base: Callable[[], QuerySet], days: int, lower: int) -> Callable[[datetime.date], QuerySet]:
    """Due within `days` from the day, but later than `lower` days (the next, closer reminder's window)."""

    def pairs(day: datetime.date) -> QuerySet:
        return _to_person(base().filter(due_date__lte=_days(day, days), due_date__gt=_days(day, lower)))

    return pairs


def _review_due_within(days: int, lower: int) -> Callable[[datetime.date], QuerySet]:
    def pairs(day: datetime.date) -> QuerySet:
        return (
            _documents()
            .filter(next_review_due__lte=_days(day, days), next_review_due__gt=_days(day, lower))
            .values_list("pk", "owner_id")
        )

    return pairs


def _person_rules(kind: ReminderKind, prefix: str, base: Callable[[], QuerySet]) -> list[Rule]:
    config = settings.REMINDERS
    rules = [
        Rule(kind, before_stage(days), _due_within(base, days, lower))
        for days, lower in _windows(config[f"{prefix}_before_days"])
    ]
    overdue_after = config[f"{prefix}_overdue_after_days"]
    escalate_after = config[f"{prefix}_escalate_after_days"]
    rules.append(Rule(kind, OVERDUE, lambda day: _to_person(base().filter(due_date__lte=_days(day, -overdue_after)))))
    rules.append(
        Rule(kind, ESCALATED, lambda day: _to_manager(base().filter(due_date__lte=_days(day, -escalate_after))))
    )
    return rules


def _documents() -> QuerySet[CodeDocument]:
    return CodeDocument.objects.active().filter(next_review_due__isnull=False, owner__is_active=True)


def review_copy_recipients() -> QuerySet:
    """Compliance: the people whose role receives copies of overdue review reminders."""
    permission = Permission.objects.filter(codename="receive_review_escalations", content_type__app_label="reminders")
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__permissions__in=permission) | Q(user_permissions__in=permission))
        .distinct()
    )


def _review_rules() -> list[Rule]:
    config = settings.REMINDERS
    rules = [
        Rule(ReminderKind.REVIEW, before_stage(days), _review_due_within(days, lower))
        for days, lower in _windows(config["review_before_days"])
    ]
    overdue_after = config["review_overdue_after_days"]

    def overdue(day: datetime.date) -> QuerySet:
        return _documents().filter(next_review_due__lte=_days(day, -overdue_after))

    rules.append(Rule(ReminderKind.REVIEW, OVERDUE, lambda day: overdue(day).values_list("pk", "owner_id")))
    rules.append(Rule(ReminderKind.REVIEW, OVERDUE_COPY, lambda day: _review_copies(overdue(day))))
    return rules


def _review_copies(documents: QuerySet[CodeDocument]) -> Iterable[tuple[int, int]]:
    """Every overdue document for every compliance recipient: few documents, few officers."""
    recipients = list(review_copy_recipients().values_list("pk", flat=True))
    for document_id in documents.values_list("pk", flat=True):
        for recipient_id in recipients:
            yield document_id, recipient_id


def all_rules() -> list[Rule]:
    return [
        *_person_rules(ReminderKind.ACKNOWLEDGEMENT, "acknowledgement", _acknowledgements),
        *_person_rules(ReminderKind.TRAINING, "training", _assignments),
        *_review_rules(),
    ]

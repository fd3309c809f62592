"""Which reminders are due on a given day: one rule per (kind, stage), each a query of (object, recipient,
due date).

A rule selects a window, not a single day: a reminder "7 days before" goes to everything due
between 2 and 7 days from now that has not had it yet, so a sweep that did not run one day
catches up the next instead of skipping people. The reminder log makes each one go out once for
each due date: when a deadline moves, the stages start again from the new one.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from acknowledgements.models import AcknowledgementRequest
from codes.models import CodeDocument
from common.permissions import users_with_permission
from training.models import Assignment

from .models import ESCALATED, OVERDUE, OVERDUE_COPY, ReminderKind, before_stage

Objects = Callable[[datetime.date], QuerySet]
# A reminder to claim: (object id, recipient user id, due date).
Claim = tuple[int, int, datetime.date]


@dataclass(frozen=True)
class Rule:
    kind: ReminderKind
    stage: str
    # What the reminder is about on a day: pending requests, open assignments or documents.
    objects: Objects
    # The path from one of those objects to its recipient's user id ("person__user_id"); None for the
    # compliance copies, where every recipient of review copies gets one about every object.
    recipient: str | None
    # The objects' date field the stage counts from ("due_date").
    due: str

    def claims(self, day: datetime.date) -> QuerySet | Iterable[Claim]:
        """The (object id, recipient user id, due date) claims due on a day: a values_list query, or a few
        computed ones."""
        if self.recipient is None:
            return _review_copies(self.objects(day).values_list("pk", self.due))
        return self.objects(day).values_list("pk", self.recipient, self.due)


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


def _documents() -> QuerySet[CodeDocument]:
    return CodeDocument.objects.active().filter(next_review_due__isnull=False, owner__is_active=True)


def _with_manager_who_sees_the_team(base: Callable[[], QuerySet]) -> Callable[[], QuerySet]:
    # The escalation digest lists the team's overdue items and links to them: it goes only to a
    # manager whose roles show them their team.
    return lambda: base().filter(person__manager__user__in=users_with_permission("people.view_team"))


def _due_within(base: Callable[[], QuerySet], due: str, days: int, lower: int) -> Objects:
    """Due (by the date field `due`) within `days` from the day, but later than `lower` days (the next,
    closer reminder's window)."""
    return lambda day: base().filter(**{f"{due}__lte": _days(day, days), f"{due}__gt": _days(day, lower)})


def _due_since(base: Callable[[], QuerySet], due: str, days: int) -> Objects:
    """Due (by the date field `due`) `days` or more days before the day."""
    return lambda day: base().filter(**{f"{due}__lte": _days(day, -days)})


def _person_rules(kind: ReminderKind, prefix: str, base: Callable[[], QuerySet]) -> list[Rule]:
    config = settings.REMINDERS
    due = "due_date"
    rules = [
        Rule(kind, before_stage(days), _due_within(base, due, days, lower), "person__user_id", due)
        for days, lower in _windows(config[f"{prefix}_before_days"])
    ]
    overdue_after = config[f"{prefix}_overdue_after_days"]
    escalate_after = config[f"{prefix}_escalate_after_days"]
    rules.append(Rule(kind, OVERDUE, _due_since(base, due, overdue_after), "person__user_id", due))
    escalated = _due_since(_with_manager_who_sees_the_team(base), due, escalate_after)
    rules.append(Rule(kind, ESCALATED, escalated, "person__manager__user_id", due))
    return rules


def review_copy_recipients() -> QuerySet:
    """Compliance: the people whose role receives copies of overdue review reminders."""
    return users_with_permission("reminders.receive_review_escalations")


def _review_rules() -> list[Rule]:
    config = settings.REMINDERS
    kind = ReminderKind.REVIEW
    due = "next_review_due"
    rules = [
        Rule(kind, before_stage(days), _due_within(_documents, due, days, lower), "owner_id", due)
        for days, lower in _windows(config["review_before_days"])
    ]
    overdue = _due_since(_documents, due, config["review_overdue_after_days"])
    rules.append(Rule(kind, OVERDUE, overdue, "owner_id", due))
    rules.append(Rule(kind, OVERDUE_COPY, overdue, None, due))
    return rules


def _review_copies(documents: QuerySet) -> Iterable[Claim]:
    """Every overdue document (a values_list of id and review date) for every compliance recipient:
    few documents, few officers."""
    recipients = list(review_copy_recipients().values_list("pk", flat=True))
    for document_id, review_due in documents:
        for recipient_id in recipients:
            yield document_id, recipient_id, review_due


def all_rules() -> list[Rule]:
    return [
        *_person_rules(ReminderKind.ACKNOWLEDGEMENT, "acknowledgement", _acknowledgements),
        *_person_rules(ReminderKind.TRAINING, "training", _assignments),
        *_review_rules(),
    ]

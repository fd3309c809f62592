"""Completions and refreshers: recording that a person completed a course, which closes their
assignment and, for a course with a refresher interval, opens the next one."""

from __future__ import annotations

import datetime
from typing import Required, TypedDict, Unpack

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.services import event_record
from common.errors import Conflict, DomainError
from common.permissions import require_permission
from people.models import StaffProfile
from training.models import (
    MAX_EXTERNAL_ID_LENGTH,
    MAX_SCORE,
    Assignment,
    AssignmentReason,
    AssignmentStatus,
    Completion,
    Course,
    TrainingSession,
)
from training.selectors import can_act_for
from webhooks.models import EventType
from webhooks.services import event_emit

from .. import audit_actions, webhook_payloads
from ._shared import Actor, person_lock


def next_refresher_date(completed_on: datetime.date, months: int) -> datetime.date:
    """The day a refresher falls due: `months` calendar months after the completion.

    A day that the target month lacks becomes its last day: 31 August + 6 months is
    28 February, or 29 February in a leap year.
    """
    return completed_on + relativedelta(months=months)


def valid_completion_since(course: Course, today: datetime.date) -> datetime.date | None:
    """Completions on or after this day still count; None when any completion counts for ever."""
    if course.refresher_interval_months is None:
        return None
    return today - relativedelta(months=course.refresher_interval_months) + datetime.timedelta(days=1)


def _completion_check(*, person: StaffProfile, completed_on: datetime.date, score: int | None, actor: Actor) -> None:
    """Refuse a completion the actor may not record, dated in the future, or with a score that is no percentage."""
    require_permission(actor, "training.add_completion")
    if not can_act_for(actor, person):
        raise PermissionDenied(
            _("%(name)s is not in your team: you may record training only for the people who report to you.")
            % {"name": person.full_name}
        )
    if completed_on > timezone.localdate():
        raise DomainError(_("A completion cannot be dated in the future."))
    if score is not None and not 0 <= score <= MAX_SCORE:
        raise DomainError(_("A score is a percentage, from 0 to 100."))


def _assignments_advance(*, completion: Completion) -> datetime.date | None:
    """Close the person's open assignment for the course with this completion, and open the next
    refresher when the course has an interval and is still active; returns the refresher's due date."""
    person, course = completion.person, completion.course
    Assignment.objects.open().filter(person=person, course=course).update(
        status=AssignmentStatus.COMPLETED, completed_at=timezone.now(), completion=completion
    )
    if not (course.refresher_interval_months and course.is_active):
        return None
    refresher_due = next_refresher_date(completion.completed_on, course.refresher_interval_months)
    Assignment.objects.create(person=person, course=course, reason=AssignmentReason.REFRESHER, due_date=refresher_due)
    return refresher_due


# What an external id stands for: the person, course, day and score of one completion.
CompletionFacts = tuple[int, int, datetime.date, int | None]


def _recorded_with_external_id(external_id: str, facts: CompletionFacts) -> Completion | None:
    """The completion already recorded under `external_id`, when it says the same; None when there is none.
    The same id with another person, course, day or score is refused: an id names one completion."""
    existing = Completion.objects.filter(external_id=external_id).first()
    if existing is None:
        return None
    if (existing.person_id, existing.course_id, existing.completed_on, existing.score) != facts:
        raise Conflict(
            _(
                "A completion with the external id “%(id)s” is recorded already with another person, course, "
                "date or score. Send each completion under an id of its own."
            )
            % {"id": external_id}
        )
    return existing


@transaction.atomic
def completion_get_or_record(
    *,
    person: StaffProfile,
    course: Course,
    completed_on: datetime.date,
    actor: Actor,
    score: int | None = None,
    evidence_note: str = "",
    session: TrainingSession | None = None,
    external_id: str = "",
) -> tuple[Completion, bool]:
    """Record that a person completed a course, unless the completion is recorded already under its
    external id; returns the completion and whether it was recorded now (as `get_or_create` does).

    Their open assignment for the course is closed and linked to the completion, and a course with a
    refresher interval gets the next refresher assignment, due the interval after the completion.
    A completion older than one already on record is kept as history and changes no assignment.
    A manager records completions for their own team only.

    An LMS reports a completion under its own id (`external_id`) and may send it again (a retry, a
    replayed batch): the same id with the same person, course, day and score returns the completion on
    record and changes nothing (no second audit event, no second refresher); the same id with anything
    else is refused with `Conflict`.
    """
    _completion_check(person=person, completed_on=completed_on, score=score, actor=actor)
    external_id = external_id.strip()
    if len(external_id) > MAX_EXTERNAL_ID_LENGTH:
        raise DomainError(
            ngettext(
                "An external id has at most %(count)s character.",
                "An external id has at most %(count)s characters.",
                MAX_EXTERNAL_ID_LENGTH,
            )
            % {"count": MAX_EXTERNAL_ID_LENGTH}
        )
    facts = (person.pk, course.pk, completed_on, score)
    # Two completions recorded at once must not both open a refresher; the same person's reports of
    # one external id also wait here for each other, and the second finds the first's row below.
    person_lock(person)
    if external_id and (existing := _recorded_with_external_id(external_id, facts)) is not None:
        return existing, False
    if session is not None and Completion.objects.filter(session=session, person=person).exists():
        raise DomainError(
            _("The completion of %(name)s is already recorded from this session.") % {"name": person.full_name}
        )
    latest = Completion.objects.filter(person=person, course=course).aggregate(last=Max("completed_on"))["last"]
    try:
        # A savepoint: one external id sent for two people at once passes both locks above, and the
        # database constraint refuses the second insert; this transaction lives on to say why.
        with transaction.atomic():
            completion = Completion.objects.create(
                person=person,
                course=course,
                completed_on=completed_on,
                score=score,
                evidence_note=evidence_note.strip(),
                recorded_by=actor,
                session=session,
                external_id=external_id,
            )
    except IntegrityError:
        winner = _recorded_with_external_id(external_id, facts) if external_id else None
        if winner is None:
            raise
        return winner, False
    is_latest = latest is None or completed_on > latest
    refresher_due = _assignments_advance(completion=completion) if is_latest else None
    event_record(
        actor=actor,
        action=audit_actions.COMPLETION_RECORD,
        target=completion,
        details={
            "person": person.employee_id,
            "course": course.pk,
            "completed_on": completed_on.isoformat(),
            "score": score,
            "session": session.pk if session else None,
            "refresher_due": refresher_due.isoformat() if refresher_due else None,
            "external_id": external_id or None,
        },
    )
    event_emit(type=EventType.COMPLETION_RECORDED, payload=webhook_payloads.completion_recorded(completion))
    return completion, True


class CompletionArguments(TypedDict, total=False):
    """What `completion_get_or_record` takes."""

    person: Required[StaffProfile]
    course: Required[Course]
    completed_on: Required[datetime.date]
    actor: Required[Actor]
    score: int | None
    evidence_note: str
    session: TrainingSession | None
    external_id: str


def completion_record(**arguments: Unpack[CompletionArguments]) -> Completion:
    """Record that a person completed a course (the rules are `completion_get_or_record`'s); a completion
    sent again under the same external id is the one on record."""
    completion, _created = completion_get_or_record(**arguments)
    return completion

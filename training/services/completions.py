"""Completions and refreshers: recording that a person completed a course, which closes their
assignment and, for a course with a refresher interval, opens the next one."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import event_record
from common.errors import DomainError
from common.permissions import require_permission
from people.models import StaffProfile
from training.models import (
    MAX_SCORE,
    Assignment,
    AssignmentReason,
    AssignmentStatus,
    Completion,
    Course,
    TrainingSession,
)
from training.selectors import can_act_for

from .. import audit_actions
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


@transaction.atomic
def completion_record(
    *,
    person: StaffProfile,
    course: Course,
    completed_on: datetime.date,
    actor: Actor,
    score: int | None = None,
    evidence_note: str = "",
    session: TrainingSession | None = None,
) -> Completion:
    """Record that a person completed a course.

    Their open assignment for the course is closed and linked to the completion, and a course with a
    refresher interval gets the next refresher assignment, due the interval after the completion.
    A completion older than one already on record is kept as history and changes no assignment.
    A manager records completions for their own team only.
    """
    _completion_check(person=person, completed_on=completed_on, score=score, actor=actor)
    # Two completions recorded at once must not both open a refresher.
    person_lock(person)
    if session is not None and Completion.objects.filter(session=session, person=person).exists():
        raise DomainError(
            _("The completion of %(name)s is already recorded from this session.") % {"name": person.full_name}
        )
    latest = Completion.objects.filter(person=person, course=course).aggregate(last=Max("completed_on"))["last"]
    completion = Completion.objects.create(
        person=person,
        course=course,
        completed_on=completed_on,
        score=score,
        evidence_note=evidence_note.strip(),
        recorded_by=actor,
        session=session,
    )
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
        },
    )
    return completion

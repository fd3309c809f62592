"""Assignments: a mandatory course assigned to its audience or to a joiner, retraining assigned to one
person, and an assignment cancelled."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, Exists, OuterRef, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import event_record
from common.bulk import insert_from_query
from common.errors import DomainError
from common.permissions import require_permission
from people.models import StaffProfile
from training.models import Assignment, AssignmentReason, AssignmentStatus, Completion, Course
from training.selectors import can_act_for

from .. import audit_actions
from ._shared import Actor, day_text, person_lock
from .audience import audience_department_ids
from .completions import valid_completion_since

# A new joiner or a new mandatory course: this many days to complete it.
INITIAL_DUE_DAYS = 30


def _assign_needing(course: Course, due: datetime.date, person_ids: Sequence[int] | None = None) -> int:
    """Assign the course to each active person in its audience (of `person_ids`, when given) with neither an
    open assignment for it nor a completion still valid: a refresher for someone whose completion lapsed,
    an initial assignment otherwise. One INSERT … SELECT, whatever the number of people; someone assigned at
    the same moment by another process is skipped, not an error. Returns how many were assigned."""
    people = StaffProfile.objects.filter(user__is_active=True)
    if person_ids is not None:
        people = people.filter(pk__in=person_ids)
    departments = audience_department_ids(course)
    if departments is not None:
        people = people.filter(department_id__in=departments)
    completions = Completion.objects.filter(person=OuterRef("pk"), course=course)
    valid_since = valid_completion_since(course, timezone.localdate())
    valid = completions if valid_since is None else completions.filter(completed_on__gte=valid_since)
    people = people.exclude(
        Exists(Assignment.objects.open().filter(person=OuterRef("pk"), course=course)) | Exists(valid)
    ).annotate(
        assignment_reason=Case(
            When(Exists(completions), then=Value(AssignmentReason.REFRESHER)), default=Value(AssignmentReason.INITIAL)
        )
    )
    return insert_from_query(
        Assignment,
        people.order_by().values_list("pk", "assignment_reason"),
        ["person", "reason"],
        course=course,
        due_date=due,
    )


@transaction.atomic
def assignments_create_for_course(*, course: Course, due_in_days: int = INITIAL_DUE_DAYS) -> int:
    """Assign an active mandatory course to every active person in its audience who needs it.

    Nobody is assigned twice: those with an open assignment for the course, and those whose last
    completion is still valid (within the refresher interval; for ever without one), are left out.
    Someone who completed the course before but whose completion lapsed gets a refresher, everyone
    else an initial assignment. Returns how many assignments were made; safe to run again.
    """
    if not (course.is_mandatory and course.is_active):
        return 0
    due = timezone.localdate() + datetime.timedelta(days=due_in_days)
    made = _assign_needing(course, due)
    if made:
        event_record(
            actor=None,
            action=audit_actions.ASSIGNMENT_CREATE_FOR_COURSE,
            target=course,
            details={"people": made, "due_date": due.isoformat()},
        )
    return made


@transaction.atomic
def assignments_create_for_people(*, person_ids: Sequence[int], due_in_days: int = INITIAL_DUE_DAYS) -> int:
    """Assign joiners (or people who moved department, or came back) the mandatory courses that now apply to them.

    Courses they have open, or completed recently enough, are left alone; leavers are assigned nothing.
    For one person or for everyone an HR import changed: a few queries per active mandatory course,
    however many people. Returns how many were made.
    """
    due = timezone.localdate() + datetime.timedelta(days=due_in_days)
    return sum(
        _assign_needing(course, due, person_ids) for course in Course.objects.filter(is_mandatory=True, is_active=True)
    )


def _open_assignment_message(assignment: Assignment) -> str:
    return _(
        "%(name)s already has an open %(reason)s assignment for “%(course)s”, due on %(due)s. "
        "It must be completed or cancelled before another one is assigned."
    ) % {
        "name": assignment.person.full_name,
        "reason": assignment.get_reason_display().lower(),
        "course": assignment.course,
        "due": day_text(assignment.due_date),
    }


@transaction.atomic
def retraining_assign(
    *, person: StaffProfile, course: Course, actor: Actor, due_date: datetime.date, note: str
) -> Assignment:
    """Assign a course again to one person, with the reason (a breach of the code, a complaint).

    Compliance may assign anyone; a manager only the people who report to them directly. The note is
    required, the due date may not be in the past, and a person with an open assignment for the
    course is not assigned another one.
    """
    require_permission(actor, "training.assign_retraining")
    if not can_act_for(actor, person):
        raise PermissionDenied(_("You may assign retraining only to the people who report to you."))
    note = note.strip()
    if not note:
        raise DomainError(_("Say why retraining is needed, for example “breach of the code on 3 March”."))
    if not course.is_active:
        raise DomainError(_("“%(course)s” is not active, so it cannot be assigned.") % {"course": course})
    if due_date < timezone.localdate():
        raise DomainError(_("The due date cannot be in the past."))
    # Two people assigning at once cannot both pass the check below.
    person_lock(person)
    existing = Assignment.objects.open().filter(person=person, course=course).select_related("person__user").first()
    if existing is not None:
        raise DomainError(_open_assignment_message(existing))
    assignment = Assignment.objects.create(
        person=person,
        course=course,
        reason=AssignmentReason.RETRAINING,
        note=note,
        due_date=due_date,
        assigned_by=actor,
    )
    event_record(
        actor=actor,
        action=audit_actions.ASSIGNMENT_RETRAINING,
        target=assignment,
        details={"person": person.employee_id, "course": course.pk, "due_date": due_date.isoformat(), "note": note},
    )
    return assignment


@transaction.atomic
def assignment_cancel(*, assignment: Assignment, actor: Actor, reason: str) -> Assignment:
    """Cancel an open assignment made by mistake (or for someone exempt); the reason is kept in the audit log."""
    require_permission(actor, "training.change_assignment")
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reason for cancelling; it is kept in the record."))
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.status != AssignmentStatus.OPEN:
        raise DomainError(
            _("Only an open assignment can be cancelled; this one is %(status)s.")
            % {"status": assignment.get_status_display().lower()}
        )
    assignment.status = AssignmentStatus.CANCELLED
    assignment.save(update_fields=["status"])
    event_record(actor=actor, action=audit_actions.ASSIGNMENT_CANCEL, target=assignment, details={"reason": reason})
    return assignment

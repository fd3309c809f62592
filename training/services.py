"""State changes for training: courses, sessions, enrolments, attendance, completions and assignments.

Every service that a person triggers checks the actor's permission (and, where a manager acts for
someone, that the person reports to them), refuses a change that breaks a rule with a DomainError a
person can read, and writes its audit event in the same transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from audit.services import event_record
from codes.models import CodeDocument, Section
from conduct_portal.errors import DomainError
from people.models import Department, StaffProfile
from people.selectors import manages

from .models import (
    MAX_SCORE,
    Assignment,
    AssignmentReason,
    AssignmentStatus,
    Completion,
    Course,
    Enrolment,
    TrainingSession,
)
from .selectors import can_act_for, can_cancel_session, courses_for_department, people_visible_to

Actor = User

BATCH_SIZE = 5000
# A new joiner or a new mandatory course: this many days to complete it.
INITIAL_DUE_DAYS = 30


def _require(actor: Actor, permission: str) -> None:
    if not actor.has_perm(permission):
        raise PermissionDenied(_("Your roles do not allow this action."))


def _day(value: datetime.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def next_refresher_date(completed_on: datetime.date, months: int) -> datetime.date:
    """The day a refresher falls due: `months` calendar months after the completion.

    A day that the target month lacks becomes its last day: 31 August + 6 months is
    28 February, or 29 February in a leap year.
    """
    return completed_on + relativedelta(months=months)


# ---------------------------------------------------------------------------
# Who a course is for
# ---------------------------------------------------------------------------


def audience_department_ids(course: Course) -> list[int] | None:
    """The departments a course is for, sub-departments included; None for all staff."""
    chosen = list(course.audience_departments.values_list("pk", flat=True))
    if not chosen:
        return None
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Department.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found: set[int] = set()
    stack = chosen
    while stack:
        department = stack.pop()
        if department not in found:
            found.add(department)
            stack.extend(children.get(department, []))
    return sorted(found)


def course_applies_to(course: Course, person: StaffProfile) -> bool:
    return Course.objects.filter(courses_for_department(person.department_id), pk=course.pk).exists()


def _chunks(ids: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(ids)
    while batch := list(islice(iterator, size)):
        yield batch


# ---------------------------------------------------------------------------
# Courses and sessions
# ---------------------------------------------------------------------------


def _check_course(title: str, document: CodeDocument | None, sections: list[Section], course: Course | None) -> None:
    same_title = Course.objects.filter(title__iexact=title.strip())
    if course is not None:
        same_title = same_title.exclude(pk=course.pk)
    if same_title.exists():
        raise DomainError(_("A course called “%(title)s” exists already.") % {"title": title.strip()})
    if not sections:
        return
    if document is None:
        raise DomainError(_("Choose the code document the sections come from."))
    foreign = Section.objects.filter(pk__in=[s.pk for s in sections]).exclude(version__document=document).first()
    if foreign is not None:
        raise DomainError(
            _("The section “%(section)s” is not part of “%(document)s”.")
            % {"section": foreign.title, "document": document}
        )


def _lock_person(person: StaffProfile) -> None:
    """Lock the person's row, so that two changes to their assignments at once happen one after the other."""
    list(StaffProfile.objects.select_for_update(of=("self",)).filter(pk=person.pk).order_by().values_list("pk"))


@transaction.atomic
def course_create(
    *,
    actor: Actor,
    title: str,
    description: str = "",
    document: CodeDocument | None = None,
    sections: Iterable[Section] = (),
    refresher_interval_months: int | None = None,
    audience_departments: Iterable[Department] = (),
    is_mandatory: bool = True,
    is_active: bool = True,
) -> Course:
    """Create a course. An active mandatory course is assigned at once to everyone in its audience."""
    _require(actor, "training.add_course")
    sections = list(sections)
    _check_course(title, document, sections, None)
    course = Course.objects.create(
        title=title.strip(),
        description=description,
        document=document,
        refresher_interval_months=refresher_interval_months,
        is_mandatory=is_mandatory,
        is_active=is_active,
    )
    course.sections.set(sections)
    course.audience_departments.set(list(audience_departments))
    event_record(
        actor=actor,
        action="training.course.create",
        target=course,
        details={"mandatory": is_mandatory, "refresher_interval_months": refresher_interval_months},
    )
    assignments_create_for_course(course=course)
    return course


@transaction.atomic
def course_update(
    *,
    course: Course,
    actor: Actor,
    title: str,
    description: str = "",
    document: CodeDocument | None = None,
    sections: Iterable[Section] = (),
    refresher_interval_months: int | None = None,
    audience_departments: Iterable[Department] = (),
    is_mandatory: bool = True,
    is_active: bool = True,
) -> Course:
    """Change a course. Deactivating it cancels its open assignments; making it mandatory (or widening
    its audience) assigns it to those in the audience who have not completed it."""
    _require(actor, "training.change_course")
    course = Course.objects.select_for_update().get(pk=course.pk)
    sections = list(sections)
    _check_course(title, document, sections, course)
    was_active = course.is_active
    course.title = title.strip()
    course.description = description
    course.document = document
    course.refresher_interval_months = refresher_interval_months
    course.is_mandatory = is_mandatory
    course.is_active = is_active
    course.save()
    course.sections.set(sections)
    course.audience_departments.set(list(audience_departments))
    cancelled = 0
    if was_active and not is_active:
        cancelled = course.assignments.open().update(status=AssignmentStatus.CANCELLED)
    event_record(
        actor=actor,
        action="training.course.update",
        target=course,
        details={"active": is_active, "mandatory": is_mandatory, "cancelled_assignments": cancelled},
    )
    assignments_create_for_course(course=course)
    return course


@transaction.atomic
def session_create(
    *,
    actor: Actor,
    course: Course,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    location: str,
    capacity: int,
    trainer: User | None = None,
) -> TrainingSession:
    """Plan a session of an active course, in the future, with at least one seat."""
    _require(actor, "training.add_trainingsession")
    if not course.is_active:
        raise DomainError(_("“%(course)s” is not active: it takes no new sessions.") % {"course": course})
    if ends_at <= starts_at:
        raise DomainError(_("A session must end after it starts."))
    if starts_at <= timezone.now():
        raise DomainError(_("A new session must start in the future."))
    if capacity < 1:
        raise DomainError(_("A session needs at least one seat."))
    session = TrainingSession.objects.create(
        course=course,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location,
        capacity=capacity,
        trainer=trainer,
        created_by=actor,
    )
    event_record(
        actor=actor,
        action="training.session.create",
        target=session,
        details={"course": course.pk, "starts_at": starts_at.isoformat(), "capacity": capacity},
    )
    return session


@transaction.atomic
def session_cancel(*, session: TrainingSession, actor: Actor) -> TrainingSession:
    """Cancel a session that has not started; its enrolments stay on record but hold no seat.

    Only the person who planned it may, or someone who oversees everyone's training and may change
    sessions: a manager cannot cancel another team's session.
    """
    _require(actor, "training.change_trainingsession")
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if not can_cancel_session(actor, session):
        raise PermissionDenied(_("Only the person who planned this session, or a compliance officer, may cancel it."))
    if session.cancelled:
        raise DomainError(_("This session is cancelled already."))
    if session.has_started:
        raise DomainError(_("This session has already started, so it can no longer be cancelled."))
    session.cancelled = True
    session.save(update_fields=["cancelled"])
    event_record(actor=actor, action="training.session.cancel", target=session)
    return session


# ---------------------------------------------------------------------------
# Assignments
# ---------------------------------------------------------------------------


def _valid_completion_since(course: Course, today: datetime.date) -> datetime.date | None:
    """Completions on or after this day still count; None when any completion counts for ever."""
    if course.refresher_interval_months is None:
        return None
    return today - relativedelta(months=course.refresher_interval_months) + datetime.timedelta(days=1)


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
    today = timezone.localdate()
    people = StaffProfile.objects.filter(user__is_active=True)
    departments = audience_department_ids(course)
    if departments is not None:
        people = people.filter(department_id__in=departments)
    completions = Completion.objects.filter(person=OuterRef("pk"), course=course)
    valid_since = _valid_completion_since(course, today)
    valid = completions if valid_since is None else completions.filter(completed_on__gte=valid_since)
    people = people.exclude(
        Exists(Assignment.objects.open().filter(person=OuterRef("pk"), course=course)) | Exists(valid)
    ).annotate(completed_before=Exists(completions))

    due = today + datetime.timedelta(days=due_in_days)
    before = course.assignments.count()
    rows = people.order_by("pk").values_list("pk", "completed_before").iterator(chunk_size=BATCH_SIZE)
    for batch in _chunks(rows, BATCH_SIZE):
        Assignment.objects.bulk_create(
            [
                Assignment(
                    person_id=pk,
                    course=course,
                    reason=AssignmentReason.REFRESHER if completed_before else AssignmentReason.INITIAL,
                    due_date=due,
                )
                for pk, completed_before in batch
            ],
            batch_size=BATCH_SIZE,
            # Someone assigned at the same moment by another process is skipped, not an error.
            ignore_conflicts=True,
        )
    # Skipped conflicts are not reported back, so count what is there now.
    made = course.assignments.count() - before
    if made:
        event_record(
            actor=None,
            action="training.assignment.create_for_course",
            target=course,
            details={"people": made, "due_date": due.isoformat()},
        )
    return made


@transaction.atomic
def assignments_create_for_person(*, person: StaffProfile, due_in_days: int = INITIAL_DUE_DAYS) -> int:
    """Assign a new joiner (or someone who moved department) the mandatory courses that now apply to them.

    Courses they have open, or completed recently enough, are left alone. Returns how many were made.
    """
    if not person.user.is_active:
        return 0
    today = timezone.localdate()
    courses = list(
        Course.objects.filter(courses_for_department(person.department_id), is_mandatory=True, is_active=True)
        .exclude(Exists(Assignment.objects.open().filter(person=person, course=OuterRef("pk"))))
        .distinct()
    )
    if not courses:
        return 0
    last_completed = dict(
        Completion.objects.filter(person=person, course__in=courses)
        .values("course_id")
        .annotate(last=Max("completed_on"))
        .values_list("course_id", "last")
    )
    due = today + datetime.timedelta(days=due_in_days)
    new = []
    for course in courses:
        last = last_completed.get(course.pk)
        valid_since = _valid_completion_since(course, today)
        if last is not None and (valid_since is None or last >= valid_since):
            continue
        reason = AssignmentReason.REFRESHER if last is not None else AssignmentReason.INITIAL
        new.append(Assignment(person=person, course=course, reason=reason, due_date=due))
    return len(Assignment.objects.bulk_create(new, ignore_conflicts=True))


def _open_assignment_message(assignment: Assignment) -> str:
    return _(
        "%(name)s already has an open %(reason)s assignment for “%(course)s”, due on %(due)s. "
        "It must be completed or cancelled before another one is assigned."
    ) % {
        "name": assignment.person.full_name,
        "reason": assignment.get_reason_display().lower(),
        "course": assignment.course,
        "due": _day(assignment.due_date),
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
    _require(actor, "training.assign_retraining")
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
    _lock_person(person)
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
        action="training.assignment.retraining",
        target=assignment,
        details={"person": person.employee_id, "course": course.pk, "due_date": due_date.isoformat(), "note": note},
    )
    return assignment


@transaction.atomic
def assignment_cancel(*, assignment: Assignment, actor: Actor, reason: str) -> Assignment:
    """Cancel an open assignment made by mistake (or for someone exempt); the reason is kept in the audit log."""
    _require(actor, "training.change_assignment")
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
    event_record(actor=actor, action="training.assignment.cancel", target=assignment, details={"reason": reason})
    return assignment


# ---------------------------------------------------------------------------
# Enrolments
# ---------------------------------------------------------------------------


def _require_self_or_manager(actor: Actor, person: StaffProfile) -> None:
    if person.user_id == actor.pk or manages(actor, person):
        return
    raise PermissionDenied(_("You may enrol only yourself, or the people who report to you."))


@transaction.atomic
def enrolment_create(*, session: TrainingSession, person: StaffProfile, actor: Actor) -> Enrolment:
    """Give a person a seat in a session: themselves, or a manager for someone who reports to them.

    Refused when the session is cancelled, has started or is full, when the person is enrolled
    already (in this or another upcoming session of the course), or when the course is not for them.
    The session row is locked while the seats are counted, so two people taking the last seat at
    the same moment cannot both have it.
    """
    _require_self_or_manager(actor, person)
    session = TrainingSession.objects.select_for_update(of=("self",)).select_related("course").get(pk=session.pk)
    if session.cancelled:
        raise DomainError(_("This session has been cancelled. Choose another date."))
    if session.has_started:
        raise DomainError(_("This session has already started; enrolment is closed."))
    if not session.course.is_active:
        raise DomainError(_("“%(course)s” is no longer offered.") % {"course": session.course})
    if Enrolment.objects.filter(session=session, person=person).exists():
        raise DomainError(_("%(name)s is already enrolled in this session.") % {"name": person.full_name})
    other = (
        Enrolment.objects.filter(session__course=session.course, person=person, attended__isnull=True)
        .filter(session__in=TrainingSession.objects.upcoming())
        .select_related("session")
        .first()
    )
    if other is not None:
        raise DomainError(
            _("%(name)s is already enrolled in this course on %(day)s. Cancel that enrolment first.")
            % {"name": person.full_name, "day": _day(timezone.localdate(other.session.starts_at))}
        )
    has_assignment = Assignment.objects.open().filter(person=person, course=session.course).exists()
    if not has_assignment and not course_applies_to(session.course, person):
        raise DomainError(
            _("“%(course)s” is not offered to %(name)s's department.")
            % {"course": session.course, "name": person.full_name}
        )
    if session.enrolments.count() >= session.capacity:
        raise DomainError(_("This session is full. Choose another date."))
    enrolment = Enrolment.objects.create(session=session, person=person)
    event_record(
        actor=actor,
        action="training.enrolment.create",
        target=enrolment,
        details={"session": session.pk, "person": person.employee_id},
    )
    return enrolment


@transaction.atomic
def enrolment_cancel(*, enrolment: Enrolment, actor: Actor) -> None:
    """Give up a seat before the session starts (the person themselves, or their manager)."""
    enrolment = Enrolment.objects.select_related("session", "person__manager").get(pk=enrolment.pk)
    _require_self_or_manager(actor, enrolment.person)
    session = TrainingSession.objects.select_for_update().get(pk=enrolment.session_id)
    if session.has_started:
        raise DomainError(_("The session has already started, so the enrolment can no longer be cancelled."))
    event_record(
        actor=actor,
        action="training.enrolment.cancel",
        target=enrolment,
        details={"session": session.pk, "person": enrolment.person.employee_id},
    )
    enrolment.delete()


# ---------------------------------------------------------------------------
# Attendance and completions
# ---------------------------------------------------------------------------


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
    _require(actor, "training.add_completion")
    if not can_act_for(actor, person):
        raise PermissionDenied(
            _("%(name)s is not in your team: you may record training only for the people who report to you.")
            % {"name": person.full_name}
        )
    if completed_on > timezone.localdate():
        raise DomainError(_("A completion cannot be dated in the future."))
    if score is not None and not 0 <= score <= MAX_SCORE:
        raise DomainError(_("A score is a percentage, from 0 to 100."))
    # Two completions recorded at once must not both open a refresher.
    _lock_person(person)
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
    refresher_due = None
    if latest is None or completed_on > latest:
        Assignment.objects.open().filter(person=person, course=course).update(
            status=AssignmentStatus.COMPLETED, completed_at=timezone.now(), completion=completion
        )
        if course.refresher_interval_months and course.is_active:
            refresher_due = next_refresher_date(completed_on, course.refresher_interval_months)
            Assignment.objects.create(
                person=person, course=course, reason=AssignmentReason.REFRESHER, due_date=refresher_due
            )
    event_record(
        actor=actor,
        action="training.completion.record",
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


@transaction.atomic
def attendance_record(*, session: TrainingSession, actor: Actor, attended_ids: set[int]) -> list[Completion]:
    """Record who attended a session, in one go: `attended_ids` are the staff profile ids of those
    present; every other enrolled person the actor acts for is marked absent.

    A manager records the attendance of their own team only (compliance, of everyone): ticking
    someone from another team is refused, and the other teams' enrolments are left as they are, for
    their own managers to record.

    Each attendee gets a completion dated the day the session ended (which closes their assignment
    and sets their next refresher). Recording again adds the attendees who were missed; it never
    completes anyone twice, and it refuses to mark absent someone whose completion is on record.
    Returns the completions made.
    """
    _require(actor, "training.add_completion")
    session = TrainingSession.objects.select_for_update(of=("self",)).select_related("course").get(pk=session.pk)
    if session.cancelled:
        raise DomainError(_("This session was cancelled: there is no attendance to record."))
    if not session.has_started:
        raise DomainError(_("Record the attendance once the session has taken place."))
    completed_on = timezone.localdate(session.ends_at)
    if completed_on > timezone.localdate():
        raise DomainError(_("Record the attendance once the session has ended."))
    everyone = list(session.enrolments.select_related("person__user", "person__manager"))
    strangers = set(attended_ids) - {enrolment.person_id for enrolment in everyone}
    if strangers:
        raise DomainError(_("Only people enrolled in the session can be marked present."))
    mine = set(people_visible_to(actor).filter(pk__in=[e.person_id for e in everyone]).values_list("pk", flat=True))
    others = sorted(e.person.full_name for e in everyone if e.person_id in attended_ids and e.person_id not in mine)
    if others:
        raise PermissionDenied(
            _("%(names)s are not in your team: you may record attendance only for the people who report to you.")
            % {"names": ", ".join(others)}
        )
    enrolments = [enrolment for enrolment in everyone if enrolment.person_id in mine]
    enrolled = {enrolment.person_id: enrolment for enrolment in enrolments}
    completed = set(Completion.objects.filter(session=session, person_id__in=mine).values_list("person_id", flat=True))
    undone = completed - set(attended_ids)
    if undone:
        names = ", ".join(sorted(enrolled[pk].person.full_name for pk in undone))
        raise DomainError(
            _("The completion of %(names)s is already recorded from this session, so they cannot be marked absent.")
            % {"names": names}
        )
    session.enrolments.filter(person_id__in=attended_ids).update(attended=True)
    session.enrolments.filter(person_id__in=mine).exclude(person_id__in=attended_ids).update(attended=False)
    made = [
        completion_record(
            person=enrolment.person,
            course=session.course,
            completed_on=completed_on,
            actor=actor,
            evidence_note=_("Attended the session of %(day)s.") % {"day": _day(completed_on)},
            session=session,
        )
        for enrolment in enrolments
        if enrolment.person_id in attended_ids and enrolment.person_id not in completed
    ]
    event_record(
        actor=actor,
        action="training.attendance.record",
        target=session,
        details={"present": len(attended_ids), "absent": len(enrolled) - len(attended_ids), "completed": len(made)},
    )
    return made


# ---------------------------------------------------------------------------
# Exports
# ---------------------------------------------------------------------------


def status_export_record(*, actor: Actor, file_format: str, rows: int, filters: dict[str, object]) -> None:
    """Note in the audit log who exported the training status, in which format, with which filters."""
    _require(actor, "training.view_training_status")
    event_record(
        actor=actor,
        action="training.export",
        target=None,
        details={"format": file_format, "rows": rows, "filters": filters},
    )

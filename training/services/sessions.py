"""Sessions of a course: planning and cancelling one, enrolling in it, and recording who attended."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import event_record
from common.errors import DomainError
from common.permissions import require_permission
from people.models import StaffProfile
from people.selectors import manages
from training.models import Assignment, Completion, Course, Enrolment, TrainingSession
from training.selectors import can_cancel_session, people_visible_to

from .. import audit_actions
from ._shared import Actor, day_text
from .audience import course_applies_to
from .completions import completion_record


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
    require_permission(actor, "training.add_trainingsession")
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
        action=audit_actions.SESSION_CREATE,
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
    require_permission(actor, "training.change_trainingsession")
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if not can_cancel_session(actor, session):
        raise PermissionDenied(_("Only the person who planned this session, or a compliance officer, may cancel it."))
    if session.cancelled:
        raise DomainError(_("This session is cancelled already."))
    if session.has_started:
        raise DomainError(_("This session has already started, so it can no longer be cancelled."))
    session.cancelled = True
    session.save(update_fields=["cancelled"])
    event_record(actor=actor, action=audit_actions.SESSION_CANCEL, target=session)
    return session


def _require_self_or_manager(actor: Actor, person: StaffProfile) -> None:
    if person.user_id == actor.pk or manages(actor, person):
        return
    raise PermissionDenied(_("You may enrol only yourself, or the people who report to you."))


def _enrolment_check(session: TrainingSession, person: StaffProfile) -> None:
    """Refuse a seat in a session that is cancelled, started, of an inactive course or full, to someone
    enrolled already (here or in another upcoming session of the course), or a course not for them."""
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
            % {"name": person.full_name, "day": day_text(timezone.localdate(other.session.starts_at))}
        )
    has_assignment = Assignment.objects.open().filter(person=person, course=session.course).exists()
    if not has_assignment and not course_applies_to(session.course, person):
        raise DomainError(
            _("“%(course)s” is not offered to %(name)s's department.")
            % {"course": session.course, "name": person.full_name}
        )
    if session.enrolments.count() >= session.capacity:
        raise DomainError(_("This session is full. Choose another date."))


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
    _enrolment_check(session, person)
    enrolment = Enrolment.objects.create(session=session, person=person)
    event_record(
        actor=actor,
        action=audit_actions.ENROLMENT_CREATE,
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
        action=audit_actions.ENROLMENT_CANCEL,
        target=enrolment,
        details={"session": session.pk, "person": enrolment.person.employee_id},
    )
    enrolment.delete()


def _attendance_day(session: TrainingSession) -> datetime.date:
    """The day the attendees completed the course: the day the session ended, which must be past."""
    if session.cancelled:
        raise DomainError(_("This session was cancelled: there is no attendance to record."))
    if not session.has_started:
        raise DomainError(_("Record the attendance once the session has taken place."))
    completed_on = timezone.localdate(session.ends_at)
    if completed_on > timezone.localdate():
        raise DomainError(_("Record the attendance once the session has ended."))
    return completed_on


def _enrolments_for_actor(session: TrainingSession, actor: Actor, attended_ids: set[int]) -> list[Enrolment]:
    """The enrolments whose attendance the actor records; refuses ticking someone not enrolled, or
    someone enrolled from a team the actor does not act for."""
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
    return [enrolment for enrolment in everyone if enrolment.person_id in mine]


def _completed_from_session(
    session: TrainingSession, enrolled: dict[int, Enrolment], attended_ids: set[int]
) -> set[int]:
    """Those of `enrolled` whose completion from this session is on record; refuses marking one of them absent."""
    completed = set(
        Completion.objects.filter(session=session, person_id__in=set(enrolled)).values_list("person_id", flat=True)
    )
    undone = completed - set(attended_ids)
    if undone:
        names = ", ".join(sorted(enrolled[pk].person.full_name for pk in undone))
        raise DomainError(
            _("The completion of %(names)s is already recorded from this session, so they cannot be marked absent.")
            % {"names": names}
        )
    return completed


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
    require_permission(actor, "training.add_completion")
    session = TrainingSession.objects.select_for_update(of=("self",)).select_related("course").get(pk=session.pk)
    completed_on = _attendance_day(session)
    enrolled = {enrolment.person_id: enrolment for enrolment in _enrolments_for_actor(session, actor, attended_ids)}
    completed = _completed_from_session(session, enrolled, attended_ids)
    session.enrolments.filter(person_id__in=attended_ids).update(attended=True)
    session.enrolments.filter(person_id__in=set(enrolled)).exclude(person_id__in=attended_ids).update(attended=False)
    made = [
        completion_record(
            person=enrolment.person,
            course=session.course,
            completed_on=completed_on,
            actor=actor,
            evidence_note=_("Attended the session of %(day)s.") % {"day": day_text(completed_on)},
            session=session,
        )
        for person_id, enrolment in enrolled.items()
        if person_id in attended_ids and person_id not in completed
    ]
    event_record(
        actor=actor,
        action=audit_actions.ATTENDANCE_RECORD,
        target=session,
        details={"present": len(attended_ids), "absent": len(enrolled) - len(attended_ids), "completed": len(made)},
    )
    return made

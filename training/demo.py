"""Demo training for `manage.py seed_demo`: three courses on the demo code, upcoming sessions, a year of
completions (so that some refreshers fall due within 30 days, some within 7, and a few are overdue), and
one retraining assignment.

Everything goes through the real services, so assignments and refreshers follow the portal's rules.
Courses are keyed by title: seeding again finds them and changes nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from codes.models import CodeDocument, Section, SectionCategory, VersionStatus
from people.models import StaffProfile

from .models import Assignment, AssignmentReason, Course
from .services.assignments import retraining_assign
from .services.completions import completion_record
from .services.courses import course_create, course_update
from .services.sessions import enrolment_create, session_create

DEMO_DOCUMENT_SLUG = "customer-service-code"
# The demo agent keeps a refresher coming due within a week and the privacy course still to do.
DEMO_AGENT = "agent"
RETRAINING_PERSON = "staff001"
RETRAINING_COURSE = "Handling difficult conversations"
RETRAINING_NOTE = "Breach of the code on 3 March: raised voice with a customer on a recorded call."


@dataclass(frozen=True)
class DemoCourse:
    title: str
    description: str
    is_mandatory: bool
    refresher_interval_months: int | None
    categories: tuple[str, ...]
    # (days from today, start hour, length in hours, seats, online)
    sessions: tuple[tuple[int, int, int, int, bool], ...]
    # Days ago each person (by their place in the staff list) completed the course; None: not yet.
    completed_days_ago: dict[int, int | None] = field(default_factory=dict)
    cycle: int = 10


COURSES = [
    DemoCourse(
        title="Customer service essentials",
        description="The code of conduct in practice: courtesy, response times, clear communication and "
        "handling a complaint from the first contact to its answer.",
        is_mandatory=True,
        refresher_interval_months=12,
        categories=(
            SectionCategory.PROFESSIONALISM,
            SectionCategory.RESPONSIVENESS,
            SectionCategory.COMMUNICATION,
            SectionCategory.COMPLAINT_HANDLING,
        ),
        sessions=((7, 9, 3, 12, False), (14, 14, 3, 12, True), (28, 9, 3, 20, False)),
        # Place in a cycle of 10 -> days ago: one in ten has not done it yet, and one in ten each
        # falls due within 7 days, within 30 days, or is overdue; the rest spread over the year.
        completed_days_ago={0: None, 1: 360, 2: 345, 3: 385},
        cycle=10,
    ),
    DemoCourse(
        title="Privacy and data protection",
        description="Verifying identity, keeping customer data where it belongs, and reporting a suspected "
        "breach within the hour.",
        is_mandatory=True,
        refresher_interval_months=12,
        categories=(SectionCategory.PRIVACY,),
        sessions=((10, 10, 2, 15, True), (21, 10, 2, 15, False)),
        completed_days_ago={0: None, 1: 362, 2: 340, 3: 372},
        cycle=8,
    ),
    DemoCourse(
        title="Handling difficult conversations",
        description="An optional workshop: calming an angry customer, saying no without losing them, and "
        "knowing when to hand over to a team lead.",
        is_mandatory=False,
        refresher_interval_months=None,
        categories=(SectionCategory.CONFLICT_RESOLUTION, SectionCategory.COMPLAINT_HANDLING),
        sessions=((12, 13, 4, 8, False),),
    ),
]


def _days_ago(course: DemoCourse, index: int) -> int | None:
    place = index % course.cycle
    if place in course.completed_days_ago:
        return course.completed_days_ago[place]
    return 20 + (index * 37) % 300


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@transaction.atomic
def seed_training(*, manager_username: str = "manager", compliance_username: str = "compliance") -> int:
    """Create the demo courses that do not exist yet, with their sessions and history; returns how many."""
    users = get_user_model().objects
    manager = users.filter(username=manager_username).first()
    if manager is None:
        return 0
    document = CodeDocument.objects.filter(slug=DEMO_DOCUMENT_SLUG).first()
    today = timezone.localdate()
    people = list(
        StaffProfile.objects.filter(user__is_active=True)
        .select_related("user", "manager__user")
        .order_by("employee_id")
    )
    created = 0
    for spec in COURSES:
        if Course.objects.filter(title__iexact=spec.title).exists():
            continue
        sections = Section.objects.none()
        if document is not None:
            sections = Section.objects.filter(
                version__document=document, version__status=VersionStatus.PUBLISHED, category__in=spec.categories
            )
        details: dict[str, Any] = {
            "title": spec.title,
            "description": spec.description,
            "document": document,
            "sections": sections,
            "refresher_interval_months": spec.refresher_interval_months,
        }
        # The history is recorded before the course becomes mandatory, as if it had been run for a year
        # already: making it mandatory then assigns it only to those without a valid completion.
        course = course_create(actor=manager, is_mandatory=False, **details)
        created += 1
        _seed_sessions(course, spec, manager, today)
        if spec.is_mandatory:
            _seed_history(course, spec, people, today)
            course = course_update(course=course, actor=manager, is_mandatory=True, **details)
            _seed_enrolments(course)
        if spec.title == RETRAINING_COURSE:
            _seed_retraining(course, users.filter(username=compliance_username).first() or manager, today)
    return created


def _seed_sessions(course: Course, spec: DemoCourse, manager: User, today: datetime.date) -> None:
    for days, hour, hours, seats, online in spec.sessions:
        starts_at = _at(today + datetime.timedelta(days=days), hour)
        session_create(
            actor=manager,
            course=course,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=hours),
            location="Online (the meeting link comes with the invitation)" if online else "Training room 2, HQ",
            capacity=seats,
            trainer=manager,
        )


def _seed_history(course: Course, spec: DemoCourse, people: list[StaffProfile], today: datetime.date) -> None:
    for index, person in enumerate(people):
        days_ago = _days_ago(spec, index)
        if person.user.username == DEMO_AGENT:
            days_ago = 360 if spec.title == "Customer service essentials" else None
        # A manager records completions for their own team only, so each person's history is recorded by
        # their manager; those who report to nobody have none.
        if days_ago is None or person.manager is None:
            continue
        completion_record(
            person=person,
            course=course,
            completed_on=today - datetime.timedelta(days=days_ago),
            actor=person.manager.user,
            score=70 + (index * 7) % 31,
            evidence_note="Recorded from the paper attendance sheet.",
        )


def _seed_enrolments(course: Course) -> None:
    """A few of those who have the course to do for the first time take a seat in its first session."""
    first_session = course.sessions.order_by("starts_at").first()
    if first_session is None:
        return
    newcomers = (
        Assignment.objects.open()
        .filter(course=course, reason=AssignmentReason.INITIAL)
        .exclude(person__user__username=DEMO_AGENT)
        .select_related("person__user", "person__manager")
        .order_by("person__employee_id")[:3]
    )
    for assignment in newcomers:
        enrolment_create(session=first_session, person=assignment.person, actor=assignment.person.user)


def _seed_retraining(course: Course, actor: User, today: datetime.date) -> None:
    person = StaffProfile.objects.filter(user__username=RETRAINING_PERSON).select_related("manager").first()
    if person is None or Assignment.objects.open().filter(person=person, course=course).exists():
        return
    retraining_assign(
        person=person,
        course=course,
        actor=actor,
        due_date=today + datetime.timedelta(days=21),
        note=RETRAINING_NOTE,
    )

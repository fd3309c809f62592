"""Reads for training pages, the compliance status and the exports: scoped to what the viewer may see,
already joined for the page, and counted by the database."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from common.spreadsheets import choice_label
from people.models import StaffProfile
from people.selectors import department_lineage, managed_by, manages, own_or_reporting_to, staff_directory

from .models import (
    Assignment,
    AssignmentQuerySet,
    AssignmentReason,
    AssignmentStatus,
    Completion,
    Course,
    Enrolment,
    TrainingSession,
)

Viewer = User | AnonymousUser

# "Completed" figures count the completions of the last this many months.
COMPLETED_WINDOW_MONTHS = 12
# The "My training" page lists at most this many upcoming sessions, the soonest first.
UPCOMING_LIMIT = 20


def completed_since(today: datetime.date | None = None) -> datetime.date:
    return (today or timezone.localdate()) - relativedelta(months=COMPLETED_WINDOW_MONTHS)


# ---------------------------------------------------------------------------
# Who a course is for, and who may see whom
# ---------------------------------------------------------------------------


def courses_for_department(department_id: int | None) -> Q:
    """A filter on courses: those for all staff, and those for the department or a department above it."""
    return Q(audience_departments__isnull=True) | Q(audience_departments__in=department_lineage(department_id))


def sees_all_training(user: Viewer) -> bool:
    """Whether the user oversees everyone's training (compliance), not only their team's."""
    return user.has_perm("training.view_training_status")


def people_visible_to(user: Viewer) -> QuerySet[StaffProfile]:
    """Whose training a person may look at and act on: everyone's for compliance, their team's for a
    manager (`people.selectors.managed_by`, the rule acknowledgements use too)."""
    if sees_all_training(user):
        return staff_directory()
    return managed_by(user)


def assignments_visible_to(user: Viewer) -> AssignmentQuerySet:
    """The assignments a person may see: everyone's for compliance, otherwise their own and their team's
    (what "My training" and a team member's page show)."""
    if sees_all_training(user):
        return Assignment.objects.all()
    return Assignment.objects.filter(own_or_reporting_to(user, path="person"))


def completions_visible_to(user: Viewer) -> QuerySet[Completion]:
    """The completions a person may see, by the rule of `assignments_visible_to`."""
    if sees_all_training(user):
        return Completion.objects.all()
    return Completion.objects.filter(own_or_reporting_to(user, path="person"))


def can_act_for(user: Viewer, person: StaffProfile) -> bool:
    """Whether the user may record training (attendance, completions, retraining) for `person`:
    compliance for anyone, a manager for their own team only."""
    return sees_all_training(user) or manages(user, person)


def can_assign_retraining_to(user: Viewer, person: StaffProfile) -> bool:
    """Mirrors `services.assignments.retraining_assign`."""
    return user.has_perm("training.assign_retraining") and can_act_for(user, person)


def can_cancel_session(user: Viewer, session: TrainingSession) -> bool:
    """The person who planned a session may cancel it; otherwise only someone who oversees everyone's
    training and may change sessions (a manager cannot cancel another manager's session)."""
    if not user.has_perm("training.change_trainingsession"):
        return False
    return (user.pk is not None and session.created_by_id == user.pk) or sees_all_training(user)


# ---------------------------------------------------------------------------
# A person's own training
# ---------------------------------------------------------------------------


def _open_assignments() -> AssignmentQuerySet:
    """Open assignments, the soonest due first (a person has at most one per course)."""
    return Assignment.objects.open().select_related("course", "assigned_by").order_by("due_date", "course__title")


def open_assignments_of(person: StaffProfile) -> AssignmentQuerySet:
    return _open_assignments().filter(person=person)


def open_assignments_of_user(user: Viewer) -> AssignmentQuerySet:
    """`open_assignments_of` the user's own profile, without reading the profile first."""
    return _open_assignments().filter(person__user__pk=user.pk or 0)


def completions_of(person: StaffProfile) -> QuerySet[Completion]:
    return Completion.objects.filter(person=person).select_related("course", "session").order_by("-completed_on", "-pk")


def upcoming_sessions_for(person: StaffProfile, *, now: datetime.datetime | None = None) -> QuerySet[TrainingSession]:
    """Upcoming sessions of the active courses for the person (their audience, or an assignment they hold),
    each with its seats taken and left and whether the person holds one (`my_enrolment_id`)."""
    courses = Course.objects.filter(is_active=True).filter(
        courses_for_department(person.department_id)
        | Q(pk__in=Assignment.objects.open().filter(person=person).values("course_id"))
    )
    mine = Enrolment.objects.filter(session=OuterRef("pk"), person=person)
    return (
        TrainingSession.objects.upcoming(now=now)
        .filter(course__in=courses.values("pk"))
        .select_related("course")
        .annotate(
            taken=Count("enrolments"),
            seats_left=F("capacity") - Count("enrolments"),
            my_enrolment_id=Subquery(mine.values("pk")[:1]),
        )
        .order_by("starts_at", "pk")
    )


# ---------------------------------------------------------------------------
# Courses and sessions
# ---------------------------------------------------------------------------


def course_list(user: Viewer) -> QuerySet[Course]:
    """Courses with their number of upcoming sessions; those who cannot change courses see active ones only."""
    courses = Course.objects.select_related("document").annotate(
        upcoming_sessions=Count(
            "sessions", filter=Q(sessions__cancelled=False, sessions__starts_at__gt=timezone.now()), distinct=True
        )
    )
    if not user.has_perm("training.change_course"):
        courses = courses.filter(is_active=True)
    return courses.order_by("title")


def sessions_of(course: Course) -> QuerySet[TrainingSession]:
    return (
        course.sessions.select_related("trainer")
        .annotate(taken=Count("enrolments"), seats_left=F("capacity") - Count("enrolments"))
        .order_by("-starts_at", "-pk")
    )


def reports_to_enrol(user: Viewer, session: TrainingSession) -> QuerySet[StaffProfile] | None:
    """The manager's direct reports not yet in the session; None when the user cannot enrol anyone in it."""
    if isinstance(user, AnonymousUser) or not user.has_perm("people.view_team"):
        return None
    if session.cancelled or session.has_started:
        return None
    return (
        managed_by(user)
        .filter(user__is_active=True)
        .exclude(training_enrolments__session=session)
        .order_by("user__last_name", "user__first_name", "employee_id")
    )


def enrolments_of(session: TrainingSession, *, viewer: Viewer) -> QuerySet[Enrolment]:
    """A session's enrolments of the people the viewer may see (`people_visible_to`), with each person
    and whether their completion from it is recorded."""
    return (
        session.enrolments.filter(person__in=people_visible_to(viewer).values("pk"))
        .select_related("person__user", "person__department")
        .annotate(completed=Exists(Completion.objects.filter(session=session, person=OuterRef("person_id"))))
        .order_by("person__user__last_name", "person__user__first_name", "pk")
    )


def sessions_awaiting_attendance_by(user: Viewer, *, now: datetime.datetime | None = None) -> QuerySet[TrainingSession]:
    """The sessions that took place (ended, not cancelled) where someone `user` records training for
    (`people_visible_to`) has no attendance recorded yet, the oldest first: none for those who may not
    record completions. A session leaves the list once its attendance is recorded."""
    if not user.has_perms(["training.add_completion", "training.view_trainingsession"]):
        return TrainingSession.objects.none()
    unrecorded = Enrolment.objects.filter(
        session=OuterRef("pk"), attended__isnull=True, person__in=people_visible_to(user).values("pk")
    )
    return (
        TrainingSession.objects.filter(cancelled=False, ends_at__lte=now or timezone.now())
        .filter(Exists(unrecorded))
        .select_related("course")
        .order_by("ends_at", "pk")
    )


# ---------------------------------------------------------------------------
# A manager's team
# ---------------------------------------------------------------------------


def overdue_of_team(user: Viewer) -> AssignmentQuerySet:
    """The overdue assignments of the people who report to `user` (`people.selectors.managed_by`), the longest
    overdue first (none for someone who manages nobody)."""
    if not user.has_perm("people.view_team"):
        return Assignment.objects.none()
    return (
        Assignment.objects.overdue(on=timezone.localdate())
        .filter(person__in=managed_by(user).values("pk"))
        .select_related("person__user", "course")
        .order_by("due_date", "pk")
    )


def _count_of(queryset: QuerySet) -> Coalesce:
    """A correlated subquery counting the rows of `queryset` for the outer person (0 when there are none)."""
    counted = queryset.order_by().values("person_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def team_status(user: Viewer, *, today: datetime.date | None = None) -> QuerySet[StaffProfile]:
    """The user's team (`people.selectors.managed_by`), each with open, overdue and recently completed counts."""
    today = today or timezone.localdate()
    assignments = Assignment.objects.filter(person=OuterRef("pk"))
    return (
        managed_by(user)
        .annotate(
            open_count=_count_of(assignments.filter(status=AssignmentStatus.OPEN)),
            overdue_count=_count_of(assignments.filter(Assignment.overdue_q(on=today))),
            completed_count=_count_of(
                Completion.objects.filter(person=OuterRef("pk"), completed_on__gte=completed_since(today))
            ),
        )
        .order_by("user__last_name", "user__first_name", "employee_id")
    )


# ---------------------------------------------------------------------------
# Compliance: status by department, the drill-down and the export
# ---------------------------------------------------------------------------

OVERDUE = "overdue"
# The states the status page counts, filters and exports by. Each tile is the number of rows its
# filter lists: open assignments (overdue ones included), overdue ones, completions of the last
# 12 months (with or without an assignment they closed), cancelled assignments.
STATES = (AssignmentStatus.OPEN, OVERDUE, AssignmentStatus.COMPLETED, AssignmentStatus.CANCELLED)


@dataclass(frozen=True)
class Filters:
    """The status page's filters; the export honours the same ones."""

    course_id: int | None = None
    department_id: int | None = None
    status: str = AssignmentStatus.OPEN  # one of STATES
    reason: str = ""

    def as_details(self) -> dict[str, object]:
        """For the audit log: the filters that were set."""
        return {key: str(value) for key, value in self.__dict__.items() if value not in (None, "")}


def _in_state(state: str, today: datetime.date) -> Q:
    """The assignments in a state other than completed (completions are counted from their own table)."""
    if state == OVERDUE:
        return Assignment.overdue_q(on=today)
    return Q(status=state)


def _assignments(filters: Filters) -> AssignmentQuerySet:
    assignments = Assignment.objects.all()
    if filters.course_id:
        assignments = assignments.filter(course_id=filters.course_id)
    if filters.department_id:
        assignments = assignments.filter(person__department_id=filters.department_id)
    if filters.reason:
        assignments = assignments.filter(reason=filters.reason)
    return assignments


def _completions(filters: Filters, today: datetime.date) -> QuerySet[Completion]:
    """Completions of the last 12 months; with a reason, those that closed an assignment given for it."""
    completions = Completion.objects.filter(completed_on__gte=completed_since(today))
    if filters.course_id:
        completions = completions.filter(course_id=filters.course_id)
    if filters.department_id:
        completions = completions.filter(person__department_id=filters.department_id)
    if filters.reason:
        closed = Assignment.objects.filter(completion=OuterRef("pk"), reason=filters.reason)
        completions = completions.filter(Exists(closed))
    return completions


def status_by_department(filters: Filters, *, today: datetime.date | None = None) -> list[dict]:
    """Per department, the number in each state (see STATES); the course, department and reason filters apply,
    the state filter does not (every state has its figure).

    Two grouped aggregate queries, whatever the number of people.
    """
    today = today or timezone.localdate()
    department = ("person__department_id", "person__department__name", "person__department__code")
    assignments = _assignments(filters).exclude(status=AssignmentStatus.COMPLETED)
    counts = {
        state: Count("pk", filter=_in_state(state, today)) for state in STATES if state != AssignmentStatus.COMPLETED
    }
    rows: dict[int, dict] = {}
    for row in assignments.values(*department).annotate(**counts):
        rows[row["person__department_id"]] = {**row, AssignmentStatus.COMPLETED: 0}
    for row in _completions(filters, today).values(*department).annotate(completed=Count("pk")):
        existing = rows.setdefault(row["person__department_id"], {**row, **dict.fromkeys(STATES, 0)})
        existing[AssignmentStatus.COMPLETED] = row["completed"]
    return sorted(rows.values(), key=lambda row: row["person__department__name"])


def status_totals(departments: list[dict]) -> dict[str, int]:
    return {state: sum(row[state] for row in departments) for state in STATES}


def assignment_list(assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """One row per assignment with everything the drill-down or the export shows, joined in one query."""
    return assignments.select_related(
        "person__user",
        "person__department",
        "person__manager__user",
        "course",
        "completion",
    ).order_by("person__department__name", "person__user__last_name", "person__user__first_name", "course__title", "pk")


def completion_list(completions: QuerySet[Completion]) -> QuerySet[Completion]:
    """One row per completion, like `assignment_list`, with the reason (its label in the active language) and
    due date of the assignment it closed: `closed_reason`, `closed_due_date`, '' and None when it closed none."""
    closed = Assignment.objects.filter(completion=OuterRef("pk")).order_by("pk")
    return (
        completions.select_related("person__user", "person__department", "person__manager__user", "course")
        .annotate(closed_reason_value=Subquery(closed.values("reason")[:1]))
        .annotate(
            closed_reason=choice_label("closed_reason_value", AssignmentReason.choices),
            closed_due_date=Subquery(closed.values("due_date")[:1]),
        )
        .order_by(
            "person__department__name", "person__user__last_name", "person__user__first_name", "course__title", "pk"
        )
    )


def status_rows(filters: Filters, *, today: datetime.date | None = None) -> QuerySet[Assignment] | QuerySet[Completion]:
    """The drill-down and the export of one state: completions for "completed", assignments otherwise.
    Their number is that state's figure in `status_by_department`."""
    today = today or timezone.localdate()
    if filters.status == AssignmentStatus.COMPLETED:
        return completion_list(_completions(filters, today))
    return assignment_list(_assignments(filters).filter(_in_state(filters.status, today)))


def assignments_of(person: StaffProfile) -> QuerySet[Assignment]:
    """Every assignment of a person, open ones first, for their page as seen by a manager or compliance."""
    return (
        Assignment.objects.filter(person=person)
        .select_related("course", "assigned_by", "completion")
        # Open first, then the rest; the latest due date first within each.
        .order_by(Case(When(status=AssignmentStatus.OPEN, then=Value(0)), default=Value(1)), "-due_date", "-pk")
    )

"""Training rules, one behaviour per test: each service's happy path, and every refusal."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audit.models import AuditEvent
from conduct_portal.errors import DomainError
from people.services import person_deactivate
from people.tests.factories import CodeDocumentFactory, DepartmentFactory, StaffProfileFactory
from training import services
from training.models import Assignment, AssignmentReason, AssignmentStatus, Completion, Course, Enrolment

from .factories import AssignmentFactory, CompletionFactory, CourseFactory, EnrolmentFactory, SessionFactory

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    return timezone.localdate()


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def open_assignment(person, course) -> Assignment:
    return Assignment.objects.open().get(person=person, course=course)


def assigned(course) -> set[str]:
    return set(Assignment.objects.open().filter(course=course).values_list("person__user__username", flat=True))


# ---------------------------------------------------------------------------
# Courses and sessions
# ---------------------------------------------------------------------------


def test_a_manager_creates_a_course_and_everyone_is_assigned_it(manager, agent, compliance_officer) -> None:
    course = services.course_create(actor=manager.user, title="Privacy basics", refresher_interval_months=12)

    assert assigned(course) == {"maria", "ana", "cora"}
    assignment = open_assignment(agent, course)
    assert assignment.reason == AssignmentReason.INITIAL
    assert assignment.due_date == today() + days(30)
    assert AuditEvent.objects.filter(action="training.course.create").count() == 1


def test_an_optional_course_assigns_nobody(manager, agent) -> None:
    course = services.course_create(actor=manager.user, title="Difficult conversations", is_mandatory=False)

    assert assigned(course) == set()


def test_a_course_is_linked_to_sections_of_its_document(manager, published) -> None:
    sections = list(published.sections.all())

    course = services.course_create(
        actor=manager.user, title="Code basics", document=published.document, sections=sections
    )

    assert set(course.sections.all()) == set(sections)


def test_sections_of_another_document_are_refused(manager, published) -> None:
    other = CodeDocumentFactory(owner=manager.user)

    with pytest.raises(DomainError, match="is not part of"):
        services.course_create(
            actor=manager.user, title="Code basics", document=other, sections=published.sections.all()
        )


def test_a_second_course_with_the_same_title_is_refused(manager, course) -> None:
    with pytest.raises(DomainError, match="exists already"):
        services.course_create(actor=manager.user, title="customer SERVICE essentials")


def test_an_agent_cannot_create_a_course(agent) -> None:
    with pytest.raises(PermissionDenied):
        services.course_create(actor=agent.user, title="My own course")


def test_deactivating_a_course_cancels_its_open_assignments(manager, agent, course) -> None:
    AssignmentFactory(person=agent, course=course)

    services.course_update(course=course, actor=manager.user, title=course.title, is_active=False)

    assert Assignment.objects.get(person=agent, course=course).status == AssignmentStatus.CANCELLED


def test_making_a_course_mandatory_assigns_it(manager, agent) -> None:
    course = services.course_create(actor=manager.user, title="Workshop", is_mandatory=False)

    services.course_update(course=course, actor=manager.user, title="Workshop", is_mandatory=True)

    assert "ana" in assigned(course)


def test_a_manager_plans_a_session(manager, course) -> None:
    starts_at = timezone.now() + days(3)

    session = services.session_create(
        actor=manager.user,
        course=course,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        location="Room 4",
        capacity=12,
        trainer=manager.user,
    )

    assert session.capacity == 12
    assert AuditEvent.objects.filter(action="training.session.create", object_id=str(session.pk)).exists()


@pytest.mark.parametrize(
    ("start_in_days", "hours", "message"),
    [(-1, 2, "must start in the future"), (3, 0, "must end after it starts")],
)
def test_a_session_in_the_past_or_ending_before_it_starts_is_refused(manager, course, start_in_days, hours, message):
    starts_at = timezone.now() + days(start_in_days)

    with pytest.raises(DomainError, match=message):
        services.session_create(
            actor=manager.user,
            course=course,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=hours),
            location="Room 4",
            capacity=12,
        )


def test_an_agent_cannot_plan_a_session(agent, course) -> None:
    starts_at = timezone.now() + days(3)

    with pytest.raises(PermissionDenied):
        services.session_create(
            actor=agent.user, course=course, starts_at=starts_at, ends_at=starts_at + days(1), location="X", capacity=1
        )


def test_a_session_is_cancelled_before_it_starts(manager, session) -> None:
    services.session_cancel(session=session, actor=manager.user)

    session.refresh_from_db()
    assert session.cancelled


def test_a_session_that_started_cannot_be_cancelled(manager, past_session) -> None:
    with pytest.raises(DomainError, match="already started"):
        services.session_cancel(session=past_session, actor=manager.user)


# ---------------------------------------------------------------------------
# Assigning a course to its audience
# ---------------------------------------------------------------------------


def test_a_departmental_course_is_assigned_to_that_department_and_its_sub_departments(manager, agent) -> None:
    operations = DepartmentFactory(name="Operations", code="OPS")
    agent.department.parent = operations
    agent.department.save()
    StaffProfileFactory(user__username="bob", department=DepartmentFactory(code="BIL"))
    course = CourseFactory()
    course.audience_departments.set([operations])

    made = services.assignments_create_for_course(course=course)

    assert assigned(course) == {"maria", "ana"}
    assert made == 2


def test_nobody_is_assigned_twice(course, agent) -> None:
    services.assignments_create_for_course(course=course)

    assert services.assignments_create_for_course(course=course) == 0
    assert Assignment.objects.filter(person=agent, course=course).count() == 1


def test_a_leaver_is_not_assigned(course, agent) -> None:
    person_deactivate(user=agent.user)

    services.assignments_create_for_course(course=course)

    assert "ana" not in assigned(course)


def test_a_recent_completion_spares_the_person(course, agent, manager) -> None:
    CompletionFactory(person=agent, course=course, completed_on=today() - days(100), recorded_by=manager.user)

    services.assignments_create_for_course(course=course)

    assert "ana" not in assigned(course)


def test_a_lapsed_completion_brings_a_refresher(course, agent, manager) -> None:
    CompletionFactory(person=agent, course=course, completed_on=today() - days(400), recorded_by=manager.user)

    services.assignments_create_for_course(course=course)

    assert open_assignment(agent, course).reason == AssignmentReason.REFRESHER


def test_without_a_refresher_interval_any_completion_counts_for_ever(agent, manager) -> None:
    course = CourseFactory(refresher_interval_months=None)
    CompletionFactory(person=agent, course=course, completed_on=today() - days(2000), recorded_by=manager.user)

    services.assignments_create_for_course(course=course)

    assert "ana" not in assigned(course)


@pytest.mark.parametrize("people", [1, 25])
def test_assigning_a_course_costs_the_same_queries_for_1_or_25_people(
    course, support, people, django_assert_num_queries
) -> None:
    StaffProfileFactory.create_batch(people, department=support)

    # savepoint, the course's audience departments, count before, the people who need it (one chunk),
    # one bulk insert, count after, the audit event, savepoint
    with django_assert_num_queries(8):
        made = services.assignments_create_for_course(course=course)

    assert made == people


def test_a_new_joiner_is_assigned_the_mandatory_courses_for_them(course, support) -> None:
    elsewhere = CourseFactory(title="Billing rules")
    elsewhere.audience_departments.set([DepartmentFactory(code="BIL")])
    CourseFactory(title="Optional workshop", is_mandatory=False)
    newcomer = StaffProfileFactory(department=support)

    made = services.assignments_create_for_person(person=newcomer)

    assert made == 1
    assert open_assignment(newcomer, course).reason == AssignmentReason.INITIAL


def test_a_new_joiner_is_assigned_after_the_profile_is_saved(course, support, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        newcomer = StaffProfileFactory(department=support)

    assert open_assignment(newcomer, course).due_date == today() + days(30)


def test_a_joiner_who_has_the_course_open_is_not_assigned_again(course, agent) -> None:
    AssignmentFactory(person=agent, course=course)

    assert services.assignments_create_for_person(person=agent) == 0


# ---------------------------------------------------------------------------
# Completions and refreshers
# ---------------------------------------------------------------------------


def test_a_completion_closes_the_open_assignment_and_links_it(course, agent, manager) -> None:
    assignment = AssignmentFactory(person=agent, course=course)

    completion = services.completion_record(
        person=agent, course=course, completed_on=today(), actor=manager.user, score=92, evidence_note="E-learning"
    )

    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.COMPLETED
    assert assignment.completion == completion
    assert assignment.completed_at is not None
    assert AuditEvent.objects.filter(action="training.completion.record").count() == 1


@time_machine.travel(datetime.datetime(2027, 9, 1, 9, tzinfo=datetime.UTC), tick=False)
def test_a_completion_sets_the_next_refresher_at_the_end_of_a_short_month(course, agent, manager) -> None:
    course.refresher_interval_months = 6
    course.save()

    services.completion_record(person=agent, course=course, completed_on=datetime.date(2027, 8, 31), actor=manager.user)

    refresher = open_assignment(agent, course)
    assert refresher.reason == AssignmentReason.REFRESHER
    assert refresher.due_date == datetime.date(2028, 2, 29)


def test_a_course_without_refresher_sets_none(agent, manager) -> None:
    course = CourseFactory(refresher_interval_months=None)
    AssignmentFactory(person=agent, course=course)

    services.completion_record(person=agent, course=course, completed_on=today(), actor=manager.user)

    assert not Assignment.objects.open().filter(person=agent, course=course).exists()


def test_an_older_completion_is_kept_as_history_and_changes_no_assignment(course, agent, manager) -> None:
    services.completion_record(person=agent, course=course, completed_on=today(), actor=manager.user)
    refresher = open_assignment(agent, course)

    services.completion_record(person=agent, course=course, completed_on=today() - days(200), actor=manager.user)

    assert open_assignment(agent, course) == refresher
    assert Completion.objects.filter(person=agent, course=course).count() == 2


def test_a_completion_in_the_future_is_refused(course, agent, manager) -> None:
    with pytest.raises(DomainError, match="future"):
        services.completion_record(person=agent, course=course, completed_on=today() + days(1), actor=manager.user)


def test_a_score_outside_0_to_100_is_refused(course, agent, manager) -> None:
    with pytest.raises(DomainError, match="percentage"):
        services.completion_record(person=agent, course=course, completed_on=today(), actor=manager.user, score=120)


def test_an_agent_cannot_record_a_completion(course, agent) -> None:
    with pytest.raises(PermissionDenied):
        services.completion_record(person=agent, course=course, completed_on=today(), actor=agent.user)


# ---------------------------------------------------------------------------
# Enrolment
# ---------------------------------------------------------------------------


def test_an_agent_enrols_themselves(session, agent) -> None:
    enrolment = services.enrolment_create(session=session, person=agent, actor=agent.user)

    assert enrolment.attended is None
    assert AuditEvent.objects.filter(action="training.enrolment.create").count() == 1


def test_a_manager_enrols_someone_who_reports_to_them(session, agent, manager) -> None:
    services.enrolment_create(session=session, person=agent, actor=manager.user)

    assert Enrolment.objects.filter(session=session, person=agent).exists()


def test_a_manager_cannot_enrol_someone_from_another_team(session, agent, second_manager) -> None:
    with pytest.raises(PermissionDenied):
        services.enrolment_create(session=session, person=agent, actor=second_manager.user)


def test_a_full_session_refuses_another_person(session, agent, manager, second_manager) -> None:
    services.enrolment_create(session=session, person=manager, actor=manager.user)
    services.enrolment_create(session=session, person=second_manager, actor=second_manager.user)

    with pytest.raises(DomainError, match="full"):
        services.enrolment_create(session=session, person=agent, actor=agent.user)


def test_a_cancelled_session_refuses_enrolment(session, agent) -> None:
    session.cancelled = True
    session.save()

    with pytest.raises(DomainError, match="cancelled"):
        services.enrolment_create(session=session, person=agent, actor=agent.user)


def test_a_session_that_started_refuses_enrolment(past_session, agent) -> None:
    with pytest.raises(DomainError, match="already started"):
        services.enrolment_create(session=past_session, person=agent, actor=agent.user)


def test_enrolling_twice_is_refused(session, agent) -> None:
    services.enrolment_create(session=session, person=agent, actor=agent.user)

    with pytest.raises(DomainError, match="already enrolled in this session"):
        services.enrolment_create(session=session, person=agent, actor=agent.user)


def test_enrolling_in_a_second_date_of_the_same_course_is_refused(session, agent) -> None:
    services.enrolment_create(session=session, person=agent, actor=agent.user)
    later = SessionFactory(course=session.course, starts_at=session.starts_at + days(7))

    with pytest.raises(DomainError, match="already enrolled in this course"):
        services.enrolment_create(session=later, person=agent, actor=agent.user)


def test_a_course_for_another_department_refuses_enrolment(agent) -> None:
    course = CourseFactory()
    course.audience_departments.set([DepartmentFactory(code="BIL")])

    with pytest.raises(DomainError, match="not offered"):
        services.enrolment_create(session=SessionFactory(course=course), person=agent, actor=agent.user)


def test_an_assignment_opens_a_course_of_another_department(agent) -> None:
    course = CourseFactory()
    course.audience_departments.set([DepartmentFactory(code="BIL")])
    AssignmentFactory(person=agent, course=course, reason=AssignmentReason.RETRAINING, note="Complaint of 3 March")

    services.enrolment_create(session=SessionFactory(course=course), person=agent, actor=agent.user)


def test_cancelling_an_enrolment_frees_the_seat(session, agent) -> None:
    enrolment = services.enrolment_create(session=session, person=agent, actor=agent.user)

    services.enrolment_cancel(enrolment=enrolment, actor=agent.user)

    assert not Enrolment.objects.filter(session=session).exists()
    assert AuditEvent.objects.filter(action="training.enrolment.cancel").count() == 1


def test_an_enrolment_cannot_be_cancelled_once_the_session_started(past_session, agent) -> None:
    enrolment = EnrolmentFactory(session=past_session, person=agent)

    with pytest.raises(DomainError, match="already started"):
        services.enrolment_cancel(enrolment=enrolment, actor=agent.user)


def test_someone_else_cannot_cancel_an_agents_enrolment(session, agent, second_manager) -> None:
    enrolment = services.enrolment_create(session=session, person=agent, actor=agent.user)

    with pytest.raises(PermissionDenied):
        services.enrolment_cancel(enrolment=enrolment, actor=second_manager.user)


# ---------------------------------------------------------------------------
# Attendance
# ---------------------------------------------------------------------------


@pytest.fixture
def attended(past_session, agent, teammate):
    """Ana and Bogdan (both in Maria's team) enrolled in yesterday's session."""
    EnrolmentFactory(session=past_session, person=agent)
    EnrolmentFactory(session=past_session, person=teammate)
    return past_session


def test_attendance_marks_everyone_and_completes_those_present(attended, agent, teammate, manager) -> None:
    made = services.attendance_record(session=attended, actor=manager.user, attended_ids={agent.pk})

    assert {e.person_id: e.attended for e in attended.enrolments.all()} == {agent.pk: True, teammate.pk: False}
    assert [c.person for c in made] == [agent]
    completion = Completion.objects.get(person=agent)
    assert completion.session == attended
    assert completion.recorded_by == manager.user
    assert completion.completed_on == timezone.localdate(attended.ends_at)
    assert not Completion.objects.filter(person=teammate).exists()


def test_attendance_closes_the_assignment_and_sets_the_refresher(attended, agent, manager, course) -> None:
    assignment = AssignmentFactory(person=agent, course=course)

    services.attendance_record(session=attended, actor=manager.user, attended_ids={agent.pk})

    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.COMPLETED
    refresher = open_assignment(agent, course)
    assert refresher.reason == AssignmentReason.REFRESHER
    assert refresher.due_date == services.next_refresher_date(timezone.localdate(attended.ends_at), 12)


def test_recording_attendance_again_never_completes_anyone_twice(attended, agent, teammate, manager) -> None:
    services.attendance_record(session=attended, actor=manager.user, attended_ids={agent.pk})

    made = services.attendance_record(session=attended, actor=manager.user, attended_ids={agent.pk, teammate.pk})

    assert [c.person for c in made] == [teammate]
    assert Completion.objects.filter(session=attended).count() == 2


def test_someone_completed_cannot_be_marked_absent(attended, agent, manager) -> None:
    services.attendance_record(session=attended, actor=manager.user, attended_ids={agent.pk})

    with pytest.raises(DomainError, match="cannot be marked absent"):
        services.attendance_record(session=attended, actor=manager.user, attended_ids=set())


def test_attendance_of_someone_not_enrolled_is_refused(attended, compliance_officer, manager) -> None:
    with pytest.raises(DomainError, match="Only people enrolled"):
        services.attendance_record(session=attended, actor=manager.user, attended_ids={compliance_officer.pk})


def test_attendance_before_the_session_is_refused(session, manager) -> None:
    with pytest.raises(DomainError, match="once the session has taken place"):
        services.attendance_record(session=session, actor=manager.user, attended_ids=set())


def test_attendance_of_a_cancelled_session_is_refused(attended, manager) -> None:
    attended.cancelled = True
    attended.save()

    with pytest.raises(DomainError, match="cancelled"):
        services.attendance_record(session=attended, actor=manager.user, attended_ids=set())


def test_an_agent_cannot_record_attendance(attended, agent) -> None:
    with pytest.raises(PermissionDenied):
        services.attendance_record(session=attended, actor=agent.user, attended_ids={agent.pk})


# ---------------------------------------------------------------------------
# Retraining
# ---------------------------------------------------------------------------


def retrain(person, course, actor, **kwargs) -> Assignment:
    arguments = {"due_date": today() + days(14), "note": "Breach of the code on 3 March", **kwargs}
    return services.retraining_assign(person=person, course=course, actor=actor, **arguments)


def test_compliance_assigns_retraining_to_anyone(course, second_manager, compliance_officer) -> None:
    assignment = retrain(second_manager, course, compliance_officer.user)

    assert assignment.reason == AssignmentReason.RETRAINING
    assert assignment.assigned_by == compliance_officer.user
    assert assignment.note == "Breach of the code on 3 March"
    assert AuditEvent.objects.filter(action="training.assignment.retraining").count() == 1


def test_a_manager_assigns_retraining_to_a_direct_report(course, agent, manager) -> None:
    assert retrain(agent, course, manager.user).due_date == today() + days(14)


def test_a_manager_cannot_assign_retraining_outside_their_team(course, agent, second_manager) -> None:
    with pytest.raises(PermissionDenied):
        retrain(agent, course, second_manager.user)


def test_an_agent_cannot_assign_retraining(course, manager, agent) -> None:
    with pytest.raises(PermissionDenied):
        retrain(manager, course, agent.user)


def test_retraining_needs_a_reason(course, agent, manager) -> None:
    with pytest.raises(DomainError, match="Say why"):
        retrain(agent, course, manager.user, note="   ")


def test_retraining_cannot_be_due_in_the_past(course, agent, manager) -> None:
    with pytest.raises(DomainError, match="past"):
        retrain(agent, course, manager.user, due_date=today() - days(1))


def test_retraining_is_refused_while_an_assignment_is_open_and_says_which(course, agent, manager) -> None:
    AssignmentFactory(person=agent, course=course, due_date=datetime.date(2031, 3, 5))

    with pytest.raises(DomainError, match=r"already has an open initial assignment .* due on March 5, 2031"):
        retrain(agent, course, manager.user)


def test_retraining_in_an_inactive_course_is_refused(agent, manager) -> None:
    with pytest.raises(DomainError, match="not active"):
        retrain(agent, CourseFactory(is_active=False), manager.user)


def test_an_open_assignment_is_cancelled_with_a_reason(course, agent, administrator) -> None:
    administrator.user.is_superuser = True
    administrator.user.save()
    assignment = AssignmentFactory(person=agent, course=course)

    services.assignment_cancel(assignment=assignment, actor=administrator.user, reason="Exempt: trainer")

    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.CANCELLED


def test_a_course_title_is_kept_tidy(manager) -> None:
    assert services.course_create(actor=manager.user, title="  Spaced title ").title == "Spaced title"
    assert Course.objects.filter(title="Spaced title").exists()

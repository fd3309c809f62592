"""Training pages: who may open what, the forms, the refusals, and what each page costs in queries."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.utils import formats, timezone

from audit.models import AuditEvent
from people.tests.factories import DepartmentFactory, StaffProfileFactory
from training.exports import COLUMNS
from training.models import Assignment, AssignmentReason, AssignmentStatus, Completion, Course, Enrolment

from .factories import AssignmentFactory, CompletionFactory, CourseFactory, EnrolmentFactory, SessionFactory

# Until training is wired into the project's URLs, the tests add it themselves.
pytestmark = pytest.mark.django_db

MINE = "/training/"
COURSES = "/training/courses/"
TEAM = "/training/team/"
STATUS = "/training/status/"


def today() -> datetime.date:
    return timezone.localdate()


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def page_of(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# ---------------------------------------------------------------------------
# My training
# ---------------------------------------------------------------------------


def test_an_agent_sees_open_assignments_with_due_dates_and_overdue_marked(client, agent, course) -> None:
    AssignmentFactory(person=agent, course=course, due_date=today() - days(2))
    AssignmentFactory(person=agent, course=CourseFactory(title="Privacy basics"), due_date=today() + days(9))
    client.force_login(agent.user)

    response = client.get(MINE)

    assert response.status_code == 200
    assert [a.course.title for a in response.context["assignments"]] == [
        "Customer service essentials",
        "Privacy basics",
    ]
    page = page_of(response)
    assert "Overdue" in page
    assert formats.date_format(today() + days(9), "DATE_FORMAT") in page


def test_an_agent_sees_upcoming_sessions_of_their_courses_with_seats_left(client, agent, session, manager) -> None:
    EnrolmentFactory(session=session, person=manager)
    elsewhere = CourseFactory(title="Billing rules")
    elsewhere.audience_departments.set([DepartmentFactory(code="BIL")])
    SessionFactory(course=elsewhere)
    client.force_login(agent.user)

    sessions = client.get(MINE).context["sessions"]

    assert [(s.course.title, s.seats_left, s.my_enrolment_id) for s in sessions] == [
        ("Customer service essentials", 1, None)
    ]


def test_an_agent_sees_their_completions(client, agent, course, manager) -> None:
    CompletionFactory(person=agent, course=course, recorded_by=manager.user, score=87)
    client.force_login(agent.user)

    response = client.get(MINE)

    assert [c.course for c in response.context["page"]] == [course]
    assert "87%" in page_of(response)


def test_an_agent_enrols_in_a_session(client, agent, session) -> None:
    client.force_login(agent.user)

    response = client.post(f"/training/sessions/{session.pk}/enrol/")

    assert response.status_code == 302
    assert response["Location"] == MINE
    assert Enrolment.objects.filter(session=session, person=agent).exists()
    followed = client.get(MINE)
    assert followed.context["sessions"][0].my_enrolment_id is not None
    assert "Cancel enrolment" in page_of(followed)


def test_enrolling_in_a_full_session_shows_a_message_not_an_error(client, agent, session, manager, second_manager):
    EnrolmentFactory(session=session, person=manager)
    EnrolmentFactory(session=session, person=second_manager)
    client.force_login(agent.user)

    response = client.post(f"/training/sessions/{session.pk}/enrol/", follow=True)

    assert response.status_code == 200
    assert "This session is full. Choose another date." in messages_of(response)
    assert not Enrolment.objects.filter(person=agent).exists()


def test_an_agent_cancels_their_enrolment(client, agent, session) -> None:
    enrolment = EnrolmentFactory(session=session, person=agent)
    client.force_login(agent.user)

    response = client.post(f"/training/enrolments/{enrolment.pk}/cancel/")

    assert response.status_code == 302
    assert not Enrolment.objects.filter(pk=enrolment.pk).exists()


def test_nobody_else_finds_an_agents_enrolment(client, agent, session, second_manager) -> None:
    enrolment = EnrolmentFactory(session=session, person=agent)
    client.force_login(second_manager.user)

    assert client.post(f"/training/enrolments/{enrolment.pk}/cancel/").status_code == 404
    assert Enrolment.objects.filter(pk=enrolment.pk).exists()


@pytest.mark.parametrize("path", ["/training/sessions/{pk}/enrol/", "/training/sessions/{pk}/attendance/"])
def test_state_changes_refuse_get(client, manager, session, path) -> None:
    client.force_login(manager.user)

    assert client.get(path.format(pk=session.pk)).status_code == 405


def test_anonymous_visitors_are_sent_to_sign_in(client, session) -> None:
    for path in (MINE, COURSES, f"/training/sessions/{session.pk}/", STATUS):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("rows", [1, 20])
def test_my_training_costs_the_same_queries_for_1_or_20_rows(
    client, agent, manager, rows, django_assert_num_queries
) -> None:
    for number in range(rows):
        course = CourseFactory()
        AssignmentFactory(person=agent, course=course)
        CompletionFactory(person=agent, course=course, recorded_by=manager.user)
        EnrolmentFactory(session=SessionFactory(course=course), person=agent)
        SessionFactory(course=course, starts_at=timezone.now() + days(number + 10))
    client.force_login(agent.user)

    # session, user, permissions (user's own + through groups), the profile, open assignments with their courses,
    # the department tree (for courses of parent departments), upcoming sessions with seats left and the person's
    # enrolment, count of completions, unread notifications (navigation), one page of completions
    with django_assert_num_queries(11):
        response = client.get(MINE)
    assert response.status_code == 200


# ---------------------------------------------------------------------------
# Courses
# ---------------------------------------------------------------------------


def test_a_manager_creates_a_course_and_its_audience_is_assigned(client, manager, agent, published) -> None:
    client.force_login(manager.user)
    section = published.sections.get(title="Privacy")

    response = client.post(
        "/training/courses/new/",
        {
            "title": "Privacy and data protection",
            "description": "Verify identity first.",
            "document": published.document.pk,
            "sections": [section.pk],
            "refresher_interval_months": 12,
            "is_mandatory": "on",
            "is_active": "on",
        },
    )

    course = Course.objects.get(title="Privacy and data protection")
    assert response["Location"] == f"/training/courses/{course.pk}/"
    assert list(course.sections.all()) == [section]
    assert Assignment.objects.filter(course=course, person=agent, reason=AssignmentReason.INITIAL).exists()


def test_the_course_form_shows_its_errors(client, manager, course) -> None:
    client.force_login(manager.user)

    response = client.post("/training/courses/new/", {"title": "", "refresher_interval_months": 0})

    assert response.status_code == 200
    page = page_of(response)
    assert "This field is required." in page
    assert "Ensure this value is greater than or equal to 1." in page
    duplicate = client.post("/training/courses/new/", {"title": course.title.lower()})
    assert "exists already" in page_of(duplicate)


def test_a_manager_edits_a_course(client, manager, course) -> None:
    client.force_login(manager.user)

    response = client.post(
        f"/training/courses/{course.pk}/edit/",
        {"title": "Customer service essentials", "refresher_interval_months": 24, "is_active": "on"},
    )

    assert response.status_code == 302
    course.refresh_from_db()
    assert course.refresher_interval_months == 24
    assert course.is_mandatory is False


def test_an_agent_reads_courses_but_cannot_create_or_edit_them(client, agent, course) -> None:
    client.force_login(agent.user)

    assert client.get(COURSES).status_code == 200
    assert client.get(f"/training/courses/{course.pk}/").status_code == 200
    assert client.get("/training/courses/new/").status_code == 403
    assert client.get(f"/training/courses/{course.pk}/edit/").status_code == 403


def test_an_agent_does_not_find_an_inactive_course(client, agent) -> None:
    course = CourseFactory(is_active=False)
    client.force_login(agent.user)

    assert client.get(f"/training/courses/{course.pk}/").status_code == 404
    assert course.title not in page_of(client.get(COURSES))


@pytest.mark.parametrize("rows", [1, 20])
def test_the_course_list_costs_the_same_queries_for_1_or_20_courses(
    client, manager, rows, django_assert_num_queries
) -> None:
    for _ in range(rows):
        SessionFactory(course=CourseFactory())
    client.force_login(manager.user)

    # session, user, permissions (user's own + through groups), count, unread notifications (navigation),
    # one page of courses with their document and upcoming session counts
    with django_assert_num_queries(7):
        assert client.get(COURSES).status_code == 200


@pytest.mark.parametrize("rows", [1, 20])
def test_the_course_page_costs_the_same_queries_for_1_or_20_sessions(
    client, manager, course, rows, django_assert_num_queries
) -> None:
    for number in range(rows):
        SessionFactory(course=course, starts_at=timezone.now() + days(number + 1), trainer=manager.user)
    client.force_login(manager.user)

    # session, user, permissions (user's own + through groups), the course with its document, its sections,
    # its departments, count of sessions, unread notifications (navigation), one page of sessions with trainer and seats
    with django_assert_num_queries(10):
        assert client.get(f"/training/courses/{course.pk}/").status_code == 200


# ---------------------------------------------------------------------------
# Sessions and attendance
# ---------------------------------------------------------------------------


def test_a_manager_plans_a_session(client, manager, course) -> None:
    client.force_login(manager.user)
    starts_at = timezone.localtime() + days(5)

    response = client.post(
        "/training/sessions/new/",
        {
            "course": course.pk,
            "starts_at": starts_at.strftime("%Y-%m-%dT09:00"),
            "ends_at": starts_at.strftime("%Y-%m-%dT12:00"),
            "location": "Online",
            "capacity": 15,
            "trainer": manager.user.pk,
        },
    )

    session = course.sessions.get()
    assert response["Location"] == f"/training/sessions/{session.pk}/"
    assert (session.capacity, session.trainer, session.location) == (15, manager.user, "Online")


def test_the_session_form_refuses_an_end_before_the_start(client, manager, course) -> None:
    client.force_login(manager.user)
    starts_at = timezone.localtime() + days(5)

    response = client.post(
        "/training/sessions/new/",
        {
            "course": course.pk,
            "starts_at": starts_at.strftime("%Y-%m-%dT09:00"),
            "ends_at": starts_at.strftime("%Y-%m-%dT08:00"),
            "location": "Online",
            "capacity": 15,
        },
    )

    assert response.status_code == 200
    assert "A session must end after it starts." in page_of(response)
    assert not course.sessions.exists()


def test_an_agent_cannot_open_a_session_page_or_plan_one(client, agent, session) -> None:
    client.force_login(agent.user)

    assert client.get(f"/training/sessions/{session.pk}/").status_code == 403
    assert client.get("/training/sessions/new/").status_code == 403


@pytest.fixture
def held(past_session, agent, teammate):
    """Yesterday's session, with Ana and Bogdan (both in Maria's team) enrolled."""
    EnrolmentFactory(session=past_session, person=agent)
    EnrolmentFactory(session=past_session, person=teammate)
    return past_session


def test_the_attendance_form_has_a_tick_per_enrolled_person(client, manager, held, agent, teammate) -> None:
    client.force_login(manager.user)

    page = page_of(client.get(f"/training/sessions/{held.pk}/"))

    assert page.count('name="present"') == 2
    assert agent.full_name in page
    assert "Save attendance" in page


def test_the_attendance_form_records_completions_and_refreshers(client, manager, held, agent, teammate, course):
    AssignmentFactory(person=agent, course=course)
    enrolment = Enrolment.objects.get(session=held, person=agent)
    client.force_login(manager.user)

    response = client.post(f"/training/sessions/{held.pk}/attendance/", {"present": [enrolment.pk]})

    assert response["Location"] == f"/training/sessions/{held.pk}/"
    enrolment.refresh_from_db()
    assert enrolment.attended is True
    assert Enrolment.objects.get(session=held, person=teammate).attended is False
    completion = Completion.objects.get(person=agent, session=held)
    assert Assignment.objects.get(person=agent, status=AssignmentStatus.COMPLETED).completion == completion
    refresher = Assignment.objects.open().get(person=agent, course=course)
    assert refresher.reason == AssignmentReason.REFRESHER
    assert refresher.due_date.year == completion.completed_on.year + 1
    assert AuditEvent.objects.filter(action="training.attendance.record").count() == 1


def test_attendance_before_the_session_is_a_message_not_an_error(client, manager, session, agent) -> None:
    enrolment = EnrolmentFactory(session=session, person=agent)
    client.force_login(manager.user)

    response = client.post(f"/training/sessions/{session.pk}/attendance/", {"present": [enrolment.pk]})

    assert response.status_code == 400
    assert "Record the attendance once the session has taken place." in page_of(response)
    assert not Completion.objects.exists()


def test_compliance_cannot_record_attendance(client, compliance_officer, held) -> None:
    client.force_login(compliance_officer.user)

    assert client.post(f"/training/sessions/{held.pk}/attendance/", {"present": []}).status_code == 403


def test_a_manager_enrols_someone_from_their_team(client, manager, agent, session) -> None:
    client.force_login(manager.user)
    page = page_of(client.get(f"/training/sessions/{session.pk}/"))
    assert "Enrol from my team" in page

    response = client.post(f"/training/sessions/{session.pk}/enrol/", {"person": agent.pk})

    assert response.status_code == 302
    assert Enrolment.objects.filter(session=session, person=agent).exists()


def test_a_manager_does_not_find_someone_from_another_team_to_enrol(client, second_manager, agent, session) -> None:
    client.force_login(second_manager.user)

    assert client.post(f"/training/sessions/{session.pk}/enrol/", {"person": agent.pk}).status_code == 404


def test_a_manager_cancels_a_session(client, manager, session) -> None:
    client.force_login(manager.user)

    client.post(f"/training/sessions/{session.pk}/cancel/")

    session.refresh_from_db()
    assert session.cancelled


@pytest.mark.parametrize("rows", [1, 20])
def test_the_session_page_costs_the_same_queries_for_1_or_20_enrolments(
    client, manager, past_session, support, rows, django_assert_num_queries
) -> None:
    for person in StaffProfileFactory.create_batch(rows, department=support, manager=manager):
        EnrolmentFactory(session=past_session, person=person)
    client.force_login(manager.user)

    # session, user, permissions (user's own + through groups), the session with its course, trainer and seats
    # taken, the enrolments of the manager's team with each person and whether their completion is recorded,
    # unread notifications (navigation)
    with django_assert_num_queries(7):
        response = client.get(f"/training/sessions/{past_session.pk}/")
    assert len(response.context["enrolments"]) == rows


# ---------------------------------------------------------------------------
# A manager's team and a person's page
# ---------------------------------------------------------------------------


def test_a_manager_sees_their_team_with_open_overdue_and_completed_counts(client, manager, agent, course) -> None:
    AssignmentFactory(person=agent, course=course, due_date=today() - days(1))
    AssignmentFactory(person=agent, course=CourseFactory())
    CompletionFactory(person=agent, course=CourseFactory(), recorded_by=manager.user)
    client.force_login(manager.user)

    people = list(client.get(TEAM).context["page"])

    assert [(p.full_name, p.open_count, p.overdue_count, p.completed_count) for p in people] == [
        (agent.full_name, 2, 1, 1)
    ]


def test_an_agent_cannot_open_the_team_page(client, agent) -> None:
    client.force_login(agent.user)

    assert client.get(TEAM).status_code == 403


@pytest.mark.parametrize("rows", [1, 20])
def test_the_team_page_costs_the_same_queries_for_1_or_20_people(
    client, manager, support, course, rows, django_assert_num_queries
) -> None:
    for person in StaffProfileFactory.create_batch(rows, department=support, manager=manager):
        AssignmentFactory(person=person, course=course)
    client.force_login(manager.user)

    # session, user, permissions (user's own + through groups), count, unread notifications (navigation),
    # one page of people with their open, overdue and completed counts as subqueries
    with django_assert_num_queries(7):
        assert client.get(TEAM).status_code == 200


def test_a_manager_opens_a_direct_reports_page(client, manager, agent, course) -> None:
    AssignmentFactory(person=agent, course=course)
    client.force_login(manager.user)

    response = client.get(f"/training/people/{agent.pk}/")

    assert response.status_code == 200
    assert [a.course for a in response.context["page"]] == [course]


def test_a_manager_does_not_find_someone_from_another_team(client, second_manager, agent) -> None:
    client.force_login(second_manager.user)

    assert client.get(f"/training/people/{agent.pk}/").status_code == 404
    assert client.get(f"/training/people/{agent.pk}/retraining/").status_code == 404


def test_an_agent_does_not_find_a_colleagues_page(client, agent, manager) -> None:
    client.force_login(agent.user)

    assert client.get(f"/training/people/{manager.pk}/").status_code == 404


@pytest.mark.parametrize("rows", [1, 20])
def test_a_persons_page_costs_the_same_queries_for_1_or_20_rows(
    client, manager, agent, rows, django_assert_num_queries
) -> None:
    for _ in range(rows):
        course = CourseFactory()
        AssignmentFactory(person=agent, course=course, assigned_by=manager.user)
        CompletionFactory(person=agent, course=course, recorded_by=manager.user)
    client.force_login(manager.user)

    # session, user, permissions (user's own + through groups), the person with user, department and manager,
    # count and one page of assignments with course, assigner and completion, unread notifications (navigation),
    # count and one page of completions with course and session, whether the person is in the viewer's team
    with django_assert_num_queries(11):
        assert client.get(f"/training/people/{agent.pk}/").status_code == 200


def test_unticking_someone_whose_completion_is_recorded_is_a_message(client, manager, held, agent) -> None:
    enrolment = Enrolment.objects.get(session=held, person=agent)
    client.force_login(manager.user)
    client.post(f"/training/sessions/{held.pk}/attendance/", {"present": [enrolment.pk]})

    response = client.post(f"/training/sessions/{held.pk}/attendance/", {"present": []})

    assert response.status_code == 400
    assert "cannot be marked absent" in page_of(response)
    assert Completion.objects.filter(session=held, person=agent).exists()


# ---------------------------------------------------------------------------
# Retraining and completions by hand
# ---------------------------------------------------------------------------


def test_a_manager_assigns_retraining_to_a_direct_report(client, manager, agent, course) -> None:
    client.force_login(manager.user)

    response = client.post(
        f"/training/people/{agent.pk}/retraining/",
        {"course": course.pk, "due_date": (today() + days(10)).isoformat(), "note": "Breach of the code on 3 March"},
    )

    assert response["Location"] == f"/training/people/{agent.pk}/"
    assignment = Assignment.objects.get(person=agent, reason=AssignmentReason.RETRAINING)
    assert (assignment.note, assignment.assigned_by) == ("Breach of the code on 3 March", manager.user)


def test_the_retraining_form_asks_for_the_reason(client, manager, agent, course) -> None:
    client.force_login(manager.user)

    response = client.post(
        f"/training/people/{agent.pk}/retraining/", {"course": course.pk, "due_date": today().isoformat(), "note": ""}
    )

    assert response.status_code == 200
    assert "This field is required." in page_of(response)
    assert not Assignment.objects.exists()


def test_retraining_refused_for_an_open_assignment_says_so(client, manager, agent, course) -> None:
    AssignmentFactory(person=agent, course=course)
    client.force_login(manager.user)

    response = client.post(
        f"/training/people/{agent.pk}/retraining/",
        {"course": course.pk, "due_date": today().isoformat(), "note": "Complaint of 3 March"},
    )

    assert response.status_code == 200
    assert any("already has an open initial assignment" in message for message in messages_of(response))


def test_compliance_assigns_retraining_to_anyone(client, compliance_officer, second_manager, course) -> None:
    client.force_login(compliance_officer.user)

    response = client.post(
        f"/training/people/{second_manager.pk}/retraining/",
        {"course": course.pk, "due_date": today().isoformat(), "note": "Complaint of 3 March"},
    )

    assert response.status_code == 302
    assert Assignment.objects.filter(person=second_manager, reason=AssignmentReason.RETRAINING).exists()


def test_an_administrator_sees_the_status_but_cannot_assign_retraining(client, administrator, agent) -> None:
    client.force_login(administrator.user)

    assert client.get(f"/training/people/{agent.pk}/").status_code == 200
    assert client.get(f"/training/people/{agent.pk}/retraining/").status_code == 403


def test_a_manager_records_a_completion_by_hand(client, manager, agent, course) -> None:
    client.force_login(manager.user)

    response = client.post(
        f"/training/people/{agent.pk}/completions/new/",
        {"course": course.pk, "completed_on": today().isoformat(), "score": 95, "evidence_note": "E-learning"},
    )

    assert response.status_code == 302
    assert Completion.objects.get(person=agent).score == 95


# ---------------------------------------------------------------------------
# Compliance: status and exports
# ---------------------------------------------------------------------------


@pytest.fixture
def status_data(course, agent, manager, compliance_officer):
    """Support: Ana overdue, Maria open; Compliance: Cora completed (and her assignment closed)."""
    AssignmentFactory(person=agent, course=course, due_date=today() - days(3))
    AssignmentFactory(person=manager, course=course)
    completion = CompletionFactory(person=compliance_officer, course=course, recorded_by=manager.user, score=88)
    AssignmentFactory(
        person=compliance_officer,
        course=course,
        status=AssignmentStatus.COMPLETED,
        completed_at=timezone.now(),
        completion=completion,
    )
    return course


def test_compliance_sees_training_status_by_department(client, compliance_officer, status_data) -> None:
    client.force_login(compliance_officer.user)

    response = client.get(STATUS)

    rows = {
        row["person__department__name"]: (row["open"], row["overdue"], row["completed"], row["cancelled"])
        for row in response.context["departments"]
    }
    assert rows == {"Support": (2, 1, 0, 0), "Compliance": (0, 0, 1, 0)}
    assert response.context["totals"] == {"open": 2, "overdue": 1, "completed": 1, "cancelled": 0}


def test_the_drill_down_filters_by_department_and_status(client, compliance_officer, status_data, support) -> None:
    client.force_login(compliance_officer.user)

    response = client.get(STATUS, {"department": support.pk, "status": "overdue"})

    assert [a.person.user.username for a in response.context["page"]] == ["ana"]


@pytest.mark.parametrize("person", ["agent", "manager", "outsider"])
def test_only_those_who_see_everyones_training_open_the_status(request, client, person) -> None:
    client.force_login(request.getfixturevalue(person).user)

    assert client.get(STATUS).status_code == 403
    assert client.get(STATUS + "export.csv").status_code == 403


@pytest.mark.parametrize("state", ["open", "completed"])
@pytest.mark.parametrize("rows", [1, 20])
def test_the_status_page_costs_the_same_queries_for_1_or_20_people(
    client, compliance_officer, course, support, rows, state, django_assert_num_queries
) -> None:
    for person in StaffProfileFactory.create_batch(rows, department=support):
        AssignmentFactory(person=person, course=course)
        CompletionFactory(person=person, course=CourseFactory(), recorded_by=compliance_officer.user)
    client.force_login(compliance_officer.user)

    # session, user, permissions (user's own + through groups), open, overdue and cancelled by department,
    # completed by department, count, unread notifications (navigation), the filter choices: courses, departments,
    # one page of assignments (or completions) with person, department, manager, course and completion joined
    with django_assert_num_queries(11):
        response = client.get(STATUS, {"status": state})
    assert len(response.context["page"]) == rows


def csv_of(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content, newline="")))


def test_the_csv_export_is_parsed_back_to_the_rows_and_recorded(
    client, compliance_officer, status_data, agent, manager
):
    client.force_login(compliance_officer.user)

    response = client.get(STATUS + "export.csv")

    assert response["Content-Disposition"].startswith('attachment; filename="training-status-')
    rows = csv_of(response)
    assert rows[0] == [str(column) for column in COLUMNS]
    by_person = {row[0]: row for row in rows[1:]}
    assert by_person[agent.employee_id] == [
        agent.employee_id,
        agent.full_name,
        "Support",
        manager.full_name,
        "Customer service essentials",
        "Initial",
        (today() - days(3)).isoformat(),
        "Overdue",
        "",
        "",
    ]
    assert by_person.keys() == {agent.employee_id, manager.employee_id}  # the open ones, unless asked otherwise
    event = AuditEvent.objects.get(action="training.export")
    assert event.actor == compliance_officer.user
    assert event.details == {"format": "csv", "rows": 2, "filters": {"status": "open"}}


def test_the_completed_export_shows_each_completion(client, compliance_officer, status_data) -> None:
    client.force_login(compliance_officer.user)

    rows = csv_of(client.get(STATUS + "export.csv", {"status": "completed"}))

    assert [row[7:] for row in rows[1:]] == [["Completed", today().isoformat(), "88"]]


def test_the_export_honours_the_filters(client, compliance_officer, status_data, support) -> None:
    client.force_login(compliance_officer.user)

    rows = csv_of(client.get(STATUS + "export.csv", {"department": support.pk, "status": "overdue"}))

    assert len(rows) == 2
    assert AuditEvent.objects.get(action="training.export").details["filters"] == {
        "department_id": str(support.pk),
        "status": "overdue",
    }


def test_a_formula_in_a_name_is_exported_as_text(client, compliance_officer, status_data, agent) -> None:
    agent.user.first_name, agent.user.last_name = "", '=HYPERLINK("http://evil","x")'
    agent.user.save()
    client.force_login(compliance_officer.user)

    names = [row[1] for row in csv_of(client.get(STATUS + "export.csv"))]

    assert '\'=HYPERLINK("http://evil","x")' in names


def test_the_xlsx_export_has_the_same_rows_as_the_csv(client, compliance_officer, status_data) -> None:
    client.force_login(compliance_officer.user)
    expected = csv_of(client.get(STATUS + "export.csv"))

    response = client.get(STATUS + "export.xlsx")

    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    try:
        rows = [["" if cell is None else cell for cell in row] for row in workbook.active.iter_rows(values_only=True)]
    finally:
        workbook.close()
        response.close()
    assert rows == expected


def test_an_unknown_export_format_is_not_found(client, compliance_officer) -> None:
    client.force_login(compliance_officer.user)

    assert client.get(STATUS + "export.pdf").status_code == 404


@pytest.mark.parametrize("rows", [1, 20])
def test_the_export_costs_the_same_queries_for_1_or_20_rows(
    client, compliance_officer, course, support, rows, django_assert_num_queries
) -> None:
    for person in StaffProfileFactory.create_batch(rows, department=support):
        AssignmentFactory(person=person, course=course)
    client.force_login(compliance_officer.user)

    # session, user, permissions (user's own + through groups), the row count for the audit event,
    # the audit event, then the rows with everything joined, in one query; on PostgreSQL that query
    # runs in a transaction of its own: begin (here a savepoint), its settings, and a rollback
    in_transaction = 3 if connection.vendor == "postgresql" else 0
    with django_assert_num_queries(7 + in_transaction):
        assert len(csv_of(client.get(STATUS + "export.csv"))) == rows + 1


# ---------------------------------------------------------------------------
# Who may open which page
# ---------------------------------------------------------------------------

PAGES = [MINE, COURSES, "/training/courses/new/", "/training/sessions/new/", TEAM, STATUS]
ALLOWED = {
    "agent": {MINE, COURSES},
    "manager": {MINE, COURSES, "/training/courses/new/", "/training/sessions/new/", TEAM},
    "compliance_officer": {MINE, COURSES, STATUS},
    "administrator": {MINE, COURSES, STATUS},
    "outsider": set(),
}


@pytest.mark.parametrize("person", sorted(ALLOWED))
@pytest.mark.parametrize("path", PAGES)
def test_role_page_matrix(request, client, person: str, path: str) -> None:
    client.force_login(request.getfixturevalue(person).user)

    assert client.get(path).status_code == (200 if path in ALLOWED[person] else 403)

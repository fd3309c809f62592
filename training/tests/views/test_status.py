"""The training status page and its exports: each tile's figure is the number of people the list shows when
filtered by that state, and the number of rows in the CSV and the XLSX of that filter; who may open it, what
each export holds, and what it costs in queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from audit.models import AuditEvent
from common.tests.xlsx_reading import as_read_from_xlsx
from people.tests.factories import StaffProfileFactory
from training.exports import COLUMNS, KINDS
from training.models import AssignmentReason, AssignmentStatus
from training.tests.factories import AssignmentFactory, CompletionFactory, CourseFactory

from .helpers import REFUSED, STATUS, csv_of, days, shows, today, xlsx_of

pytestmark = pytest.mark.django_db

STATES = ["open", "overdue", "completed", "cancelled"]


@pytest.fixture
def every_state(course, agent, manager, second_manager, compliance_officer, administrator):
    """Support: Ana overdue, Maria open, Radu's assignment cancelled; Compliance: Cora completed the course
    (closing her assignment); HR: Alex completed it before anyone was assigned it (no assignment, as the demo's
    history), and once more 400 days ago (outside the 12 months)."""
    today = timezone.localdate()
    AssignmentFactory(person=agent, course=course, due_date=today - days(3))
    AssignmentFactory(person=manager, course=course)
    AssignmentFactory(person=second_manager, course=course, status=AssignmentStatus.CANCELLED)
    closing = CompletionFactory(person=compliance_officer, course=course, recorded_by=manager.user, score=88)
    AssignmentFactory(
        person=compliance_officer,
        course=course,
        status=AssignmentStatus.COMPLETED,
        completed_at=timezone.now(),
        completion=closing,
    )
    CompletionFactory(person=administrator, course=course, recorded_by=manager.user, completed_on=today - days(20))
    CompletionFactory(person=administrator, course=course, recorded_by=manager.user, completed_on=today - days(400))
    return course


def test_the_completed_filter_finds_everyone_who_completed_in_the_last_12_months(
    client, compliance_officer, administrator, every_state
) -> None:
    client.force_login(compliance_officer.user)

    response = client.get(STATUS, {"status": "completed"})

    assert response.context["totals"]["completed"] == 2
    assert sorted(row.person.user.username for row in response.context["page"]) == ["alex", "cora"]
    by_person = {row[0]: row for row in csv_of(client.get(STATUS + "export.csv", {"status": "completed"}))[1:]}
    assert by_person[administrator.employee_id][5:] == [
        "",
        "",
        "Completed",
        (timezone.localdate() - days(20)).isoformat(),
        "",
    ]
    closed = every_state.assignments.get(person=compliance_officer)
    assert by_person[compliance_officer.employee_id][5:] == [
        "Initial",
        closed.due_date.isoformat(),
        "Completed",
        timezone.localdate().isoformat(),
        "88",
    ]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("reason", ["", AssignmentReason.INITIAL])
def test_each_tile_equals_the_filtered_list_and_its_exports(
    client, compliance_officer, every_state, state, reason
) -> None:
    client.force_login(compliance_officer.user)
    filters = {"status": state, "reason": reason}

    response = client.get(STATUS, filters)

    figure = response.context["totals"][state]
    assert figure > 0
    assert response.context["page"].paginator.count == figure
    page = response.content.decode()
    assert f'data-figure="{state}">{figure}<' in page
    assert len(csv_of(client.get(STATUS + "export.csv", filters))[1:]) == figure
    assert len(xlsx_of(client.get(STATUS + "export.xlsx", filters))[1:]) == figure


@pytest.mark.parametrize("state", STATES)
def test_the_departments_add_up_to_the_tiles(client, compliance_officer, every_state, state) -> None:
    client.force_login(compliance_officer.user)

    response = client.get(STATUS, {"status": state})

    assert sum(row[state] for row in response.context["departments"]) == response.context["totals"][state]


def test_the_course_and_department_filters_apply_to_the_tiles_and_the_list(
    client, compliance_officer, every_state, support
) -> None:
    CompletionFactory(person=compliance_officer, course=CourseFactory(), recorded_by=compliance_officer.user)
    client.force_login(compliance_officer.user)

    by_course = client.get(STATUS, {"status": "completed", "course": every_state.pk})
    in_support = client.get(STATUS, {"status": "cancelled", "department": support.pk})

    assert by_course.context["totals"]["completed"] == by_course.context["page"].paginator.count == 2
    assert in_support.context["totals"]["cancelled"] == in_support.context["page"].paginator.count == 1


def test_the_status_filter_offers_every_state(client, compliance_officer) -> None:
    client.force_login(compliance_officer.user)

    choices = [value for value, _label in client.get(STATUS).context["form"].fields["status"].choices]

    assert choices == STATES


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

    page = client.get(STATUS)
    export = client.get(STATUS + "export.csv")

    assert (page.status_code, export.status_code) == (403, 403)
    assert shows(page, REFUSED)
    assert not AuditEvent.objects.filter(action="training.export").exists()


@pytest.mark.parametrize("state", ["open", "completed"])
@pytest.mark.parametrize("rows", [1, 20])
def test_the_status_page_costs_the_same_queries_for_1_or_20_people(
    client, compliance_officer, course, support, rows, state, django_assert_num_queries
) -> None:
    for person in StaffProfileFactory.create_batch(rows, department=support):
        AssignmentFactory(person=person, course=course)
        CompletionFactory(person=person, course=CourseFactory(), recorded_by=compliance_officer.user)
    client.force_login(compliance_officer.user)

    # session, user, permissions (own and roles', one query), open, overdue and cancelled by department,
    # completed by department, count, unread notifications, my tasks (navigation), the filter choices: courses,
    # departments,
    # one page of assignments (or completions) with person, department, manager, course and completion joined
    with django_assert_num_queries(11):
        response = client.get(STATUS, {"status": state})
    assert len(response.context["page"]) == rows


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

    rows = [["" if cell is None else cell for cell in row] for row in xlsx_of(response)]
    assert rows == as_read_from_xlsx(expected, KINDS)


def test_an_unknown_export_format_is_not_found(client, compliance_officer) -> None:
    client.force_login(compliance_officer.user)

    response = client.get(STATUS + "export.pdf")

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="training.export").exists()


@pytest.mark.parametrize("rows", [1, 20])
def test_the_export_costs_the_same_queries_for_1_or_20_rows(
    client, compliance_officer, course, support, rows, django_assert_num_queries
) -> None:
    for person in StaffProfileFactory.create_batch(rows, department=support):
        AssignmentFactory(person=person, course=course)
    client.force_login(compliance_officer.user)

    # session, user, permissions (own and roles', one query), the row count for the audit event,
    # the audit event, then the rows with everything joined, in one query; on PostgreSQL that query
    # runs in a transaction of its own: begin (here a savepoint), its settings, and a rollback
    in_transaction = 3 if connection.vendor == "postgresql" else 0
    with django_assert_num_queries(6 + in_transaction):
        assert len(csv_of(client.get(STATUS + "export.csv"))) == rows + 1

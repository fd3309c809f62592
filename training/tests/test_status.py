"""Training status by state: each tile's figure is the number of people the list shows when filtered by that
state, and the number of rows in the CSV and the XLSX of that filter."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
from django.utils import timezone

from training.models import AssignmentReason, AssignmentStatus

from .factories import AssignmentFactory, CompletionFactory, CourseFactory

pytestmark = pytest.mark.django_db

STATUS = "/training/status/"
STATES = ["open", "overdue", "completed", "cancelled"]


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


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


def csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content, newline="")))[1:]


def xlsx_rows(response) -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    try:
        return list(workbook.active.iter_rows(values_only=True))[1:]
    finally:
        workbook.close()
        response.close()


def test_the_completed_filter_finds_everyone_who_completed_in_the_last_12_months(
    client, compliance_officer, administrator, every_state
) -> None:
    client.force_login(compliance_officer.user)

    response = client.get(STATUS, {"status": "completed"})

    assert response.context["totals"]["completed"] == 2
    assert sorted(row.person.user.username for row in response.context["page"]) == ["alex", "cora"]
    by_person = {row[0]: row for row in csv_rows(client.get(STATUS + "export.csv", {"status": "completed"}))}
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
    assert len(csv_rows(client.get(STATUS + "export.csv", filters))) == figure
    assert len(xlsx_rows(client.get(STATUS + "export.xlsx", filters))) == figure


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

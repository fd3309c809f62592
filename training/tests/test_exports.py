"""The training status export: one row per assignment, formula-safe, streamed, and parsed back the same."""

from __future__ import annotations

import codecs
import csv
import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from common.tests.xlsx_reading import as_read_from_xlsx
from people.tests.factories import StaffProfileFactory
from training.exports import ASSIGNMENTS, COLUMNS, KINDS
from training.models import Assignment, AssignmentReason, AssignmentStatus

from .factories import AssignmentFactory, CompletionFactory, CourseFactory

pytestmark = pytest.mark.django_db

HEADER = [str(column) for column in COLUMNS]


def parse_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def xlsx_sheets(assignments, **options) -> tuple[int, dict[str, list[list[str]]]]:
    destination = io.BytesIO()
    written = ASSIGNMENTS.write_xlsx(assignments, destination, **options)
    destination.seek(0)
    workbook = openpyxl.load_workbook(destination, read_only=True)
    try:
        return written, {
            sheet.title: [["" if cell is None else cell for cell in row] for row in sheet.iter_rows(values_only=True)]
            for sheet in workbook.worksheets
        }
    finally:
        workbook.close()


def test_the_columns_are_those_compliance_asked_for() -> None:
    assert HEADER == [
        "Employee id",
        "Name",
        "Department",
        "Manager",
        "Course",
        "Reason",
        "Due date",
        "Status",
        "Completed on",
        "Score",
    ]


def test_a_completed_retraining_row_shows_its_completion(agent, manager, course) -> None:
    completion = CompletionFactory(person=agent, course=course, recorded_by=manager.user, score=0)
    AssignmentFactory(
        person=agent,
        course=course,
        reason=AssignmentReason.RETRAINING,
        note="Complaint of 3 March",
        due_date=datetime.date(2026, 4, 1),
        status=AssignmentStatus.COMPLETED,
        completed_at=timezone.now(),
        completion=completion,
    )

    rows = list(ASSIGNMENTS.rows(Assignment.objects.all()))

    assert rows[1] == [
        agent.employee_id,
        agent.full_name,
        "Support",
        manager.full_name,
        course.title,
        "Retraining",
        "2026-04-01",
        "Completed",
        completion.completed_on.isoformat(),
        "0",
    ]


def test_an_open_row_without_manager_leaves_the_blanks_empty(compliance_officer, course) -> None:
    AssignmentFactory(person=compliance_officer, course=course)

    row = list(ASSIGNMENTS.rows(Assignment.objects.all()))[1]

    assert row[3] == ""
    assert row[7:] == ["Open", "", ""]


@pytest.mark.parametrize("rows", [1, 25])
def test_the_export_reads_every_row_in_one_query(support, course, rows) -> None:
    for person in StaffProfileFactory.create_batch(rows, department=support):
        AssignmentFactory(person=person, course=course)

    with CaptureQueriesContext(connection) as queries:
        exported = list(ASSIGNMENTS.rows(Assignment.objects.all()))

    # On PostgreSQL the read also sets the session's time zone, and back, in its transaction.
    assert len([query for query in queries if " FROM " in query["sql"]]) == 1
    assert len(exported) == rows + 1


def test_the_csv_is_streamed_with_a_bom_and_neutralised_cells(agent, course) -> None:
    course = CourseFactory(title="-1 day refresher")
    AssignmentFactory(person=agent, course=course)

    response = ASSIGNMENTS.csv_response(Assignment.objects.all(), filename="training.csv")

    assert isinstance(response, StreamingHttpResponse)
    rows = parse_csv(b"".join(response.streaming_content))
    assert rows[0] == HEADER
    assert rows[1][4] == "'-1 day refresher"


def test_the_xlsx_continues_on_a_new_sheet_with_its_own_header(support, course) -> None:
    for person in StaffProfileFactory.create_batch(5, department=support):
        AssignmentFactory(person=person, course=course)

    written, sheets = xlsx_sheets(Assignment.objects.all(), sheet_rows=3)

    assert written == 5
    assert list(sheets) == ["Training", "Training 2", "Training 3"]
    assert all(rows[0] == HEADER for rows in sheets.values())
    expected = as_read_from_xlsx(list(ASSIGNMENTS.rows(Assignment.objects.all())), KINDS)
    assert [row for rows in sheets.values() for row in rows[1:]] == expected[1:]


def test_the_xlsx_holds_the_formula_as_text(agent, course) -> None:
    agent.user.first_name, agent.user.last_name = "", "=1+2"
    agent.user.save()
    AssignmentFactory(person=agent, course=course)

    _, sheets = xlsx_sheets(Assignment.objects.all())

    assert sheets["Training"][1][1] == "'=1+2"

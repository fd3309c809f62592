from __future__ import annotations

import codecs
import csv
import datetime
import io
import zipfile

import openpyxl
import pytest
import time_machine
from django.core.signals import request_finished
from django.db import close_old_connections, connection
from django.http import FileResponse, StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from acknowledgements.exports import COLUMNS, EXPORT, KINDS
from acknowledgements.models import AcknowledgementRequest, RequestStatus
from acknowledgements.selectors import request_list
from acknowledgements.services import requests_create_for_version, signature_create
from common import spreadsheets
from common.spreadsheets import neutralise
from common.tests.xlsx_reading import as_read_from_xlsx
from people.tests.factories import StaffProfileFactory

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil","x")'
HEADER = [str(header) for header in COLUMNS]
UTC = datetime.UTC


def parse_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def csv_rows(requests) -> list[list[str]]:
    return parse_csv(b"".join(EXPORT.csv_response(requests, filename="export.csv").streaming_content))


def xlsx_sheets(requests, **options) -> tuple[int, dict[str, list[list[str]]]]:
    destination = io.BytesIO()
    written = EXPORT.write_xlsx(requests, destination, **options)
    destination.seek(0)
    workbook = openpyxl.load_workbook(destination, read_only=True)
    try:
        sheets = {
            sheet.title: [["" if cell is None else cell for cell in row] for row in sheet.iter_rows(values_only=True)]
            for sheet in workbook.worksheets
        }
    finally:
        workbook.close()
    return written, sheets


def request_of(profile) -> AcknowledgementRequest:
    return AcknowledgementRequest.objects.get(person=profile)


@pytest.fixture
def asked(published, agent, compliance_officer):
    """Version 1 asked of everyone: the two managers, the agent and the compliance officer."""
    requests_create_for_version(version=published)
    return AcknowledgementRequest.objects.all()


@pytest.fixture
def signed(asked, agent):
    """The agent signed, on a winter morning (Bucharest is UTC+2 then)."""
    with time_machine.travel(datetime.datetime(2027, 1, 15, 10, tzinfo=datetime.UTC), tick=False):
        return signature_create(
            ack_request=request_of(agent), actor=agent.user, typed_name=agent.full_name, ip_address="203.0.113.7"
        )


def test_csv_has_the_header_and_one_row_per_request_in_list_order(asked):
    rows = csv_rows(asked)

    assert rows[0] == HEADER
    assert [row[0] for row in rows[1:]] == [request.person.employee_id for request in request_list(asked)]
    assert len(rows) == 1 + asked.count() == 5


def test_csv_row_of_a_signed_request_shows_the_signature_record(signed, agent, manager):
    rows = {row[0]: row for row in csv_rows(AcknowledgementRequest.objects.all())[1:]}

    assert rows[agent.employee_id] == [
        agent.employee_id,
        agent.full_name,
        "Support",
        manager.full_name,
        "Customer Service Code",
        "1",
        "Signed",
        request_of(agent).due_date.isoformat(),
        "2027-01-15T12:00:00+02:00",
        signed.typed_name,
        "203.0.113.7",
        "en",
        signed.content_hash,
        signed.record_hash,
        # Never opened in a browser, nothing reported read (see test_reading for the evidence itself).
        "",
        "0",
        "0/2",
        "",
        # Signed in the portal: no witness, no device.
        "in the portal",
        "",
        "",
    ]


def test_csv_shows_overdue_pending_and_waived_requests_without_signature_values(
    asked, compliance_officer, manager, second_manager
):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    AcknowledgementRequest.objects.filter(pk=request_of(compliance_officer).pk).update(due_date=yesterday)
    AcknowledgementRequest.objects.filter(pk=request_of(second_manager).pk).update(
        status=RequestStatus.WAIVED, waiver_reason="On parental leave"
    )

    rows = {row[0]: row for row in csv_rows(asked)[1:]}

    assert rows[compliance_officer.employee_id][6:8] == ["Overdue", yesterday.isoformat()]
    assert rows[compliance_officer.employee_id][3] == ""  # no manager
    assert rows[manager.employee_id][6] == "Pending"
    assert rows[second_manager.employee_id][6] == "Waived"
    for employee_id in (compliance_officer.employee_id, manager.employee_id, second_manager.employee_id):
        assert rows[employee_id][8:14] == ["", "", "", "", "", ""]
        assert rows[employee_id][14:] == ["", "0", "0/2", "", "", "", ""]


def test_no_missing_value_is_written_as_none(signed):
    assert all("None" not in cell for row in csv_rows(AcknowledgementRequest.objects.all()) for cell in row)


def test_export_reads_every_row_in_one_query(signed):
    with CaptureQueriesContext(connection) as queries:
        rows = list(EXPORT.rows(AcknowledgementRequest.objects.all()))

    # On PostgreSQL the read also sets the session's time zone, and back, in its transaction.
    assert len([query for query in queries if " FROM " in query["sql"]]) == 1
    assert len(rows) == 5


@pytest.mark.parametrize("value", ["=1+2", "+1", "-1", "@SUM(A1:A2)", "\tx", "\rx", FORMULA])
def test_neutralise_quotes_text_a_spreadsheet_would_run_as_a_formula(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["", "Ana Pop", "1-2", "a=b", "Ștefan Țăranu", "'quoted"])
def test_neutralise_leaves_plain_text_unchanged(value):
    assert neutralise(value) == value


def test_formula_in_a_name_is_written_as_text_in_csv_and_xlsx(asked, agent):
    agent.user.first_name, agent.user.last_name = "", FORMULA
    agent.user.save()

    csv_names = [row[1] for row in csv_rows(asked)]
    _, sheets = xlsx_sheets(asked)
    xlsx_names = [row[1] for row in sheets["Acknowledgements"]]

    assert "'" + FORMULA in csv_names
    assert FORMULA not in csv_names
    assert "'" + FORMULA in xlsx_names
    assert FORMULA not in xlsx_names


def test_xlsx_holds_no_formulas(asked, agent):
    agent.user.first_name, agent.user.last_name = "", FORMULA
    agent.user.save()
    destination = io.BytesIO()

    EXPORT.write_xlsx(asked, destination)

    with zipfile.ZipFile(destination) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml
    assert "HYPERLINK" in sheet_xml


def test_xlsx_has_the_header_and_the_same_values_as_the_csv(signed):
    requests = AcknowledgementRequest.objects.all()

    written, sheets = xlsx_sheets(requests)

    assert written == 4
    assert list(sheets) == ["Acknowledgements"]
    assert sheets["Acknowledgements"][0] == HEADER
    assert sheets["Acknowledgements"] == as_read_from_xlsx(csv_rows(requests), KINDS)


@pytest.mark.parametrize(
    ("people", "data_rows_per_sheet"),
    [(5, [2, 2, 1]), (4, [2, 2]), (1, [1]), (0, [0])],
)
def test_xlsx_continues_on_a_new_sheet_with_its_own_header(published, people, data_rows_per_sheet):
    StaffProfileFactory.create_batch(people)
    requests_create_for_version(version=published)
    # The fixture's two managers are asked too; export only the people made here.
    requests = AcknowledgementRequest.objects.exclude(person__user__username__in=["maria", "radu"])

    written, sheets = xlsx_sheets(requests, sheet_rows=3)

    titles = ["Acknowledgements"] + [f"Acknowledgements {n}" for n in range(2, len(data_rows_per_sheet) + 1)]
    assert written == people
    assert list(sheets) == titles
    assert [len(rows) - 1 for rows in sheets.values()] == data_rows_per_sheet
    assert all(rows[0] == HEADER for rows in sheets.values())
    expected = as_read_from_xlsx(list(EXPORT.rows(requests)), KINDS)
    assert [row for rows in sheets.values() for row in rows[1:]] == expected[1:]


def test_xlsx_refuses_a_sheet_too_small_for_a_row(asked):
    with pytest.raises(ValueError, match="header"):
        EXPORT.write_xlsx(asked, io.BytesIO(), sheet_rows=1)


def test_csv_is_streamed_as_an_attachment_with_a_bom(asked):
    response = EXPORT.csv_response(asked, filename="acknowledgements.csv")

    assert isinstance(response, StreamingHttpResponse)
    assert response.streaming is True
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="acknowledgements.csv"'
    content = b"".join(response.streaming_content)
    assert content.startswith(codecs.BOM_UTF8)
    assert parse_csv(content) == [[neutralise(cell) for cell in row] for row in EXPORT.rows(asked)]


def test_xlsx_response_is_an_attachment_of_the_workbook(signed):
    requests = AcknowledgementRequest.objects.all()
    # Read first: closing a response ends the request, which may close the database connection.
    expected = csv_rows(requests)

    response = EXPORT.xlsx_response(requests, filename="acknowledgements.xlsx")

    assert isinstance(response, FileResponse)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="acknowledgements.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    try:
        rows = [["" if cell is None else cell for cell in row] for row in workbook.active.iter_rows(values_only=True)]
    finally:
        workbook.close()
        response.close()
    assert rows == as_read_from_xlsx(expected, KINDS)


def test_romanian_diacritics_survive_in_csv_and_xlsx(asked, agent, support):
    agent.user.first_name, agent.user.last_name = "Ștefania", "Țăranu"
    agent.user.save()
    support.name = "Suport și relații cu clienții"
    support.save()

    content = b"".join(EXPORT.csv_response(asked, filename="export.csv").streaming_content)
    _, sheets = xlsx_sheets(asked)

    assert "Ștefania Țăranu".encode() in content
    for rows in (parse_csv(content), sheets["Acknowledgements"]):
        agent_row = next(row for row in rows if row[0] == agent.employee_id)
        assert agent_row[1:3] == ["Ștefania Țăranu", "Suport și relații cu clienții"]


def test_non_ascii_filename_is_kept_in_the_attachment_header(asked):
    response = EXPORT.csv_response(asked, filename="confirmări.csv")

    assert response["Content-Disposition"] == "attachment; filename*=utf-8''confirm%C4%83ri.csv"


@pytest.mark.parametrize(
    ("time_zone", "moment", "expected"),
    [
        (
            "Europe/Bucharest",
            datetime.datetime(2027, 1, 15, 10, 0, 0, 987654, tzinfo=datetime.UTC),
            "2027-01-15T12:00:00+02:00",
        ),
        ("Europe/Bucharest", datetime.datetime(2027, 7, 15, 23, 30, tzinfo=datetime.UTC), "2027-07-16T02:30:00+03:00"),
        (
            "America/St_Johns",
            datetime.datetime(2027, 1, 15, 10, 0, 5, tzinfo=datetime.UTC),
            "2027-01-15T06:30:05-03:30",
        ),
        ("UTC", datetime.datetime(2027, 1, 15, 10, 0, tzinfo=datetime.UTC), "2027-01-15T10:00:00+00:00"),
    ],
)
def test_signing_times_are_written_to_the_second_in_the_organisations_time_zone(
    asked, agent, settings, time_zone, moment, expected
):
    with time_machine.travel(moment, tick=False):
        signature_create(ack_request=request_of(agent), actor=agent.user, typed_name=agent.full_name)
    settings.TIME_ZONE = time_zone

    csv_row = {row[0]: row for row in csv_rows(asked)}[agent.employee_id]
    _written, sheets = xlsx_sheets(asked)
    xlsx_row = {row[0]: row for row in sheets["Acknowledgements"]}[agent.employee_id]

    assert csv_row[8] == expected
    assert xlsx_row[8] == datetime.datetime.fromisoformat(expected).replace(tzinfo=None)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_the_csv_written_by_copy_reads_back_as_the_csv_written_by_python(signed, agent):
    formula_name = StaffProfileFactory(user__first_name=FORMULA, user__last_name='"quoted", with a comma')
    requests_create_for_version(version=request_of(agent).version)
    assert AcknowledgementRequest.objects.filter(person=formula_name).exists()
    header = [str(header) for header in COLUMNS]
    rows = EXPORT.query(AcknowledgementRequest.objects.all())

    by_copy = b"".join(spreadsheets.csv_response(header, rows, filename="a.csv", copy=True).streaming_content)
    by_python = b"".join(spreadsheets.csv_response(header, rows, filename="a.csv", copy=False).streaming_content)

    assert parse_csv(by_copy) == parse_csv(by_python)
    assert len(parse_csv(by_copy)) == 1 + AcknowledgementRequest.objects.count()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_a_download_stopped_halfway_leaves_the_connection_usable(asked, monkeypatch):
    monkeypatch.setattr(spreadsheets, "COPY_CHUNK_BYTES", 16)  # a chunk per row or so
    response = EXPORT.csv_response(AcknowledgementRequest.objects.all(), filename="export.csv")
    chunks = iter(response.streaming_content)
    next(chunks)  # the header
    next(chunks)  # the first rows

    # The client went away. (Closing a response also ends the request, which would close the
    # connection; the test client keeps it open the same way.)
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)

    assert AcknowledgementRequest.objects.count() == 4


def test_control_characters_that_xml_cannot_hold_are_left_out_of_the_xlsx(asked, agent):
    agent.user.last_name = "Pop\x01escu\x1f"
    agent.user.save(update_fields=["last_name"])

    _written, sheets = xlsx_sheets(asked)

    assert {row[0]: row for row in sheets["Acknowledgements"]}[agent.employee_id][1] == "Ana Popescu"


def test_xlsx_writes_the_version_as_a_number_and_the_due_date_as_a_date(asked, agent):
    _, sheets = xlsx_sheets(asked)

    row = {row[0]: row for row in sheets["Acknowledgements"]}[agent.employee_id]
    due = request_of(agent).due_date
    assert row[5] == request_of(agent).version.number
    assert row[7] == datetime.datetime(due.year, due.month, due.day)

"""A version whose requests are in every state: the same figures, adding up, on the dashboard, the drill-down,
the CSV and XLSX exports and the PDF summary.

asked = signed + waived + replaced + withdrawn + left + pending, and overdue is part of pending."""

from __future__ import annotations

import datetime
import re

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from acknowledgements import services
from acknowledgements.models import AcknowledgementRequest, RequestStatus
from acknowledgements.selectors import PERCENT_RULE
from acknowledgements.tests.dashboard.helpers import csv_of, xlsx_of
from people.tests.factories import StaffProfileFactory

pytestmark = pytest.mark.django_db

DASHBOARD = "/acknowledgements/dashboard/"
PEOPLE = "/acknowledgements/dashboard/people/"
STATES = ("signed", "waived", "replaced", "withdrawn", "left", "pending")
# Seven asked: one signed, one waived, one replaced, one withdrawn, one left, two pending (one overdue).
EXPECTED = {
    "asked": "7",
    "signed": "1",
    "waived": "1",
    "replaced": "1",
    "withdrawn": "1",
    "left": "1",
    "pending": "2",
    "overdue": "1",
    "percent": "25.0",  # 1 signed ÷ (7 asked − 1 waived − 1 withdrawn − 1 left)
}


@pytest.fixture
def every_state(published, manager, second_manager, agent, compliance_officer):
    """Version 1 asked of seven people, whose requests ended in every state there is.

    Signing and waiving go through their services; the other states are set on the rows, as their
    own services (tested in test_lifecycle) would leave them, so that one version holds them all."""
    others = StaffProfileFactory.create_batch(3, department=agent.department)
    services.requests_create_for_version(version=published)
    requests = {r.person_id: r for r in AcknowledgementRequest.objects.filter(version=published)}
    services.signature_create(ack_request=requests[agent.pk], actor=agent.user, typed_name=agent.full_name)
    services.request_waive(ack_request=requests[second_manager.pk], actor=compliance_officer.user, reason="On leave")
    for person, status in zip(
        others, [RequestStatus.REPLACED, RequestStatus.WITHDRAWN, RequestStatus.LEFT], strict=True
    ):
        AcknowledgementRequest.objects.filter(pk=requests[person.pk].pk).update(
            status=status, resolved_at=timezone.now()
        )
    AcknowledgementRequest.objects.filter(pk=requests[manager.pk].pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    return published


def adds_up(figures: dict[str, str]) -> bool:
    return int(figures["asked"]) == sum(int(figures[state]) for state in STATES) and int(figures["overdue"]) <= int(
        figures["pending"]
    )


def shown(html: str, start: str) -> dict[str, str]:
    """The figures a page shows in the table that begins after `start`."""
    table = html[html.index(start) :]
    table = table[: table.index("</table>")]
    return dict(re.findall(r'data-figure="(\w+)">([^<]*)<', table))


def by_header(header: list[str], row: list[str]) -> dict[str, str]:
    names = {
        "Asked": "asked",
        "Signed": "signed",
        "Waived": "waived",
        "Replaced before signing": "replaced",
        "Withdrawn": "withdrawn",
        "Left": "left",
        "Pending": "pending",
        "Of which overdue": "overdue",
        str(PERCENT_RULE): "percent",
    }
    return {names[name]: cell for name, cell in zip(header, row, strict=True) if name in names}


def test_the_dashboard_totals_and_version_row_add_up(client, compliance_officer, every_state) -> None:
    client.force_login(compliance_officer.user)

    page = client.get(DASHBOARD).content.decode()

    totals = shown(page, 'data-testid="totals"')
    assert totals == EXPECTED
    assert adds_up(totals)
    assert shown(page, "By version") == EXPECTED
    assert str(PERCENT_RULE) in page


def test_the_drill_down_adds_up_and_filters_each_state(client, compliance_officer, every_state) -> None:
    client.force_login(compliance_officer.user)

    totals = shown(client.get(PEOPLE).content.decode(), 'data-testid="totals"')

    assert totals == EXPECTED
    for state, status in [
        ("signed", "signed"),
        ("waived", "waived"),
        ("replaced", "superseded"),
        ("withdrawn", "withdrawn"),
        ("left", "left"),
        ("pending", "pending"),
        ("overdue", "overdue"),
    ]:
        response = client.get(PEOPLE, {"status": status})
        assert len(response.context["page"]) == int(EXPECTED[state]), state
        assert shown(response.content.decode(), 'data-testid="totals"')["asked"] == EXPECTED[state]


def xlsx_as_text(response) -> list[list[str]]:
    """The XLSX's cells as the CSV writes them, to check both files against the same figures.

    The last column is the percentage, written with one decimal; a spreadsheet stores 25.0 as 25.
    """
    return [
        [*(str(cell) for cell in row[:-1]), f"{row[-1]:.1f}" if isinstance(row[-1], int | float) else str(row[-1])]
        for row in xlsx_of(response)
    ]


def test_the_figures_xlsx_holds_numbers_so_a_spreadsheet_adds_them_up(client, compliance_officer, every_state) -> None:
    client.force_login(compliance_officer.user)

    _header, *rows = xlsx_of(client.get("/acknowledgements/export/figures.xlsx"))

    for row in rows[:-1]:
        assert isinstance(row[0], str)
        assert all(isinstance(cell, int | float) for cell in row[3:])
    assert all(isinstance(cell, int | float) for cell in rows[-1][3:])


@pytest.mark.parametrize(("file_format", "read"), [("csv", csv_of), ("xlsx", xlsx_as_text)])
def test_the_figures_export_adds_up_and_says_what_the_percentage_divides_by(
    client, compliance_officer, every_state, file_format, read
) -> None:
    client.force_login(compliance_officer.user)

    header, *rows = read(client.get(f"/acknowledgements/export/figures.{file_format}"))

    assert header[-1] == str(PERCENT_RULE)
    *department_rows, total_row = rows
    # Cora, the compliance officer, is the one person asked in Compliance; everyone else is in Support.
    assert [row[:3] for row in department_rows] == [
        ["Customer Service Code", "1", "Compliance"],
        ["Customer Service Code", "1", "Support"],
    ]
    for row in department_rows:
        assert adds_up(by_header(header, row))
    assert total_row[0] == "All"
    assert by_header(header, total_row) == EXPECTED
    for state in ("asked", *STATES, "overdue"):
        assert sum(int(by_header(header, row)[state]) for row in department_rows) == int(EXPECTED[state])


@pytest.mark.parametrize(("file_format", "read"), [("csv", csv_of), ("xlsx", xlsx_of)])
def test_the_requests_export_lists_every_state(client, compliance_officer, every_state, file_format, read) -> None:
    client.force_login(compliance_officer.user)

    header, *rows = read(client.get(f"/acknowledgements/export/requests.{file_format}"))

    statuses = sorted(row[header.index("Status")] for row in rows)
    assert statuses == sorted(
        ["Signed", "Waived", "Replaced before signing", "Withdrawn", "Left", "Pending", "Overdue"]
    )


def test_the_pdf_summary_adds_up(client, compliance_officer, every_state, monkeypatch) -> None:
    # The PDF is drawn from this HTML; reading the HTML back is reading what the PDF shows.
    monkeypatch.setattr(
        "acknowledgements.views.render_pdf", lambda name, context: render_to_string(name, context).encode()
    )
    client.force_login(compliance_officer.user)

    html = client.get(f"/acknowledgements/dashboard/versions/{every_state.pk}/summary.pdf").content.decode()

    assert shown(html, '<tr class="total">') == EXPECTED
    assert adds_up(shown(html, "<tbody>"))  # the first department's row
    assert str(PERCENT_RULE) in html

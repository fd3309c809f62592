"""The export downloads: signatures and outstanding requests, as CSV and XLSX, filtered and audited."""

from __future__ import annotations

import datetime

import pytest

from acknowledgements.exports import COLUMNS
from acknowledgements.models import Signature, SignatureCheckpoint
from acknowledgements.tests.dashboard.helpers import csv_of, today, xlsx_of
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

RECORD_HASH = [str(column) for column in COLUMNS].index("Record hash")


def test_the_signatures_csv_honours_the_department_filter(client, compliance_officer, campaign, compliance, carl):
    signature = Signature.objects.get(person=carl)
    client.force_login(compliance_officer.user)

    response = client.get("/acknowledgements/export/signatures.csv", {"department": compliance.pk})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = csv_of(response)
    assert [row[0] for row in rows[1:]] == [carl.employee_id]
    assert rows[1][RECORD_HASH] == signature.record_hash


def test_the_signatures_xlsx_honours_the_department_filter(client, compliance_officer, campaign, support, agent):
    signature = Signature.objects.get(person=agent)
    client.force_login(compliance_officer.user)

    response = client.get("/acknowledgements/export/signatures.xlsx", {"department": support.pk})

    assert response.status_code == 200
    rows = xlsx_of(response)
    assert [row[0] for row in rows[1:]] == [agent.employee_id]
    assert rows[1][RECORD_HASH] == signature.record_hash


def test_the_outstanding_csv_lists_pending_and_waived_requests_of_the_department(
    client, compliance_officer, campaign, support, manager, second_manager, sam
):
    client.force_login(compliance_officer.user)

    response = client.get("/acknowledgements/export/outstanding.csv", {"department": support.pk})

    rows = {row[0]: row for row in csv_of(response)[1:]}
    assert set(rows) == {manager.employee_id, second_manager.employee_id, sam.employee_id}
    assert rows[sam.employee_id][6] == "Overdue"
    assert rows[second_manager.employee_id][6] == "Waived"
    assert rows[manager.employee_id][RECORD_HASH] == ""  # no signature, no record hash


@pytest.mark.parametrize(
    ("kind", "file_format", "rows"),
    [
        ("signatures", "csv", 1),  # Ana
        ("signatures", "xlsx", 1),
        ("outstanding", "csv", 3),  # Maria, Radu (waived) and Sam
        ("outstanding", "xlsx", 3),
    ],
)
def test_each_export_writes_one_audit_event_with_kind_format_rows_and_filters(
    client, compliance_officer, campaign, support, kind, file_format, rows
):
    client.force_login(compliance_officer.user)

    response = client.get(f"/acknowledgements/export/{kind}.{file_format}", {"department": support.pk})

    assert response.status_code == 200
    assert b"".join(response.streaming_content)
    event = AuditEvent.objects.get(action="acknowledgements.export")
    assert event.actor == compliance_officer.user
    checkpoint = SignatureCheckpoint.objects.get()
    assert event.details == {
        "kind": kind,
        "format": file_format,
        "rows": rows,
        "filters": {"department_id": str(support.pk)},
        "checkpoint": {
            "id": checkpoint.pk,
            "count": checkpoint.count,
            "head_sequence": checkpoint.head_sequence,
            "head_hash": checkpoint.head_hash,
            "mac": checkpoint.mac,
        },
    }


def test_the_export_audit_event_records_every_filter_set(client, compliance_officer, campaign, support):
    client.force_login(compliance_officer.user)
    due_to = today() + datetime.timedelta(days=30)

    client.get(
        "/acknowledgements/export/outstanding.csv",
        {"department": support.pk, "status": "pending", "due_to": due_to.isoformat()},
    )

    details = AuditEvent.objects.get(action="acknowledgements.export").details
    assert details["rows"] == 2  # Maria and Sam
    assert details["filters"] == {"department_id": str(support.pk), "status": "pending", "due_to": due_to.isoformat()}


@pytest.mark.parametrize("path", ["signatures.csv", "signatures.xlsx", "outstanding.csv", "outstanding.xlsx"])
def test_a_manager_may_not_export(client, manager, campaign, path):
    client.force_login(manager.user)

    response = client.get(f"/acknowledgements/export/{path}")

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="acknowledgements.export").exists()


@pytest.mark.parametrize("path", ["nonsense.csv", "signatures.pdf"])
def test_an_unknown_export_is_not_found(client, compliance_officer, path):
    client.force_login(compliance_officer.user)

    assert client.get(f"/acknowledgements/export/{path}").status_code == 404
    assert not AuditEvent.objects.filter(action="acknowledgements.export").exists()


def test_an_export_with_invalid_filters_is_a_bad_request_that_says_why(client, compliance_officer, campaign):
    client.force_login(compliance_officer.user)

    response = client.get("/acknowledgements/export/signatures.csv", {"due_from": "2030-02-01", "due_to": "2030-01-01"})

    assert response.status_code == 400
    assert "The end date is before the start date." in response.content.decode()
    assert not AuditEvent.objects.filter(action="acknowledgements.export").exists()

"""Reading the dashboard's pages and exports, and the moves that set up a campaign: sign, waive, fall overdue."""

from __future__ import annotations

import csv
import datetime
import io
import re

import openpyxl
from django.contrib.auth.models import Permission
from django.utils import timezone

from acknowledgements import services
from acknowledgements.models import AcknowledgementRequest, Signature
from codes.models import CodeVersion
from people.models import StaffProfile

DASHBOARD = "/acknowledgements/dashboard/"
PEOPLE = "/acknowledgements/dashboard/people/"
FIGURES = ("asked", "signed", "pending", "overdue", "waived")


def today() -> datetime.date:
    return timezone.localdate()


def request_of(profile: StaffProfile, version: CodeVersion) -> AcknowledgementRequest:
    return AcknowledgementRequest.objects.get(person=profile, version=version)


def sign(profile: StaffProfile, version: CodeVersion) -> Signature:
    return services.signature_create(
        ack_request=request_of(profile, version), actor=profile.user, typed_name=profile.full_name
    )


def waive(profile: StaffProfile, version: CodeVersion, officer: StaffProfile) -> None:
    services.request_waive(ack_request=request_of(profile, version), actor=officer.user, reason="On leave")


def due(profile: StaffProfile, version: CodeVersion, on: datetime.date) -> None:
    AcknowledgementRequest.objects.filter(pk=request_of(profile, version).pk).update(due_date=on)


def make_overdue(profile: StaffProfile, version: CodeVersion) -> None:
    due(profile, version, today() - datetime.timedelta(days=1))


def counts(row: dict) -> tuple[int, ...]:
    return tuple(row[figure] for figure in FIGURES)


def rendered_figures(response) -> dict[str, str]:
    """The totals as the page shows them, by their data-figure attribute."""
    page = response.content.decode()
    if 'data-testid="totals"' not in page:
        return {}
    table = page[page.index('data-testid="totals"') :]
    table = table[: table.index("</table>")]
    return dict(re.findall(r'data-figure="(\w+)">([^<]*)<', table))


def listed(response) -> set[str]:
    """The usernames of the people on a page of the drill-down."""
    return {ack.person.user.username for ack in response.context["page"]}


def csv_of(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content, newline="")))


def xlsx_of(response) -> list[list[str]]:
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    try:
        return [["" if cell is None else cell for cell in row] for row in workbook.active.iter_rows(values_only=True)]
    finally:
        workbook.close()


def give_right_to_run_campaigns(profile: StaffProfile) -> None:
    """What an administrator may do in the admin: give someone `manage_campaigns` alone, without seeing everyone."""
    profile.user.user_permissions.add(
        Permission.objects.get(content_type__app_label="acknowledgements", codename="manage_campaigns")
    )
    for cache in ("_perm_cache", "_user_perm_cache"):  # read again, as the next request would
        profile.user.__dict__.pop(cache, None)

"""The portal's main journeys, through the pages, in a real browser.

Each test makes the state it starts from with the app's services, so any one of them runs alone.
"""

from __future__ import annotations

import csv
import datetime
import re
from collections.abc import Callable
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.conf import settings
from django.core import mail
from playwright.sync_api import Page, expect

from acknowledgements import services as acknowledgement_services
from acknowledgements.models import AcknowledgementRequest, RequestStatus, Signature
from codes.models import CodeVersion, VersionStatus
from people.models import Department, StaffProfile
from reminders import services as reminder_services

from .helpers import ARTIFACTS, TEST_PASSWORD, screenshot

pytestmark = [
    # The live server answers from another thread, so the data must be committed; the roles,
    # made by a data migration, are restored after each test's flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BrowserAs = Callable[[StaffProfile], Page]


def test_a_manager_revises_a_code_and_publishes_it_to_one_department(
    browser_as: BrowserAs,
    published: CodeVersion,
    manager: StaffProfile,
    second_manager: StaffProfile,
    agent: StaffProfile,
    compliance_officer: StaffProfile,
    support: Department,
) -> None:
    author = browser_as(manager)
    author.get_by_test_id("navigation").get_by_role("link", name="Documents").click()
    author.get_by_role("link", name="Customer Service Code").click()
    author.get_by_role("button", name="Start a new draft from version 1").click()

    expect(author).to_have_url(re.compile(r"/codes/customer-service/v2/edit/$"))
    expect(author.get_by_role("heading", name="Editing draft version 2")).to_be_visible()
    screenshot(author, "a-editor")

    author.locator("#section-list li", has_text="Privacy").get_by_role("link", name="Edit").click()
    expect(author.get_by_role("heading", name="Edit section")).to_be_visible()
    author.get_by_label("Text (Markdown)").fill("Verify identity first, with two questions from the profile.")
    author.get_by_role("button", name="Save").click()

    expect(author).to_have_url(re.compile(r"/codes/customer-service/v2/edit/"))
    expect(author.locator("#section-list")).to_contain_text("with two questions from the profile")
    author.get_by_role("button", name="Send for review").click()
    expect(author.get_by_text("In review: written by Maria")).to_be_visible()

    reviewer = browser_as(second_manager)
    reviewer.goto("/codes/customer-service/v2/")
    expect(reviewer.get_by_text("In review: written by Maria")).to_be_visible()
    reviewer.get_by_role("button", name="Approve").click()
    expect(reviewer.get_by_text("Approved by Radu")).to_be_visible()

    author.reload()
    author.get_by_role("link", name="Publish…").click()
    expect(author.get_by_role("heading", name="Publish version 2")).to_be_visible()
    author.get_by_label("Applies to all staff").uncheck()
    author.get_by_label("Support", exact=True).check()
    screenshot(author, "a-publish")
    author.get_by_role("button", name="Publish now").click()

    expect(author.get_by_text("Published. Its text is now frozen.")).to_be_visible()
    expect(author).to_have_url(re.compile(r"/codes/customer-service/v2/$"))
    version = CodeVersion.objects.get(document__slug="customer-service", number=2)
    assert version.status == VersionStatus.PUBLISHED
    assert version.applies_to_all_staff is False
    assert list(version.audience_departments.all()) == [support]
    assert version.approver == second_manager.user
    assert version.sections.get(title="Privacy").body.endswith("with two questions from the profile.")
    published.refresh_from_db()
    assert published.status == VersionStatus.SUPERSEDED
    # Support is asked to acknowledge version 2; compliance, in another department, is not.
    asked = set(AcknowledgementRequest.objects.filter(version=version).values_list("person__user__username", flat=True))
    assert asked == {"maria", "radu", "ana"}


def test_b_an_agent_reads_and_signs_and_gets_a_receipt(
    browser_as: BrowserAs, asked: AcknowledgementRequest, agent: StaffProfile
) -> None:
    page = browser_as(agent)
    waiting = page.get_by_test_id("panel-tasks")
    expect(waiting.get_by_role("heading", name="My tasks")).to_be_visible()
    expect(waiting).to_contain_text("Customer Service Code")
    waiting.get_by_role("link", name="Read and sign").click()

    expect(page).to_have_url(re.compile(rf"/acknowledgements/{asked.pk}/$"))
    expect(page.get_by_role("heading", name="Privacy")).to_be_visible()
    sign = page.locator("#sign")
    sign.get_by_label("I agree to the statement above.").check()
    sign.get_by_label("Your full name").fill("Somebody Else")
    sign.get_by_label("Your password").fill(TEST_PASSWORD)
    sign.get_by_role("button", name="Sign", exact=True).click()

    expect(page.locator("#sign")).to_contain_text("Type your name as it is recorded in your profile")
    # The page opens at the form: its summary of what is wrong has the focus, and the panel is in view.
    expect(page.get_by_test_id("error-summary")).to_be_focused()
    expect(page.get_by_test_id("error-summary")).to_be_in_viewport()
    screenshot(page, "b-sign")
    asked.refresh_from_db()
    assert asked.status == RequestStatus.PENDING

    sign = page.locator("#sign")
    sign.get_by_label("I agree to the statement above.").check()
    sign.get_by_label("Your full name").fill(agent.full_name)
    sign.get_by_label("Your password").fill(TEST_PASSWORD)
    sign.get_by_role("button", name="Sign", exact=True).click()

    expect(page.get_by_role("heading", name=re.compile(r"Acknowledgement receipt #\d+"))).to_be_visible()
    signature = Signature.objects.get(request=asked)
    expect(page).to_have_url(re.compile(rf"/acknowledgements/receipts/{signature.pk}/$"))
    expect(page.locator(".receipt")).to_contain_text(signature.record_hash)
    expect(page.locator(".receipt")).to_contain_text(agent.full_name)
    screenshot(page, "b-receipt")
    assert signature.typed_name == agent.full_name
    assert len(signature.record_hash) == 64


def test_c_compliance_sees_the_signature_on_the_dashboard_and_in_both_exports(
    browser_as: BrowserAs,
    compliance_officer: StaffProfile,  # on the staff before version 1 is published, so asked too
    asked: AcknowledgementRequest,
    agent: StaffProfile,
) -> None:
    signature = acknowledgement_services.signature_create(
        ack_request=asked, actor=agent.user, typed_name=agent.full_name
    )

    page = browser_as(compliance_officer)
    page.get_by_test_id("navigation").get_by_role("link", name="Dashboard").click()
    expect(page).to_have_url(re.compile(r"/acknowledgements/dashboard/$"))
    totals = page.get_by_test_id("totals")
    expect(totals.locator('[data-figure="signed"]')).to_have_text("1")
    # Everybody was asked: the Support team of three and the compliance officer.
    expect(totals.locator('[data-figure="asked"]')).to_have_text("4")

    page.get_by_label("Department").select_option(label="Support")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"[?&]department=\d+"))
    expect(totals.locator('[data-figure="asked"]')).to_have_text("3")
    expect(totals.locator('[data-figure="signed"]')).to_have_text("1")
    expect(totals.locator('[data-figure="percent"]')).to_have_text("33.3")
    screenshot(page, "c-dashboard")

    signatures = page.locator(".btn-group", has=page.get_by_role("link", name="Signatures CSV"))
    with page.expect_download() as csv_download:
        signatures.get_by_role("link", name="Signatures CSV").click()
    with page.expect_download() as xlsx_download:
        signatures.get_by_role("link", name="XLSX").click()

    csv_path = ARTIFACTS / "c-signatures.csv"
    xlsx_path = ARTIFACTS / "c-signatures.xlsx"
    csv_download.value.save_as(csv_path)
    xlsx_download.value.save_as(xlsx_path)
    assert csv_download.value.suggested_filename.endswith(".csv")
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")

    with csv_path.open(newline="", encoding="utf-8-sig") as file:
        csv_rows = list(csv.DictReader(file))
    workbook = openpyxl.load_workbook(xlsx_path, read_only=True)
    sheet_rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    xlsx_rows = [dict(zip(sheet_rows[0], row, strict=True)) for row in sheet_rows[1:]]

    for rows in (csv_rows, xlsx_rows):
        assert [(row["Name"], row["Department"], row["Record hash"]) for row in rows] == [
            (agent.full_name, "Support", signature.record_hash)
        ]


def test_d_overdue_reminders_reach_the_agent_then_the_manager_and_show_in_the_portal(
    browser_as: BrowserAs, asked: AcknowledgementRequest, agent: StaffProfile, manager: StaffProfile
) -> None:
    due = asked.due_date

    # The clock moves only around the sweeps: moved while the browser drives pages, it would
    # stall the page's timers and Playwright's waits.
    def sweep_on(day: datetime.date) -> list[mail.EmailMessage]:
        before = len(mail.outbox)
        with time_machine.travel(datetime.datetime.combine(day, datetime.time(8), ZoneInfo(settings.TIME_ZONE))):
            reminder_services.sweep_now(day=day)
        return mail.outbox[before:]

    # A worker told the audience at publication, and the agent read it: the sweeps below are about reminders.
    reminder_services.sweep_now()
    reminder_services.notifications_mark_all_read(actor=agent.user)

    first = sweep_on(due + datetime.timedelta(days=1))
    to_agent = [email.subject for email in first if email.to == [agent.user.email]]
    assert len(to_agent) == 1
    assert to_agent[0].startswith("Overdue")
    assert not [email for email in first if email.subject.startswith("Your team")]

    later = sweep_on(due + datetime.timedelta(days=7))
    digests = [email for email in later if email.subject.startswith("Your team")]
    assert [email.to for email in digests] == [[manager.user.email]]
    assert agent.full_name in digests[0].body
    assert not [email for email in later if email.to == [agent.user.email]], "the agent is not reminded twice"

    page = browser_as(agent)
    bell = page.get_by_test_id("notifications")
    expect(bell).to_have_text(re.compile(r"Notifications\s+1\s+unread"))
    bell.click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    unread = page.locator(".list-group-item", has=page.get_by_text("New", exact=True))
    expect(unread).to_have_count(1)
    expect(unread).to_contain_text("Overdue: please acknowledge “Customer Service Code”")
    screenshot(page, "d-notifications")

    unread.get_by_role("button", name="Open").click()
    expect(page).to_have_url(re.compile(rf"/acknowledgements/{asked.pk}/$"))
    expect(page.get_by_test_id("notifications")).to_have_text("Notifications")

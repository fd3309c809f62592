"""The compliance workspace (issue 15) through its pages: My tasks, campaigns, search, the section editor's
preview and the notification preferences, as the people who use them do it, at a desk and on a phone.

Each test makes the state it starts from with the app's services, so any one of them runs alone.
"""

from __future__ import annotations

import csv
import datetime
import re
from collections import Counter
from collections.abc import Callable
from importlib import import_module
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import Page, expect

from acknowledgements import services as acknowledgement_services
from acknowledgements.models import AcknowledgementRequest, RequestStatus
from codes import services as code_services
from codes.models import CodeVersion
from people.models import Department, StaffProfile

from .helpers import (
    ARTIFACTS,
    AXE_SCRIPT,
    TEST_PASSWORD,
    PageWatch,
    assert_fits_the_screen,
    describe,
    run_axe,
    screenshot,
    serious,
    serve_axe,
)

# The factories by name, as helpers.py takes the password: mypy leaves the apps' test code out.
StaffProfileFactory = import_module("people.tests.factories").StaffProfileFactory
start_revision = import_module("codes.tests.factories").start_revision

pytestmark = [
    # The live server answers from another thread, so the data must be committed; the roles,
    # made by a data migration, are restored after each test's flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BrowserAs = Callable[[StaffProfile], Page]
FIGURES = ("asked", "signed", "waived", "replaced", "withdrawn", "left", "pending", "overdue")


@pytest.fixture
def sales(db: None) -> Department:
    return Department.objects.create(name="Sales", code="SAL")


@pytest.fixture
def sellers(sales: Department) -> list[StaffProfile]:
    """Two people in Sales, on the staff before version 1 is published: the publication asks them too."""
    return [
        StaffProfileFactory(user__username=name.lower(), user__first_name=name, user__roles=["Agent"], department=sales)
        for name in ("Sam", "Sara")
    ]


@pytest.fixture
def revision(published: CodeVersion, manager: StaffProfile) -> CodeVersion:
    """Version 2, the manager's draft: version 1's text with its first section reworded."""
    return start_revision(published.document, actor=manager.user)


def figures(page: Page) -> dict[str, int]:
    """The totals a page shows (the campaign's or the dashboard's), by state."""
    totals = page.get_by_test_id("totals")
    return {name: int(totals.locator(f'[data-figure="{name}"]').inner_text()) for name in FIGURES}


def test_a_reviewer_approves_from_my_tasks_the_author_publishes_from_hers_and_the_audience_is_asked(
    browser_as: BrowserAs,
    revision: CodeVersion,
    manager: StaffProfile,
    second_manager: StaffProfile,
    agent: StaffProfile,
    request: pytest.FixtureRequest,
) -> None:
    # Tasks run at once only from here: what the set-up published was never announced, so every notice
    # and email seen below is this journey's.
    request.getfixturevalue("tasks_run_at_once")
    code_services.version_submit(version=revision, actor=manager.user)

    reviewer = browser_as(second_manager)
    # The review, and version 1 that he has not signed yet.
    expect(reviewer.get_by_test_id("my-tasks")).to_have_text(re.compile(r"My tasks\s+2\s+waiting"))
    to_review = reviewer.get_by_test_id("tasks-review")
    expect(to_review).to_contain_text("Customer Service Code version 2")
    to_review.get_by_role("link", name="Review").click()
    expect(reviewer.get_by_text("In review: written by Maria")).to_be_visible()
    before = len(mail.outbox)
    reviewer.get_by_role("button", name="Approve").click()
    expect(reviewer.get_by_text("Approved by Radu")).to_be_visible()
    reviewer.goto("/")
    expect(reviewer.get_by_test_id("tasks-review")).to_have_count(0)

    approved = "Version 2 of “Customer Service Code” is approved"
    assert [email.subject for email in mail.outbox[before:] if email.to == [manager.user.email]] == [approved]
    author = browser_as(manager)
    author.get_by_test_id("notifications").click()
    expect(author.locator(".list-group-item", has_text=approved)).to_contain_text("New")
    author.goto("/")
    author.get_by_test_id("tasks-publish").get_by_role("link", name="Publish").click()
    expect(author.get_by_role("heading", name="Publish version 2")).to_be_visible()
    before = len(mail.outbox)
    author.get_by_role("button", name="Publish now").click()
    expect(author.get_by_text("Published. Its text is now frozen.")).to_be_visible()

    asked_to_sign = "A new version of “Customer Service Code” asks for your acknowledgement by"
    to_agent = [email.subject for email in mail.outbox[before:] if email.to == [agent.user.email]]
    assert len(to_agent) == 1
    assert to_agent[0].startswith(asked_to_sign)
    reader = browser_as(agent)
    to_sign = reader.get_by_test_id("tasks-sign")
    expect(to_sign).to_contain_text("Customer Service Code version 2")
    reader.get_by_test_id("notifications").click()
    expect(reader.locator(".list-group-item", has_text=asked_to_sign)).to_contain_text("New")
    reader.goto("/")
    reader.get_by_test_id("tasks-sign").get_by_role("link", name="Read and sign").click()
    version_2 = AcknowledgementRequest.objects.get(version=revision, person=agent)
    expect(reader).to_have_url(re.compile(rf"/acknowledgements/{version_2.pk}/$"))
    sign = reader.locator("#sign")
    sign.get_by_label("I agree to the statement above.").check()
    sign.get_by_label("Your full name").fill(agent.full_name)
    sign.get_by_label("Your password").fill(TEST_PASSWORD)
    sign.get_by_role("button", name="Sign", exact=True).click()
    expect(reader).to_have_url(re.compile(r"/acknowledgements/receipts/\d+/$"))
    reader.goto("/")
    expect(reader.get_by_test_id("tasks-sign")).to_have_count(0)


@pytest.mark.usefixtures("tasks_run_at_once")
def test_compliance_reminds_extends_and_waives_on_the_campaign_and_the_figures_agree_everywhere(
    browser_as: BrowserAs,
    sellers: list[StaffProfile],
    compliance_officer: StaffProfile,
    asked: AcknowledgementRequest,  # version 1, published to all staff after the others joined
    agent: StaffProfile,
    manager: StaffProfile,
    second_manager: StaffProfile,
) -> None:
    version = asked.version
    acknowledgement_services.signature_create(ack_request=asked, actor=agent.user, typed_name=agent.full_name)
    pending = [manager, second_manager, compliance_officer, *sellers]
    # Sales missed the deadline: the campaign is in compliance's tasks.
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    AcknowledgementRequest.objects.filter(version=version, person__in=sellers).update(due_date=yesterday)

    page = browser_as(compliance_officer)
    overdue_campaigns = page.get_by_test_id("tasks-campaigns")
    expect(overdue_campaigns).to_contain_text("2 people past their deadline")
    overdue_campaigns.get_by_role("link", name="Open the campaign").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"Campaign: "))
    assert figures(page)["pending"] == len(pending)

    before = len(mail.outbox)
    page.get_by_test_id("remind-now").click()
    expect(page.get_by_text(f"{len(pending)} pending people reminded now.")).to_be_visible()
    reminded = Counter(address for email in mail.outbox[before:] for address in email.to)
    assert reminded == Counter({person.user.email: 1 for person in pending})

    new_date = timezone.localdate() + datetime.timedelta(days=30)
    extend = page.locator("form", has=page.get_by_role("heading", name="Extend the deadline"))
    extend.get_by_label("New deadline").fill(new_date.isoformat())
    extend.get_by_label("For").select_option(label="Sales")
    extend.get_by_role("button", name="Extend").click()
    expect(page.get_by_text(f"2 pending requests are now due on {date_format(new_date)}.")).to_be_visible()
    rows = page.get_by_test_id("pending").locator("tbody tr")
    for person in pending:
        due = new_date if person in sellers else asked.due_date
        expect(rows.filter(has_text=person.full_name)).to_contain_text(date_format(due))
    page.goto("/")
    expect(page.get_by_test_id("tasks-campaigns")).to_have_count(0)
    page.go_back()

    waived = [second_manager, sellers[0]]
    for person in waived:
        page.get_by_label(f"Choose {person.full_name}").check()
    page.get_by_role("button", name="Waive the people ticked…").click()
    expect(page.get_by_test_id("confirm-count")).to_have_text("Waive 2 requests?")
    page.get_by_label("Reason for the waiver").fill("On long leave until the next version.")
    page.get_by_role("button", name="Waive 2 requests").click()
    expect(page.get_by_text("Waived 2 requests.")).to_be_visible()

    # Six asked: the agent signed, two were waived, three are pending still.
    expected = {**dict.fromkeys(FIGURES, 0), "asked": 6, "signed": 1, "waived": 2, "pending": 3}
    assert figures(page) == expected
    statuses = Counter(AcknowledgementRequest.objects.filter(version=version).values_list("status", flat=True))
    assert statuses == {RequestStatus.SIGNED: 1, RequestStatus.WAIVED: 2, RequestStatus.PENDING: 3}

    page.get_by_test_id("navigation").get_by_role("link", name="Dashboard").click()
    assert figures(page) == expected
    with page.expect_download() as download:
        page.get_by_role("link", name="All requests CSV").click()
    path = ARTIFACTS / "workspace-requests.csv"
    download.value.save_as(path)
    with path.open(newline="", encoding="utf-8-sig") as file:
        by_state = Counter(row["Status"] for row in csv.DictReader(file))
    assert by_state == {"Signed": 1, "Waived": 2, "Pending": 3}


def test_the_section_editor_previews_the_markdown_as_the_server_renders_it_and_runs_no_script_typed(
    browser_as: BrowserAs, revision: CodeVersion, manager: StaffProfile, page_watch: PageWatch
) -> None:
    section = revision.sections.get(title="Privacy")
    page = browser_as(manager)
    page.goto(f"/codes/customer-service/v2/sections/{section.pk}/edit/")
    preview = page.locator("#section-preview")
    expect(preview).to_contain_text("Verify identity first.")

    page.get_by_label("Text (Markdown)").fill(
        "Ask **two questions** first.\n\n<script>document.title = 'taken over'</script>\n\n- never the full number"
    )
    expect(preview.locator("strong")).to_have_text("two questions")
    expect(preview.locator("li")).to_have_text("never the full number")
    expect(preview.locator("script")).to_have_count(0)
    assert page.title() != "taken over"
    assert page_watch.problems == []


@pytest.mark.skipif(
    not AXE_SCRIPT.exists(), reason=f"axe-core is not installed ({AXE_SCRIPT} is missing): run `npm ci`"
)
def test_each_new_page_fits_a_laptop_and_a_phone_and_has_no_serious_accessibility_violation(
    browser_as: BrowserAs,
    sellers: list[StaffProfile],
    compliance_officer: StaffProfile,
    asked: AcknowledgementRequest,
    revision: CodeVersion,
    agent: StaffProfile,
    manager: StaffProfile,
    second_manager: StaffProfile,
) -> None:
    version = asked.version
    acknowledgement_services.signature_create(ack_request=asked, actor=agent.user, typed_name=agent.full_name)
    chosen = AcknowledgementRequest.objects.filter(version=version, person__in=sellers).order_by("pk")
    waive_query = "&".join(f"request={pk}" for pk in chosen.values_list("pk", flat=True))
    section = revision.sections.get(title="Privacy")

    too_wide: list[str] = []
    found: dict[str, list[dict[str, Any]]] = {}

    def check(page: Page, path: str, *, name: str) -> None:
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(path)
            expect(page.locator("main")).to_be_visible()
            screenshot(page, f"workspace-{name}-{width}")
            try:
                assert_fits_the_screen(page)
            except AssertionError:
                too_wide.append(f"{path} at {width} px")
            violations = serious(run_axe(page))
            if violations:
                found[f"{name} at {width} px ({path})"] = violations

    as_compliance = serve_axe(browser_as(compliance_officer))
    check(as_compliance, f"/acknowledgements/dashboard/versions/{version.pk}/", name="campaign")
    check(as_compliance, f"/acknowledgements/dashboard/versions/{version.pk}/waive/?{waive_query}", name="waive")
    check(as_compliance, f"/people/{agent.pk}/", name="person")

    as_manager = serve_axe(browser_as(manager))
    check(as_manager, f"/codes/customer-service/v2/sections/{section.pk}/edit/", name="section-editor")
    check(as_manager, "/search/?q=identity", name="search")

    check(as_manager, "/tasks/", name="my-tasks")
    as_agent = serve_axe(browser_as(agent))
    check(as_agent, "/people/me/", name="profile")

    assert too_wide == [], "wider than the browser's window"
    if found:
        pytest.fail("serious or critical accessibility violations:\n" + describe(found), pytrace=False)

"""Privacy in a real browser: a person finds what the portal holds about them and downloads it; compliance places
a legal hold on a leaver, which keeps the daily sweep off their data, and releases it.

Each test makes the state it starts from with the app's services, then acts through the pages as people do:
from the menu, never by typing an address, except to show that an address is refused."""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable
from importlib import import_module
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Locator, Page, ViewportSize, expect

from acknowledgements import services as acknowledgement_services
from acknowledgements.models import AcknowledgementRequest
from codes.models import CodeVersion
from people.models import StaffProfile
from privacy import services as privacy_services
from privacy.models import LegalHold
from training.services.completions import completion_record

from .helpers import assert_nothing_scrolls_sideways, screenshot

# Test code, which the type checker leaves out (as the other journeys import it).
ask = import_module("questions.tests.factories").ask
CourseFactory = import_module("training.tests.factories").CourseFactory
CompletionFactory = import_module("training.tests.factories").CompletionFactory

pytestmark = [
    # The live server answers from another thread, so the data must be committed; the roles,
    # made by a data migration, are restored after each test's flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BrowserAs = Callable[[StaffProfile], Page]
PHONE: ViewportSize = {"width": 390, "height": 844}


def rows(table: Locator) -> Locator:
    return table.locator("tbody tr")


# ---------------------------------------------------------------------------
# My data
# ---------------------------------------------------------------------------


@pytest.fixture
def agents_record(
    agent: StaffProfile, manager: StaffProfile, compliance_officer: StaffProfile, published: CodeVersion
) -> None:
    """The agent and her manager each signed version 1, asked a question and completed a course; the agent's
    values and the manager's differ, so that one can tell whose a row is. (Both are on the staff before version 1
    is published: the publication asks them.)"""
    for person, address, browser, question in (
        (agent, "198.51.100.23", "Agent-Browser/1.0", "May I read a customer's notes aloud?"),
        (manager, "203.0.113.77", "Manager-Browser/9.9", "Who approves a refund over 500?"),
    ):
        acknowledgement_services.signature_create(
            ack_request=AcknowledgementRequest.objects.get(version=published, person=person),
            actor=person.user,
            typed_name=person.full_name,
            ip_address=address,
            user_agent=browser,
        )
        ask(published, person.user, text=question)
    # The manager records her report's training; her own comes from elsewhere.
    completion_record(
        person=agent,
        course=CourseFactory(title="Complaint handling"),
        completed_on=timezone.localdate(),
        actor=manager.user,
        evidence_note="Passed the final quiz of Complaint handling.",
    )
    CompletionFactory(person=manager, course__title="Leading a team", evidence_note="Attended the workshop.")
    # About somebody else altogether: never on the agent's page nor in her file.
    privacy_services.hold_place(person=manager, reason="Dispute over overtime", actor=compliance_officer.user)


MANAGERS_VALUES = (
    "203.0.113.77",
    "Manager-Browser/9.9",
    "Who approves a refund over 500?",
    "Leading a team",
    "Attended the workshop.",
)


def open_my_data(page: Page) -> None:
    """From the menu under the person's name, as the navigation offers it."""
    page.get_by_role("button", name="Ana", exact=True).click()
    page.get_by_role("link", name="My data").click()


def test_an_agent_finds_her_data_from_the_menu_and_downloads_only_hers(
    browser_as: BrowserAs, agents_record: None, agent: StaffProfile, tmp_path: Path
) -> None:
    page = browser_as(agent)
    open_my_data(page)

    expect(page).to_have_url(re.compile(r"/privacy/my-data/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("What the portal holds about me")
    account = page.get_by_test_id("my-data-account")
    expect(account).to_contain_text(agent.user.username)
    expect(account).to_contain_text(agent.employee_id)

    requests = rows(page.get_by_test_id("my-data-requests"))
    expect(requests).to_have_count(1)
    expect(requests).to_contain_text("Customer Service Code")
    expect(requests).to_contain_text(agent.full_name)
    expect(requests).to_contain_text("198.51.100.23")
    expect(requests).to_contain_text("Agent-Browser/1.0")
    expect(requests.get_by_role("link", name=re.compile(r"^Signed on "))).to_be_visible()

    training = page.get_by_role("region", name="Training")
    expect(training).to_contain_text("Complaint handling")
    expect(training).to_contain_text("Passed the final quiz of Complaint handling.")

    questions = rows(page.get_by_test_id("my-data-questions"))
    expect(questions).to_have_count(1)
    expect(questions).to_contain_text("May I read a customer's notes aloud?")

    events = page.get_by_test_id("my-data-events")
    expect(events).to_contain_text("Code signed")
    expect(events).to_contain_text("Question asked about a section")
    expect(events).to_contain_text("Completion recorded")
    # Neither the manager's rows nor the hold on her (legal holds are not the agent's to see).
    for value in (*MANAGERS_VALUES, "Legal hold placed", "Dispute over overtime"):
        expect(page.locator("main")).not_to_contain_text(value)
    screenshot(page, "privacy-my-data")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download all of it (JSON)").click()
    assert re.fullmatch(r"my-data-\d{4}-\d{2}-\d{2}\.json", download.value.suggested_filename)
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)

    assert data["account"]["username"] == agent.user.username
    assert data["staff_record"]["employee_id"] == agent.employee_id
    [signed] = data["acknowledgements"]
    assert (signed["typed_name"], signed["ip_address"], signed["user_agent"]) == (
        agent.full_name,
        "198.51.100.23",
        "Agent-Browser/1.0",
    )
    assert [question["text"] for question in data["questions"]] == ["May I read a customer's notes aloud?"]
    assert [completion["course_title"] for completion in data["training_completions"]] == ["Complaint handling"]
    assert {event["action"] for event in data["audit_events"]} >= {
        "acknowledgements.signature.create",
        "questions.question.ask",
        "training.completion.record",
    }
    for value in (*MANAGERS_VALUES, "Dispute over overtime", "privacy.hold.place"):
        assert value not in text, value

    # The download is itself recorded, and the page says so when she comes back to it.
    page.reload()
    expect(page.get_by_test_id("my-data-events")).to_contain_text("Personal data downloaded by the person")


def test_on_a_phone_an_agent_reaches_her_data_through_the_collapsed_menu(
    browser_as: BrowserAs, agents_record: None, agent: StaffProfile
) -> None:
    page = browser_as(agent)
    page.set_viewport_size(PHONE)
    page.get_by_role("button", name="Show the menu").click()
    open_my_data(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("What the portal holds about me")
    expect(rows(page.get_by_test_id("my-data-requests"))).to_contain_text("198.51.100.23")
    expect(page.get_by_role("link", name="Download all of it (JSON)")).to_be_visible()
    assert_nothing_scrolls_sideways(page)
    screenshot(page, "privacy-my-data-phone")


# ---------------------------------------------------------------------------
# Legal holds
# ---------------------------------------------------------------------------


def the_daily_sweep_once_her_retention_has_ended() -> privacy_services.SweepSummary:
    """What the worker runs each night, on a day after the leaver's retention period."""
    later = timezone.now() + datetime.timedelta(days=settings.RETENTION_DAYS["leaver"] + 1)
    with time_machine.travel(later):
        return privacy_services.leavers_pseudonymise()


def hold_row(page: Page, text: str) -> Locator:
    return rows(page.get_by_test_id("legal-holds")).filter(has_text=text)


def test_compliance_holds_a_leavers_data_against_the_sweep_then_releases_it(
    browser_as: BrowserAs, compliance_officer: StaffProfile, leaver: StaffProfile
) -> None:
    page = browser_as(compliance_officer)
    page.get_by_test_id("navigation").get_by_role("link", name="Legal holds").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Legal holds")
    expect(rows(page.get_by_test_id("legal-holds"))).to_have_text(["No legal hold has been placed."])
    place = page.get_by_role("region", name="Place a legal hold")
    place.get_by_label("Employee id").fill("HR-7731-ZQ")
    place.get_by_label("Reason").fill("Employment tribunal claim 2207/26: keep her records as they are.")
    place.get_by_role("button", name="Place the hold").click()

    expect(
        page.get_by_text("The legal hold is placed: this person's data is kept until it is released.")
    ).to_be_visible()
    held = hold_row(page, "Zenobia Quillfeather")
    expect(held).to_have_count(1)
    expect(held).to_contain_text("HR-7731-ZQ")
    expect(held).to_contain_text("Employment tribunal claim 2207/26")
    expect(held).to_contain_text("In force")
    expect(held).to_contain_text(compliance_officer.full_name)
    screenshot(page, "privacy-hold-placed")

    # Her retention ends while the hold is in force: the sweep leaves her as she is, and so does a direct attempt.
    summary = the_daily_sweep_once_her_retention_has_ended()
    assert (summary.pseudonymised, summary.held) == (0, 1)
    with pytest.raises(privacy_services.PseudonymisationRefused, match="A legal hold on this person is in force"):
        privacy_services.person_pseudonymise(person=leaver, actor=None)
    page.reload()
    expect(hold_row(page, "Zenobia Quillfeather")).to_contain_text("HR-7731-ZQ")

    held = hold_row(page, "Zenobia Quillfeather")
    held.get_by_label("Reason for the release").fill("The claim was withdrawn on 3 December.")
    held.get_by_role("button", name="Release").click()

    expect(page.get_by_text("The legal hold is released.")).to_be_visible()
    released = hold_row(page, "Zenobia Quillfeather")
    expect(released).to_contain_text("The claim was withdrawn on 3 December.")
    expect(released).not_to_contain_text("In force")
    expect(released.get_by_role("button", name="Release")).to_have_count(0)
    screenshot(page, "privacy-hold-released")

    page.get_by_test_id("navigation").get_by_role("link", name="Audit log").click()
    log = page.locator("main table tbody tr")
    expect(log.filter(has_text="Legal hold placed")).to_contain_text(compliance_officer.full_name)
    expect(log.filter(has_text="Legal hold released")).to_contain_text(compliance_officer.full_name)

    # Released, the next sweep pseudonymises her; the list keeps the hold, under her pseudonym.
    summary = the_daily_sweep_once_her_retention_has_ended()
    assert (summary.pseudonymised, summary.held) == (1, 0)
    page.get_by_test_id("navigation").get_by_role("link", name="Legal holds").click()
    expect(rows(page.get_by_test_id("legal-holds"))).to_have_count(1)
    expect(page.get_by_test_id("legal-holds")).not_to_contain_text("Zenobia")


def test_a_hold_refuses_an_unknown_employee_id_on_the_form(
    browser_as: BrowserAs, compliance_officer: StaffProfile
) -> None:
    page = browser_as(compliance_officer)
    page.get_by_test_id("navigation").get_by_role("link", name="Legal holds").click()
    place = page.get_by_role("region", name="Place a legal hold")
    place.get_by_label("Employee id").fill("HR-0000-XX")
    place.get_by_label("Reason").fill("A claim.")
    place.get_by_role("button", name="Place the hold").click()

    expect(place).to_contain_text("Nobody on the staff has this employee id.")
    expect(rows(page.get_by_test_id("legal-holds"))).to_have_text(["No legal hold has been placed."])
    assert not LegalHold.objects.exists()


def test_an_agent_is_not_offered_the_holds_and_their_address_refuses_her(
    browser_as: BrowserAs, agent: StaffProfile, compliance_officer: StaffProfile, leaver: StaffProfile
) -> None:
    privacy_services.hold_place(person=leaver, reason="Employment tribunal claim", actor=compliance_officer.user)
    page = browser_as(agent)

    expect(page.get_by_test_id("navigation").get_by_role("link", name="Legal holds")).to_have_count(0)
    response = page.goto("/privacy/legal-holds/")
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You may not open this page")
    expect(page.locator("main")).not_to_contain_text("Employment tribunal claim")
    expect(page.locator("main")).not_to_contain_text("Zenobia")


def test_on_a_phone_the_holds_fit_the_screen(
    browser_as: BrowserAs, compliance_officer: StaffProfile, leaver: StaffProfile
) -> None:
    privacy_services.hold_place(person=leaver, reason="Employment tribunal claim", actor=compliance_officer.user)
    page = browser_as(compliance_officer)
    page.set_viewport_size(PHONE)
    page.get_by_role("button", name="Show the menu").click()
    page.get_by_test_id("navigation").get_by_role("link", name="Legal holds").click()

    expect(hold_row(page, "Zenobia Quillfeather")).to_contain_text("In force")
    expect(hold_row(page, "Zenobia Quillfeather").get_by_role("button", name="Release")).to_be_visible()
    assert_nothing_scrolls_sideways(page)
    screenshot(page, "privacy-holds-phone")

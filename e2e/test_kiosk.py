"""Issue 17, done when: an agent without an account signs at a kiosk witnessed by a supervisor after passing a
comprehension check, another agent asks a question on a clause that becomes an FAQ, and compliance sees which
section was most often misunderstood."""

from __future__ import annotations

import re
from collections.abc import Callable
from importlib import import_module
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from acknowledgements.models import AcknowledgementRequest, KioskSession, Signature, SigningMethod
from codes.models import CodeVersion
from people.models import StaffProfile

from .helpers import AXE_SCRIPT, describe, publish_with_privacy_check, run_axe, serious, serve_axe

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BrowserAs = Callable[[StaffProfile], Page]

# By name: mypy leaves the apps' test code out (see pyproject.toml and e2e/helpers.py).
code_factories = import_module("codes.tests.factories")
people_factories = import_module("people.tests.factories")


def assert_accessible(page: Page, where: str) -> None:
    violations = serious(run_axe(page))
    assert violations == [], describe({where: violations})


def new_pin(office: Page, name: str) -> str:
    """The supervisor issues a new PIN from their own desk, and reads it off the page (shown this once)."""
    office.goto("/people/team/")
    office.get_by_role("link", name="Staff who sign at a kiosk").click()
    office.get_by_role("button", name=f"Issue a new PIN to {name}").click()
    secret = office.get_by_test_id("kiosk-secret").inner_text().strip()
    assert re.fullmatch(r"\d{6}", secret), secret
    return secret


def identify(kiosk: Page, employee_id: str, secret: str) -> None:
    kiosk.get_by_label("Your employee id").fill(employee_id)
    kiosk.get_by_label("Your PIN or one-time code").fill(secret)
    kiosk.get_by_role("button", name="Continue").click()


def answer(kiosk: Page, *labels: str) -> None:
    check = kiosk.get_by_test_id("check")
    for label in labels:
        check.get_by_label(label).check()
    check.get_by_role("button", name=re.compile("Send my answers|Answer again")).click()


@pytest.mark.skipif(not AXE_SCRIPT.exists(), reason=f"axe-core is not installed ({AXE_SCRIPT} is missing)")
def test_a_worker_without_an_account_signs_at_a_witnessed_kiosk_and_compliance_sees_what_was_misunderstood(
    browser_as: BrowserAs,
    draft: CodeVersion,
    support: Any,
    manager: StaffProfile,
    second_manager: StaffProfile,
    agent: StaffProfile,
    compliance_officer: StaffProfile,
    settings: Any,
    tasks_run_at_once: None,
) -> None:
    settings.KIOSK_MAX_TRIES = 3
    worker = people_factories.KioskPersonFactory(
        user__first_name="Ion", user__last_name="Popa", employee_id="K-100", department=support, manager=manager
    )
    code_factories.ask(
        draft.sections.get(position=1),
        actor=manager.user,
        text="How do you answer an angry customer?",
        right=["Calmly"],
        wrong=["Loudly"],
    )
    version = publish_with_privacy_check(draft, author=manager, approver=second_manager)
    asked = AcknowledgementRequest.objects.get(version=version, person=worker)

    # The supervisor, at their desk, issues the worker a PIN.
    office = serve_axe(browser_as(manager))
    pin = new_pin(office, "Ion Popa")
    assert_accessible(office, "the PIN issued")
    office.goto("/people/kiosk/")
    assert_accessible(office, "staff who sign at a kiosk")

    # On the shared device, the supervisor opens a kiosk.
    kiosk = serve_axe(browser_as(manager))
    kiosk.goto("/people/team/")
    kiosk.get_by_role("link", name="Open a kiosk").click()
    assert_accessible(kiosk, "open a kiosk")
    kiosk.get_by_label("Name of this device").fill("Warehouse tablet")
    kiosk.get_by_role("button", name="Open the kiosk").click()
    expect(kiosk.get_by_role("heading", name="Who is signing?")).to_be_visible()
    expect(kiosk.get_by_test_id("kiosk-witness")).to_have_text(re.compile(r"Warehouse tablet · witnessed by Maria"))
    assert_accessible(kiosk, "who is signing")

    # Wrong PINs are throttled: at the third the worker is locked out, and the right PIN is refused too, in
    # the same words (the kiosk says nothing of who exists); the supervisor sees the lock at their desk.
    for wrong in ("111111x", "222222x", "333333x"):
        identify(kiosk, "K-100", wrong)
        expect(kiosk.get_by_test_id("error-summary")).to_contain_text("do not match")
    assert_accessible(kiosk, "a refused PIN")
    identify(kiosk, "K-100", pin)
    expect(kiosk.get_by_test_id("error-summary")).to_contain_text("do not match")
    office.goto("/people/kiosk/")
    expect(office.get_by_role("row", name=re.compile("Ion Popa"))).to_contain_text("Locked out")

    # The supervisor vouches for the worker with a new PIN, which lifts the lockout.
    pin = new_pin(office, "Ion Popa")
    identify(kiosk, "K-100", pin)
    expect(kiosk.get_by_test_id("kiosk-person")).to_have_text(re.compile("Signing as Ion Popa"))
    assert_accessible(kiosk, "the person's list")

    # The worker reads, misunderstands the privacy section once, passes the check and signs with their name.
    kiosk.get_by_role("link", name=re.compile("Customer Service Code, version 1")).click()
    expect(kiosk.get_by_test_id("check-refusal")).to_contain_text("Pass the comprehension check before signing")
    assert_accessible(kiosk, "the kiosk's reader")
    answer(kiosk, "Calmly", "Share at once")
    expect(kiosk.get_by_test_id("check-result")).to_contain_text("below the pass mark")
    answer(kiosk, "Calmly", "Verify identity")
    expect(kiosk.get_by_test_id("check-result")).to_contain_text("you scored 100% and passed")
    sign = kiosk.locator("#sign")
    sign.get_by_label("I agree to the statement above.").check()
    sign.get_by_label("Your full name").fill("Ion Popa")
    sign.get_by_role("button", name="Sign", exact=True).click()

    # The worker sees their receipt: what they signed, the witness, their score and their reading evidence.
    expect(kiosk.get_by_role("heading", name="Signed and witnessed")).to_be_visible()
    expect(kiosk.get_by_test_id("kiosk-witness").last).to_contain_text("witnessed by Maria")
    expect(kiosk.get_by_test_id("comprehension-score")).to_contain_text("100% right answers")
    expect(kiosk.get_by_test_id("reading-sections")).to_contain_text("of 2 sections")
    assert_accessible(kiosk, "the kiosk's receipt")
    kiosk.get_by_role("button", name="Done — next person").click()

    # Back to who is next, with nothing of the worker on the screen.
    expect(kiosk.get_by_role("heading", name="Who is signing?")).to_be_visible()
    expect(kiosk.get_by_role("alert").filter(has_text="The next person may identify now")).to_be_visible()
    screen = kiosk.content()
    for trace in ("Ion", "Popa", "K-100", "Customer Service Code"):
        assert trace not in screen, f"{trace!r} is still on the kiosk's screen"
    assert_accessible(kiosk, "after the signature")
    signature = Signature.objects.get(request=asked)
    assert (signature.method, signature.witness, signature.device) == (SigningMethod.KIOSK, manager, "Warehouse tablet")
    assert signature.comprehension_score == 100

    # The supervisor's session on the device reaches nothing but the kiosk.
    kiosk.goto("/acknowledgements/dashboard/")
    expect(kiosk).to_have_url(re.compile(r"/kiosk/$"))

    # Another agent asks about the privacy section; compliance answers and publishes it as an FAQ.
    reader = serve_axe(browser_as(agent))
    reader.goto("/acknowledgements/")
    reader.get_by_role("link", name="Read and sign").click()
    reader.get_by_role("link", name="Ask a question about “Privacy”").click()
    reader.get_by_label("Your question").fill("Which details verify an identity?")
    reader.get_by_role("button", name="Send the question").click()
    expect(reader.get_by_test_id("question-text")).to_have_text("Which details verify an identity?")

    compliance = serve_axe(browser_as(compliance_officer))
    compliance.goto("/tasks/")
    compliance.get_by_role("link", name="Answer").click()
    compliance.get_by_role("textbox", name="Answer").fill("Ask for the date of birth and the postcode.")
    compliance.get_by_label("Publish as a frequently asked question under this section").check()
    compliance.get_by_role("button", name="Send the answer").click()
    expect(compliance.get_by_test_id("answer-text")).to_have_text("Ask for the date of birth and the postcode.")

    asked_agent = AcknowledgementRequest.objects.get(version=version, person=agent)
    reader.goto(f"/acknowledgements/{asked_agent.pk}/")
    faqs = reader.get_by_test_id("faqs-2")
    faqs.get_by_text("1 frequently asked question").click()
    expect(faqs).to_contain_text("Ask for the date of birth and the postcode.")

    # Compliance sees which section was most often misunderstood, and the receipt names the witness.
    compliance.goto(f"/acknowledgements/dashboard/versions/{version.pk}/")
    compliance.get_by_role("link", name="Comprehension check answers").click()
    expect(compliance.get_by_test_id("most-misunderstood")).to_contain_text("section 2, “Privacy”")
    assert_accessible(compliance, "comprehension check answers")
    compliance.goto(f"/people/{worker.pk}/")
    compliance.get_by_role("link", name=re.compile("Signed on")).click()
    expect(compliance.get_by_test_id("kiosk-witness")).to_contain_text("witnessed by Maria")
    expect(compliance.get_by_test_id("kiosk-witness")).to_contain_text("Warehouse tablet")


def test_a_person_who_walks_away_from_the_kiosk_is_cleared_and_the_kiosk_stays_open(
    browser_as: BrowserAs, support: Any, manager: StaffProfile, settings: Any
) -> None:
    settings.KIOSK_PERSON_IDLE_SECONDS = 2
    people_factories.KioskPersonFactory(
        user__first_name="Ion", user__last_name="Popa", employee_id="K-100", department=support, manager=manager
    )
    office = browser_as(manager)
    pin = new_pin(office, "Ion Popa")
    kiosk = browser_as(manager)
    kiosk.goto("/kiosk/open/")
    kiosk.get_by_label("Name of this device").fill("Warehouse tablet")
    kiosk.get_by_role("button", name="Open the kiosk").click()
    identify(kiosk, "K-100", pin)
    expect(kiosk.get_by_test_id("kiosk-person")).to_have_text(re.compile("Signing as Ion Popa"))

    # Nobody touches the screen: it goes back to who is next, by itself, and the kiosk is still open.
    expect(kiosk.get_by_role("heading", name="Who is signing?")).to_be_visible(timeout=10_000)
    assert "Popa" not in kiosk.content()
    kiosk_session = KioskSession.objects.get()
    assert (kiosk_session.person, kiosk_session.ended_at) == (None, None)

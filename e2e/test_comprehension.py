"""Issue 17: an agent fails the comprehension check of a version, re-reads, passes and signs; the receipt
shows the score."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from acknowledgements.models import AcknowledgementRequest, Signature
from codes.models import CodeVersion
from people.models import StaffProfile

from .helpers import AXE_SCRIPT, TEST_PASSWORD, describe, publish_with_privacy_check, run_axe, serious, serve_axe

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BrowserAs = Callable[[StaffProfile], Page]


@pytest.mark.skipif(not AXE_SCRIPT.exists(), reason=f"axe-core is not installed ({AXE_SCRIPT} is missing)")
def test_an_agent_fails_the_check_then_passes_it_and_signs(
    browser_as: BrowserAs,
    draft: CodeVersion,
    manager: StaffProfile,
    second_manager: StaffProfile,
    agent: StaffProfile,
) -> None:
    version = publish_with_privacy_check(draft, author=manager, approver=second_manager)
    asked = AcknowledgementRequest.objects.get(version=version, person=agent)

    page = serve_axe(browser_as(agent))
    page.goto(f"/acknowledgements/{asked.pk}/")
    expect(page.get_by_test_id("check-refusal")).to_contain_text("Pass the comprehension check before signing")
    violations = serious(run_axe(page))
    assert violations == [], describe({"check page": violations})

    check = page.get_by_test_id("check")
    check.get_by_label("Share at once").check()
    check.get_by_role("button", name="Send my answers").click()

    expect(page.get_by_test_id("check-result")).to_contain_text("you scored 0%, below the pass mark")
    expect(page.get_by_test_id("check-explanations")).to_contain_text("Identity comes first.")
    page.get_by_test_id("check-reread").get_by_role("link", name="2. Privacy").click()
    expect(page).to_have_url(re.compile(r"#section-2$"))
    violations = serious(run_axe(page))
    assert violations == [], describe({"check result": violations})

    page.get_by_test_id("check").get_by_label("Verify identity").check()
    page.get_by_test_id("check").get_by_role("button", name="Answer again").click()
    expect(page.get_by_test_id("check-result")).to_contain_text("you scored 100% and passed")

    sign = page.locator("#sign")
    sign.get_by_label("I agree to the statement above.").check()
    sign.get_by_label("Your full name").fill(agent.full_name)
    sign.get_by_label("Your password").fill(TEST_PASSWORD)
    sign.get_by_role("button", name="Sign", exact=True).click()

    expect(page.get_by_test_id("comprehension-score")).to_contain_text("100% right answers")
    assert Signature.objects.get(request=asked).comprehension_score == 100

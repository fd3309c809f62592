"""Single sign-on in Chromium through a real OpenID Connect provider (npm's oidc-provider, sso/provider/)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.socialaccount.models import SocialAccount
from playwright.sync_api import Page, expect

from acknowledgements.models import AcknowledgementRequest, SignatureAuthentication
from people.models import StaffProfile

from .helpers import assert_assets_loaded, describe, run_axe, screenshot, serious, sign_in_at_provider

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_person_signs_in_through_the_provider_is_linked_by_employee_id_and_signs_out(
    sso_page: Page, agent: StaffProfile
) -> None:
    # The provider's "alice" carries employee id E-1001 (sso/tests/oidc.py): HR gave it to Ana.
    StaffProfile.objects.filter(pk=agent.pk).update(employee_id="E-1001")
    page = sso_page

    page.goto("/accounts/login/")
    found = {"sign-in page with a provider": serious(run_axe(page))}
    page.get_by_role("button", name="Sign in with Local ID").click()
    expect(page).to_have_url(re.compile(r"^http://127\.0\.0\.1:\d+/interaction/"))
    sign_in_at_provider(page, "alice")

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"Welcome, Ana"))
    assert_assets_loaded(page)
    account = SocialAccount.objects.get(user=agent.user)
    assert account.uid == "alice"
    agent.user.refresh_from_db()
    assert not agent.user.has_usable_password()
    screenshot(page, "sso-signed-in")

    page.get_by_role("button", name="Ana").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out of the Conduct Portal")
    screenshot(page, "sso-signed-out")
    found["signed-out page"] = serious(run_axe(page))
    assert not any(found.values()), describe(found)
    page.get_by_role("link", name="Sign out of Local ID too").click()
    page.get_by_role("button", name="Yes, sign me out").click()

    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    # The provider's session is over too: the next sign-in asks for the login again.
    page.get_by_role("button", name="Sign in with Local ID").click()
    expect(page.get_by_placeholder("Enter any login")).to_be_visible()


def test_a_person_the_portal_does_not_know_is_refused_with_a_reason(sso_page: Page, db: Any) -> None:
    page = sso_page

    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with Local ID").click()
    sign_in_at_provider(page, "stranger")

    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_text("Your company account is not known to the Conduct Portal yet.")).to_be_visible()


def test_a_person_without_a_password_signs_a_code_after_confirming_at_the_provider(
    sso_page: Page, agent: StaffProfile, asked: AcknowledgementRequest
) -> None:
    StaffProfile.objects.filter(pk=agent.pk).update(employee_id="E-1001")
    page = sso_page
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with Local ID").click()
    sign_in_at_provider(page, "alice")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"Welcome, Ana"))

    page.goto(f"/acknowledgements/{asked.pk}/")
    sign = page.locator("#sign")
    expect(sign.get_by_label("Your password")).to_have_count(0)
    sign.get_by_role("button", name="Confirm with Local ID").click()
    # The provider asks for the login again although its session is still open (prompt=login).
    sign_in_at_provider(page, "alice")
    expect(page).to_have_url(re.compile(rf"/acknowledgements/{asked.pk}/#sign$"))
    sign = page.locator("#sign")
    sign.get_by_label("I agree to the statement above.").check()
    sign.get_by_label("Your full name").fill(agent.full_name)
    sign.get_by_role("button", name="Sign", exact=True).click()

    expect(page.get_by_role("heading", name=re.compile(r"Acknowledgement receipt #\d+"))).to_be_visible()
    screenshot(page, "sso-signed-with-reauthentication")
    authentication = SignatureAuthentication.objects.get(signature__request=asked)
    assert (authentication.method, authentication.provider, authentication.subject) == ("provider", "local", "alice")

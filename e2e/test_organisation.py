"""Issue 13's whole journey with real peers: a SCIM client provisions a person, who signs in through
the local OpenID provider, signs a code after confirming there, and is deactivated by SCIM."""

from __future__ import annotations

import re
from collections.abc import Callable
from importlib import import_module
from typing import Any

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from playwright.sync_api import Page, expect

from acknowledgements.models import AcknowledgementRequest, RequestStatus, SignatureAuthentication
from codes.models import CodeVersion
from people.models import Department, StaffProfile, UserSession
from scim.services import token_create
from scim.wire import ENTERPRISE_URN

from .helpers import assert_assets_loaded, screenshot, sign_in_at_provider

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SCIM_TYPE = "application/scim+json"
# By name, as helpers.py takes the password: mypy leaves the apps' test code out (see pyproject.toml).
factories = import_module("codes.tests.factories")


def publish_to(
    department: Department, *, title: str, slug: str, manager: StaffProfile, approver: StaffProfile
) -> CodeVersion:
    """Version 1 of a new document, published to the department alone."""
    document = factories.CodeDocumentFactory(title=title, slug=slug, owner=manager.user)
    draft = factories.DraftFactory(document=document, number=1, author=manager.user)
    factories.SectionFactory(version=draft, position=1, title="Professionalism", body="Stay calm and courteous.")
    version: CodeVersion = factories.publish(
        draft, author=manager.user, approver=approver.user, departments=[department]
    )
    return version


def test_a_person_provisioned_by_scim_signs_in_signs_with_the_provider_and_leaves_when_deactivated(
    live_server: Any,
    sso_page: Page,
    browser_as: Callable[[StaffProfile], Page],
    support: Department,
    manager: StaffProfile,
    second_manager: StaffProfile,
    administrator: StaffProfile,
    compliance_officer: StaffProfile,
) -> None:
    code = publish_to(
        support, title="Customer Service Code", slug="customer-service", manager=manager, approver=second_manager
    )
    policy = publish_to(
        support, title="Data Protection Policy", slug="data-protection", manager=manager, approver=second_manager
    )
    # The identity provider's SCIM client holds a token an administrator created for it.
    _token, secret = token_create(name="Local ID", actor=administrator.user)
    scim = requests.Session()
    scim.headers.update({"Authorization": f"Bearer {secret}", "Content-Type": SCIM_TYPE, "Accept": SCIM_TYPE})

    # 1. Provisioned into Support, with the employee id the provider's "alice" carries (sso/tests/oidc.py).
    created = scim.post(
        f"{live_server.url}/scim/v2/Users",
        json={
            "schemas": [USER_SCHEMA, ENTERPRISE_URN],
            "userName": "alice.a@corp.example",
            "name": {"givenName": "Alice", "familyName": "Agent"},
            "emails": [{"value": "alice.a@corp.example", "type": "work", "primary": True}],
            ENTERPRISE_URN: {"employeeNumber": "E-1001", "department": "Support"},
        },
        timeout=30,
    )
    assert created.status_code == 201, created.text
    person = StaffProfile.objects.select_related("user", "department").get(user_id=created.json()["id"])
    assert (person.employee_id, person.department, person.user.email) == ("E-1001", support, "alice.a@corp.example")
    # Both versions apply to Support: the new person is asked to sign each.
    asked = {request.version: request for request in AcknowledgementRequest.objects.filter(person=person)}
    assert set(asked) == {code, policy}
    assert {request.status for request in asked.values()} == {RequestStatus.PENDING}

    # 2. They sign in with their company account; the portal links it by employee id.
    page = sso_page
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with Local ID").click()
    expect(page).to_have_url(re.compile(r"^http://127\.0\.0\.1:\d+/interaction/"))
    sign_in_at_provider(page, "alice")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"Welcome, Alice"))
    assert_assets_loaded(page)
    assert SocialAccount.objects.get(user=person.user).uid == "alice"
    waiting = page.get_by_test_id("tasks-sign")
    expect(waiting.get_by_role("listitem")).to_have_count(2)
    expect(waiting).to_contain_text("Customer Service Code")
    expect(waiting).to_contain_text("Data Protection Policy")
    screenshot(page, "organisation-provisioned-and-signed-in")

    # 3. They open the code waiting for them and sign it after confirming who they are at the provider.
    waiting.get_by_role("listitem").filter(has_text="Customer Service Code").get_by_role(
        "link", name="Read and sign"
    ).click()
    expect(page).to_have_url(re.compile(rf"/acknowledgements/{asked[code].pk}/$"))
    sign = page.locator("#sign")
    expect(sign.get_by_label("Your password")).to_have_count(0)
    sign.get_by_role("button", name="Confirm with Local ID").click()
    # The provider asks for the login again although its session is still open (prompt=login).
    sign_in_at_provider(page, "alice")
    expect(page).to_have_url(re.compile(rf"/acknowledgements/{asked[code].pk}/#sign$"))
    sign = page.locator("#sign")
    sign.get_by_label("I agree to the statement above.").check()
    sign.get_by_label("Your full name").fill("Alice Agent")
    sign.get_by_role("button", name="Sign", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile(r"Acknowledgement receipt #\d+"))).to_be_visible()
    expect(page.get_by_text("Customer Service Code").first).to_be_visible()
    screenshot(page, "organisation-signed-with-the-provider")
    authentication = SignatureAuthentication.objects.get(signature__request=asked[code])
    assert (authentication.method, authentication.provider, authentication.subject) == ("provider", "local", "alice")
    assert UserSession.objects.filter(user=person.user).exists()

    # 4. HR says they have left: the SCIM client deactivates them.
    deactivated = scim.patch(
        f"{live_server.url}/scim/v2/Users/{person.user_id}",
        json={"schemas": [PATCH_SCHEMA], "Operations": [{"op": "replace", "path": "active", "value": False}]},
        timeout=30,
    )
    assert deactivated.status_code == 200, deactivated.text
    assert deactivated.json()["active"] is False

    # 5. Their session is gone: the next page they load is the sign-in page.
    assert not UserSession.objects.filter(user=person.user).exists()
    page.goto("/acknowledgements/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/acknowledgements/$"))
    expect(page.get_by_role("button", name="Sign in with Local ID")).to_be_visible()
    screenshot(page, "organisation-deactivated-signed-out")
    # The request still open has left with them; the signature stays as it was.
    statuses = dict(AcknowledgementRequest.objects.filter(person=person).values_list("version", "status"))
    assert statuses == {code.pk: RequestStatus.SIGNED, policy.pk: RequestStatus.LEFT}

    # As the compliance officer sees it on the dashboard.
    officer = browser_as(compliance_officer)
    officer.goto("/acknowledgements/dashboard/people/")
    rows = officer.get_by_role("row").filter(has_text="E-1001")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Data Protection Policy")).to_contain_text("Left")
    expect(rows.filter(has_text="Customer Service Code")).to_contain_text("Signed")
    screenshot(officer, "organisation-deactivated-requests-left")

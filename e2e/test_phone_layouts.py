"""On a phone (390 px wide) no page of any role scrolls sideways: not the lists, not the forms, not the receipts.

Each role opens the pages its navigation offers, and the pages those lead to where the work is done
(reading and signing, a receipt, a certificate of training, a version and its editor, a translation's
side-by-side editor, the dashboard's people)."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

import pytest
from playwright.sync_api import Page, ViewportSize

from acknowledgements import services as acknowledgement_services
from acknowledgements.models import AcknowledgementRequest
from codes import services as code_services
from codes.models import CodeTemplate
from people.models import StaffProfile

from .helpers import assert_fits_the_screen

start_revision = import_module("codes.tests.factories").start_revision
CompletionFactory = import_module("training.tests.factories").CompletionFactory

pytestmark = [
    # The live server answers from another thread, so the data must be committed; the roles,
    # made by a data migration, are restored after each test's flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE: ViewportSize = {"width": 390, "height": 844}
# Django's own administration is not the portal's to lay out.
NOT_OURS = ("/admin/",)
# What sticks out, for the failure message: the innermost elements wider than the window.
WIDEST = """() => {
    const wide = (element) =>
        element.scrollWidth > window.innerWidth || element.getBoundingClientRect().right > window.innerWidth + 1;
    return [...document.querySelectorAll("body *")]
        .filter((element) => wide(element) && ![...element.children].some(wide))
        .slice(0, 3)
        .map((element) => `<${element.tagName.toLowerCase()} class="${element.className}">: `
            + `${element.scrollWidth} px, ${element.textContent.trim().slice(0, 50)}`)
        .join("; ");
}"""


def navigation_paths(page: Page) -> list[str]:
    links = page.locator('[data-testid="navigation"] a.nav-link')
    return links.evaluate_all("links => links.map((link) => link.getAttribute('href'))")


@pytest.mark.parametrize("role", ["agent", "manager", "compliance_officer", "administrator"])
def test_no_page_of_the_role_is_wider_than_a_phone(
    request: pytest.FixtureRequest,
    browser_as: Callable[[StaffProfile], Page],
    asked: AcknowledgementRequest,
    agent: StaffProfile,
    manager: StaffProfile,
    role: str,
) -> None:
    version = asked.version
    signature = acknowledgement_services.signature_create(
        ack_request=asked, actor=agent.user, typed_name=agent.full_name
    )
    draft = start_revision(version.document, actor=manager.user)
    slug = version.document.slug
    code_services.translation_start(version=version, language="ro", actor=manager.user)
    # The side-by-side editor: the source beside the translation's forms (for compliance, beside its text).
    translation = f"/codes/{slug}/v{version.number}/translations/ro/"
    completion = CompletionFactory(
        person=agent,
        course__title="Complaint handling in practice",
        recorded_by=manager.user,
        external_id="lms-2027-customer-service-essentials-0001",
        evidence_note="Passed the final quiz of the online course.",
    )
    certificate = f"/training/completions/{completion.pk}/certificate/"
    template = CodeTemplate.objects.filter(builtin_key="customer-service-code", language="ro").get()
    work = {
        "agent": [
            f"/acknowledgements/{asked.pk}/",
            f"/acknowledgements/receipts/{signature.pk}/",
            certificate,
            f"/codes/{slug}/v{version.number}/",
        ],
        "manager": [
            f"/codes/{slug}/",
            f"/codes/{slug}/v{draft.number}/",
            f"/codes/{slug}/v{draft.number}/edit/",
            f"/codes/{slug}/compare/?old={version.number}&new={draft.number}",
            f"/codes/{slug}/v{version.number}/",
            translation,
            f"/acknowledgements/receipts/{signature.pk}/",
            f"/training/people/{agent.pk}/",
            certificate,
            "/codes/templates/",
            f"/codes/templates/{template.pk}/",
        ],
        "compliance_officer": [
            "/acknowledgements/dashboard/people/",
            f"/acknowledgements/dashboard/versions/{version.pk}/",
            translation,
            f"/acknowledgements/receipts/{signature.pk}/",
            f"/people/{agent.pk}/",
            certificate,
        ],
        "administrator": [
            f"/codes/{slug}/v{version.number}/",
            f"/codes/{slug}/v{version.number}/save-as-template/",
        ],
    }[role]
    page = browser_as(request.getfixturevalue(role))
    page.set_viewport_size(PHONE)

    too_wide = []
    for path in [*navigation_paths(page), *work]:
        if path.startswith(NOT_OURS):
            continue
        response = page.goto(path)
        assert response is not None, path
        assert response.ok, f"{path}: {response.status}"
        try:
            assert_fits_the_screen(page)
        except AssertionError:
            too_wide.append(f"{path}: {page.evaluate(WIDEST)}")

    assert too_wide == [], "wider than a phone's screen at 390 px"

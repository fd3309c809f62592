"""On a phone (390 px wide) no page of any role scrolls sideways, nor any table in it: not the lists, not the forms,
not the receipts.

Each role opens the pages its navigation offers, and the pages those lead to where the work is done
(reading and signing, a receipt, a certificate of training, a version and its editor, a translation's
side-by-side editor, the dashboard's people)."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

import pytest
from playwright.sync_api import Locator, Page, ViewportSize, expect

from acknowledgements import services as acknowledgement_services
from acknowledgements.models import AcknowledgementRequest
from codes import services as code_services
from codes.models import CodeTemplate
from people.models import StaffProfile

from .helpers import assert_nothing_scrolls_sideways, screenshot

start_revision = import_module("codes.tests.factories").start_revision
CompletionFactory = import_module("training.tests.factories").CompletionFactory
SessionFactory = import_module("training.tests.factories").SessionFactory
NotificationFactory = import_module("reminders.tests.factories").NotificationFactory

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


def width(element: Locator) -> float:
    box = element.bounding_box()
    assert box is not None, "shown"
    return box["width"]


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
            assert_nothing_scrolls_sideways(page)
        except AssertionError as error:
            too_wide.append(f"{path}: {page.evaluate(WIDEST)} {' '.join(str(error).split())[:300]}")

    assert too_wide == [], "wider than a phone's screen at 390 px:\n" + "\n".join(too_wide)


def test_my_training_on_a_phone_shows_each_session_whole_with_its_enrol_button(
    browser_as: Callable[[StaffProfile], Page], agent: StaffProfile, manager: StaffProfile
) -> None:
    SessionFactory(course__title="Complaint handling in practice", location="Training room 2, Bucharest office")
    CompletionFactory(
        person=agent,
        course__title="Customer service essentials",
        recorded_by=manager.user,
        evidence_note="Passed the final quiz of the online course.",
    )
    page = browser_as(agent)
    page.set_viewport_size(PHONE)
    page.goto("/training/")

    expect(page.get_by_role("button", name="Enrol", exact=True)).to_be_in_viewport(ratio=1)
    expect(page.get_by_role("link", name="Certificate", exact=True)).to_be_in_viewport(ratio=1)
    assert_nothing_scrolls_sideways(page)
    screenshot(page, "phone-my-training")


def test_on_a_phone_the_notifications_link_says_what_it_is_and_how_many_are_unread(
    browser_as: Callable[[StaffProfile], Page], agent: StaffProfile
) -> None:
    NotificationFactory.create_batch(2, recipient=agent.user)
    page = browser_as(agent)
    page.set_viewport_size(PHONE)
    page.get_by_role("button", name="Show the menu").click()

    notifications = page.get_by_role("link", name="Notifications 2 unread", exact=True)
    expect(notifications).to_be_visible()
    # Written out beside the bell, as the other entries of the menu are, not only said to screen readers.
    label = notifications.get_by_text("Notifications", exact=True)
    assert width(label) > 20
    notifications.click()

    # On a wide screen the bell stands alone in the bar, and keeps its name for screen readers; like every entry,
    # it says when it is the page open.
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(notifications).to_have_attribute("aria-current", "page")
    assert width(label) <= 1, "Bootstrap's visually hidden: a box of 1 px"

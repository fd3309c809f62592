"""The API's pages in a real browser: Swagger UI and ReDoc draw the schema under the portal's strict CSP
(no console refusal, no script error: the page_watch fixture fails the test otherwise), and a person makes
an API token on a phone-sized screen and uses it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import requests
from playwright.sync_api import Page, expect

from people.models import StaffProfile

from .helpers import PageWatch, assert_nothing_scrolls_sideways

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_swagger_ui_draws_the_operations_under_the_csp(
    browser_as: Callable[[StaffProfile], Page], compliance_officer: StaffProfile
) -> None:
    page = browser_as(compliance_officer)

    page.goto("/api/v1/docs/")

    expect(page.locator(".opblock-summary-path", has_text="/api/v1/people/").first).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/departments/{id}/").first).to_be_visible()


# ReDoc's sidebar always asks for its maker's logo from their CDN (and hides it when it does not load):
# the CSP refuses it, as it should, and that refusal is the only one allowed on the page.
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


def test_redoc_draws_the_operations_under_the_csp(
    browser_as: Callable[[StaffProfile], Page], compliance_officer: StaffProfile, page_watch: PageWatch
) -> None:
    page = browser_as(compliance_officer)

    page.goto("/api/v1/redoc/")

    expect(page.get_by_role("heading", name="List people").first).to_be_visible()
    expect(page.get_by_role("heading", name="A department").first).to_be_attached()
    page_watch.problems = [problem for problem in page_watch.problems if REDOC_LOGO not in problem]


def test_a_person_makes_a_token_on_a_phone_and_the_api_answers_it(
    browser_as: Callable[[StaffProfile], Page], agent: StaffProfile, live_server
) -> None:
    page = browser_as(agent)
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto("/people/me/")
    page.get_by_role("link", name="Manage your API tokens").click()
    page.get_by_label("Name").fill("Nightly export")
    page.get_by_label("Read only").check()
    page.get_by_role("button", name="Create the token").click()

    secret = page.get_by_label("Token").input_value()
    assert secret.startswith("cpt_")
    # Each token is a block of labelled lines on a phone: its Revoke button in sight, nothing scrolled sideways.
    revoke = page.get_by_role("link", name="Revoke", exact=True).bounding_box()
    assert revoke is not None
    assert revoke["x"] + revoke["width"] <= 390
    assert_nothing_scrolls_sideways(page)
    answer = requests.get(
        f"{live_server.url}/api/v1/people/", headers={"Authorization": f"Bearer {secret}"}, timeout=10
    )
    assert answer.status_code == 200
    assert [person["employee_id"] for person in answer.json()["results"]] == [agent.employee_id]

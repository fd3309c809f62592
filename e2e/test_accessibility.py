"""axe-core on the main pages, as the people who use them see them, with data on them."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from playwright.sync_api import Page, expect

from acknowledgements import services as acknowledgement_services
from acknowledgements.models import AcknowledgementRequest
from codes import services as code_services
from people.models import StaffProfile
from reminders import services as reminder_services

from .helpers import AXE_SCRIPT, describe, run_axe, serious, serve_axe

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        not AXE_SCRIPT.exists(), reason=f"axe-core is not installed ({AXE_SCRIPT} is missing): run `npm ci`"
    ),
]


def test_the_main_pages_have_no_serious_accessibility_violations(
    browser_as: Callable[[StaffProfile], Page],
    anonymous_page: Page,
    asked: AcknowledgementRequest,
    agent: StaffProfile,
    manager: StaffProfile,
    compliance_officer: StaffProfile,
) -> None:
    # Something on every page: a draft in the editor, one signature and one pending request on the
    # dashboard, an unread reminder in the agent's notifications (sent by a sweep on the due date).
    draft = code_services.version_start_draft(document=asked.version.document, actor=manager.user)
    mine = AcknowledgementRequest.objects.get(version=asked.version, person=manager)
    receipt = acknowledgement_services.signature_create(
        ack_request=mine, actor=manager.user, typed_name=manager.full_name
    )
    with time_machine.travel(datetime.datetime.combine(asked.due_date, datetime.time(8), ZoneInfo(settings.TIME_ZONE))):
        reminder_services.sweep_now(day=asked.due_date)

    found: dict[str, list[dict[str, Any]]] = {}

    def check(page: Page, path: str, *, name: str) -> None:
        page.goto(path)
        expect(page.locator("main")).to_be_visible()
        violations = serious(run_axe(page))
        if violations:
            found[f"{name} ({path})"] = violations

    serve_axe(anonymous_page)
    check(anonymous_page, "/accounts/login/", name="sign-in")

    as_agent = serve_axe(browser_as(agent))
    check(as_agent, "/", name="agent's home")
    check(as_agent, f"/acknowledgements/{asked.pk}/", name="read and sign")
    check(as_agent, "/training/", name="my training")
    check(as_agent, "/notifications/", name="notifications")

    as_manager = serve_axe(browser_as(manager))
    check(as_manager, f"/codes/{draft.document.slug}/v{draft.number}/edit/", name="editor")
    check(as_manager, f"/acknowledgements/receipts/{receipt.pk}/", name="receipt")

    as_compliance = serve_axe(browser_as(compliance_officer))
    check(as_compliance, "/acknowledgements/dashboard/", name="dashboard")
    check(as_compliance, "/people/staff/", name="people")

    if found:
        pytest.fail("serious or critical accessibility violations:\n" + describe(found), pytrace=False)

"""Questions on a section, in a real browser: an agent asks privately from the reader, compliance answers from
My tasks and publishes the answer as a frequently asked question, which then shows under the section."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from acknowledgements.models import AcknowledgementRequest
from people.models import StaffProfile

from .helpers import run_axe, serious, serve_axe

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BrowserAs = Callable[[StaffProfile], Page]


def test_an_agent_asks_and_compliance_answers_and_publishes_it_as_a_faq(
    browser_as: BrowserAs,
    asked: AcknowledgementRequest,
    agent: StaffProfile,
    compliance_officer: StaffProfile,
    tasks_run_at_once: None,
) -> None:
    reader = serve_axe(browser_as(agent))
    reader.goto(f"/acknowledgements/{asked.pk}/")
    reader.get_by_role("link", name="Ask a question about “Privacy”").click()
    expect(reader.get_by_role("heading", name="Ask a question about a section")).to_be_visible()
    assert serious(run_axe(reader)) == []
    reader.get_by_label("Your question").fill("Which details verify an identity?")
    reader.get_by_role("button", name="Send the question").click()
    expect(reader.get_by_test_id("question-text")).to_have_text("Which details verify an identity?")
    assert serious(run_axe(reader)) == []

    answerer = serve_axe(browser_as(compliance_officer))
    answerer.goto("/tasks/")
    answerer.get_by_role("link", name="Answer").click()
    expect(answerer).to_have_url(re.compile(r"/questions/\d+/$"))
    assert serious(run_axe(answerer)) == []
    answerer.get_by_role("textbox", name="Answer").fill("Ask for the date of birth and the postcode.")
    answerer.get_by_label("Publish as a frequently asked question under this section").check()
    answerer.get_by_role("button", name="Send the answer").click()
    expect(answerer.get_by_test_id("answer-text")).to_have_text("Ask for the date of birth and the postcode.")

    reader.goto(f"/acknowledgements/{asked.pk}/")
    faqs = reader.get_by_test_id("faqs-2")
    faqs.get_by_text("1 frequently asked question").click()
    expect(faqs).to_contain_text("Ask for the date of birth and the postcode.")
    assert serious(run_axe(reader)) == []
    assert [message.to for message in mail.outbox] == [[agent.user.email]]

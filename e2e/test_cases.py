"""Breach cases in a real browser: compliance records a case from the agent's page, the clause select offering the
sections of the version in force that day (htmx), with retraining as the outcome; the agent then finds the
retraining on their training page. Every page on the way is axe-clean."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from codes.models import CodeVersion
from people.models import StaffProfile
from training.models import Assignment, AssignmentReason, Course

from .helpers import AXE_SCRIPT, run_axe, serious, serve_axe

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        not AXE_SCRIPT.exists(), reason=f"axe-core is not installed ({AXE_SCRIPT} is missing): run `npm ci`"
    ),
]

BrowserAs = Callable[[StaffProfile], Page]


def test_compliance_records_a_case_with_retraining_and_the_agent_sees_the_retraining(
    browser_as: BrowserAs, published: CodeVersion, agent: StaffProfile, compliance_officer: StaffProfile
) -> None:
    course = Course.objects.create(title="Handling personal data", is_mandatory=False)
    course.sections.set([published.sections.get(title="Privacy")])
    today = timezone.localdate()
    due = today + datetime.timedelta(days=30)

    officer = serve_axe(browser_as(compliance_officer))
    officer.goto(f"/people/{agent.pk}/")
    officer.get_by_role("link", name="Record a breach case").click()
    expect(officer.get_by_role("heading", name="Record a breach case")).to_be_visible()
    expect(officer.get_by_label("Employee id of the person")).to_have_value(agent.employee_id)
    officer.get_by_label("Date of the breach").fill(today.isoformat())
    officer.get_by_role("combobox", name="Code").select_option(label="Customer Service Code")
    clause = officer.get_by_label("Clause breached")
    expect(clause.locator("option", has_text="2. Privacy")).to_have_count(1)
    clause.select_option(label="2. Privacy")
    officer.get_by_label("What happened").fill("Read a customer's card number aloud in the open office.")
    officer.get_by_role("combobox", name="Outcome").select_option(label="Retraining")
    officer.get_by_label("Retraining due by").fill(due.isoformat())
    assert serious(run_axe(officer)) == []
    officer.get_by_role("button", name="Record the case").click()

    expect(officer).to_have_url(re.compile(r"/cases/\d+/$"))
    expect(officer.get_by_test_id("case-retraining")).to_contain_text("Handling personal data")
    expect(officer.get_by_test_id("case-clause")).to_contain_text("Verify identity first.")
    assert serious(run_axe(officer)) == []
    officer.get_by_role("link", name="Breach cases").first.click()
    expect(officer.get_by_test_id("cases")).to_contain_text("2. Privacy")
    assert serious(run_axe(officer)) == []
    officer.get_by_role("link", name="Breaches per clause").click()
    expect(officer.get_by_test_id("per-clause")).to_contain_text("Privacy")
    assert serious(run_axe(officer)) == []

    assignment = Assignment.objects.get(person=agent, course=course)
    assert (assignment.reason, assignment.due_date) == (AssignmentReason.RETRAINING, due)
    reader = serve_axe(browser_as(agent))
    reader.goto("/training/")
    expect(reader.locator("main")).to_contain_text("Handling personal data")
    assert serious(run_axe(reader)) == []

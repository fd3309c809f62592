"""Who sees which cases, and how many breaches each clause counts."""

from __future__ import annotations

import datetime

import pytest

from cases.selectors import breaches_per_clause, cases_visible_to, may_see_cases_of
from codes.tests.factories import FIRST_PUBLISHED, CodeDocumentFactory, DraftFactory, SectionFactory, publish_at
from people.tests.factories import StaffProfileFactory

from .conftest import UNDER_FIRST, UNDER_SECOND, privacy_of
from .factories import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases_of_two_people(history, agent, support, compliance_officer):
    """One case about the agent (Maria's report) and one about someone who reports to nobody."""
    _first, second = history
    stranger = StaffProfileFactory(department=support)
    return (
        record(agent, privacy_of(second), actor=compliance_officer.user, occurred_on=UNDER_SECOND),
        record(stranger, privacy_of(second), actor=compliance_officer.user, occurred_on=UNDER_SECOND),
    )


def test_compliance_sees_every_case(cases_of_two_people, compliance_officer) -> None:
    assert set(cases_visible_to(compliance_officer.user)) == set(cases_of_two_people)


def test_a_manager_sees_only_their_reports_cases_when_the_setting_allows(
    settings, cases_of_two_people, manager, agent
) -> None:
    settings.CASES_VISIBLE_TO_MANAGER = True
    about_agent, _about_stranger = cases_of_two_people

    assert list(cases_visible_to(manager.user)) == [about_agent]
    assert may_see_cases_of(manager.user, agent)


def test_a_manager_sees_no_case_by_default(cases_of_two_people, manager, agent) -> None:
    assert not cases_visible_to(manager.user).exists()
    assert not may_see_cases_of(manager.user, agent)


@pytest.mark.parametrize("who", ["agent", "outsider", "second_manager"])
def test_anyone_else_sees_no_case_even_with_the_setting_on(settings, cases_of_two_people, who, request) -> None:
    settings.CASES_VISIBLE_TO_MANAGER = True
    person = request.getfixturevalue(who)

    assert not cases_visible_to(person.user).exists()


def test_breaches_are_counted_per_clause_across_versions_the_most_breached_first(
    history, agent, support, compliance_officer, manager, second_manager
) -> None:
    first, second = history
    gifts = DraftFactory(document=CodeDocumentFactory(title="Gifts Policy"), author=manager.user)
    SectionFactory(version=gifts, position=1, title="Gifts over 50 euros")
    publish_at(FIRST_PUBLISHED, gifts, author=manager.user, approver=second_manager.user)
    colleague = StaffProfileFactory(department=support)
    officer = compliance_officer.user
    # Hand-counted: Privacy 3 (one under version 1, two under version 2), Professionalism 1, Gifts 1.
    record(agent, privacy_of(first), actor=officer, occurred_on=UNDER_FIRST)
    record(agent, privacy_of(second), actor=officer, occurred_on=UNDER_SECOND)
    record(colleague, privacy_of(second), actor=officer, occurred_on=datetime.date(2026, 3, 12))
    record(agent, second.sections.get(title="Professionalism"), actor=officer, occurred_on=UNDER_SECOND)
    record(colleague, gifts.sections.get(), actor=officer, occurred_on=UNDER_SECOND)

    rows = breaches_per_clause(cases_visible_to(officer))

    assert [(row["document_title"], row["title"], row["breaches"], row["last_on"]) for row in rows] == [
        ("Customer Service Code", "Privacy", 3, datetime.date(2026, 3, 12)),
        ("Customer Service Code", "Professionalism", 1, UNDER_SECOND),
        ("Gifts Policy", "Gifts over 50 euros", 1, UNDER_SECOND),
    ]

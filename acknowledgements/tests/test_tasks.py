"""What acknowledgements gives to My tasks and to the person page: codes to sign, the team's overdue
requests, and a person's requests as a viewer may read them."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from acknowledgements import selectors, services
from acknowledgements.models import AcknowledgementRequest
from acknowledgements.tests.dashboard.helpers import give_right_to_run_campaigns

pytestmark = pytest.mark.django_db


def ask(person, version, *, days: int) -> AcknowledgementRequest:
    """A pending request due `days` from today (negative: overdue)."""
    return AcknowledgementRequest.objects.create(
        person=person, version=version, due_date=timezone.localdate() + datetime.timedelta(days=days)
    )


def test_a_managers_team_overdue_requests_are_their_task(published, manager, agent) -> None:
    overdue = ask(agent, published, days=-1)

    assert list(selectors.overdue_of_team(manager.user)) == [overdue]


def test_a_request_not_yet_due_is_no_task_of_the_manager(published, manager, agent) -> None:
    ask(agent, published, days=0)

    assert not selectors.overdue_of_team(manager.user).exists()


def test_another_managers_team_is_not_theirs(published, second_manager, agent) -> None:
    ask(agent, published, days=-1)

    assert not selectors.overdue_of_team(second_manager.user).exists()


def test_an_overdue_request_leaves_the_managers_tasks_once_signed(published, manager, agent) -> None:
    overdue = ask(agent, published, days=-1)
    services.signature_create(ack_request=overdue, actor=agent.user, typed_name=agent.full_name)

    assert not selectors.overdue_of_team(manager.user).exists()


def test_someone_who_manages_nobody_has_no_team_tasks(agent, compliance_officer) -> None:
    for person in (agent, compliance_officer):
        assert selectors.overdue_of_team(person.user).query.is_empty()


def test_a_code_to_sign_leaves_the_persons_tasks_once_signed(published, agent) -> None:
    pending = ask(agent, published, days=3)
    assert list(selectors.pending_for(agent.user)) == [pending]

    services.signature_create(ack_request=pending, actor=agent.user, typed_name=agent.full_name)

    assert not selectors.pending_for(agent.user).exists()


def test_a_persons_requests_are_read_by_compliance_and_their_manager_only(
    published, agent, manager, second_manager, compliance_officer
) -> None:
    request = ask(agent, published, days=3)

    assert list(selectors.requests_of(agent, viewer=compliance_officer.user)) == [request]
    assert list(selectors.requests_of(agent, viewer=manager.user)) == [request]
    assert not selectors.requests_of(agent, viewer=second_manager.user).exists()


def test_a_campaign_with_people_past_their_deadline_is_a_task_of_compliance(
    published, compliance_officer, agent, manager
) -> None:
    ask(agent, published, days=-3)
    ask(manager, published, days=-1)

    campaigns = list(selectors.with_overdue_figures(selectors.campaigns_with_overdue(compliance_officer.user)))

    assert campaigns == [published]
    assert (campaigns[0].overdue_count, campaigns[0].overdue_since) == (
        2,
        timezone.localdate() - datetime.timedelta(days=3),
    )


def test_the_navigation_counts_campaigns_without_working_out_their_figures(
    published, compliance_officer, agent
) -> None:
    ask(agent, published, days=-1)

    counted = selectors.campaigns_with_overdue(compliance_officer.user)

    # Every page counts these for the navigation: the figures only the task list shows are not computed.
    assert list(counted) == [published]
    assert not counted.query.annotations


def test_a_campaign_whose_people_are_all_within_their_deadline_is_no_task(published, compliance_officer, agent) -> None:
    ask(agent, published, days=0)

    assert not selectors.campaigns_with_overdue(compliance_officer.user).exists()


def test_a_campaign_leaves_compliances_tasks_once_its_overdue_people_are_waived(
    published, compliance_officer, agent
) -> None:
    overdue = ask(agent, published, days=-1)
    services.request_waive(ack_request=overdue, actor=compliance_officer.user, reason="On long leave")

    assert not selectors.campaigns_with_overdue(compliance_officer.user).exists()


def test_campaigns_are_no_task_of_who_may_not_run_them(published, manager, agent) -> None:
    ask(agent, published, days=-1)

    assert selectors.campaigns_with_overdue(manager.user).query.is_empty()


def test_campaigns_are_no_task_of_a_manager_given_the_right_to_run_them_alone(published, manager, agent) -> None:
    ask(agent, published, days=-1)
    give_right_to_run_campaigns(manager)

    assert selectors.campaigns_with_overdue(manager.user).query.is_empty()

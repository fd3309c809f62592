"""Who sees what on the dashboard and its people list: compliance everyone, a manager their team."""

from __future__ import annotations

import pytest

from acknowledgements import services
from acknowledgements.tests.dashboard.helpers import DASHBOARD, PEOPLE, counts, listed

pytestmark = pytest.mark.django_db


def test_compliance_counts_everyone(client, compliance_officer, campaign, rita):
    services.requests_sync_for_people(person_ids=[rita.pk])
    client.force_login(compliance_officer.user)

    response = client.get(DASHBOARD)

    assert response.context["everyone"] is True
    assert response.context["totals"]["asked"] == 7


def test_a_manager_counts_only_their_direct_reports(client, manager, campaign, rita):
    services.requests_sync_for_people(person_ids=[rita.pk])
    client.force_login(manager.user)

    response = client.get(DASHBOARD)

    # Ana (signed) and Sam (overdue); not Rita, who reports to Radu, nor Maria herself.
    assert response.context["everyone"] is False
    assert counts(response.context["totals"]) == (2, 1, 1, 1, 0)
    assert "My team's acknowledgements" in response.content.decode()


def test_a_manager_lists_only_their_direct_reports(client, manager, campaign, rita):
    services.requests_sync_for_people(person_ids=[rita.pk])
    client.force_login(manager.user)

    response = client.get(PEOPLE)

    assert listed(response) == {"ana", "sam"}


def test_a_department_filter_does_not_widen_a_managers_scope(client, manager, campaign, rita, compliance):
    services.requests_sync_for_people(person_ids=[rita.pk])
    client.force_login(manager.user)

    assert client.get(DASHBOARD, {"department": compliance.pk}).context["totals"]["asked"] == 0
    assert listed(client.get(PEOPLE, {"department": compliance.pk})) == set()


@pytest.mark.parametrize("person", ["agent", "outsider"])
@pytest.mark.parametrize("path", [DASHBOARD, PEOPLE])
def test_people_without_a_team_or_compliance_role_are_refused(request, client, person, path):
    client.force_login(request.getfixturevalue(person).user)

    response = client.get(path)

    assert response.status_code == 403
    assert "You may not open this page" in response.content.decode()


@pytest.mark.parametrize("path", [DASHBOARD, PEOPLE])
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")

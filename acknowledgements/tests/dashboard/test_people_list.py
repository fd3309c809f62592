"""The people list (the drill-down from the dashboard): who is listed, and its pages."""

from __future__ import annotations

import pytest

from acknowledgements import services
from acknowledgements.tests.dashboard.helpers import DASHBOARD, PEOPLE, listed, make_overdue
from people.models import StaffProfile
from people.tests.factories import StaffProfileFactory

pytestmark = pytest.mark.django_db


def test_the_drill_down_lists_exactly_the_overdue_people_of_a_department(
    client, compliance_officer, campaign, support, manager
):
    make_overdue(manager, campaign)
    make_overdue(compliance_officer, campaign)  # overdue, but in Compliance
    client.force_login(compliance_officer.user)

    response = client.get(PEOPLE, {"department": support.pk, "status": "overdue"})

    assert listed(response) == {"maria", "sam"}


def test_the_drill_down_shows_the_waiver_reason(client, compliance_officer, campaign):
    client.force_login(compliance_officer.user)

    response = client.get(PEOPLE, {"status": "waived"})

    assert listed(response) == {"radu"}
    assert "On leave" in response.content.decode()


def test_the_dashboard_links_each_department_to_its_people(client, compliance_officer, campaign, support):
    client.force_login(compliance_officer.user)

    page = client.get(DASHBOARD, {"status": "overdue"}).content.decode()

    assert f'href="{PEOPLE}?status=overdue&amp;department={support.pk}"' in page


@pytest.fixture
def crowd(asked, support, manager) -> list[StaffProfile]:
    """Thirty more people in Support, asked for version 1 (36 requests: two pages)."""
    people = StaffProfileFactory.create_batch(30, department=support, manager=manager)
    services.requests_create_for_version(version=asked)
    return people


def test_pagination_keeps_the_filters(client, compliance_officer, crowd, support):
    client.force_login(compliance_officer.user)

    first = client.get(PEOPLE, {"department": support.pk, "status": "pending"})
    second = client.get(PEOPLE, {"department": support.pk, "status": "pending", "page": 2})

    # 34 pending in Support (30 + Maria, Radu, Ana, Sam): 25, then 9.
    assert f'href="?department={support.pk}&amp;status=pending&amp;page=2"' in first.content.decode()
    assert f'href="?department={support.pk}&amp;status=pending&amp;page=1"' in second.content.decode()
    assert len(first.context["page"]) == 25
    assert len(second.context["page"]) == 9
    assert {ack.person.department_id for ack in second.context["page"]} == {support.pk}
    assert listed(first).isdisjoint(listed(second))


def test_the_page_number_is_not_a_filter(client, compliance_officer, crowd):
    client.force_login(compliance_officer.user)

    response = client.get(DASHBOARD, {"page": 2})

    assert response.context["totals"]["asked"] == 36

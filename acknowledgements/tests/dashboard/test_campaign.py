"""A publication's campaign page: its figures (the dashboard's and the export's), by department and over
time, and who may open it."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import date_format

from acknowledgements import services
from acknowledgements.models import AcknowledgementRequest
from acknowledgements.selectors import FIGURES, STATE_FIGURES, pending_due_dates, signed_by_day_and_language
from acknowledgements.tests.dashboard.helpers import (
    DASHBOARD,
    csv_of,
    give_right_to_run_campaigns,
    listed,
    rendered_figures,
    sign,
)
from codes.models import CodeVersion
from codes.tests.factories import DraftFactory, publish
from people.models import StaffProfile
from people.tests.factories import StaffProfileFactory

pytestmark = pytest.mark.django_db


def campaign_url(version) -> str:
    return f"/acknowledgements/dashboard/versions/{version.pk}/"


def test_the_campaign_shows_the_figures_of_the_dashboard_and_of_the_export(client, compliance_officer, campaign):
    client.force_login(compliance_officer.user)

    page = rendered_figures(client.get(campaign_url(campaign)))
    dashboard = rendered_figures(client.get(DASHBOARD, {"version": campaign.pk}))
    export = csv_of(client.get("/acknowledgements/export/figures.csv", {"version": campaign.pk}))

    everyone = dict(zip(FIGURES, export[-1][3:], strict=False))
    assert page == dashboard
    assert {name: page[name] for name in FIGURES} == everyone
    assert page["asked"] == "6"
    assert sum(int(page[state]) for state in STATE_FIGURES) == 6


def test_each_department_row_sums_to_its_total_and_the_rows_to_everyone(client, compliance_officer, campaign):
    client.force_login(compliance_officer.user)

    response = client.get(campaign_url(campaign))

    rows = response.context["departments"]
    assert {row["person__department__name"]: row["asked"] for row in rows} == {"Compliance": 2, "Support": 4}
    for row in rows:
        assert sum(row[state] for state in STATE_FIGURES) == row["asked"]
    for figure in FIGURES:
        assert sum(row[figure] for row in rows) == response.context["totals"][figure]


def test_the_chart_has_a_point_a_day_since_publication_ending_at_the_signed_figure(
    client, compliance_officer, draft, manager, second_manager, agent
):
    three_days_ago = timezone.now() - datetime.timedelta(days=3)
    with time_machine.travel(three_days_ago, tick=False):
        version = publish(draft, author=manager.user, approver=second_manager.user)
        services.requests_create_for_version(version=version)
        sign(agent, version)
    sign(manager, version)
    client.force_login(compliance_officer.user)

    page = client.get(campaign_url(version)).content.decode()

    assert page.count('class="chart-point"') == 4
    points = re.findall(r'data-point="([\d-]+)">(\d+)<', page)
    first_day = timezone.localdate(three_days_ago)
    assert points[0] == (first_day.isoformat(), "1")
    assert points[-1] == (timezone.localdate().isoformat(), "2")
    assert rendered_figures(client.get(campaign_url(version)))["signed"] == "2"
    assert "<title" in page


@pytest.fixture
def opened_200_days_ago(draft, manager, second_manager, agent) -> CodeVersion:
    """Published 200 days ago, due 14 days later; Ana signed that day and Maria today."""
    with time_machine.travel(timezone.now() - datetime.timedelta(days=200), tick=False):
        version = publish(draft, author=manager.user, approver=second_manager.user)
        services.requests_create_for_version(version=version)
        sign(agent, version)
    sign(manager, version)
    return version


def test_a_campaign_open_for_200_days_is_drawn_a_point_a_week_and_says_so(
    client, compliance_officer, opened_200_days_ago
):
    client.force_login(compliance_officer.user)

    page = client.get(campaign_url(opened_200_days_ago)).content.decode()

    points = re.findall(r'data-point="([\d-]+)">(\d+)<', page)
    assert len(points) <= 30
    assert page.count('class="chart-point"') == len(points)
    assert points[-1] == (timezone.localdate().isoformat(), "2")
    assert 'class="chart-deadline"' in page
    assert "one point a week since" in page
    assert "Requests signed by the end of each week" in page
    assert "Week ending" in page


def test_the_campaign_names_its_audience_and_deadline(client, compliance_officer, campaign):
    client.force_login(compliance_officer.user)

    response = client.get(campaign_url(campaign))

    assert response.status_code == 200
    assert response.context["audience"] is None  # all staff
    assert "All staff" in response.content.decode()
    assert date_format(campaign.acknowledge_by) in response.content.decode()
    assert listed(response) == {"maria", "cora", "sam"}


def test_the_dashboard_links_each_version_to_its_campaign(client, compliance_officer, campaign):
    client.force_login(compliance_officer.user)

    page = client.get(DASHBOARD).content.decode()

    assert f'href="{campaign_url(campaign)}"' in page


def test_a_manager_sees_their_team_and_no_action(client, manager, campaign):
    client.force_login(manager.user)

    response = client.get(campaign_url(campaign))

    assert response.status_code == 200
    assert response.context["totals"]["asked"] == 2  # Ana and Sam report to Maria
    page = response.content.decode()
    assert "/remind/" not in page
    assert "/extend/" not in page
    assert 'name="request"' not in page


def test_a_manager_given_the_right_to_run_campaigns_alone_sees_no_action(client, manager, campaign):
    give_right_to_run_campaigns(manager)
    client.force_login(manager.user)

    page = client.get(campaign_url(campaign)).content.decode()

    assert "/remind/" not in page
    assert "/extend/" not in page


def test_a_manager_is_told_the_figures_are_their_teams(client, manager, campaign):
    client.force_login(manager.user)

    page = client.get(campaign_url(campaign)).content.decode()

    assert "Your team’s people asked to acknowledge this version" in page
    assert "Everyone asked to acknowledge this version" not in page


def test_compliance_is_told_the_figures_are_everyones(client, compliance_officer, campaign):
    client.force_login(compliance_officer.user)

    page = client.get(campaign_url(campaign)).content.decode()

    assert "Everyone asked to acknowledge this version" in page


def test_compliance_sees_the_actions(client, compliance_officer, campaign):
    client.force_login(compliance_officer.user)

    page = client.get(campaign_url(campaign)).content.decode()

    assert f"/notifications/campaigns/{campaign.pk}/remind/" in page
    assert f"{campaign_url(campaign)}extend/" in page
    assert page.count('name="request"') == 3


def test_anonymous_is_sent_to_sign_in(client, campaign):
    response = client.get(campaign_url(campaign))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_agent_may_not_open_a_campaign(client, agent, campaign):
    client.force_login(agent.user)

    assert client.get(campaign_url(campaign)).status_code == 403


# The campaign's pages: the page, the figures it fetches again, and its summary PDF.
CAMPAIGN_PAGES = {"page": "", "progress": "progress/", "summary PDF": "summary.pdf"}


def team_lead(username: str, department_name: str) -> StaffProfile:
    """Someone who oversees a team (`people.view_team`, so the dashboard) but reads only the versions that
    apply to them: given that permission alone, not the Manager role, which reads every version."""
    lead = StaffProfileFactory(user__username=username, department__name=department_name)
    lead.user.user_permissions.add(Permission.objects.get(content_type__app_label="people", codename="view_team"))
    return lead


@pytest.mark.parametrize("suffix", CAMPAIGN_PAGES.values(), ids=CAMPAIGN_PAGES.keys())
def test_a_team_lead_may_not_open_the_campaign_of_a_version_neither_for_them_nor_asked_of_their_team(
    client, privacy, suffix
):
    lead = team_lead("sorin", "Sales")
    StaffProfileFactory(department=lead.department, manager=lead)
    client.force_login(lead.user)

    assert client.get(campaign_url(privacy) + suffix).status_code == 404


@pytest.mark.parametrize("suffix", CAMPAIGN_PAGES.values(), ids=CAMPAIGN_PAGES.keys())
def test_a_team_lead_of_another_department_opens_the_campaign_of_a_version_asked_of_their_team(
    client, carl, privacy, suffix
):
    lead = team_lead("sorin", "Sales")
    carl.manager = lead
    carl.save(update_fields=["manager"])
    client.force_login(lead.user)

    assert client.get(campaign_url(privacy) + suffix).status_code == 200


@pytest.mark.parametrize("suffix", CAMPAIGN_PAGES.values(), ids=CAMPAIGN_PAGES.keys())
def test_a_team_lead_opens_the_campaign_of_a_version_for_them_though_their_team_was_not_asked(client, campaign, suffix):
    lead = team_lead("sorin", "Sales")  # version 1 is for all staff; Sorin, who joined since, was not asked
    client.force_login(lead.user)

    assert client.get(campaign_url(campaign) + suffix).status_code == 200


def test_a_manager_who_reads_every_version_opens_any_campaign_counting_only_their_team(client, manager, privacy):
    client.force_login(manager.user)  # the Manager role reads every version, Privacy's for Compliance too

    response = client.get(campaign_url(privacy))

    assert response.status_code == 200
    assert response.context["totals"]["asked"] == 0


def test_a_version_never_published_has_no_campaign(client, compliance_officer, campaign):
    client.force_login(compliance_officer.user)

    assert client.get(campaign_url(DraftFactory())).status_code == 404


def test_the_campaign_page_is_read_with_a_get(client, compliance_officer, campaign):
    client.force_login(compliance_officer.user)

    assert client.post(campaign_url(campaign)).status_code == 405


def test_a_campaign_open_for_200_days_costs_the_queries_of_one_opened_today(
    client, compliance_officer, opened_200_days_ago, django_assert_num_queries
):
    client.force_login(compliance_officer.user)

    # As below: the signatures by day (and language) are one query however many days the campaign has been open.
    with django_assert_num_queries(11):
        response = client.get(campaign_url(opened_200_days_ago))
    assert response.status_code == 200


@pytest.mark.parametrize("people", [1, 25], ids=["1 person", "25 people"])
def test_the_campaign_costs_the_same_queries_for_1_or_25_people(
    client, compliance_officer, published, support, manager, people, django_assert_num_queries
):
    StaffProfileFactory.create_batch(people, department=support, manager=manager)
    services.requests_create_for_version(version=published)
    for ack in AcknowledgementRequest.objects.filter(version=published)[: people // 2]:
        sign(ack.person, published)
    client.force_login(compliance_officer.user)

    # session, unread notifications, my tasks, user, permissions (own and roles', one query), the version with
    # its document, the departments' menu, the pending due dates, the signatures by day and language read (one
    # reading for the chart and the table), by department (the totals are its sum, and the pending list's
    # length is their pending figure), the pending list's page
    with django_assert_num_queries(11):
        response = client.get(campaign_url(published))
    assert response.status_code == 200


def plan_of(read: Callable[[], object], *, forbidden: tuple[str, ...]) -> str:
    """PostgreSQL's plan for the one query `read` runs, with the `forbidden` ways of reading ("seqscan"…)
    turned off for the rest of the test: on tables this small the planner would read everything whole."""
    with connection.cursor() as cursor:
        for way in forbidden:
            cursor.execute(f"SET LOCAL enable_{way} = off")
    with CaptureQueriesContext(connection) as captured:
        read()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {captured[0]['sql']}")
        return "\n".join(line for (line,) in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_the_campaigns_pending_due_dates_are_read_from_the_versions_own_requests_in_an_index(campaign):
    # MIN/MAX of the due date became a walk of the pending-by-due-date index, filtering out every other
    # version's request until one of this version came up: 0.3 s at 100,000 people. The (version, status,
    # due_date) index gives both ends at once.
    requests = AcknowledgementRequest.objects.filter(version=campaign)

    plan = plan_of(lambda: pending_due_dates(requests), forbidden=("seqscan",))

    assert "ack_req_version_status_due_idx" in plan
    assert "Filter:" not in plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_the_campaigns_signatures_by_language_are_read_from_an_index_not_from_the_signatures(campaign):
    # Each signed request's language joined the whole signature table, every record read for one short
    # field: 0.7 s at 1,500,000 signatures. An index of the request with its language answers alone
    # (an index-only scan); with every other way of reading the signatures forbidden, that is what is left.
    requests = AcknowledgementRequest.objects.filter(version=campaign)

    plan = plan_of(lambda: signed_by_day_and_language(requests), forbidden=("seqscan", "indexscan", "bitmapscan"))

    assert "Index Only Scan using ack_signature_request_language" in plan

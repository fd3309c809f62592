"""The published version's page shows who was asked and how far they are, through a panel that
acknowledgements adds (codes knows nothing of acknowledgements)."""

from __future__ import annotations

import re

import pytest

from acknowledgements import services
from acknowledgements.models import AcknowledgementRequest
from codes.tests.factories import DraftFactory
from people.tests.factories import DepartmentFactory, StaffProfileFactory

pytestmark = pytest.mark.django_db


def url(version) -> str:
    return f"/codes/{version.document.slug}/v{version.number}/"


def figure(page: str, name: str) -> str:
    match = re.search(rf'data-figure="{name}">([^<]*)<', page)
    assert match, f"no {name} figure on the page"
    return match.group(1)


@pytest.fixture
def asked(published, agent, manager, second_manager):
    """The published version asked of everyone: the agent (the manager's report), both managers, one other."""
    StaffProfileFactory(department=DepartmentFactory(name="Sales", code="SAL"))
    services.requests_create_for_version(version=published)
    services.signature_create(
        ack_request=AcknowledgementRequest.objects.get(person=agent, version=published),
        actor=agent.user,
        typed_name=agent.full_name,
    )
    return published


def test_compliance_sees_how_many_were_asked_and_signed(client, compliance_officer, asked) -> None:
    client.force_login(compliance_officer.user)

    page = client.get(url(asked)).content.decode()

    assert "5 people asked" in page
    assert figure(page, "signed") == "1 signed"
    assert figure(page, "pending") == "4 pending"
    assert figure(page, "percent") == "20.0%"
    assert f"/acknowledgements/dashboard/versions/{asked.pk}/" in page


def test_a_manager_sees_their_own_team_only(client, manager, asked) -> None:
    client.force_login(manager.user)

    page = client.get(url(asked)).content.decode()

    assert "Acknowledgements in your team" in page
    assert "1 person asked" in page
    assert figure(page, "signed") == "1 signed"


def test_an_agent_sees_no_figures(client, agent, asked) -> None:
    client.force_login(agent.user)

    page = client.get(url(asked)).content.decode()

    assert 'data-testid="version-progress"' not in page


def test_a_draft_has_no_figures(client, compliance_officer, draft) -> None:
    client.force_login(compliance_officer.user)

    page = client.get(url(draft)).content.decode()

    assert 'data-testid="version-progress"' not in page


@pytest.mark.parametrize("people", [1, 25])
def test_the_published_page_costs_the_same_for_1_or_25_people_asked(
    client, compliance_officer, published, people, django_assert_num_queries
) -> None:
    StaffProfileFactory.create_batch(people)
    services.requests_create_for_version(version=published)
    asked = AcknowledgementRequest.objects.filter(version=published).count()
    client.force_login(compliance_officer.user)

    # session, unread notifications, my tasks, user, permissions (own and roles', one query), the version with its
    # people, its contributors, its approvals, the figures (one aggregate), its sections, its translations, and its
    # sections again with the questions asked about each (the questions panel), its comprehension questions (none)
    with django_assert_num_queries(13):
        response = client.get(url(published))
    assert response.status_code == 200
    assert f"{asked} people asked" in response.content.decode()


def progress_url(version) -> str:
    return f"/acknowledgements/dashboard/versions/{version.pk}/progress/"


def test_the_panel_refreshes_itself_with_the_current_figures(client, compliance_officer, asked, second_manager) -> None:
    client.force_login(compliance_officer.user)
    page = client.get(url(asked)).content.decode()
    services.signature_create(
        ack_request=AcknowledgementRequest.objects.get(person=second_manager, version=asked),
        actor=second_manager.user,
        typed_name=second_manager.full_name,
    )

    fragment = client.get(progress_url(asked), headers={"HX-Request": "true"}).content.decode()

    assert f'hx-get="{progress_url(asked)}"' in page
    assert 'hx-trigger="every 60s"' in page
    assert figure(page, "signed") == "1 signed"
    assert figure(fragment, "signed") == "2 signed"
    assert "<html" not in fragment


def test_a_manager_refreshing_sees_their_team_only(client, manager, asked) -> None:
    client.force_login(manager.user)

    fragment = client.get(progress_url(asked)).content.decode()

    assert "Acknowledgements in your team" in fragment
    assert "1 person asked" in fragment


def test_the_refresh_refuses_agents_anonymous_posts_and_unpublished_versions(
    client, agent, compliance_officer, asked
) -> None:
    anonymous = client.get(progress_url(asked))
    client.force_login(agent.user)
    as_agent = client.get(progress_url(asked))
    client.force_login(compliance_officer.user)
    post = client.post(progress_url(asked))
    unpublished = client.get(progress_url(DraftFactory()))

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    assert as_agent.status_code == 403
    assert post.status_code == 405
    assert unpublished.status_code == 404

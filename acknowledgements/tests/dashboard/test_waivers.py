"""Waiving a pending request from the people list."""

from __future__ import annotations

import pytest

from acknowledgements.models import RequestStatus
from acknowledgements.tests.dashboard.helpers import DASHBOARD, PEOPLE, counts, listed, request_of
from audit.models import AuditEvent
from codes.models import CodeVersion
from people.models import StaffProfile

pytestmark = pytest.mark.django_db


def waive_url(profile: StaffProfile, version: CodeVersion) -> str:
    return f"/acknowledgements/{request_of(profile, version).pk}/waive/"


def test_a_waiver_excuses_an_overdue_request(client, compliance_officer, campaign, sam):
    client.force_login(compliance_officer.user)

    response = client.post(waive_url(sam, campaign), {"reason": "Long-term leave until March"})

    assert response.status_code == 302
    assert response["Location"] == PEOPLE
    ack = request_of(sam, campaign)
    assert ack.status == RequestStatus.WAIVED
    assert ack.waiver_reason == "Long-term leave until March"
    assert ack.waived_by == compliance_officer.user
    assert AuditEvent.objects.filter(action="acknowledgements.request.waive", object_id=str(ack.pk)).count() == 1
    assert counts(client.get(DASHBOARD).context["totals"]) == (6, 2, 2, 0, 2)


def test_a_waiver_returns_to_the_filtered_list_it_came_from(client, compliance_officer, campaign, sam):
    client.force_login(compliance_officer.user)
    back = f"{PEOPLE}?status=overdue"

    response = client.post(waive_url(sam, campaign), {"reason": "On leave", "next": back}, follow=True)

    assert response.redirect_chain == [(back, 302)]
    assert "Waived for Sam" in response.content.decode()
    assert listed(response) == set()


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_waiver_without_a_reason_is_refused_with_a_message(client, compliance_officer, campaign, sam, reason):
    client.force_login(compliance_officer.user)

    response = client.post(waive_url(sam, campaign), {"reason": reason}, follow=True)

    assert "Give the reason for the waiver" in response.content.decode()
    assert request_of(sam, campaign).status == RequestStatus.PENDING


def test_a_manager_may_not_waive(client, manager, campaign, sam):
    client.force_login(manager.user)

    response = client.post(waive_url(sam, campaign), {"reason": "On leave"})

    assert response.status_code == 403
    assert request_of(sam, campaign).status == RequestStatus.PENDING


def test_a_signed_request_cannot_be_waived(client, compliance_officer, campaign, agent):
    client.force_login(compliance_officer.user)

    response = client.post(waive_url(agent, campaign), {"reason": "On leave"}, follow=True)

    assert "Only a pending request can be waived; this one is signed." in response.content.decode()
    ack = request_of(agent, campaign)
    assert ack.status == RequestStatus.SIGNED
    assert ack.waiver_reason == ""
    assert ack.waived_by is None


def test_opening_waive_asks_to_confirm_naming_the_person_and_the_version(client, compliance_officer, campaign, sam):
    client.force_login(compliance_officer.user)
    back = f"{PEOPLE}?status=overdue"

    response = client.get(waive_url(sam, campaign), {"next": back})

    assert response.status_code == 200
    page = response.content.decode()
    assert f"Waive the acknowledgement of {campaign.title} v{campaign.number} for {sam.full_name}?" in page
    assert f'<form method="post" action="{waive_url(sam, campaign)}"' in page
    assert f'name="next" value="{back}"' in page
    assert 'name="reason"' in page
    assert request_of(sam, campaign).status == RequestStatus.PENDING


def test_the_confirmation_never_offers_to_return_off_the_portal(client, compliance_officer, campaign, sam):
    client.force_login(compliance_officer.user)

    page = client.get(waive_url(sam, campaign), {"next": "https://evil.example/"}).content.decode()

    assert "evil.example" not in page


def test_anonymous_visitors_are_sent_to_sign_in_from_the_waiver(client, campaign, sam):
    response = client.get(waive_url(sam, campaign))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_manager_may_not_open_the_waiver(client, manager, campaign, sam):
    client.force_login(manager.user)

    assert client.get(waive_url(sam, campaign)).status_code == 403


def test_waiving_with_another_method_is_refused(client, compliance_officer, campaign, sam):
    client.force_login(compliance_officer.user)

    response = client.put(waive_url(sam, campaign))

    assert response.status_code == 405
    assert response["Allow"] == "GET, POST"
    assert request_of(sam, campaign).status == RequestStatus.PENDING


def test_the_people_list_links_to_the_waiver_page(client, compliance_officer, campaign, sam):
    client.force_login(compliance_officer.user)

    page = client.get(PEOPLE).content.decode()

    assert f'href="{waive_url(sam, campaign)}?next=' in page


def test_a_waiver_never_redirects_off_the_portal(client, compliance_officer, campaign, sam):
    client.force_login(compliance_officer.user)

    response = client.post(waive_url(sam, campaign), {"reason": "On leave", "next": "https://evil.example/"})

    assert response.status_code == 302
    assert response["Location"] == PEOPLE

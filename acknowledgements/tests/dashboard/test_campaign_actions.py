"""A campaign's actions in acknowledgements: extending the deadline, and waiving in bulk after a confirmation."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings

from acknowledgements import services
from acknowledgements.models import AcknowledgementRequest, RequestStatus
from acknowledgements.tests.dashboard.helpers import give_right_to_run_campaigns, request_of, today
from audit.models import AuditEvent
from common.errors import InputRefused
from people.tests.factories import DepartmentFactory, StaffProfileFactory

pytestmark = pytest.mark.django_db


def extend_url(version) -> str:
    return f"/acknowledgements/dashboard/versions/{version.pk}/extend/"


def waive_url(version) -> str:
    return f"/acknowledgements/dashboard/versions/{version.pk}/waive/"


def in_a_month() -> datetime.date:
    return today() + datetime.timedelta(days=30)


# ---------------------------------------------------------------------------
# Extending the deadline
# ---------------------------------------------------------------------------


def test_extending_for_one_department_changes_only_its_pending_requests(
    client, compliance_officer, campaign, compliance, manager, sam
):
    before = {person: request_of(person, campaign).due_date for person in (manager, sam)}
    client.force_login(compliance_officer.user)

    response = client.post(extend_url(campaign), {"due_date": in_a_month().isoformat(), "department": compliance.pk})

    assert response.status_code == 302
    assert response["Location"] == f"/acknowledgements/dashboard/versions/{campaign.pk}/"
    assert request_of(compliance_officer, campaign).due_date == in_a_month()
    assert {person: request_of(person, campaign).due_date for person in (manager, sam)} == before


def test_extending_for_a_department_includes_its_sub_departments(client, compliance_officer, campaign, support):
    helpdesk = DepartmentFactory(name="Helpdesk", code="HLP", parent=support)
    newcomer = StaffProfileFactory(department=helpdesk)
    services.requests_sync_for_people(person_ids=[newcomer.pk])
    client.force_login(compliance_officer.user)

    client.post(extend_url(campaign), {"due_date": in_a_month().isoformat(), "department": support.pk})

    assert request_of(newcomer, campaign).due_date == in_a_month()
    assert request_of(compliance_officer, campaign).due_date != in_a_month()


def test_extending_for_everyone_leaves_the_signed_and_waived_alone(
    client, compliance_officer, campaign, agent, second_manager, manager, sam
):
    signed_due = request_of(agent, campaign).due_date
    client.force_login(compliance_officer.user)

    client.post(extend_url(campaign), {"due_date": in_a_month().isoformat()})

    assert {request_of(person, campaign).due_date for person in (manager, sam, compliance_officer)} == {in_a_month()}
    assert request_of(agent, campaign).due_date == signed_due
    assert request_of(sam, campaign).status == RequestStatus.PENDING


def test_an_extension_is_audited_with_its_count_and_dates(client, compliance_officer, campaign, sam):
    old = request_of(sam, campaign).due_date
    client.force_login(compliance_officer.user)

    client.post(extend_url(campaign), {"due_date": in_a_month().isoformat()})

    event = AuditEvent.objects.get(action="acknowledgements.requests.extend")
    assert event.object_id == str(campaign.pk)
    assert event.actor == compliance_officer.user
    assert event.details["requests"] == 3
    assert event.details["due_before"]["earliest"] == old.isoformat()
    assert event.details["due_after"] == in_a_month().isoformat()


@pytest.mark.parametrize("days", [0, -1], ids=["today", "yesterday"])
def test_a_deadline_not_in_the_future_is_refused_next_to_its_field(client, compliance_officer, campaign, sam, days):
    old = request_of(sam, campaign).due_date
    client.force_login(compliance_officer.user)

    response = client.post(extend_url(campaign), {"due_date": (today() + datetime.timedelta(days=days)).isoformat()})

    assert response.status_code == 400
    assert response.context["extend_form"].errors["due_date"] == [
        "Choose a date after today: the new deadline must be in the future."
    ]
    assert request_of(sam, campaign).due_date == old
    assert not AuditEvent.objects.filter(action="acknowledgements.requests.extend").exists()


def test_a_manager_may_not_extend_a_deadline(client, manager, campaign, sam):
    old = request_of(sam, campaign).due_date
    client.force_login(manager.user)

    response = client.post(extend_url(campaign), {"due_date": in_a_month().isoformat()})

    assert response.status_code == 403
    assert request_of(sam, campaign).due_date == old


def test_a_manager_given_the_right_to_run_campaigns_alone_may_not_extend_a_deadline(client, manager, campaign, sam):
    old = request_of(sam, campaign).due_date
    give_right_to_run_campaigns(manager)
    client.force_login(manager.user)

    response = client.post(extend_url(campaign), {"due_date": in_a_month().isoformat()})

    assert response.status_code == 403
    assert request_of(sam, campaign).due_date == old


def test_the_service_refuses_an_extension_by_who_does_not_see_everyone(manager, campaign, sam):
    old = request_of(sam, campaign).due_date
    give_right_to_run_campaigns(manager)

    with pytest.raises(PermissionDenied):
        services.requests_extend(version=campaign, due_date=in_a_month(), actor=manager.user)

    assert request_of(sam, campaign).due_date == old


def test_extending_needs_a_signed_in_person_and_a_post(client, compliance_officer, campaign):
    anonymous = client.post(extend_url(campaign), {"due_date": in_a_month().isoformat()})
    client.force_login(compliance_officer.user)

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    assert client.get(extend_url(campaign)).status_code == 405


# ---------------------------------------------------------------------------
# Waiving in bulk
# ---------------------------------------------------------------------------


def ticked(*people, version) -> dict[str, list[int]]:
    return {"request": [request_of(person, version).pk for person in people]}


def test_the_confirmation_names_how_many_it_will_waive(client, compliance_officer, campaign, manager, sam):
    client.force_login(compliance_officer.user)

    response = client.get(waive_url(campaign), ticked(manager, sam, version=campaign))

    assert response.status_code == 200
    assert "Waive 2 requests?" in response.content.decode()
    assert request_of(sam, campaign).status == RequestStatus.PENDING


def test_waiving_the_ticked_people_waives_them_with_the_reason_and_audits_each(
    client, compliance_officer, campaign, manager, sam
):
    client.force_login(compliance_officer.user)

    response = client.post(waive_url(campaign), {**ticked(manager, sam, version=campaign), "reason": "Left for HQ"})

    assert response.status_code == 302
    for person in (manager, sam):
        ack = request_of(person, campaign)
        assert (ack.status, ack.waiver_reason, ack.waived_by) == (
            RequestStatus.WAIVED,
            "Left for HQ",
            compliance_officer.user,
        )
    assert request_of(compliance_officer, campaign).status == RequestStatus.PENDING
    events = AuditEvent.objects.filter(action="acknowledgements.request.waive", details__reason="Left for HQ")
    assert set(events.values_list("object_id", flat=True)) == {
        str(request_of(manager, campaign).pk),
        str(request_of(sam, campaign).pk),
    }
    assert "Waived 2 requests." in client.get(response["Location"]).content.decode()


def test_a_department_is_waived_for_its_pending_people_only(
    client, compliance_officer, campaign, support, manager, sam
):
    client.force_login(compliance_officer.user)

    confirm = client.get(waive_url(campaign), {"department": support.pk})
    client.post(waive_url(campaign), {"department": support.pk, "reason": "Restructured"})

    assert "Waive 2 requests?" in confirm.content.decode()  # Maria and Sam; Ana signed, Radu was waived
    assert {request_of(person, campaign).status for person in (manager, sam)} == {RequestStatus.WAIVED}
    assert request_of(compliance_officer, campaign).status == RequestStatus.PENDING


def test_those_no_longer_pending_are_left_as_they_are_and_counted(client, compliance_officer, campaign, agent, sam):
    client.force_login(compliance_officer.user)
    chosen = ticked(agent, sam, version=campaign)

    confirm = client.get(waive_url(campaign), chosen)
    response = client.post(waive_url(campaign), {**chosen, "reason": "On leave"}, follow=True)

    assert "Waive 1 request?" in confirm.content.decode()
    assert "1 of those you chose is no longer pending" in confirm.content.decode()
    assert "Waived 1 request. 1 was no longer pending and was left as it was." in response.content.decode()
    assert request_of(agent, campaign).status == RequestStatus.SIGNED
    assert request_of(sam, campaign).status == RequestStatus.WAIVED


def test_a_waiver_in_bulk_without_a_reason_is_refused_next_to_its_field(client, compliance_officer, campaign, sam):
    client.force_login(compliance_officer.user)

    response = client.post(waive_url(campaign), {**ticked(sam, version=campaign), "reason": "  "})

    assert response.status_code == 400
    assert response.context["form"].errors["reason"]
    assert request_of(sam, campaign).status == RequestStatus.PENDING


def test_a_waiver_with_nobody_chosen_goes_back_to_the_campaign(client, compliance_officer, campaign):
    client.force_login(compliance_officer.user)

    response = client.get(waive_url(campaign), follow=True)

    assert "Tick the people to waive, or choose a department." in response.content.decode()


def test_a_department_no_longer_on_the_list_is_refused_in_words_for_people(client, compliance_officer, campaign):
    client.force_login(compliance_officer.user)

    response = client.get(waive_url(campaign), {"department": 999999}, follow=True)

    page = response.content.decode()
    assert "The people or the department you chose are no longer on the list: choose again." in page
    assert "* department" not in page


def test_a_manager_may_not_waive_in_bulk(client, manager, campaign, sam):
    client.force_login(manager.user)

    confirm = client.get(waive_url(campaign), ticked(sam, version=campaign))
    post = client.post(waive_url(campaign), {**ticked(sam, version=campaign), "reason": "On leave"})

    assert (confirm.status_code, post.status_code) == (403, 403)
    assert request_of(sam, campaign).status == RequestStatus.PENDING


def test_a_waiver_in_bulk_needs_a_signed_in_person_and_a_get_or_post(client, compliance_officer, campaign, sam):
    anonymous = client.get(waive_url(campaign), ticked(sam, version=campaign))
    client.force_login(compliance_officer.user)

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    assert client.put(waive_url(campaign)).status_code == 405


@override_settings(ACKNOWLEDGEMENTS_BULK_WAIVER_LIMIT=2)
def test_the_service_refuses_a_waiver_in_bulk_above_the_limit_and_waives_nothing(
    compliance_officer, campaign, manager, sam
):
    chosen = AcknowledgementRequest.objects.filter(version=campaign, status=RequestStatus.PENDING)

    with pytest.raises(InputRefused) as refused:
        services.requests_waive(requests=chosen, actor=compliance_officer.user, reason="Restructured")

    assert refused.value.message == "You chose 3 requests, more than the 2 one waiver in bulk may cover."
    assert {request_of(person, campaign).status for person in (manager, sam, compliance_officer)} == {
        RequestStatus.PENDING
    }
    assert not AuditEvent.objects.filter(action="acknowledgements.request.waive", details__reason="Restructured")


@override_settings(ACKNOWLEDGEMENTS_BULK_WAIVER_LIMIT=2)
def test_the_confirmation_above_the_limit_says_so_before_the_reason_and_offers_no_button(
    client, compliance_officer, campaign, manager, sam
):
    client.force_login(compliance_officer.user)

    response = client.get(waive_url(campaign), ticked(manager, sam, compliance_officer, version=campaign))

    page = response.content.decode()
    assert response.status_code == 200
    assert "You chose 3 requests, more than the 2 one waiver in bulk may cover." in page
    assert "choose a smaller department, or tick the people" in page
    assert 'name="reason"' not in page
    assert not re.search(r"Waive 3 requests\s*</button>", page)


@override_settings(ACKNOWLEDGEMENTS_BULK_WAIVER_LIMIT=1)
def test_a_department_above_the_limit_is_refused_when_sent_anyway_and_nothing_is_waived(
    client, compliance_officer, campaign, support, manager, sam
):
    client.force_login(compliance_officer.user)

    response = client.post(waive_url(campaign), {"department": support.pk, "reason": "Restructured"})

    assert response.status_code == 400
    assert "You chose 2 requests, more than the 1 one waiver in bulk may cover." in response.content.decode()
    assert {request_of(person, campaign).status for person in (manager, sam)} == {RequestStatus.PENDING}


@override_settings(ACKNOWLEDGEMENTS_BULK_WAIVER_LIMIT=2)
def test_a_waiver_in_bulk_at_the_limit_waives_them(client, compliance_officer, campaign, support, manager, sam):
    client.force_login(compliance_officer.user)

    confirm = client.get(waive_url(campaign), {"department": support.pk})
    response = client.post(waive_url(campaign), {"department": support.pk, "reason": "Restructured"})

    assert "Waive 2 requests?" in confirm.content.decode()
    assert "more than the 2" not in confirm.content.decode()
    assert response.status_code == 302
    assert {request_of(person, campaign).status for person in (manager, sam)} == {RequestStatus.WAIVED}


# ---------------------------------------------------------------------------
# What they cost
# ---------------------------------------------------------------------------


@pytest.fixture(params=[1, 25], ids=["1 person", "25 people"])
def pending(request, published, support, manager) -> list[AcknowledgementRequest]:
    """Some people in Support asked for version 1, all pending."""
    StaffProfileFactory.create_batch(request.param, department=support, manager=manager)
    services.requests_create_for_version(version=published)
    return list(AcknowledgementRequest.objects.filter(version=published, person__manager=manager))


def test_the_confirmation_costs_the_same_for_1_or_25_people(
    client, compliance_officer, published, pending, django_assert_num_queries
):
    client.force_login(compliance_officer.user)

    # session, unread notifications, my tasks, user, permissions (own and roles', one query), the version with its
    # document, the departments' menu, the pending ones chosen, all those chosen, unread notifications (the page's menu)
    with django_assert_num_queries(9):
        response = client.get(waive_url(published), {"request": [ack.pk for ack in pending]})
    assert f"Waive {len(pending)} request" in response.content.decode()


def test_a_waiver_in_bulk_costs_the_same_for_1_or_25_people(
    client, compliance_officer, published, pending, django_assert_max_num_queries
):
    client.force_login(compliance_officer.user)

    # session, user, permissions, the version, the departments' menu, savepoint, the count, the pending ones
    # locked, the UPDATE, the audit events (one insert), the webhook endpoints, savepoint release, messages
    with django_assert_max_num_queries(16):
        response = client.post(waive_url(published), {"request": [ack.pk for ack in pending], "reason": "Moved"})
    assert response.status_code == 302
    assert AcknowledgementRequest.objects.filter(version=published, status=RequestStatus.WAIVED).count() == len(pending)


def test_an_extension_costs_the_same_for_1_or_25_people(
    client, compliance_officer, published, pending, support, django_assert_num_queries
):
    client.force_login(compliance_officer.user)

    # session, user, permissions (own and roles', one query), the version, the departments' menu, savepoint, the
    # department tree, the dates before, the UPDATE, the audit event, savepoint release
    with django_assert_num_queries(11):
        response = client.post(extend_url(published), {"due_date": in_a_month().isoformat(), "department": support.pk})
    assert response.status_code == 302
    assert {ack.due_date for ack in AcknowledgementRequest.objects.filter(pk__in=[a.pk for a in pending])} == {
        in_a_month()
    }

"""Webhooks in the admin: an Administrator registers endpoints, sees their secret, enables them again, sends a
test event and retries deliveries, all audited; the deliveries' list is read-only; nobody else may."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from webhooks import services
from webhooks.models import Delivery, DeliveryStatus, Endpoint, Event, EventType

from .factories import DeliveryFactory, EndpointFactory

pytestmark = pytest.mark.django_db

ENDPOINTS = "/admin/webhooks/endpoint/"
DELIVERIES = "/admin/webhooks/delivery/"


@pytest.fixture
def dispatched(monkeypatch) -> list[list[int]]:
    batches: list[list[int]] = []
    monkeypatch.setattr(services, "_dispatch", lambda event_ids: batches.append(list(event_ids)))
    return batches


@pytest.fixture
def admin_client(client: Client, administrator) -> Client:
    client.force_login(administrator.user)
    return client


def test_an_administrator_registers_an_endpoint_and_is_shown_its_secret(admin_client, administrator) -> None:
    response = admin_client.post(
        f"{ENDPOINTS}add/",
        {"url": "https://grc.example.com/hooks", "description": "GRC tool", "events": ["version.published"]},
        follow=True,
    )

    endpoint = Endpoint.objects.get()
    assert response.redirect_chain[-1][0] == f"{ENDPOINTS}{endpoint.pk}/change/"
    page = response.content.decode()
    assert "Give its secret, below, to the receiver" in page
    assert endpoint.secret in page
    assert endpoint.secret.startswith("whsec_")
    assert (endpoint.events, endpoint.active, endpoint.created_by) == (["version.published"], True, administrator.user)
    event = AuditEvent.objects.get(action="webhooks.endpoint.create")
    assert (event.actor, event.object_id, event.details) == (
        administrator.user,
        str(endpoint.pk),
        {"events": ["version.published"]},
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://user:pw@grc.example.com/hooks", "Leave credentials out of the URL"),
        ("ftp://grc.example.com/hooks", "Only http:// and https:// URLs can receive webhooks."),
    ],
)
def test_a_url_with_credentials_or_another_scheme_is_refused(admin_client, url, message) -> None:
    response = admin_client.post(f"{ENDPOINTS}add/", {"url": url, "events": ["version.published"]})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Endpoint.objects.exists()


def test_changing_the_events_is_audited_with_what_changed(admin_client) -> None:
    endpoint = EndpointFactory(events=["version.published"])

    admin_client.post(
        f"{ENDPOINTS}{endpoint.pk}/change/",
        {"url": endpoint.url, "description": "", "events": ["version.published", "signature.created"]},
    )

    endpoint.refresh_from_db()
    assert endpoint.events == ["version.published", "signature.created"]
    event = AuditEvent.objects.get(action="webhooks.endpoint.update")
    assert event.details == {
        "events": {"from": ["version.published"], "to": ["version.published", "signature.created"]}
    }


def test_enabling_a_disabled_endpoint_again_resets_its_failures(admin_client) -> None:
    endpoint = EndpointFactory(
        active=False, disabled_at=timezone.now(), disabled_reason="Failing", consecutive_failures=10
    )

    response = admin_client.post(ENDPOINTS, {"action": "enable", "_selected_action": [endpoint.pk]}, follow=True)

    assert "1 endpoint enabled." in response.content.decode()
    endpoint.refresh_from_db()
    assert (endpoint.active, endpoint.disabled_at, endpoint.disabled_reason, endpoint.consecutive_failures) == (
        True,
        None,
        "",
        0,
    )
    assert AuditEvent.objects.filter(action="webhooks.endpoint.enable", object_id=str(endpoint.pk)).exists()


def test_a_test_event_goes_to_the_chosen_endpoint_only(admin_client, dispatched, django_capture_on_commit_callbacks):
    endpoint = EndpointFactory(events=["signature.created"])
    EndpointFactory()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            ENDPOINTS, {"action": "send_test_event", "_selected_action": [endpoint.pk]}, follow=True
        )

    assert "A test event is on its way to 1 endpoint" in response.content.decode()
    event = Event.objects.get()
    assert (event.type, event.payload["endpoint"]) == (EventType.TEST, endpoint.pk)
    assert list(Delivery.objects.values_list("endpoint_id", flat=True)) == [endpoint.pk]
    assert dispatched == [[event.pk]]
    assert AuditEvent.objects.filter(action="webhooks.endpoint.test").exists()


def test_retry_now_makes_abandoned_deliveries_due_and_leaves_succeeded_ones(
    admin_client, dispatched, django_capture_on_commit_callbacks
) -> None:
    abandoned = DeliveryFactory(status=DeliveryStatus.ABANDONED, attempts=6, next_attempt_at=None)
    succeeded = DeliveryFactory(status=DeliveryStatus.SUCCEEDED, attempts=1, next_attempt_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            DELIVERIES, {"action": "retry_now", "_selected_action": [abandoned.pk, succeeded.pk]}, follow=True
        )

    assert "1 delivery is being retried now." in response.content.decode()
    abandoned.refresh_from_db()
    assert abandoned.status == DeliveryStatus.FAILED
    assert abandoned.next_attempt_at <= timezone.now()
    succeeded.refresh_from_db()
    assert succeeded.status == DeliveryStatus.SUCCEEDED
    assert dispatched == [[abandoned.event_id]]
    assert AuditEvent.objects.get(action="webhooks.delivery.retry").details == {
        "deliveries": [abandoned.pk],
        "count": 1,
    }


def test_the_deliveries_list_shows_the_last_answer_and_filters_by_status(admin_client) -> None:
    DeliveryFactory(status=DeliveryStatus.FAILED, last_status_code=503, last_error="", attempts=2)
    DeliveryFactory(status=DeliveryStatus.SUCCEEDED, last_status_code=204)

    page = admin_client.get(DELIVERIES, {"status__exact": "failed"}).content.decode()

    assert "503" in page
    assert "204" not in page


def test_a_delivery_shows_the_body_sent_and_the_last_error(admin_client) -> None:
    delivery = DeliveryFactory(event__payload={"version": 12}, last_error="TimeoutError: timed out")

    page = admin_client.get(f"{DELIVERIES}{delivery.pk}/change/").content.decode()

    assert "&quot;version&quot;: 12" in page
    assert "TimeoutError: timed out" in page


def test_a_delivery_cannot_be_changed_in_the_admin(admin_client) -> None:
    delivery = DeliveryFactory(last_response="ok")

    response = admin_client.post(f"{DELIVERIES}{delivery.pk}/change/", {"last_response": "forged"})

    assert response.status_code == 403
    delivery.refresh_from_db()
    assert delivery.last_response == "ok"


@pytest.mark.parametrize("rows", [1, 25])
def test_the_deliveries_list_costs_the_same_queries_for_1_or_25_rows(
    admin_client, rows, django_assert_num_queries
) -> None:
    DeliveryFactory.create_batch(rows)

    # session, user, permissions (two), the endpoints of the filter, the page of deliveries with their events and
    # endpoints, its count, and the total the paginator shows
    with django_assert_num_queries(7):
        response = admin_client.get(DELIVERIES)

    assert response.status_code == 200


def test_staff_without_the_permission_may_not_register_endpoints(client: Client, manager) -> None:
    manager.user.is_staff = True
    manager.user.save()
    client.force_login(manager.user)

    assert client.get(f"{ENDPOINTS}add/").status_code == 403
    assert client.get(DELIVERIES).status_code == 403


def test_one_who_may_only_view_sees_endpoints_without_their_secret(client: Client, manager) -> None:
    endpoint = EndpointFactory()
    manager.user.is_staff = True
    manager.user.save()
    manager.user.user_permissions.add(Permission.objects.get(codename="view_endpoint"))
    client.force_login(manager.user)

    page = client.get(f"{ENDPOINTS}{endpoint.pk}/change/").content.decode()

    assert endpoint.url in page
    assert endpoint.secret not in page
    assert client.get(f"{ENDPOINTS}add/").status_code == 403

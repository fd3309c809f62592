from __future__ import annotations

import datetime
import json

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import JSONObject
from django.utils import timezone

from audit.models import AuditEvent
from webhooks import services
from webhooks.models import Delivery, DeliveryStatus, Endpoint, Event, EventType
from webhooks.signing import Answer

from .factories import DeliveryFactory, EndpointFactory, EventFactory
from .receiver import Receiver, running_receiver

pytestmark = pytest.mark.django_db

PUBLISHED = EventType.VERSION_PUBLISHED


@pytest.fixture
def receiver():
    with running_receiver(Receiver(secret="")) as running:
        yield running


@pytest.fixture
def endpoint(receiver) -> Endpoint:
    endpoint = EndpointFactory(url=receiver.url)
    receiver.secret = endpoint.secret
    return endpoint


@pytest.fixture
def dispatched(monkeypatch) -> list[list[int]]:
    """The batches of event ids handed to the workers (the broker is not under test here)."""
    batches: list[list[int]] = []
    monkeypatch.setattr(services, "_dispatch", lambda event_ids: batches.append(list(event_ids)))
    return batches


# ---------------------------------------------------------------------------
# Announcing
# ---------------------------------------------------------------------------


def test_without_a_subscribed_endpoint_an_event_writes_nothing_in_one_query(django_assert_num_queries) -> None:
    EndpointFactory(events=[EventType.SIGNATURE_CREATED])
    EndpointFactory(active=False, disabled_at=timezone.now())

    # Each call reads the active endpoints and what they subscribe to, and nothing else.
    with django_assert_num_queries(2):
        assert services.event_emit(type=PUBLISHED, payload={"version": 1}) is None
        assert services.events_emit(type=PUBLISHED, payloads=[{"version": 1}, {"version": 2}]) == 0

    assert not Event.objects.exists()
    assert not Delivery.objects.exists()


def test_without_any_endpoint_a_queryset_of_payloads_is_not_even_run(django_assert_num_queries) -> None:
    rows = Endpoint.objects.values_list(JSONObject(id=F("pk")))

    with django_assert_num_queries(1):
        assert services.events_emit(type=PUBLISHED, payloads=rows) == 0


def test_an_event_gets_one_pending_delivery_per_subscribed_endpoint_once_committed(
    django_capture_on_commit_callbacks, dispatched
) -> None:
    first, second = EndpointFactory(), EndpointFactory(events=[PUBLISHED])
    EndpointFactory(events=[EventType.SIGNATURE_CREATED])

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        event = services.event_emit(type=PUBLISHED, payload={"version": 7})
    assert not dispatched  # nothing is handed out before the change commits
    for callback in callbacks:
        callback()

    assert event is not None
    assert event.payload == {"version": 7}
    deliveries = Delivery.objects.filter(event=event)
    assert sorted(deliveries.values_list("endpoint_id", flat=True)) == [first.pk, second.pk]
    assert set(deliveries.values_list("status", flat=True)) == {DeliveryStatus.PENDING}
    assert dispatched == [[event.pk]]


def test_a_second_delivery_of_an_event_to_the_same_endpoint_is_refused_by_the_database() -> None:
    delivery = DeliveryFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(event=delivery.event, endpoint=delivery.endpoint)


@pytest.mark.parametrize("count", [1, 25])
def test_many_events_at_once_take_the_same_queries_whatever_their_number(
    count, django_assert_num_queries, django_capture_on_commit_callbacks, dispatched
) -> None:
    EndpointFactory.create_batch(2)

    # The endpoints; the events (one insert); their deliveries (one insert).
    with django_capture_on_commit_callbacks(execute=True), django_assert_num_queries(3):
        emitted = services.events_emit(type=PUBLISHED, payloads=({"version": n} for n in range(count)))

    assert emitted == count
    assert Delivery.objects.count() == 2 * count
    assert sorted(Event.objects.values_list("payload__version", flat=True)) == list(range(count))
    assert [len(batch) for batch in dispatched] == [count]


@pytest.mark.parametrize("count", [1, 25])
def test_events_from_a_query_go_from_the_select_to_the_insert(
    count, django_assert_num_queries, django_capture_on_commit_callbacks, dispatched
) -> None:
    # Any table will do as the source: the webhooks app knows none of those that announce events.
    EventFactory.create_batch(count, type=EventType.TEST)
    EndpointFactory()
    rows = Event.objects.values_list(JSONObject(person=F("pk"), to=Value("left")))

    # The endpoints; INSERT … SELECT of the events, returning their ids; their deliveries.
    with django_capture_on_commit_callbacks(execute=True), django_assert_num_queries(3):
        emitted = services.events_emit(type=EventType.REQUEST_STATE_CHANGED, payloads=rows)

    assert emitted == count
    sources = Event.objects.filter(type=EventType.TEST)
    payloads = list(Event.objects.filter(type=EventType.REQUEST_STATE_CHANGED).values_list("payload", flat=True))
    assert sorted(p["person"] for p in payloads) == sorted(sources.values_list("pk", flat=True))
    assert {p["to"] for p in payloads} == {"left"}
    assert Delivery.objects.count() == count


# ---------------------------------------------------------------------------
# Sending
# ---------------------------------------------------------------------------


def test_a_delivery_is_posted_signed_with_the_documented_headers_and_body(endpoint, receiver) -> None:
    delivery = DeliveryFactory(endpoint=endpoint, event__payload={"version": 3, "title": "Code – ş"})

    assert services.delivery_attempt(delivery_id=delivery.pk) == DeliveryStatus.SUCCEEDED

    [received] = receiver.received
    assert received.signature_valid
    assert received.headers["Content-Type"] == "application/json"
    assert received.headers["Webhook-Id"] == str(delivery.event_id)
    assert received.headers["Webhook-Timestamp"] == str(int(timezone.now().timestamp()))
    assert json.loads(received.body) == {
        "id": delivery.event_id,
        "type": "version.published",
        "occurred_at": delivery.event.occurred_at.isoformat(),
        "data": {"version": 3, "title": "Code – ş"},
    }
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.SUCCEEDED, 1, 200)
    assert delivery.delivered_at is not None
    assert delivery.last_response == '{"ok": true}'


def test_a_delivery_attempted_twice_is_sent_once(endpoint, receiver) -> None:
    delivery = DeliveryFactory(endpoint=endpoint)

    services.delivery_attempt(delivery_id=delivery.pk)
    assert services.delivery_attempt(delivery_id=delivery.pk) == "skipped"

    assert len(receiver.received) == 1


def test_a_delivery_claimed_by_another_worker_is_not_sent(endpoint, receiver) -> None:
    delivery = DeliveryFactory(endpoint=endpoint)
    # Another worker's claim: the attempt is under way until its lease ends.
    Delivery.objects.filter(pk=delivery.pk).update(
        attempts=1, next_attempt_at=timezone.now() + datetime.timedelta(minutes=1)
    )

    assert services.delivery_attempt(delivery_id=delivery.pk) == "skipped"
    assert receiver.received == []


def test_a_failed_attempt_keeps_the_start_of_the_answer_and_is_retried_later(endpoint, receiver) -> None:
    receiver.answer = lambda before, event: 500
    delivery = DeliveryFactory(endpoint=endpoint)

    assert services.delivery_attempt(delivery_id=delivery.pk) == DeliveryStatus.FAILED

    delivery.refresh_from_db()
    assert delivery.last_status_code == 500
    assert delivery.last_response.startswith("receiver error xxx")
    assert len(delivery.last_response) == 2048
    assert delivery.next_attempt_at == delivery.last_attempt_at + datetime.timedelta(minutes=1)
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 1


def test_an_unreachable_receiver_is_a_failure_with_the_error_kept(settings) -> None:
    delivery = DeliveryFactory(endpoint__url="http://127.0.0.1:9/nobody-listens")

    assert services.delivery_attempt(delivery_id=delivery.pk) == DeliveryStatus.FAILED

    delivery.refresh_from_db()
    assert delivery.last_status_code is None
    assert "refused" in delivery.last_error.lower()


def test_a_redirect_is_not_followed_and_counts_as_a_failure(endpoint, receiver, monkeypatch) -> None:
    receiver.answer = lambda before, event: 302
    delivery = DeliveryFactory(endpoint=endpoint)

    assert services.delivery_attempt(delivery_id=delivery.pk) == DeliveryStatus.FAILED
    delivery.refresh_from_db()
    assert delivery.last_status_code == 302


def test_retries_follow_the_backoff_schedule_then_the_delivery_is_abandoned(settings, monkeypatch) -> None:
    settings.WEBHOOK_RETRY_DELAYS = [60, 300, 1800, 7200, 43200]
    monkeypatch.setattr(services, "post", lambda *args, **kwargs: Answer(503, "busy", ""))
    start = timezone.now()
    delivery = DeliveryFactory(next_attempt_at=start)
    waits = []
    with time_machine.travel(start, tick=False) as traveller:
        for _attempt in range(5):
            assert services.delivery_attempt(delivery_id=delivery.pk) == DeliveryStatus.FAILED
            delivery.refresh_from_db()
            waits.append((delivery.next_attempt_at - timezone.now()).total_seconds())
            assert services.delivery_attempt(delivery_id=delivery.pk) == "skipped"  # not due yet
            traveller.move_to(delivery.next_attempt_at)
        assert services.delivery_attempt(delivery_id=delivery.pk) == DeliveryStatus.ABANDONED

    assert waits == [60, 300, 1800, 7200, 43200]
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.next_attempt_at) == (6, None)


def test_a_success_resets_the_endpoints_count_of_failures(endpoint, receiver) -> None:
    Endpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=4)

    services.delivery_attempt(delivery_id=DeliveryFactory(endpoint=endpoint).pk)

    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0


def test_repeated_failures_disable_the_endpoint_and_tell_the_administrators(
    settings, monkeypatch, administrator, manager, django_capture_on_commit_callbacks
) -> None:
    settings.WEBHOOK_DISABLE_AFTER = 3
    monkeypatch.setattr(services, "post", lambda *args, **kwargs: Answer(None, "", "TimeoutError: timed out"))
    endpoint = EndpointFactory(description="GRC tool")
    deliveries = DeliveryFactory.create_batch(4, endpoint=endpoint)

    with django_capture_on_commit_callbacks(execute=True):
        results = [services.delivery_attempt(delivery_id=d.pk) for d in deliveries]

    assert results == [DeliveryStatus.FAILED] * 3 + ["skipped"]  # the fourth waits for the endpoint
    endpoint.refresh_from_db()
    assert not endpoint.active
    assert endpoint.disabled_reason == "Disabled after 3 failed attempts in a row."
    [message] = mail.outbox
    assert message.to == [administrator.user.email]  # by permission: the manager is not told
    assert message.subject == f"Webhook endpoint disabled: {endpoint.url}"
    assert "TimeoutError: timed out" in message.body
    event = AuditEvent.objects.get(action="webhooks.endpoint.disable")
    assert (event.actor, event.object_id) == (None, str(endpoint.pk))


def test_a_single_failure_that_disables_is_told_in_the_singular(
    settings, monkeypatch, administrator, django_capture_on_commit_callbacks
) -> None:
    settings.WEBHOOK_DISABLE_AFTER = 1
    monkeypatch.setattr(services, "post", lambda *args, **kwargs: Answer(None, "", "TimeoutError: timed out"))
    endpoint = EndpointFactory()

    with django_capture_on_commit_callbacks(execute=True):
        services.delivery_attempt(delivery_id=DeliveryFactory(endpoint=endpoint).pk)

    endpoint.refresh_from_db()
    assert endpoint.disabled_reason == "Disabled after 1 failed attempt in a row."
    [message] = mail.outbox
    assert "failed 1 time in a row and was disabled" in message.body


def test_the_sweep_finds_due_retries_and_lost_deliveries_of_active_endpoints_only() -> None:
    now = timezone.now()
    lost = DeliveryFactory(next_attempt_at=now - datetime.timedelta(minutes=5))
    due_retry = DeliveryFactory(status=DeliveryStatus.FAILED, next_attempt_at=now)
    DeliveryFactory(status=DeliveryStatus.FAILED, next_attempt_at=now + datetime.timedelta(minutes=1))
    DeliveryFactory(status=DeliveryStatus.SUCCEEDED, next_attempt_at=None)
    DeliveryFactory(endpoint__active=False, endpoint__disabled_at=now, next_attempt_at=now)

    assert list(services.sweep_due(now=now)) == [[lost.pk, due_retry.pk]]

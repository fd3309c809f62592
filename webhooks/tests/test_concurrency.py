"""Workers attempting the same deliveries at the same moment send each one once: the claim is a conditional
UPDATE on PostgreSQL's rows, and the receiver counts what arrives."""

from __future__ import annotations

import pytest
from django.db import connection

from common.tests.concurrency import run_at_once
from webhooks import services
from webhooks.models import Delivery, DeliveryStatus

from .factories import DeliveryFactory, EndpointFactory, EventFactory
from .receiver import Receiver, running_receiver

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent workers need PostgreSQL's row locks"),
]


def test_four_workers_attempting_the_same_deliveries_send_each_once() -> None:
    with running_receiver(Receiver(secret="")) as receiver:
        endpoint = EndpointFactory(url=receiver.url)
        receiver.secret = endpoint.secret
        deliveries = [DeliveryFactory(endpoint=endpoint, event=EventFactory()) for _ in range(10)]
        outcomes: list[str] = []

        def worker() -> None:
            outcomes.extend(services.delivery_attempt(delivery_id=d.pk) for d in deliveries)

        run_at_once([worker] * 4, timeout=120)

    assert sorted(r.event["id"] for r in receiver.received) == sorted(d.event_id for d in deliveries)
    assert all(r.signature_valid for r in receiver.received)
    assert outcomes.count(DeliveryStatus.SUCCEEDED) == 10
    assert outcomes.count("skipped") == 30
    assert set(Delivery.objects.values_list("status", "attempts")) == {(DeliveryStatus.SUCCEEDED, 1)}

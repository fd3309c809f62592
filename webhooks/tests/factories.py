from __future__ import annotations

import factory
from django.utils import timezone

from webhooks.models import Delivery, Endpoint, Event, EventType
from webhooks.signing import secret_generate


class EndpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Endpoint

    url = factory.Sequence(lambda n: f"https://receiver{n}.example.com/hooks")
    events = factory.LazyFunction(lambda: [value for value, _label in EventType.choices if value != EventType.TEST])
    secret = factory.LazyFunction(secret_generate)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    type = EventType.VERSION_PUBLISHED
    occurred_at = factory.LazyFunction(timezone.now)
    payload = factory.LazyFunction(lambda: {"version": 1})


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    event = factory.SubFactory(EventFactory)
    endpoint = factory.SubFactory(EndpointFactory)
    next_attempt_at = factory.LazyFunction(timezone.now)


def announced(event_type: str) -> list[dict]:
    """The data of every event of `event_type` announced so far, oldest first: what receivers are sent."""
    return list(Event.objects.filter(type=event_type).order_by("pk").values_list("payload", flat=True))

"""A request that becomes overdue is announced to webhook receivers once, when the sweep claims its overdue notice."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings

from acknowledgements import services as acknowledgement_services
from acknowledgements.models import AcknowledgementRequest
from people.tests.factories import StaffProfileFactory
from reminders import services
from webhooks.models import EventType
from webhooks.tests.factories import EndpointFactory, announced

pytestmark = pytest.mark.django_db

DUE = datetime.date(2027, 3, 15)
OVERDUE_DAY = DUE + datetime.timedelta(days=settings.REMINDERS["acknowledgement_overdue_after_days"])


@pytest.fixture
def due(published) -> list[AcknowledgementRequest]:
    acknowledgement_services.requests_create_for_version(version=published)
    AcknowledgementRequest.objects.filter(version=published).update(due_date=DUE)
    return list(AcknowledgementRequest.objects.filter(version=published).order_by("pk"))


def test_a_request_is_announced_overdue_once_however_often_the_sweep_runs(due, agent) -> None:
    EndpointFactory(events=[EventType.REQUEST_OVERDUE])

    services.reminders_claim(day=DUE)  # due today: not overdue yet
    services.reminders_claim(day=OVERDUE_DAY)
    services.reminders_claim(day=OVERDUE_DAY)
    services.reminders_claim(day=OVERDUE_DAY + datetime.timedelta(days=1))

    payloads = sorted(announced(EventType.REQUEST_OVERDUE), key=lambda p: p["request"])
    assert payloads == [
        {"request": r.pk, "version": r.version_id, "person": r.person_id, "due_date": DUE.isoformat()} for r in due
    ]


@pytest.mark.parametrize("people", [1, 25])
def test_announcing_overdue_requests_costs_the_same_queries_for_1_or_25(
    published, support, people, django_assert_num_queries
) -> None:
    EndpointFactory()
    StaffProfileFactory.create_batch(people, department=support)
    acknowledgement_services.requests_create_for_version(version=published)
    AcknowledgementRequest.objects.filter(version=published).update(due_date=DUE)
    overdue = next(rule for rule in services.all_rules() if rule.kind == "acknowledgement" and rule.stage == "overdue")

    # savepoint; the claims (one INSERT … SELECT returning the requests); the subscribed endpoints; the events
    # (one INSERT … SELECT); their deliveries (one INSERT); release
    with django_assert_num_queries(6):
        claimed = services.reminders_claim(day=OVERDUE_DAY, rules=[overdue]).claimed

    assert claimed == len(announced(EventType.REQUEST_OVERDUE)) > people

"""A publication is announced to webhook receivers, with whom the version asks and by when."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from codes.tests.factories import publish
from webhooks.models import Delivery, EventType
from webhooks.tests.factories import EndpointFactory, announced

pytestmark = pytest.mark.django_db


def test_a_publication_is_announced_with_its_audience_and_due_date(draft, manager, second_manager, support) -> None:
    endpoint = EndpointFactory(events=[EventType.VERSION_PUBLISHED])

    version = publish(draft, author=manager.user, approver=second_manager.user, departments=[support])

    assert announced(EventType.VERSION_PUBLISHED) == [
        {
            "version": version.pk,
            "document": version.document_id,
            "number": 1,
            "title": version.title,
            "content_hash": version.content_hash,
            "published_at": version.published_at.isoformat(),
            "effective_date": timezone.localdate().isoformat(),
            "days_to_acknowledge": 14,
            "acknowledge_by": (timezone.localdate(version.published_at) + datetime.timedelta(days=14)).isoformat(),
            "major": True,
            "audience": {"all_staff": False, "departments": [support.pk]},
        }
    ]
    assert Delivery.objects.get().endpoint == endpoint


def test_without_a_subscriber_a_publication_writes_no_event(draft, manager, second_manager) -> None:
    EndpointFactory(events=[EventType.SIGNATURE_CREATED])

    publish(draft, author=manager.user, approver=second_manager.user)

    assert announced(EventType.VERSION_PUBLISHED) == []

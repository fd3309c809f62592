"""Marking notifications read: a person reads only their own."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from common.errors import DomainError
from reminders import services
from reminders.models import Notification
from reminders.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def test_a_person_marks_their_notification_read(agent) -> None:
    notification = NotificationFactory(recipient=agent.user)

    services.notification_mark_read(notification=notification, actor=agent.user)

    assert notification.read_at is not None
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_notification_read_again_keeps_when_it_was_first_read(agent) -> None:
    first_read = timezone.now() - datetime.timedelta(days=2)
    notification = NotificationFactory(recipient=agent.user, read_at=first_read)

    services.notification_mark_read(notification=notification, actor=agent.user)

    notification.refresh_from_db()
    assert notification.read_at == first_read


def test_it_refuses_to_mark_someone_elses_notification_read(agent, manager) -> None:
    notification = NotificationFactory(recipient=agent.user)

    with pytest.raises(DomainError, match="The page does not exist, or it is not one you may see"):
        services.notification_mark_read(notification=notification, actor=manager.user)

    notification.refresh_from_db()
    assert notification.read_at is None


def test_marking_all_read_reads_only_the_actors_unread_ones(agent, manager) -> None:
    first_read = timezone.now() - datetime.timedelta(days=2)
    NotificationFactory.create_batch(2, recipient=agent.user)
    earlier = NotificationFactory(recipient=agent.user, read_at=first_read)
    NotificationFactory(recipient=manager.user)

    marked = services.notifications_mark_all_read(actor=agent.user)

    earlier.refresh_from_db()
    assert marked == 2
    assert earlier.read_at == first_read
    assert not Notification.objects.filter(recipient=agent.user, read_at=None).exists()
    assert Notification.objects.filter(recipient=manager.user, read_at=None).count() == 1

"""Migrations that rewrite the reminder log keep what was sent as sent."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps

from acknowledgements import services as acknowledgement_services
from acknowledgements.models import AcknowledgementRequest
from reminders import services
from reminders.models import DeliveryStatus, ReminderLog

pytestmark = pytest.mark.django_db

DUE = datetime.date(2027, 3, 15)
per_due_date = importlib.import_module("reminders.migrations.0005_reminders_per_due_date")


def test_reminders_sent_before_due_dates_were_kept_are_not_sent_again(published, agent) -> None:
    acknowledgement_services.requests_create_for_version(version=published)
    ack = AcknowledgementRequest.objects.get(version=published, person=agent)
    AcknowledgementRequest.objects.filter(pk=ack.pk).update(due_date=DUE)
    sent = ReminderLog.objects.create(
        kind="acknowledgement", object_id=ack.pk, recipient=agent.user, stage="before-7", status=DeliveryStatus.SENT
    )

    per_due_date.date_the_sent_reminders(apps, None)

    sent.refresh_from_db()
    assert sent.due_date == DUE
    report = services.reminders_claim(day=DUE - datetime.timedelta(days=5))
    assert report.by_rule["acknowledgement/before-7"] == 0


def test_notices_and_reminders_sent_by_hand_keep_no_due_date(published, agent) -> None:
    notice = ReminderLog.objects.create(
        kind="publication", object_id=published.pk, recipient=agent.user, stage="published"
    )

    per_due_date.date_the_sent_reminders(apps, None)

    notice.refresh_from_db()
    assert notice.due_date is None

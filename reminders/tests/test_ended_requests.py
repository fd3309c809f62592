"""Reminders go only to pending requests: not to a leaver's, nor to those of a retired document."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from acknowledgements import services as acknowledgement_services
from acknowledgements.models import AcknowledgementRequest
from codes import services as code_services
from people.services import person_deactivate
from reminders.models import DeliveryStatus, ReminderKind, ReminderLog
from reminders.selectors import pending_reminder_ids
from reminders.services import reminders_claim, reminders_deliver, sweep_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(published, agent):
    acknowledgement_services.requests_create_for_version(version=published)
    AcknowledgementRequest.objects.filter(version=published).update(
        due_date=timezone.localdate() - datetime.timedelta(days=3)
    )
    return published


def reminded(person) -> int:
    """Run the day's sweep; the acknowledgement reminders logged for the person or about their requests."""
    sweep_now(day=timezone.localdate())
    about = AcknowledgementRequest.objects.filter(person=person).values_list("pk", flat=True)
    return ReminderLog.objects.filter(kind=ReminderKind.ACKNOWLEDGEMENT, object_id__in=list(about)).count()


def test_an_overdue_person_is_reminded(asked, agent) -> None:
    assert reminded(agent) > 0


def test_a_leaver_is_not_reminded_nor_is_their_manager(asked, agent, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        person_deactivate(user=agent.user, actor=None)

    assert reminded(agent) == 0


def test_nobody_is_reminded_of_a_retired_document(asked, agent, manager, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        code_services.document_retire(document=asked.document, actor=manager.user, reason="Merged into the handbook")

    assert reminded(agent) == 0


def test_a_reminder_claimed_before_the_retirement_is_not_sent_after_it(
    asked, agent, manager, django_capture_on_commit_callbacks
) -> None:
    reminders_claim(day=timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        code_services.document_retire(document=asked.document, actor=manager.user, reason="Merged into the handbook")
    before = len(mail.outbox)

    for batch in pending_reminder_ids():
        reminders_deliver(log_ids=batch)

    about_agent = ReminderLog.objects.filter(
        kind=ReminderKind.ACKNOWLEDGEMENT, object_id=AcknowledgementRequest.objects.get(person=agent).pk
    )
    assert about_agent.exists()
    assert set(about_agent.values_list("status", flat=True)) == {DeliveryStatus.SKIPPED}
    # The retirement's own notice (claimed as it committed, and delivered with the batch) is all the agent gets.
    assert [email.subject for email in mail.outbox[before:] if agent.user.email in email.to] == [
        "“Customer Service Code” is retired: you no longer need to acknowledge it"
    ]

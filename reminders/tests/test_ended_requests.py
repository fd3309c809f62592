"""Reminders go only to pending requests: not to a leaver's, nor to those of a retired document."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from acknowledgements import services as acknowledgement_services
from acknowledgements.models import AcknowledgementRequest
from codes import services as code_services
from people.services import person_deactivate
from reminders.models import ReminderKind, ReminderLog
from reminders.services import sweep_now

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
        person_deactivate(user=agent.user)

    assert reminded(agent) == 0


def test_nobody_is_reminded_of_a_retired_document(asked, agent, manager, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        code_services.document_retire(document=asked.document, actor=manager.user, reason="Merged into the handbook")

    assert reminded(agent) == 0

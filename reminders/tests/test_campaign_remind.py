"""Reminding a campaign's pending people now, by hand: once a day each, by the reminder log."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from acknowledgements import services as acknowledgement_services
from acknowledgements.models import AcknowledgementRequest
from acknowledgements.tests.dashboard.helpers import give_right_to_run_campaigns
from codes.tests.factories import DraftFactory
from people.tests.factories import StaffProfileFactory
from reminders import services
from reminders.models import ReminderKind, ReminderLog, before_stage, manual_stage

# The delivery tasks run in the test's process, as a worker would run them.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_run_at_once")]


def remind_url(version) -> str:
    return f"/notifications/campaigns/{version.pk}/remind/"


@pytest.fixture
def asked(published, manager, second_manager, agent, compliance_officer):
    """Version 1 asked of four people; the agent signed, the three others are pending."""
    acknowledgement_services.requests_create_for_version(version=published)
    acknowledgement_services.signature_create(
        ack_request=AcknowledgementRequest.objects.get(person=agent, version=published),
        actor=agent.user,
        typed_name=agent.full_name,
    )
    return published


def press(client, version, capture):
    with capture(execute=True):
        return client.post(remind_url(version), follow=True)


def test_remind_now_emails_each_pending_person_once(
    client, compliance_officer, manager, second_manager, asked, django_capture_on_commit_callbacks
):
    client.force_login(compliance_officer.user)

    response = press(client, asked, django_capture_on_commit_callbacks)

    assert sorted(email.to[0] for email in mail.outbox) == sorted(
        person.user.email for person in (manager, second_manager, compliance_officer)
    )
    assert "3 pending people reminded now." in response.content.decode()
    assert ReminderLog.objects.filter(stage=manual_stage(timezone.localdate()), status="sent").count() == 3


def test_a_second_press_the_same_day_emails_nobody_and_says_so(
    client, compliance_officer, asked, django_capture_on_commit_callbacks
):
    client.force_login(compliance_officer.user)
    press(client, asked, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    response = press(client, asked, django_capture_on_commit_callbacks)

    assert mail.outbox == []
    assert (
        "0 pending people reminded now. 3 had been reminded today already, and were not reminded again."
        in response.content.decode()
    )


def test_someone_the_sweep_reminded_today_is_not_reminded_again_by_hand(
    client, compliance_officer, manager, asked, django_capture_on_commit_callbacks
):
    pending = AcknowledgementRequest.objects.get(person=manager, version=asked)
    ReminderLog.objects.create(
        kind=ReminderKind.ACKNOWLEDGEMENT, object_id=pending.pk, recipient=manager.user, stage=before_stage(7)
    )
    client.force_login(compliance_officer.user)

    response = press(client, asked, django_capture_on_commit_callbacks)

    assert manager.user.email not in [address for email in mail.outbox for address in email.to]
    assert "1 had been reminded today already" in response.content.decode()


def test_the_next_day_they_may_be_reminded_again(client, compliance_officer, asked, django_capture_on_commit_callbacks):
    client.force_login(compliance_officer.user)
    press(client, asked, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        client.force_login(compliance_officer.user)  # yesterday's session has expired
        press(client, asked, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 3


def test_with_nobody_pending_nobody_is_reminded(
    client, compliance_officer, published, agent, django_capture_on_commit_callbacks
):
    client.force_login(compliance_officer.user)

    response = press(client, published, django_capture_on_commit_callbacks)

    assert "Nobody is pending: nobody was reminded." in response.content.decode()
    assert mail.outbox == []


def test_a_manager_may_not_remind_a_campaign(client, manager, asked):
    client.force_login(manager.user)

    response = client.post(remind_url(asked))

    assert response.status_code == 403
    assert not ReminderLog.objects.exists()


def test_a_manager_given_the_right_to_run_campaigns_alone_may_not_remind(client, manager, asked):
    give_right_to_run_campaigns(manager)
    client.force_login(manager.user)

    response = client.post(remind_url(asked))

    assert response.status_code == 403
    assert not ReminderLog.objects.exists()


def test_the_service_refuses_a_reminder_by_who_does_not_see_everyone(manager, asked):
    give_right_to_run_campaigns(manager)

    with pytest.raises(PermissionDenied):
        services.campaign_remind(version=asked, actor=manager.user)

    assert not ReminderLog.objects.exists()


def test_reminding_needs_a_signed_in_person_a_post_and_a_published_version(client, compliance_officer, asked):
    anonymous = client.post(remind_url(asked))
    client.force_login(compliance_officer.user)

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    assert client.get(remind_url(asked)).status_code == 405
    assert client.post(remind_url(DraftFactory())).status_code == 404


@pytest.mark.parametrize("people", [1, 25], ids=["1 person", "25 people"])
def test_reminding_costs_the_same_queries_for_1_or_25_people(
    client, compliance_officer, published, people, django_assert_num_queries
):
    StaffProfileFactory.create_batch(people)
    acknowledgement_services.requests_create_for_version(version=published)
    client.force_login(compliance_officer.user)

    # session, user, permissions (own and roles', one query), the version with its document, savepoint, the claims
    # (INSERT … SELECT), the count of those pending, savepoint release
    with django_assert_num_queries(8):
        response = client.post(remind_url(published))
    assert response.status_code == 302
    assert ReminderLog.objects.count() == AcknowledgementRequest.objects.filter(version=published).count()

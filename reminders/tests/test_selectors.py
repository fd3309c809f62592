"""What the sweeps select, and a person's notifications."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from acknowledgements import services as acknowledgement_services
from acknowledgements.models import AcknowledgementRequest
from people.tests.factories import StaffProfileFactory
from reminders import selectors, services
from reminders.models import DeliveryStatus, ReminderLog
from reminders.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db

DUE = datetime.date(2027, 3, 15)
WEEK_BEFORE = DUE - datetime.timedelta(days=7)


def ask_everyone(version) -> None:
    """Everyone in Support asked to acknowledge the version, due on DUE."""
    acknowledgement_services.requests_create_for_version(version=version)
    AcknowledgementRequest.objects.filter(version=version).update(due_date=DUE)


@pytest.fixture
def asked(published, agent):
    ask_everyone(published)
    return published


def due_on(day: datetime.date) -> list[tuple[str, str, int, int]]:
    return sorted((rule.kind, rule.stage, o, r) for rule, o, r in selectors.reminders_due(day=day))


def test_what_is_due_is_what_a_sweep_would_claim(asked) -> None:
    due = due_on(WEEK_BEFORE)

    report = services.reminders_claim(day=WEEK_BEFORE)

    assert len(due) == report.claimed > 0
    assert due == sorted(ReminderLog.objects.values_list("kind", "stage", "object_id", "recipient_id"))


def test_what_was_claimed_before_is_not_due_again(asked, agent) -> None:
    services.reminders_claim(day=WEEK_BEFORE)
    request = AcknowledgementRequest.objects.get(person=agent)
    ReminderLog.objects.filter(object_id=request.pk).delete()

    assert due_on(WEEK_BEFORE) == [("acknowledgement", "before-7", request.pk, agent.user.pk)]


def test_the_same_object_claimed_at_another_stage_is_still_due(asked, agent) -> None:
    services.reminders_claim(day=WEEK_BEFORE)

    due = due_on(DUE)

    assert {stage for _kind, stage, _o, _r in due} == {"before-1"}
    assert len(due) == AcknowledgementRequest.objects.count()


def test_due_reminders_are_read_in_batches_and_none_is_lost(asked, support, monkeypatch) -> None:
    StaffProfileFactory.create_batch(5, department=support)
    ask_everyone(asked)
    monkeypatch.setattr(selectors, "DUE_BATCH_SIZE", 2)

    due = due_on(WEEK_BEFORE)

    assert len(due) == len({o for _k, _s, o, _r in due}) == AcknowledgementRequest.objects.count() > 2


def test_an_overdue_review_is_due_to_the_owner_and_copied_to_compliance_once(
    published, manager, compliance_officer
) -> None:
    document = published.document
    document.next_review_due = DUE
    document.save()
    day = DUE + datetime.timedelta(days=1)

    before = due_on(day)
    services.reminders_claim(day=day)

    assert before == [
        ("review", "overdue", document.pk, manager.user.pk),
        ("review", "overdue-copy", document.pk, compliance_officer.user.pk),
    ]
    assert due_on(day) == []


@pytest.mark.parametrize("people", [1, 25])
def test_finding_what_is_due_costs_the_same_queries_for_1_or_25_people(
    published, support, people, django_assert_num_queries
) -> None:
    StaffProfileFactory.create_batch(people, department=support)
    ask_everyone(published)

    # One anti-join (the rule's objects without a log row) for each rule that names its recipient:
    # acknowledgements and training before-7, before-1 / before-30, before-7, overdue, escalated (8),
    # reviews before-30, before-7, overdue (3); for the compliance copies, the claims about today's
    # overdue documents, the recipients of copies and the overdue documents (3).
    with django_assert_num_queries(14):
        due = list(selectors.reminders_due(day=WEEK_BEFORE))

    assert len(due) == AcknowledgementRequest.objects.count() >= people


def test_pending_reminders_come_in_batches_without_escalations(asked, monkeypatch) -> None:
    services.reminders_claim(day=DUE + datetime.timedelta(days=7))
    monkeypatch.setattr(selectors, "DELIVERY_BATCH_SIZE", 2)

    batches = list(selectors.pending_reminder_ids())

    direct = ReminderLog.objects.filter(status=DeliveryStatus.PENDING).exclude(stage="escalated")
    assert [len(batch) for batch in batches[:-1]] == [2] * (len(batches) - 1)
    assert [pk for batch in batches for pk in batch] == sorted(direct.values_list("pk", flat=True))


def test_a_person_sees_and_counts_only_their_own_notifications(agent, manager) -> None:
    mine = NotificationFactory.create_batch(2, recipient=agent.user)
    NotificationFactory(recipient=agent.user, read_at=timezone.now())
    NotificationFactory(recipient=manager.user)

    assert set(selectors.notifications_of(agent.user)) >= set(mine)
    assert selectors.notifications_of(agent.user).count() == 3
    assert selectors.unread_count_of(agent.user) == 2

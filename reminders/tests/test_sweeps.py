"""Which reminders a sweep sends, when, to whom, and that it sends each exactly once."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command

from acknowledgements import services as acknowledgement_services
from acknowledgements.models import AcknowledgementRequest
from people.tests.factories import StaffProfileFactory
from reminders import selectors, services
from reminders.models import DeliveryStatus, Notification, ReminderLog
from reminders.rules import all_rules
from reminders.tests import QUERIES_PER_EMAIL

pytestmark = pytest.mark.django_db

DUE = datetime.date(2027, 3, 15)


def at(day: datetime.date):
    """Freeze the clock at 08:00 in the organisation's time zone on `day`."""
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, 8, tzinfo=datetime.UTC), tick=False)


@pytest.fixture
def ack(published, agent) -> AcknowledgementRequest:
    acknowledgement_services.requests_create_for_version(version=published)
    AcknowledgementRequest.objects.filter(version=published).update(due_date=DUE)
    return AcknowledgementRequest.objects.get(version=published, person=agent)


def sweep(day: datetime.date) -> list:
    """Run a sweep on `day`; return the emails it sent."""
    before = len(mail.outbox)
    with at(day):
        services.sweep_now(day=day)
    return mail.outbox[before:]


def to(emails, person) -> list:
    return [email for email in emails if email.to == [person.user.email]]


def stages(person) -> list[str]:
    return sorted(ReminderLog.objects.filter(recipient=person.user).values_list("stage", flat=True))


@pytest.mark.parametrize(
    ("days_before_due", "expected"),
    [
        (10, []),
        (8, []),
        (7, ["before-7"]),
        (2, ["before-7"]),
        (1, ["before-1"]),
        (0, ["before-1"]),
        (-1, ["overdue"]),
        (-6, ["overdue"]),
        (-7, ["escalated", "overdue"]),
    ],
)
def test_the_acknowledgement_stage_depends_on_the_day(ack, agent, manager, days_before_due, expected) -> None:
    sweep(DUE - datetime.timedelta(days=days_before_due))

    escalated = ReminderLog.objects.filter(recipient=manager.user, stage="escalated", object_id=ack.pk).exists()
    assert sorted(stages(agent) + (["escalated"] if escalated else [])) == expected


def test_the_reminder_goes_to_the_person_with_a_link_and_both_formats(ack, agent) -> None:
    emails = to(sweep(DUE - datetime.timedelta(days=7)), agent)

    assert len(emails) == 1
    email = emails[0]
    assert "Please acknowledge" in email.subject
    assert f"http://127.0.0.1:8000/acknowledgements/{ack.pk}/" in email.body
    assert email.alternatives[0][1] == "text/html"
    assert "in 7 days" in email.body


def test_the_same_sweep_twice_sends_nothing_twice(ack, agent) -> None:
    first = sweep(DUE - datetime.timedelta(days=7))
    second = sweep(DUE - datetime.timedelta(days=7))

    assert len(to(first, agent)) == 1
    assert second == []


def test_each_stage_is_sent_once_across_the_days(ack, agent) -> None:
    sent = []
    for days in (7, 6, 5, 1, 0, -1, -2, -3):
        sent += to(sweep(DUE - datetime.timedelta(days=days)), agent)

    assert [e.subject.split(":")[0] for e in sent] == [
        "Please acknowledge “Customer Service Code” by 15 Mar 2027",
        "Please acknowledge “Customer Service Code” by 15 Mar 2027",
        "Overdue",
    ]


def test_a_missed_day_is_caught_up_not_skipped(ack, agent) -> None:
    emails = to(sweep(DUE - datetime.timedelta(days=4)), agent)

    assert len(emails) == 1, "the 7-days reminder still goes out, four days before"


def test_nothing_is_sent_once_signed(ack, agent) -> None:
    acknowledgement_services.signature_create(ack_request=ack, actor=agent.user, typed_name=agent.full_name)

    assert to(sweep(DUE - datetime.timedelta(days=1)), agent) == []


def test_a_claimed_reminder_is_skipped_if_signed_before_delivery(ack, agent) -> None:
    with at(DUE - datetime.timedelta(days=1)):
        services.reminders_claim(day=DUE - datetime.timedelta(days=1))
        acknowledgement_services.signature_create(ack_request=ack, actor=agent.user, typed_name=agent.full_name)
        services.sweep_now(day=DUE - datetime.timedelta(days=1))

    assert to(mail.outbox, agent) == []
    assert ReminderLog.objects.get(recipient=agent.user).status == DeliveryStatus.SKIPPED


def test_escalations_reach_the_manager_as_one_digest(published, agent, manager, support) -> None:
    second_agent = StaffProfileFactory(department=support, manager=manager, user__first_name="Ion")
    acknowledgement_services.requests_create_for_version(version=published)
    AcknowledgementRequest.objects.filter(version=published).update(due_date=DUE)

    emails = to(sweep(DUE + datetime.timedelta(days=7)), manager)

    digests = [e for e in emails if "Your team" in e.subject]
    assert len(digests) == 1
    assert "2 overdue items" in digests[0].subject
    assert agent.full_name in digests[0].body
    assert second_agent.full_name in digests[0].body


def test_the_digest_is_not_sent_again_the_next_day(published, agent, manager) -> None:
    acknowledgement_services.requests_create_for_version(version=published)
    AcknowledgementRequest.objects.filter(version=published).update(due_date=DUE)
    sweep(DUE + datetime.timedelta(days=7))

    later = to(sweep(DUE + datetime.timedelta(days=8)), manager)

    assert [e for e in later if "Your team" in e.subject] == []


def test_a_single_overdue_item_is_named_in_the_singular(ack, agent, manager) -> None:
    emails = to(sweep(DUE + datetime.timedelta(days=7)), manager)

    assert [e.subject for e in emails if "Your team" in e.subject] == ["Your team: 1 overdue item"]


def test_a_manager_whose_roles_do_not_show_their_team_is_not_escalated_to(ack, agent, manager) -> None:
    # The digest links to the team's overdue list, which such a manager may not open.
    manager.user.groups.clear()

    emails = sweep(DUE + datetime.timedelta(days=10))

    assert not ReminderLog.objects.filter(stage="escalated").exists()
    assert [e for e in to(emails, manager) if "Your team" in e.subject] == []
    assert stages(agent) == ["overdue"]


def test_a_person_without_a_manager_is_not_escalated(ack, agent) -> None:
    agent.manager = None
    agent.save()

    sweep(DUE + datetime.timedelta(days=10))

    assert not ReminderLog.objects.filter(stage="escalated").exists()


def test_a_romanian_speaker_gets_the_reminder_in_romanian(ack, agent) -> None:
    agent.preferred_language = "ro"
    agent.save()

    (email,) = to(sweep(DUE - datetime.timedelta(days=7)), agent)

    assert "Vă rugăm" in email.subject or "confirma" in email.subject.lower()


def test_a_sent_reminder_appears_in_the_portal_with_an_unread_count(client, ack, agent) -> None:
    sweep(DUE - datetime.timedelta(days=7))
    client.force_login(agent.user)

    page = client.get("/").content.decode()
    notifications = client.get("/notifications/").content.decode()

    assert Notification.objects.filter(recipient=agent.user, read_at=None).count() == 1
    assert 'text-bg-warning">1<' in page
    assert "Please acknowledge" in notifications


# ---------------------------------------------------------------------------
# Code reviews
# ---------------------------------------------------------------------------


@pytest.fixture
def document_due(published):
    document = published.document
    document.next_review_due = DUE
    document.save()
    return document


@pytest.mark.parametrize(
    ("days_before_due", "expected"),
    [(31, []), (30, ["before-30"]), (8, ["before-30"]), (7, ["before-7"]), (0, ["before-7"]), (-1, ["overdue"])],
)
def test_the_owner_is_reminded_of_the_review(document_due, manager, days_before_due, expected) -> None:
    sweep(DUE - datetime.timedelta(days=days_before_due))

    assert sorted(
        ReminderLog.objects.filter(kind="review", recipient=manager.user).values_list("stage", flat=True)
    ) == (expected)


def test_compliance_is_copied_when_a_review_is_overdue(document_due, manager, compliance_officer) -> None:
    emails = sweep(DUE + datetime.timedelta(days=1))

    assert len([e for e in to(emails, manager) if "Review overdue" in e.subject]) == 1
    (copy,) = [e for e in to(emails, compliance_officer) if "copy for compliance" in e.subject]
    assert document_due.title in copy.body


# ---------------------------------------------------------------------------
# Failures, batches and the command
# ---------------------------------------------------------------------------


class FlakyBackend(BaseEmailBackend):
    """An email backend that refuses mail to one address, like a full mailbox."""

    refused = "ana@example.com"

    def send_messages(self, messages) -> int:
        if any(self.refused in message.to for message in messages):
            raise ConnectionError("mailbox unavailable")
        mail.outbox.extend(messages)
        return len(messages)


def test_a_failed_email_is_retried_without_duplicating_the_others(settings, published, agent, manager, support):
    acknowledgement_services.requests_create_for_version(version=published)
    AcknowledgementRequest.objects.filter(version=published).update(due_date=DUE)
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"

    first = sweep(DUE - datetime.timedelta(days=7))
    failed = ReminderLog.objects.get(recipient=agent.user)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    second = sweep(DUE - datetime.timedelta(days=7))

    assert to(first, agent) == []
    assert len(to(first, manager)) == 1
    assert failed.status == DeliveryStatus.PENDING
    assert failed.attempts == 1
    assert "mailbox unavailable" in failed.last_error
    assert [e.to for e in second] == [[agent.user.email]]


@pytest.mark.parametrize("people", [1, 30])
def test_claiming_costs_the_same_queries_for_1_or_30_people(
    published, support, people, django_assert_num_queries
) -> None:
    StaffProfileFactory.create_batch(people, department=support)
    acknowledgement_services.requests_create_for_version(version=published)
    AcknowledgementRequest.objects.filter(version=published).update(due_date=DUE)
    rules = [rule for rule in all_rules() if rule.kind == "acknowledgement"]

    # One INSERT … SELECT per rule (before-7, before-1, overdue, escalated): the candidates never
    # leave the database. The overdue claims are a transaction of their own (a savepoint and its
    # release), with the webhook events of the requests they claim (none here: nothing is overdue).
    with django_assert_num_queries(6):
        services.reminders_claim(day=DUE - datetime.timedelta(days=7), rules=rules)


@pytest.mark.parametrize("people", [1, 30])
def test_delivering_costs_the_same_queries_for_1_or_30_reminders_besides_each_emails_own(
    published, support, people, django_assert_num_queries
) -> None:
    StaffProfileFactory.create_batch(people, department=support)
    acknowledgement_services.requests_create_for_version(version=published)
    AcknowledgementRequest.objects.filter(version=published).update(due_date=DUE)
    day = DUE - datetime.timedelta(days=7)
    with at(day):
        services.reminders_claim(day=day)
        (ids,) = list(selectors.pending_reminder_ids())

        # holding the batch, the pending reminders with their recipients, the pending requests with their
        # versions, the recipients' languages, commits not waiting for the disk and back (none to mark
        # skipped), letting the batch go; then each email's own
        with django_assert_num_queries(7 + QUERIES_PER_EMAIL * len(ids)):
            report = services.reminders_deliver(log_ids=ids)

    assert report.sent == len(ids) == len(mail.outbox)


@pytest.fixture
def escalated_teams(request, published, support) -> Iterator[list[int]]:
    """Teams of a manager and two people (5, or the test's parameter), all a week overdue: their escalations
    claimed, and the clock stopped on that day for the test. The managers' user ids."""
    for _team in range(getattr(request, "param", 5)):
        manager = StaffProfileFactory(department=support, user__roles=["Manager"])
        StaffProfileFactory.create_batch(2, department=support, manager=manager)
    acknowledgement_services.requests_create_for_version(version=published)
    AcknowledgementRequest.objects.filter(version=published).update(due_date=DUE)
    day = DUE + datetime.timedelta(days=7)
    with at(day):
        services.reminders_claim(day=day)
        yield selectors.managers_with_pending_escalations()


@pytest.mark.parametrize("escalated_teams", [1, 12], indirect=True)
def test_digests_cost_the_same_queries_for_1_or_12_managers_besides_each_emails_own(
    escalated_teams, django_assert_num_queries
) -> None:
    # the managers' pending escalations, holding them, the escalations with their managers, the pending
    # requests with person and version, the managers' languages, commits not waiting for the disk and back
    # (no training escalated and none to mark skipped: no queries for those), letting them go; then each
    # digest's own
    with django_assert_num_queries(8 + QUERIES_PER_EMAIL * len(escalated_teams)):
        report = services.digests_deliver(manager_ids=escalated_teams)

    assert report.sent == len(escalated_teams)
    assert sorted(email.to[0] for email in mail.outbox) == sorted(
        set(ReminderLog.objects.filter(stage="escalated").values_list("recipient__email", flat=True))
    )


class UnreachableBackend(BaseEmailBackend):
    def open(self) -> bool:
        raise ConnectionRefusedError("no mail server on port 25")


def test_when_the_mail_server_is_unreachable_every_reminder_stays_pending(settings, ack, agent, manager) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.UnreachableBackend"

    with at(DUE - datetime.timedelta(days=7)):
        claimed, delivered = services.sweep_now()

    assert claimed.claimed == len(delivered.failed) > 0
    assert set(ReminderLog.objects.values_list("status", flat=True)) == {DeliveryStatus.PENDING}
    assert all("no mail server" in error for error in ReminderLog.objects.values_list("last_error", flat=True))
    assert not Notification.objects.exists()


def test_the_dry_run_lists_and_sends_nothing(ack, agent) -> None:
    out = StringIO()
    with at(DUE - datetime.timedelta(days=7)):
        call_command("send_reminders", "--dry-run", stdout=out)

    assert "acknowledgement  before-7" in out.getvalue()
    assert "nothing sent" in out.getvalue()
    assert mail.outbox == []
    assert not ReminderLog.objects.exists()


def test_the_command_runs_the_sweep_and_says_what_it_did(ack, agent) -> None:
    out = StringIO()
    with at(DUE - datetime.timedelta(days=7)):
        call_command("send_reminders", stdout=out)

    assert "sent" in out.getvalue()
    assert len(to(mail.outbox, agent)) == 1


# ---------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------


@pytest.fixture
def refresher(agent):
    from training.models import AssignmentReason
    from training.tests.factories import AssignmentFactory

    return AssignmentFactory(person=agent, reason=AssignmentReason.REFRESHER, due_date=DUE)


@pytest.mark.parametrize(
    ("days_before_due", "expected"),
    [(31, []), (30, ["before-30"]), (8, ["before-30"]), (7, ["before-7"]), (0, ["before-7"]), (-1, ["overdue"])],
)
def test_a_refresher_is_announced_30_and_7_days_ahead_then_overdue(refresher, agent, days_before_due, expected):
    sweep(DUE - datetime.timedelta(days=days_before_due))

    assert sorted(
        ReminderLog.objects.filter(kind="training", recipient=agent.user).values_list("stage", flat=True)
    ) == (expected)


def test_overdue_training_is_escalated_in_the_same_digest(ack, refresher, agent, manager) -> None:
    emails = to(sweep(DUE + datetime.timedelta(days=7)), manager)

    (digest,) = [e for e in emails if "Your team" in e.subject]
    assert "2 overdue items" in digest.subject
    assert refresher.course.title in digest.body
    assert ack.version.title in digest.body


def test_completed_training_is_not_reminded(refresher, agent) -> None:
    from training.models import AssignmentStatus

    refresher.status = AssignmentStatus.COMPLETED
    refresher.completed_at = datetime.datetime(2027, 3, 1, tzinfo=datetime.UTC)
    refresher.save()

    assert to(sweep(DUE - datetime.timedelta(days=7)), agent) == []


def test_a_sweep_interrupted_half_way_loses_and_repeats_nothing_when_run_again(published, support) -> None:
    StaffProfileFactory.create_batch(6, department=support)
    acknowledgement_services.requests_create_for_version(version=published)
    AcknowledgementRequest.objects.filter(version=published).update(due_date=DUE)
    day = DUE - datetime.timedelta(days=7)
    with at(day):
        services.reminders_claim(day=day)
        (ids,) = list(selectors.pending_reminder_ids())
        services.reminders_deliver(log_ids=ids[: len(ids) // 2])  # the worker dies here
        delivered_before_the_crash = len(mail.outbox)
        services.sweep_now(day=day)  # the sweep runs again

    recipients = [email.to[0] for email in mail.outbox]
    assert delivered_before_the_crash == len(ids) // 2
    assert len(recipients) == len(ids) == len(set(recipients))


class WorkerKilled(BaseException):
    """A worker killed mid-delivery, as the code sees it: nothing after the kill runs, no `except Exception`
    catches it (SIGKILL leaves not even that: the transaction open at that moment is rolled back)."""


class DyingBackend(BaseEmailBackend):
    """Delivers `lives` emails, then the worker dies as it hands over the next."""

    lives = 3

    def send_messages(self, messages) -> int:
        if len(mail.outbox) >= self.lives:
            raise WorkerKilled
        mail.outbox.extend(messages)
        return len(messages)


def test_a_worker_killed_mid_delivery_has_marked_what_it_sent_and_the_retry_sends_only_the_rest(
    settings, published, support
) -> None:
    StaffProfileFactory.create_batch(6, department=support)
    acknowledgement_services.requests_create_for_version(version=published)
    AcknowledgementRequest.objects.filter(version=published).update(due_date=DUE)
    day = DUE - datetime.timedelta(days=7)
    with at(day):
        services.reminders_claim(day=day)
        (ids,) = list(selectors.pending_reminder_ids())
        settings.EMAIL_BACKEND = f"{__name__}.DyingBackend"
        with pytest.raises(WorkerKilled):
            services.reminders_deliver(log_ids=ids)
        sent_before_the_kill = sorted(email.to[0] for email in mail.outbox)
        marked = ReminderLog.objects.filter(pk__in=ids, status=DeliveryStatus.SENT)
        marked_before_the_kill = sorted(marked.values_list("recipient__email", flat=True))
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        services.reminders_deliver(log_ids=ids)  # the task, handed to another worker

    recipients = [email.to[0] for email in mail.outbox]
    assert marked_before_the_kill == sent_before_the_kill
    assert len(sent_before_the_kill) == DyingBackend.lives
    assert len(recipients) == len(ids) == len(set(recipients))
    assert set(ReminderLog.objects.filter(pk__in=ids).values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert Notification.objects.filter(recipient__email__in=recipients).count() == len(ids)


def test_a_worker_killed_mid_digests_has_marked_the_digests_it_sent(settings, escalated_teams) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.DyingBackend"
    with pytest.raises(WorkerKilled):
        services.digests_deliver(manager_ids=escalated_teams)
    told_before_the_kill = sorted(email.to[0] for email in mail.outbox)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    services.digests_deliver(manager_ids=escalated_teams)

    told = [email.to[0] for email in mail.outbox]
    escalations = ReminderLog.objects.filter(stage="escalated")
    assert len(told_before_the_kill) == DyingBackend.lives
    assert sorted(told) == sorted(set(escalations.values_list("recipient__email", flat=True)))
    assert set(escalations.values_list("status", flat=True)) == {DeliveryStatus.SENT}


# ---------------------------------------------------------------------------
# A deadline moved: the stages start again from the new date
# ---------------------------------------------------------------------------


NEW_DUE = DUE + datetime.timedelta(days=30)


def extend(ack, compliance_officer, *, on: datetime.date) -> None:
    """Compliance gives everyone pending until NEW_DUE, on the day `on`."""
    with at(on):
        acknowledgement_services.requests_extend(version=ack.version, due_date=NEW_DUE, actor=compliance_officer.user)


def test_an_extended_deadline_is_reminded_again_before_the_new_date(ack, agent, compliance_officer) -> None:
    sweep(DUE - datetime.timedelta(days=7))
    extend(ack, compliance_officer, on=DUE - datetime.timedelta(days=6))

    emails = to(sweep(NEW_DUE - datetime.timedelta(days=7)), agent)

    assert [email.subject for email in emails] == ["Please acknowledge “Customer Service Code” by 14 Apr 2027"]


def test_an_extended_deadline_is_overdue_again_after_the_new_date(ack, agent, manager, compliance_officer) -> None:
    sweep(DUE + datetime.timedelta(days=7))
    extend(ack, compliance_officer, on=DUE + datetime.timedelta(days=8))

    emails = to(sweep(NEW_DUE + datetime.timedelta(days=7)), agent)

    assert [email.subject.split(":")[0] for email in emails] == ["Overdue"]
    assert ReminderLog.objects.filter(recipient=manager.user, stage="escalated", due_date=NEW_DUE).exists()


def test_a_reminder_claimed_for_the_old_deadline_is_not_sent_after_an_extension(ack, agent, compliance_officer) -> None:
    with at(DUE - datetime.timedelta(days=7)):
        services.reminders_claim(day=DUE - datetime.timedelta(days=7))
    extend(ack, compliance_officer, on=DUE - datetime.timedelta(days=7))

    assert to(sweep(DUE - datetime.timedelta(days=3)), agent) == []
    assert ReminderLog.objects.get(recipient=agent.user, due_date=DUE).status == DeliveryStatus.SKIPPED


def test_a_review_is_reminded_again_for_its_next_review_date(document_due, manager) -> None:
    sweep(DUE - datetime.timedelta(days=7))
    document_due.next_review_due = NEW_DUE
    document_due.save()

    sweep(NEW_DUE - datetime.timedelta(days=7))

    assert sorted(
        ReminderLog.objects.filter(kind="review", recipient=manager.user).values_list("stage", "due_date")
    ) == [("before-7", DUE), ("before-7", NEW_DUE)]

"""The reminder engine: claim what is due, then deliver it, each step safe to repeat.

1. `reminders_claim` runs every rule for a day and inserts one ReminderLog row per
   (kind, object, recipient, stage, due date), in batches; rows that exist already are skipped by the
   database, so the same sweep twice, or two workers at once, claim each reminder once.
2. `reminders_deliver` holds a batch of claimed reminders (a lock of its database session on each,
   skipping those another worker holds), then sends them over one connection, each email marked sent,
   with its notification, in one statement committed as soon as the email backend accepted it. A failure
   leaves the row pending for a retry; a worker killed mid-batch has marked all it sent but the email in
   flight, and its locks go with its connection.
3. `digests_deliver` sends each of a batch of managers one email listing all their escalations.

And a person's notifications in the portal are marked read here, by that person only.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.mail.backends.base import BaseEmailBackend
from django.db import DatabaseError, connection, transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from acknowledgements import webhook_payloads
from acknowledgements.models import AcknowledgementRequest, RequestStatus
from acknowledgements.selectors import may_run_campaigns
from codes.models import CodeVersion
from codes.selectors import approvers_of, version_authors
from codes.signals import ReviewStep
from common.bulk import insert_from_query, insert_from_query_returning
from common.chunks import batched
from common.errors import DomainError
from common.locks import SessionLockSpace, session_locks_release, session_locks_try
from questions.models import Question
from webhooks.models import EventType
from webhooks.services import events_emit

from .emails import Reminder, build_digests, build_reminders
from .models import (
    ANSWERED,
    ESCALATED,
    OVERDUE,
    PUBLISHED,
    RETIRED,
    AudienceToTell,
    DeliveryStatus,
    Notification,
    ReminderKind,
    ReminderLog,
    manual_stage,
)
from .notices import WORKFLOW_KINDS, build_notices
from .rules import Claim, Rule, all_rules
from .selectors import DELIVERY_BATCH_SIZE, pending_digest_batches, pending_reminder_ids

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000  # claims inserted at a time
CLAIM_FIELDS = ["object_id", "recipient"]
# A rule's claims (rules.Claim) also name the due date their stage counts from.
RULE_CLAIM_FIELDS = [*CLAIM_FIELDS, "due_date"]


@dataclass
class SweepReport:
    claimed: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: list[int] = field(default_factory=list)


def _claim_in_batches(rule: Rule, claims: Iterable[Claim]) -> int:
    """Claims computed in Python (a few: see `rules._review_copies`): inserted in batches, those claimed
    before skipped."""
    before = ReminderLog.objects.filter(kind=rule.kind, stage=rule.stage).count()
    ReminderLog.objects.bulk_create(
        [
            ReminderLog(
                kind=rule.kind, object_id=object_id, recipient_id=recipient_id, stage=rule.stage, due_date=due_date
            )
            for object_id, recipient_id, due_date in claims
        ],
        batch_size=BATCH_SIZE,
        ignore_conflicts=True,
    )
    return ReminderLog.objects.filter(kind=rule.kind, stage=rule.stage).count() - before


def _claim(rule: Rule, claims: QuerySet | Iterable[Claim]) -> int:
    if isinstance(claims, QuerySet):
        if rule.kind == ReminderKind.ACKNOWLEDGEMENT and rule.stage == OVERDUE:
            return _claim_overdue_requests(rule, claims)
        # In the database: tens of thousands of overdue requests are claimed again every day.
        return insert_from_query(ReminderLog, claims, RULE_CLAIM_FIELDS, kind=rule.kind, stage=rule.stage)
    return _claim_in_batches(rule, claims)


@transaction.atomic
def _claim_overdue_requests(rule: Rule, claims: QuerySet) -> int:
    """Claim the overdue notices of acknowledgement requests, and announce each request newly claimed as
    `request.overdue` in the same transaction: the claim, once per request and due date, makes the event
    once per request and due date (overdue again after an extension is news again)."""
    claimed = insert_from_query_returning(
        ReminderLog, claims, RULE_CLAIM_FIELDS, "object_id", kind=rule.kind, stage=rule.stage
    )
    for batch in batched(claimed, BATCH_SIZE):
        events_emit(type=EventType.REQUEST_OVERDUE, payloads=webhook_payloads.requests_overdue(batch))
    return len(claimed)


def reminders_claim(*, day: datetime.date, rules: list[Rule] | None = None) -> SweepReport:
    """Claim every reminder due on `day` that has not been claimed before, and the notices of the
    publications whose audience no task has told yet (`audience_to_tell`); given `rules`, only theirs."""
    report = SweepReport()
    for rule in rules or all_rules():
        claimed = _claim(rule, rule.claims(day))
        report.by_rule[f"{rule.kind}/{rule.stage}"] = claimed
        report.claimed += claimed
    if rules is None:
        told = sum(
            notices_claim_publication(version_id=version_id)
            for version_id in AudienceToTell.objects.order_by("pk").values_list("version_id", flat=True)
        )
        report.by_rule[f"{ReminderKind.PUBLICATION}/{PUBLISHED}"] = told
        report.claimed += told
    return report


# One email and the reminders it delivers (a manager's digest delivers several); None for nothing to send.
Email = tuple[list[ReminderLog], Reminder | None]


@contextmanager
def _held(log_ids: Iterable[int]) -> Iterator[set[int]]:
    """Hold the reminders of `log_ids` for delivery until the block ends, skipping (not waiting for) those another
    worker holds; the ids held. Held by the database session, across the transaction each email commits in: a
    worker killed while it holds them lets them go with its connection."""
    held = session_locks_try(SessionLockSpace.REMINDERS, log_ids)
    try:
        yield held
    finally:
        # A connection that broke took its locks with it.
        with suppress(DatabaseError):
            session_locks_release(SessionLockSpace.REMINDERS, held)


def _mark_skipped(logs: list[ReminderLog]) -> None:
    """Mark reminders with nothing left to remind of skipped (no email: nothing is sent twice if this is lost)."""
    if logs:
        ReminderLog.objects.filter(pk__in=[log.pk for log in logs]).update(
            status=DeliveryStatus.SKIPPED, attempts=F("attempts") + 1, last_error=""
        )


# The reminders marked sent and their notification in the portal written by one statement, committed as one.
# By id only (the worker holds them, and read them pending): see `_pending_of` for what a test of the status costs.
_MARK_SENT = """
    WITH marked AS (
        UPDATE reminders_reminderlog
        SET status = %(sent)s, sent_at = %(now)s, attempts = attempts + 1, last_error = ''
        WHERE id = ANY(%(ids)s)
        RETURNING recipient_id
    )
    INSERT INTO reminders_notification (recipient_id, message, url, created_at)
    SELECT recipient_id, %(message)s, %(url)s, %(now)s FROM marked LIMIT 1
"""


def _mark_sent(logs: list[ReminderLog], reminder: Reminder) -> None:
    """Mark the reminders sent, with a notification in the portal, and commit: on PostgreSQL in one statement,
    one round trip an email."""
    ids = [log.pk for log in logs]
    now = timezone.now()
    message = reminder.message[:300]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                _MARK_SENT,
                {
                    "sent": DeliveryStatus.SENT,
                    "now": now,
                    "ids": ids,
                    "message": message,
                    "url": reminder.path,
                },
            )
        return
    with transaction.atomic():
        ReminderLog.objects.filter(pk__in=ids).update(
            status=DeliveryStatus.SENT, sent_at=now, attempts=F("attempts") + 1, last_error=""
        )
        Notification.objects.create(recipient_id=logs[0].recipient_id, message=message, url=reminder.path)


def _deliver_one(
    logs: list[ReminderLog], reminder: Reminder, email_connection: BaseEmailBackend
) -> dict[int, Exception]:
    """Send the email of reminders this worker holds, then mark them sent and commit: a worker killed after
    that commit has nothing of this email left to send again, and one killed before it leaves the reminders
    pending (only an email it was handing over then can go out twice). Returns the reminders whose email
    failed, by log id, with the error."""
    if reminder.email is not None:  # otherwise in the portal only: its notification is the delivery
        reminder.email.connection = email_connection
        try:
            reminder.email.send()
        except Exception as error:  # any backend error: keep the reminders for a retry
            return {log.pk: error for log in logs}
    _mark_sent(logs, reminder)
    return {}


@contextmanager
def _commits_not_waiting_for_the_disk() -> Iterator[None]:
    """Let this connection's commits return before PostgreSQL has flushed them to disk, for as long as
    the block runs. One commit per email would otherwise wait for the disk each time (milliseconds, more
    than sending the email). Once committed, the mark is in the database whatever happens to the worker;
    only a crash of the database server itself within a second of a commit could lose marks, and then
    those emails go out again (at least once, never lost)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        # A connection that broke, or a transaction around this block that failed, takes the setting with it.
        with suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def _deliver(emails: list[Email]) -> dict[int, Exception]:
    """Send each email of reminders this worker holds over one connection to the email backend, each marked
    sent as soon as it is sent (see `_deliver_one`); mark the reminders with nothing left to remind of
    skipped. Returns the reminders whose email failed, by log id, with the error; they stay pending for a
    retry."""
    _mark_skipped([log for logs, reminder in emails if reminder is None for log in logs])
    to_send = [(logs, reminder) for logs, reminder in emails if reminder is not None]
    if not to_send:
        return {}
    email_connection = mail.get_connection()
    try:
        email_connection.open()
    except Exception as error:  # the backend is unreachable: every one is retried later
        return {log.pk: error for logs, _reminder in to_send for log in logs}
    failed: dict[int, Exception] = {}
    try:
        with _commits_not_waiting_for_the_disk():
            for logs, reminder in to_send:
                failed.update(_deliver_one(logs, reminder, email_connection))
    finally:
        email_connection.close()
    return failed


def _record_failures(failed: dict[int, Exception]) -> None:
    for log_id, error in failed.items():
        logger.warning("Reminder delivery failed for %s: %s", log_id, error)
        ReminderLog.objects.filter(pk=log_id).update(attempts=F("attempts") + 1, last_error=str(error)[:1000])


def _pending_of(log_ids: Iterable[int]) -> list[ReminderLog]:
    """The reminders of `log_ids` still pending, with their recipients.

    Found by id, and only then checked for pending: a sweep's claims are new rows that PostgreSQL has no
    statistics of yet, and, believing few rows pending, it would read the whole partial index of pending
    reminders (100,000 rows after a publication to 100,000 staff) for each lookup."""
    logs = ReminderLog.objects.select_related("recipient").filter(pk__in=log_ids).order_by("pk")
    return [log for log in logs if log.status == DeliveryStatus.PENDING]


def reminders_deliver(*, log_ids: list[int]) -> DeliveryReport:
    """Send a batch of claimed reminders: hold them (those another worker holds are left to it, and count as
    sent), read which are still pending, then send each email and mark it sent, committed at once, as soon as
    the email backend accepted it; a failure leaves it pending for a retry. A worker that dies half-way
    through a batch has committed the mark of every email it sent but the one it was handing over: claims are
    exactly-once, and of the emails at most that one goes out twice."""
    with _held(log_ids) as held:
        logs = _pending_of(held)  # read once held: what another worker sent before letting go is sent
        reminders = {
            **build_reminders([log for log in logs if log.kind not in WORKFLOW_KINDS]),
            **build_notices([log for log in logs if log.kind in WORKFLOW_KINDS]),
        }
        failed = _deliver([([log], reminders[log.pk]) for log in logs])
    _record_failures(failed)
    return DeliveryReport(sent=len(log_ids) - len(failed), failed=sorted(failed))


def digests_deliver(*, manager_ids: list[int]) -> DeliveryReport:
    """Send each manager one email listing every escalation waiting for them that this worker holds, as
    `reminders_deliver` does (a digest lists only the escalations it marks sent); the report counts managers."""
    waiting = ReminderLog.objects.filter(status=DeliveryStatus.PENDING).filter(  # by recipient: the partial index
        recipient_id__in=manager_ids, stage=ESCALATED
    )
    with _held(waiting.values_list("pk", flat=True)) as held:
        escalations: dict[int, list[ReminderLog]] = {}
        for log in _pending_of(held):
            escalations.setdefault(log.recipient_id, []).append(log)
        digests = build_digests(escalations)
        failed = _deliver([(escalations[manager], digest) for manager, digest in digests.items()])
    _record_failures(failed)
    failed_managers = sorted({logs[0].recipient_id for logs in escalations.values() if logs[0].pk in failed})
    return DeliveryReport(sent=len(manager_ids) - len(failed_managers), failed=failed_managers)


def sweep_now(*, day: datetime.date | None = None) -> tuple[SweepReport, DeliveryReport]:
    """Claim and deliver everything due, in this process (the command without a worker)."""
    claimed = reminders_claim(day=day or timezone.localdate())
    delivered = DeliveryReport()
    for batch in pending_reminder_ids():
        result = reminders_deliver(log_ids=batch)
        delivered.sent += result.sent
        delivered.failed += result.failed
    for managers in pending_digest_batches():
        result = digests_deliver(manager_ids=managers)
        delivered.sent += result.sent
        delivered.failed += result.failed
    return claimed, delivered


# ---------------------------------------------------------------------------
# Workflow notifications: claimed here, one per (event, recipient), delivered as reminders are
# ---------------------------------------------------------------------------


def _claim_notices(recipients: QuerySet, *, kind: str, object_id: int, stage: str) -> int:
    """Claim one notice of an event per recipient (`recipients`: a values_list of user ids), in one
    INSERT … SELECT whatever their number; a recipient claimed before, by a run before or another worker
    now, is skipped by the database."""
    return insert_from_query(ReminderLog, recipients, ["recipient"], kind=kind, object_id=object_id, stage=stage)


def notices_claim_review_step(*, version_id: int, step: str, event_id: int, actor_id: int | None) -> int:
    """Claim the notices of a review step: a version sent for review, or taken back from it, tells the
    managers who may approve it (never one of its authors: four eyes); approved or sent back, its authors.
    Never the person who took the step. Returns how many were claimed."""
    version = CodeVersion.objects.select_related("author").filter(pk=version_id).first()
    if version is None:  # a draft discarded since: nobody is left to tell about it
        return 0
    if step in (ReviewStep.SUBMITTED, ReviewStep.WITHDRAWN):
        concerned = approvers_of(version)
    else:
        authors = [author.person.pk for author in version_authors(version)]
        concerned = User.objects.filter(pk__in=authors, is_active=True)
    recipients = concerned.exclude(pk__in=[actor_id]).order_by().values_list("pk")
    return _claim_notices(recipients, kind=ReminderKind.VERSION_REVIEW, object_id=event_id, stage=step)


def audience_to_tell(*, version_id: int) -> None:
    """Note that the audience a publication asked is to be told: one row, whatever its size; the task, or
    failing it the next sweep, claims each person's notice (`notices_claim_publication`)."""
    AudienceToTell.objects.bulk_create([AudienceToTell(version_id=version_id)], ignore_conflicts=True)


def notices_claim_publication(*, version_id: int, person_ids: Sequence[int] | None = None) -> int:
    """Claim the notice of a publication for each person it asks to sign: those with a pending request for
    it, or of them only `person_ids` (staff profiles asked since: joiners, movers, returners). Those a minor
    version does not ask again (they signed the version it replaces) are not told. Its whole audience
    claimed, it is no longer to tell (a run stopped in between leaves the sweep to claim again: nothing new)."""
    recipients = (
        AcknowledgementRequest.objects.pending()
        .filter(version_id=version_id, person__user__is_active=True)
        .order_by()
        .values_list("person__user_id")
    )
    if person_ids is not None:
        recipients = recipients.filter(person_id__in=person_ids)
    claimed = _claim_notices(recipients, kind=ReminderKind.PUBLICATION, object_id=version_id, stage=PUBLISHED)
    if person_ids is None:
        AudienceToTell.objects.filter(version_id=version_id).delete()
    return claimed


def notices_claim_retirement(*, document_id: int) -> int:
    """Claim the notice of a retirement for each person whose request to sign the document it withdrew."""
    recipients = (
        AcknowledgementRequest.objects.filter(version__document_id=document_id, status=RequestStatus.WITHDRAWN)
        .order_by()
        .values_list("person__user_id")
        .distinct()
    )
    return _claim_notices(recipients, kind=ReminderKind.RETIREMENT, object_id=document_id, stage=RETIRED)


def notices_claim_answer(*, question_id: int) -> int:
    """Claim the notice of an answer for the person who asked the question (once, whoever answers)."""
    recipients = Question.objects.filter(pk=question_id, asker__is_active=True).order_by().values_list("asker_id")
    return _claim_notices(recipients, kind=ReminderKind.QUESTION_ANSWER, object_id=question_id, stage=ANSWERED)


def notification_mark_read(*, notification: Notification, actor: User) -> None:
    """Mark a notification read, by the person it was sent to only. A notification read already keeps
    the time it was first read."""
    if notification.recipient_id != actor.pk:
        # The words of the page not found: nobody learns that someone else's notification exists.
        raise DomainError(_("The page does not exist, or it is not one you may see."))
    if notification.read_at is None:
        now = timezone.now()
        if Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now):
            notification.read_at = now


def notifications_mark_all_read(*, actor: User) -> int:
    """Mark every unread notification of the actor's read (only their own); returns how many."""
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())


@dataclass(frozen=True)
class CampaignReminded:
    reminded: int  # claimed now, and sent by the delivery tasks
    already: int  # reminded earlier today, by hand: not again


@transaction.atomic
def campaign_remind(*, version: CodeVersion, actor: User) -> CampaignReminded:
    """Remind, now, everyone whose request to acknowledge `version` is pending, at most once a day each.

    A reminder is claimed as a log row of the day's "manual" stage, all of them by one INSERT … SELECT:
    those reminded by hand today already have their row, and the database skips them, even with two
    people pressing at once; those the day's sweep reminded of this request are left out. The claimed
    reminders are sent in batches by the delivery task, once the claims are committed (a broker that is
    down leaves them to the next sweep, which delivers every pending one).
    """
    if not may_run_campaigns(actor):
        raise PermissionDenied(_("Your roles do not allow reminding a campaign."))
    today = timezone.localdate()
    reminded_today = ReminderLog.objects.filter(
        kind=ReminderKind.ACKNOWLEDGEMENT,
        object_id=OuterRef("pk"),
        created_at__gte=timezone.make_aware(datetime.datetime.combine(today, datetime.time.min)),
    )
    pending = AcknowledgementRequest.objects.filter(version=version).pending()
    pairs = pending.exclude(Exists(reminded_today)).order_by().values_list("pk", "person__user_id")
    stage = manual_stage(today)
    claimed = insert_from_query_returning(
        ReminderLog, pairs, CLAIM_FIELDS, "id", kind=ReminderKind.ACKNOWLEDGEMENT, stage=stage
    )
    transaction.on_commit(lambda: _deliver_later(claimed), robust=True)
    return CampaignReminded(reminded=len(claimed), already=pending.count() - len(claimed))


def _deliver_later(log_ids: list[int]) -> None:
    from .tasks import deliver  # the tasks call these services: imported when first needed

    for batch in batched(log_ids, DELIVERY_BATCH_SIZE):
        deliver.delay(batch)

"""State changes for acknowledgements: asking people, signing, waiving, checkpointing the chain."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max, Min, Model, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.actions import AuditAction
from audit.services import event_record, events_record
from codes.models import CodeDocument, CodeVersion, Section, VersionStatus, VersionTranslation
from codes.selectors import applies_to_department, language_name, published_translation
from common.bulk import insert_from_query
from common.errors import Conflict, DomainError, InputRefused
from common.locks import TransactionLock, transaction_lock
from people.models import StaffProfile
from people.selectors import department_subtree
from sso.services import Reauthentication
from webhooks.models import EventType
from webhooks.services import event_emit, events_emit, subscribers_of

from . import audit_actions, comprehension, webhook_payloads
from .authentication import seal_authentication
from .chain import (
    GENESIS,
    Report,
    checkpoint_is_authentic,
    current_head,
    mac_of_checkpoint,
    seal,
    verify_records,
)
from .commitments import PSEUDONYM_PREFIX
from .models import (
    AcknowledgementRequest,
    AuthenticationMethod,
    RequestStatus,
    SectionReading,
    Signature,
    SignatureAuthentication,
    SignatureCheckpoint,
    SigningMethod,
)
from .selectors import may_run_campaigns, sections_not_displayed
from .signals import requests_created, requests_withdrawn


class NameMismatch(DomainError):
    """The name typed at signing is not the person's name."""


# ---------------------------------------------------------------------------
# Asking people
# ---------------------------------------------------------------------------


def audience_department_ids(version: CodeVersion) -> list[int] | None:
    """The departments a version applies to, sub-departments included; None for all staff."""
    if version.applies_to_all_staff:
        return None
    return department_subtree(version.audience_departments.values_list("pk", flat=True))


def replaced_version(version: CodeVersion) -> CodeVersion | None:
    """The version this one replaced: the latest earlier version of the document that was published."""
    return (
        CodeVersion.objects.filter(
            document_id=version.document_id, number__lt=version.number, published_at__isnull=False
        )
        .order_by("-number")
        .first()
    )


def _record_transition(
    *, action: AuditAction, target: Model, count: int, actor: User | None = None, **details: object
) -> None:
    """One audit event for a transition of many requests at once (none when nothing changed)."""
    if count:
        event_record(actor=actor, action=action, target=target, details={"requests": count, **details})


def _announce_transition(
    requests: QuerySet[AcknowledgementRequest], *, before: str, after: str, at: datetime.datetime
) -> None:
    """`request.state_changed` for each of `requests`, which went from `before` to `after` at `at`: the events are
    inserted from the query, in one statement whatever their number (nothing when no endpoint subscribes)."""
    payloads = webhook_payloads.requests_state_changed(requests, before=before, after=after, at=at)
    events_emit(type=EventType.REQUEST_STATE_CHANGED, payloads=payloads)


def _announce_change(ack_request: AcknowledgementRequest, *, before: str, endpoints: list[int] | None = None) -> None:
    """`request.state_changed` for one request, now in its new state (to `endpoints`, when looked up already)."""
    assert ack_request.resolved_at is not None
    payload = webhook_payloads.request_state_changed(
        ack_request, before=before, after=ack_request.status, at=ack_request.resolved_at
    )
    event_emit(type=EventType.REQUEST_STATE_CHANGED, payload=payload, endpoints=endpoints)


@transaction.atomic
def requests_supersede(*, version: CodeVersion) -> int:
    """Mark as replaced the pending requests for the earlier versions of a newly published version's document.

    Those people were asked again for the new version before they signed the old one. One UPDATE,
    whatever the audience's size. Returns how many requests were replaced.
    """
    now = timezone.now()
    # By version id, not through a join to the versions: Django turns an UPDATE filtered across a join into
    # `id IN (SELECT id FROM the requests JOIN …)`, which reads every request once to find it and again to
    # update it (half the statement's time at 100,000 people).
    earlier_versions = CodeVersion.objects.filter(document_id=version.document_id, number__lt=version.number)
    earlier = AcknowledgementRequest.objects.filter(version__in=earlier_versions.values("pk"))
    replaced = earlier.filter(status=RequestStatus.PENDING).update(status=RequestStatus.REPLACED, resolved_at=now)
    if replaced:  # the publisher is read only when there is something to record
        _record_transition(
            action=audit_actions.REQUESTS_REPLACE, target=version, count=replaced, actor=version.publisher
        )
        # The requests this UPDATE changed: their new state, stamped with its time.
        changed = earlier.filter(status=RequestStatus.REPLACED, resolved_at=now)
        _announce_transition(changed, before=RequestStatus.PENDING, after=RequestStatus.REPLACED, at=now)
    return replaced


@transaction.atomic
def requests_create_for_version(*, version: CodeVersion) -> int:
    """Ask every active person in a published version's audience to acknowledge it.

    Due on publication day + the version's days to acknowledge. A minor version does not ask
    those who signed the version it replaces. Pending requests for older versions of the
    document are marked replaced. Safe to run again: nobody is asked twice.
    """
    if version.status != VersionStatus.PUBLISHED or version.published_at is None:
        return 0
    requests_supersede(version=version)

    people = StaffProfile.objects.filter(user__is_active=True)
    departments = audience_department_ids(version)
    if departments is not None:
        people = people.filter(department_id__in=departments)
    previous = replaced_version(version)
    if previous is not None and not version.is_major:
        people = people.exclude(signatures__version=previous)

    due = version.acknowledge_by
    # One statement for the whole audience; people asked already are skipped by the unique constraint.
    created = insert_from_query(
        AcknowledgementRequest, people.order_by().values_list("pk"), ["person"], version=version, due_date=due
    )
    if created:
        _announce_requests_created({version.pk: None})
    return created


def _announce_requests_created(asked: Mapping[int, Collection[int] | None]) -> None:
    """Once committed, tell the apps above who was newly asked to sign which version: the staff profiles
    of each version, or None for its whole audience (at its publication)."""
    for version_id, person_ids in sorted(asked.items()):
        people = None if person_ids is None else sorted(person_ids)
        transaction.on_commit(
            partial(requests_created.send, sender=AcknowledgementRequest, version_id=version_id, person_ids=people)
        )


@transaction.atomic
def requests_withdraw_for_document(*, document_id: int, actor: User | None, reason: str) -> int:
    """Withdraw every pending request for a document's versions: the document was retired.

    Signed, waived and replaced requests keep their state; the history stays as it was. One UPDATE.
    Returns how many requests were withdrawn.
    """
    now = timezone.now()
    of_document = AcknowledgementRequest.objects.filter(version__document_id=document_id)
    withdrawn = of_document.filter(status=RequestStatus.PENDING).update(status=RequestStatus.WITHDRAWN, resolved_at=now)
    if withdrawn:
        changed = of_document.filter(status=RequestStatus.WITHDRAWN, resolved_at=now)
        _announce_transition(changed, before=RequestStatus.PENDING, after=RequestStatus.WITHDRAWN, at=now)
        transaction.on_commit(lambda: requests_withdrawn.send(sender=AcknowledgementRequest, document_id=document_id))
    _record_transition(
        action=audit_actions.REQUESTS_WITHDRAW,
        target=CodeDocument.objects.get(pk=document_id),
        count=withdrawn,
        actor=actor,
        reason=reason,
    )
    return withdrawn


def _versions_applying_to(department_ids: set[int | None]) -> dict[int | None, set[int]]:
    """For each department, the published versions whose audience includes it (or all staff): a couple of
    queries per department, however many people sit in it."""
    return {
        department_id: set(
            CodeVersion.objects.published().filter(applies_to_department(department_id)).values_list("pk", flat=True)
        )
        for department_id in department_ids
    }


@transaction.atomic
def requests_sync_for_people(*, person_ids: Sequence[int], actor: User | None = None) -> dict[str, int]:
    """Bring people's requests in line with who they are now: joiners, movers, leavers, returners.

    A deactivated person's pending requests are marked left. For an active person, pending
    requests for versions whose audience no longer includes them are marked left; their left
    requests for published versions that apply to them again are pending again (due in the
    version's days to acknowledge from today); and they are asked for the published versions
    that apply to them and that they have no request for. Signed, waived, replaced and withdrawn
    requests never change. Safe to run again: it changes nothing the second time. Each kind of
    change is audited for each person it changed, with `actor`, who changed the people (None for the
    system). Set-based, for one person or for everyone an HR import changed: the requests are read
    once, each transition is one UPDATE (one per version for the returners, whose due dates differ),
    the new requests one INSERT, and each kind of audit event one bulk insert.
    """
    people = list(StaffProfile.objects.select_related("user").filter(pk__in=person_ids).order_by("pk"))
    applying = _versions_applying_to({person.department_id for person in people if person.user.is_active})
    days_to_acknowledge = dict(
        CodeVersion.objects.filter(pk__in=set().union(*applying.values())).values_list("pk", "days_to_acknowledge")
    )
    requests: dict[int, list[tuple[int, int, str]]] = {}
    for pk, person_id, version_id, status in AcknowledgementRequest.objects.filter(person__in=people).values_list(
        "pk", "person_id", "version_id", "status"
    ):
        requests.setdefault(person_id, []).append((pk, version_id, status))
    now = timezone.now()
    today = timezone.localdate()
    leaving: list[int] = []
    returning: dict[int, list[int]] = {}  # version id -> the requests that are pending again
    new: list[AcknowledgementRequest] = []
    asked: dict[int, set[int]] = {}  # version id -> the people asked to sign it now
    counts: dict[str, Counter[StaffProfile]] = {"left": Counter(), "returned": Counter(), "asked": Counter()}
    for person in people:
        mine = requests.get(person.pk, [])
        versions = applying[person.department_id] if person.user.is_active else set()
        for pk, version_id, status in mine:
            if status == RequestStatus.PENDING and version_id not in versions:
                leaving.append(pk)
                counts["left"][person] += 1
            elif status == RequestStatus.LEFT and version_id in versions:
                returning.setdefault(version_id, []).append(pk)
                asked.setdefault(version_id, set()).add(person.pk)
                counts["returned"][person] += 1
        for version_id in sorted(versions - {version_id for _pk, version_id, _status in mine}):
            due = today + datetime.timedelta(days=days_to_acknowledge[version_id])
            new.append(AcknowledgementRequest(person=person, version_id=version_id, due_date=due))
            asked.setdefault(version_id, set()).add(person.pk)
            counts["asked"][person] += 1
    if leaving:
        AcknowledgementRequest.objects.filter(pk__in=leaving).update(status=RequestStatus.LEFT, resolved_at=now)
        left = AcknowledgementRequest.objects.filter(pk__in=leaving)
        _announce_transition(left, before=RequestStatus.PENDING, after=RequestStatus.LEFT, at=now)
    for version_id, pks in returning.items():  # one per version at most: a handful, never the organisation
        AcknowledgementRequest.objects.filter(pk__in=pks).update(
            status=RequestStatus.PENDING,
            resolved_at=None,
            due_date=today + datetime.timedelta(days=days_to_acknowledge[version_id]),
        )
        back = AcknowledgementRequest.objects.filter(pk__in=pks)
        _announce_transition(back, before=RequestStatus.LEFT, after=RequestStatus.PENDING, at=now)
    AcknowledgementRequest.objects.bulk_create(new)
    # Joiners and returners are asked as the audience was at publication (told once each, by its receivers).
    # Joiners and returners are asked as the audience was at publication; only they are told about it.
    _announce_requests_created(asked)
    for kind, action in (
        ("left", audit_actions.REQUESTS_LEAVE),
        ("returned", audit_actions.REQUESTS_RETURN),
        ("asked", audit_actions.REQUESTS_ASK),
    ):
        events_record(
            actor=actor, action=action, targets=[(person, {"requests": n}) for person, n in counts[kind].items()]
        )
    return {kind: counts[kind].total() for kind in counts}


def request_mark_opened(*, ack_request: AcknowledgementRequest) -> None:
    """Record, once, when the person first opened the version they are asked to acknowledge."""
    if ack_request.first_opened_at is None:
        now = timezone.now()
        AcknowledgementRequest.objects.filter(pk=ack_request.pk, first_opened_at__isnull=True).update(
            first_opened_at=now
        )
        ack_request.first_opened_at = now


# The reader's script reports every 15 seconds and when the page is left; closer reports are refused (429).
READING_REPORT_INTERVAL = datetime.timedelta(seconds=5)
# A report may claim, for each section, the time since the previous report and this much more (clocks,
# network delays); anything beyond is cut to it.
READING_REPORT_SLACK = datetime.timedelta(seconds=5)


class ReadingTooSoon(DomainError):
    """A reading report came sooner than `READING_REPORT_INTERVAL` after the previous one."""

    def __init__(self, *, wait: datetime.timedelta) -> None:
        super().__init__(_("Reading reports come too often; wait a few seconds."))
        self.wait = wait


def reading_record(
    *,
    ack_request: AcknowledgementRequest,
    seconds_by_position: Mapping[int, int],
    reached_end: bool,
    now: datetime.datetime | None = None,
) -> dict[int, int]:
    """Add a report of the reader's script to a pending request's reading evidence; return the seconds kept
    per section position.

    Refused (`Conflict`) once the request is no longer pending: the evidence of a signature is what was read
    before it. Refused (`ReadingTooSoon`) within `READING_REPORT_INTERVAL` of the previous report; refused
    (`InputRefused`) for a position that is not one of the version's sections. Each section's seconds are cut
    to the time since the previous report (or the first opening) plus `READING_REPORT_SLACK`, so that a report
    cannot claim more reading than could have happened. Not audited: reports come every few seconds, and the
    evidence they add up to is itself the record, shown on the receipt and in the exports."""
    now = now or timezone.now()
    if ack_request.status != RequestStatus.PENDING:
        raise Conflict(_("This request is no longer waiting for a signature; its reading is not recorded."))
    previous = ack_request.last_reading_at
    if previous is not None and now - previous < READING_REPORT_INTERVAL:
        raise ReadingTooSoon(wait=READING_REPORT_INTERVAL - (now - previous))
    sections = dict(Section.objects.filter(version_id=ack_request.version_id).values_list("position", "pk"))
    if not set(seconds_by_position) <= set(sections):
        raise InputRefused(_("The report names a section this version does not have."))
    since = previous or ack_request.first_opened_at or now
    bound = int((now - since + READING_REPORT_SLACK).total_seconds())
    kept = {position: min(seconds, bound) for position, seconds in seconds_by_position.items() if seconds > 0}
    with transaction.atomic():
        # Claimed only if no other report was recorded meanwhile and the request is still pending: two reports
        # sent at once cannot both add their seconds.
        claimed = AcknowledgementRequest.objects.filter(
            pk=ack_request.pk, status=RequestStatus.PENDING, last_reading_at=previous
        ).update(
            last_reading_at=now,
            reached_end_at=Coalesce(F("reached_end_at"), Value(now)) if reached_end else F("reached_end_at"),
        )
        if not claimed:
            raise ReadingTooSoon(wait=READING_REPORT_INTERVAL)
        if kept:
            _section_seconds_add(ack_request, {sections[position]: seconds for position, seconds in kept.items()})
    ack_request.last_reading_at = now
    return kept


def _section_seconds_add(ack_request: AcknowledgementRequest, seconds_by_section: Mapping[int, int]) -> None:
    """Add seconds to the request's rows per section in one statement, creating the missing ones: concurrent
    additions each count (the database adds them, no value is read and written back)."""
    table = connection.ops.quote_name(SectionReading._meta.db_table)
    rows = ", ".join(["(%s, %s, %s)"] * len(seconds_by_section))
    parameters = [value for pk, seconds in seconds_by_section.items() for value in (ack_request.pk, pk, seconds)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (request_id, section_id, seconds) VALUES {rows} "  # noqa: S608 (no input in it)
            f"ON CONFLICT (request_id, section_id) DO UPDATE SET seconds = {table}.seconds + EXCLUDED.seconds",
            parameters,
        )


def _waiver_reason(*, actor: User, reason: str) -> str:
    """The rule of every waiver, one or many: the actor's roles allow waiving, and the reason is given
    (returned stripped, as it is kept)."""
    if not actor.has_perm("acknowledgements.waive_acknowledgementrequest"):
        raise PermissionDenied(_("Your roles do not allow waiving requests."))
    reason = reason.strip()
    if not reason:
        raise InputRefused(_("Give the reason for the waiver; it is kept in the record."), field="reason")
    return reason


@transaction.atomic
def request_waive(*, ack_request: AcknowledgementRequest, actor: User, reason: str) -> AcknowledgementRequest:
    """Excuse a person from a request (leave, exemption); it leaves the overdue counts. Only a pending
    request can be waived: any other is refused as a `Conflict` (the API's 409)."""
    reason = _waiver_reason(actor=actor, reason=reason)
    ack_request = AcknowledgementRequest.objects.select_for_update().get(pk=ack_request.pk)
    if ack_request.status != RequestStatus.PENDING:
        raise Conflict(
            _("Only a pending request can be waived; this one is %(status)s.")
            % {"status": ack_request.get_status_display().lower()}
        )
    ack_request.status = RequestStatus.WAIVED
    ack_request.waived_by = actor
    ack_request.waiver_reason = reason
    ack_request.resolved_at = timezone.now()
    ack_request.save(update_fields=["status", "waived_by", "waiver_reason", "resolved_at"])
    event_record(actor=actor, action=audit_actions.REQUEST_WAIVE, target=ack_request, details={"reason": reason})
    _announce_change(ack_request, before=RequestStatus.PENDING)
    return ack_request


@dataclass(frozen=True)
class BulkWaiver:
    """What a waiver in bulk did: the requests it waived, and those it left as they were (no longer pending)."""

    waived: int
    not_pending: int


def bulk_waiver_refusal(*, chosen: int) -> str | None:
    """Why a waiver in bulk of `chosen` requests is refused, or None when it is not: it may cover at most
    ACKNOWLEDGEMENTS_BULK_WAIVER_LIMIT of them, since each is locked, audited and announced within one web
    request. The confirmation page asks it too, to say so before a reason is typed."""
    limit = int(settings.ACKNOWLEDGEMENTS_BULK_WAIVER_LIMIT)
    if chosen <= limit:
        return None
    return ngettext(
        "You chose %(count)d request, more than the %(limit)d one waiver in bulk may cover.",
        "You chose %(count)d requests, more than the %(limit)d one waiver in bulk may cover.",
        chosen,
    ) % {"count": chosen, "limit": limit}


@transaction.atomic
def requests_waive(*, requests: QuerySet[AcknowledgementRequest], actor: User, reason: str) -> BulkWaiver:
    """Excuse many people at once, with one reason: the rule of `request_waive` (roles, a reason, only
    pending requests), applied to each of `requests`. Those no longer pending (signed meanwhile…) are
    left as they are and counted apart, not refused as a whole. Each waived request gets the audit
    event and the `request.state_changed` webhook event a single waiver gives it. One UPDATE. More
    requests than `bulk_waiver_refusal` allows are refused as a whole, before any is locked."""
    reason = _waiver_reason(actor=actor, reason=reason)
    asked = requests.count()
    refusal = bulk_waiver_refusal(chosen=asked)
    if refusal is not None:
        raise InputRefused(refusal)
    # Locked first, so that nobody signs one of them between the UPDATE and the events that name it.
    pending = list(
        requests.filter(status=RequestStatus.PENDING)
        .select_for_update(of=("self",))
        .select_related("person__user", "version")
        .order_by("pk")
    )
    now = timezone.now()
    waived = AcknowledgementRequest.objects.filter(pk__in=[ack.pk for ack in pending])
    waived.update(status=RequestStatus.WAIVED, waived_by=actor, waiver_reason=reason, resolved_at=now)
    events_record(
        actor=actor, action=audit_actions.REQUEST_WAIVE, targets=[(ack, {"reason": reason}) for ack in pending]
    )
    _announce_transition(waived, before=RequestStatus.PENDING, after=RequestStatus.WAIVED, at=now)
    return BulkWaiver(waived=len(pending), not_pending=asked - len(pending))


@transaction.atomic
def requests_extend(
    *, version: CodeVersion, due_date: datetime.date, actor: User, department_id: int | None = None
) -> int:
    """Give the pending people of a version (all of them, or those of one department and its
    sub-departments) until `due_date` to acknowledge it. The date must be after today; a request due
    later already keeps its date (an extension never shortens one). One UPDATE, one audit event with
    the count and the dates before and after. Returns how many requests were extended."""
    if not may_run_campaigns(actor):
        raise PermissionDenied(_("Your roles do not allow extending deadlines."))
    if due_date <= timezone.localdate():
        raise InputRefused(_("Choose a date after today: the new deadline must be in the future."), field="due_date")
    extended = AcknowledgementRequest.objects.filter(
        version=version, status=RequestStatus.PENDING, due_date__lt=due_date
    )
    if department_id is not None:
        extended = extended.filter(person__department_id__in=department_subtree([department_id]))
    before = extended.aggregate(earliest=Min("due_date"), latest=Max("due_date"))
    count = extended.update(due_date=due_date)
    _record_transition(
        action=audit_actions.REQUESTS_EXTEND,
        target=version,
        count=count,
        actor=actor,
        department=department_id,
        due_before={key: day.isoformat() for key, day in before.items() if day is not None},
        due_after=due_date.isoformat(),
    )
    return count


# ---------------------------------------------------------------------------
# Signing
# ---------------------------------------------------------------------------


def attestation_statement(version: CodeVersion, translation: VersionTranslation | None = None) -> str:
    """What the signer agrees to: the text they read, named by its title, its language and its hash (the
    version's own, or its published `translation`'s)."""
    text: CodeVersion | VersionTranslation = translation if translation is not None else version
    return _(
        "I have read and understood “%(title)s”, version %(number)s, in %(language)s (content hash %(hash)s), "
        "and I agree to comply with it."
    ) % {
        "title": text.title,
        "number": version.number,
        "language": language_name(text.language),
        "hash": text.content_hash,
    }


def translation_read(version: CodeVersion, language: str | None) -> VersionTranslation | None:
    """The published translation a person read, from the language of the text they were shown: None for the
    version's own language (or when none is named). Only the language comes from the signer's browser; the
    text, and so its hash, is looked up by it, and a language the version has no published translation into
    is refused. A published translation never changes (codes.models and its triggers), so it needs no lock."""
    if not language or language == version.language:
        return None
    translation = published_translation(version, language)
    if translation is None:
        raise DomainError(
            _(
                "This version has no published %(language)s translation, so it cannot be signed in %(language)s. "
                "Read the text on this page and sign again."
            )
            % {"language": language_name(language)}
        )
    return translation


def normalise_name(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip().casefold()


def _refuse_unless_signable(ack_request: AcknowledgementRequest, *, actor: User, typed_name: str) -> None:
    """Raise the reason this actor cannot sign this (locked) request with this typed name, if any."""
    if ack_request.person.user_id != actor.pk:
        raise PermissionDenied(_("Only the person asked can sign this acknowledgement."))
    if ack_request.status == RequestStatus.SIGNED:
        raise DomainError(_("You have already signed this version."))
    if ack_request.status != RequestStatus.PENDING:
        raise DomainError(
            _("This request is %(status)s: there is nothing to sign.")
            % {"status": ack_request.get_status_display().lower()}
        )
    version = ack_request.version
    if version.status == VersionStatus.RETIRED:
        # Read now: the document in hand may have been loaded before it was retired.
        retired_at = CodeDocument.objects.values_list("retired_at", flat=True).get(pk=version.document_id)
        raise DomainError(
            _("This document was retired on %(date)s; it no longer asks for signatures.")
            % {"date": date_format(timezone.localtime(retired_at).date()) if retired_at else "—"}
        )
    if version.status != VersionStatus.PUBLISHED:
        raise DomainError(_("This version has been replaced; sign the current version instead."))
    if normalise_name(typed_name) != normalise_name(ack_request.person.full_name):
        raise NameMismatch(
            _("Type your name as it is recorded in your profile: %(name)s.") % {"name": ack_request.person.full_name}
        )
    if version.requires_every_section_displayed:
        missing = list(sections_not_displayed(ack_request))
        if missing:
            raise DomainError(
                ngettext(
                    "This version is signed once every section has been on your screen; this one has not been "
                    "yet: %(sections)s. Scroll through it, then sign.",
                    "This version is signed once every section has been on your screen; these have not been "
                    "yet: %(sections)s. Scroll through them, then sign.",
                    len(missing),
                )
                % {"sections": ", ".join(f"{section.position}. {section.title}" for section in missing)}
            )


# The last record's sequence and hash, backwards along the unique index on sequence. Written once, not built by
# the ORM at each signature: that costs more Python than the statement costs PostgreSQL, and it runs under the lock.
_CHAIN_END_SQL = "SELECT {sequence}, {hash} FROM {table} ORDER BY {sequence} DESC LIMIT 1".format(  # noqa: S608 - our names
    table=connection.ops.quote_name(Signature._meta.db_table),
    sequence=connection.ops.quote_name(Signature._meta.get_field("sequence").column),
    hash=connection.ops.quote_name(Signature._meta.get_field("record_hash").column),
)


def _chain_end() -> tuple[int, str]:
    """The last record's sequence and hash; (0, GENESIS) for an empty chain."""
    with connection.cursor() as cursor:
        cursor.execute(_CHAIN_END_SQL)
        end = cursor.fetchone()
    return (end[0], end[1]) if end is not None else (0, GENESIS)


def _chain_append(
    ack_request: AcknowledgementRequest,
    *,
    translation: VersionTranslation | None,
    typed_name: str,
    ip_address: str | None,
    user_agent: str,
    comprehension_score: int | None = None,
    witness: StaffProfile | None = None,
    device: str = "",
) -> Signature:
    """Seal and save the request's signature as the next link of the chain, under the chain's lock. The record
    names the text read: its language, and its hash (the translation's, when a translation was read); and, for
    a signature at a kiosk, its witness and device.

    The lock is held until the transaction ends, and every signer waits for it in turn: the caller does
    under it only what needs the new record (its id, hash or time)."""
    # One signer at a time extends the chain.
    transaction_lock(TransactionLock.SIGNATURE_CHAIN)
    last, previous_hash = _chain_end()
    version = ack_request.version
    signature = Signature(
        sequence=last + 1,
        request=ack_request,
        person=ack_request.person,
        version=version,
        signed_at=timezone.now(),
        statement=attestation_statement(version, translation),
        typed_name=typed_name.strip()[:200],
        ip_address=ip_address,
        user_agent=user_agent[:512],
        content_hash=(translation or version).content_hash,
        language=(translation or version).language,
        first_opened_at=ack_request.first_opened_at,
        comprehension_score=comprehension_score,
        method=SigningMethod.KIOSK if witness is not None else SigningMethod.PORTAL,
        witness=witness,
        device=device[:100],
        previous_hash=previous_hash,
    )
    seal(signature)
    # No savepoint of its own: the error leaves signature_create's atomic block, which rolls it all back.
    try:
        signature.save(force_insert=True)
    except IntegrityError as error:
        raise DomainError(_("Someone signed at the same instant; please sign again.")) from error
    return signature


@transaction.atomic
def signature_create(
    *,
    ack_request: AcknowledgementRequest,
    actor: User,
    typed_name: str,
    language: str | None = None,
    ip_address: str | None = None,
    user_agent: str = "",
    reauthentication: Reauthentication | None = None,
    witness: StaffProfile | None = None,
    device: str = "",
) -> Signature:
    """Sign a request: the person agrees to the exact text they read, and a chained record is appended.

    `language` is the language of the text they were shown: the version's own (None says the same), or one
    of its published translations, whose hash the record then carries. A language it has no published
    translation into is refused.

    How the person proved it was them goes with the record: their identity provider's
    `reauthentication` when they have no password, a PIN or code at a kiosk when a `witness` (the supervisor
    who opened the kiosk, on `device`) saw them sign (acknowledgements.kiosk), else their password.

    Refused unless the actor is the person asked, the request is pending, the version is still
    the published one, a passing attempt at its comprehension check exists when the version requires one,
    and the typed name matches the person's name (case and spacing aside).
    Re-authentication (the password) is checked by the signing form before this is called.

    `ack_request` comes as the caller loaded it, with its person and version: what the record takes from the
    version never changes once it is published (codes.models.FROZEN_VERSION_FIELDS). What may have changed
    since is read again under the request's lock, into `ack_request`: its state, when it was first opened, and
    the version's status. So a caller whose signature was refused sees the request as it now is.
    """
    _lock_request(ack_request)
    _refuse_unless_signable(ack_request, actor=actor, typed_name=typed_name)
    check_refusal, score = comprehension.score_for_signing(ack_request)
    if check_refusal:
        raise DomainError(check_refusal)
    translation = translation_read(ack_request.version, language)
    # Looked up before the chain's lock, which is held until the commit: who is told is no part of the chain.
    endpoints = subscribers_of([EventType.SIGNATURE_CREATED, EventType.REQUEST_STATE_CHANGED])
    signature = _chain_append(
        ack_request,
        translation=translation,
        typed_name=typed_name,
        ip_address=ip_address,
        user_agent=user_agent,
        comprehension_score=score,
        witness=witness,
        device=device,
    )
    _authentication_record(signature, reauthentication)
    ack_request.status = RequestStatus.SIGNED
    ack_request.resolved_at = signature.signed_at
    ack_request.save(update_fields=["status", "resolved_at"])
    event_record(
        actor=actor,
        action=audit_actions.SIGNATURE_CREATE,
        target=signature,
        details={
            "version": ack_request.version.pk,
            "language": signature.language,
            "record_hash": signature.record_hash,
            **({"method": signature.method, "witness": witness.pk, "device": signature.device} if witness else {}),
        },
    )
    event_emit(
        type=EventType.SIGNATURE_CREATED,
        payload=webhook_payloads.signature_created(signature),
        endpoints=endpoints[EventType.SIGNATURE_CREATED],
    )
    _announce_change(ack_request, before=RequestStatus.PENDING, endpoints=endpoints[EventType.REQUEST_STATE_CHANGED])
    return signature


def _lock_request(ack_request: AcknowledgementRequest) -> None:
    """Lock the request's row until the transaction ends, and read into it what may have changed since it was
    loaded. Only its own row is locked: a plain FOR UPDATE would lock the joined version's row as well, and make
    everyone signing the same version wait for each other."""
    ack_request.status, ack_request.first_opened_at, ack_request.version.status = (
        AcknowledgementRequest.objects.select_for_update(of=("self",))
        .values_list("status", "first_opened_at", "version__status")
        .get(pk=ack_request.pk)
    )


def _authentication_record(signature: Signature, reauthentication: Reauthentication | None) -> None:
    if signature.method == SigningMethod.KIOSK:
        authentication = SignatureAuthentication(signature=signature, method=AuthenticationMethod.KIOSK)
    elif reauthentication is None:
        authentication = SignatureAuthentication(signature=signature, method=AuthenticationMethod.PASSWORD)
    else:
        authentication = SignatureAuthentication(
            signature=signature,
            method=AuthenticationMethod.PROVIDER,
            provider=reauthentication.provider,
            subject=reauthentication.subject,
            authenticated_at=reauthentication.authenticated_at,
        )
    seal_authentication(authentication, record_hash=signature.record_hash)
    authentication.save(force_insert=True)


def signatures_pseudonymise(*, person: StaffProfile) -> int:
    """Replace the personal fields of a person's signatures by their pseudonym, for good; returns how many.

    The typed name becomes the pseudonym their staff record already carries (PSEUDONYM_PREFIX…), the IP address
    nothing and the browser empty text, and each record says when; the subjects of their authentications at a
    provider become the pseudonym too. The hash and the MACs cover commitments to these values, not the values,
    so every record still verifies. It is the one UPDATE the database lets through on these append-only rows
    (migration 0014), hence plain SQL: the models refuse any change. Call it in the pseudonymising transaction.
    """
    if not person.employee_id.startswith(PSEUDONYM_PREFIX):
        raise DomainError(_("A person's signatures are pseudonymised only once their staff record is."))
    signatures, authentications = Signature._meta.db_table, SignatureAuthentication._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {signatures} SET typed_name = %s, ip_address = NULL, user_agent = '', "  # noqa: S608
            "pseudonymised_at = %s WHERE person_id = %s AND pseudonymised_at IS NULL",
            [person.employee_id, timezone.now(), person.pk],
        )
        count = cursor.rowcount
        cursor.execute(
            f"UPDATE {authentications} AS a SET subject = s.typed_name FROM {signatures} AS s "  # noqa: S608
            "WHERE a.signature_id = s.id AND s.person_id = %s AND a.subject NOT IN ('', s.typed_name)",
            [person.pk],
        )
    return count


# ---------------------------------------------------------------------------
# Checkpoints of the chain
# ---------------------------------------------------------------------------


class ChainCut(DomainError):
    """The chain no longer extends the latest checkpoint: writing another would hide that."""


@transaction.atomic
def checkpoint_create() -> SignatureCheckpoint:
    """Record how many records the chain holds and the hash it ends with, signed with the checkpoint key.

    Refused when the chain no longer extends the latest authentic checkpoint (its last record is
    gone or has another hash): a new checkpoint would then vouch for the shortened or rewritten
    chain. No audit event: the checkpoint is itself an append-only record, written every few
    minutes, and an export's audit event carries the checkpoint it wrote.
    """
    head = current_head()
    latest = next(
        (cp for cp in SignatureCheckpoint.objects.iterator(chunk_size=50) if checkpoint_is_authentic(cp)), None
    )
    if latest is not None and latest.head_sequence is not None:
        still_there = Signature.objects.filter(sequence=latest.head_sequence, record_hash=latest.head_hash).exists()
        if not still_there or head.count < latest.count:
            raise ChainCut(
                _(
                    "The signature chain no longer extends the checkpoint of %(time)s (record #%(sequence)s): "
                    "run “manage.py verify_signatures”. No new checkpoint was written."
                )
                % {"time": timezone.localtime(latest.created_at).isoformat(), "sequence": latest.head_sequence}
            )
    created_at = timezone.now()
    return SignatureCheckpoint.objects.create(
        created_at=created_at,
        count=head.count,
        head_sequence=head.sequence,
        head_hash=head.hash,
        mac=mac_of_checkpoint(
            count=head.count, head_sequence=head.sequence, head_hash=head.hash, created_at=created_at
        ),
    )


# ---------------------------------------------------------------------------
# Exports and verification, on record
# ---------------------------------------------------------------------------


@transaction.atomic
def export_record(
    *, actor: User, kind: str, file_format: str, rows: int, filters: dict[str, object]
) -> SignatureCheckpoint:
    """Write a checkpoint of the chain and the audit event of an export, which names the checkpoint.

    An export is evidence handed outside the portal: the checkpoint ties the file to the chain as
    it stood. Refused with ChainCut, writing nothing, when the chain no longer extends the latest
    checkpoint.
    """
    checkpoint = checkpoint_create()
    event_record(
        actor=actor,
        action=audit_actions.EXPORT,
        target=None,
        details={
            "kind": kind,
            "format": file_format,
            "rows": rows,
            "filters": filters,
            "checkpoint": {
                "id": checkpoint.pk,
                "count": checkpoint.count,
                "head_sequence": checkpoint.head_sequence,
                "head_hash": checkpoint.head_hash,
                "mac": checkpoint.mac,
            },
        },
    )
    return checkpoint


def signatures_verify(*, actor: User) -> Report:
    """Run every check of the signature records, as `manage.py verify_signatures` does, and note who ran it.

    Not one transaction: the checks read the records as they are committed, and a failed check is
    itself worth the audit event.
    """
    report = verify_records()
    event_record(
        actor=actor,
        action=audit_actions.VERIFY,
        target=None,
        details={"checked": report.chain.checked, "intact": report.intact, "problems": report.problems[:20]},
    )
    return report

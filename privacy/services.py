"""Legal holds, the pseudonymisation of leavers whose retention has ended, and a person's own data export.

`person_pseudonymise` is the one place that knows every personal field the portal keeps about a person:
a new table or column holding one belongs in it (and in the test that searches every text column of
every table for what it replaced).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import User
from django.db import models, transaction
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from acknowledgements.commitments import pseudonym_of
from acknowledgements.models import AcknowledgementRequest, Signature, SignatureAuthentication
from acknowledgements.services import signatures_pseudonymise
from audit.services import event_record, events_pseudonymise
from cases.models import Case
from common.errors import DomainError
from common.text import as_in_json_column, replace_in_json, spellings
from people.models import StaffProfile, UserSession
from questions.models import Question
from reminders.models import Notification, ReminderLog
from scim.models import ScimAccount
from training.models import Assignment, Completion
from webhooks.models import Event

from . import audit_actions, selectors
from .models import LegalHold, Pseudonymisation

# Shorter values are not searched for in free text, where they would match inside other words and ids.
MENTION_MIN_LENGTH = 5
# Leavers pseudonymised per transaction-free batch of ids read by the sweep.
SWEEP_BATCH = 200


class HoldRefused(DomainError):
    """A legal hold that cannot be placed or released as asked."""


class PseudonymisationRefused(DomainError):
    """A person who may not be pseudonymised (yet): active, held, or done already."""


def _require(actor: User, permission: str) -> None:
    if not actor.has_perm(permission):
        raise HoldRefused(_("Your roles do not allow this action."))


# ---------------------------------------------------------------------------
# Legal holds
# ---------------------------------------------------------------------------


@transaction.atomic
def hold_place(*, reason: str, actor: User, person: StaffProfile | None = None, case: Case | None = None) -> LegalHold:
    """Place a legal hold on a person, or on a breach case (which holds the person it is about): their personal
    data is kept as it is, retention or not, until the hold is released.

    Refused without `privacy.manage_legal_holds`, without a reason, unless exactly one of a person and a case is
    given, when the person or the case is already held (one hold in force is enough) or the person already
    pseudonymised (there is nothing left to keep). Audited with the reason.
    """
    _require(actor, "privacy.manage_legal_holds")
    if case is not None and person is None:
        held_id = case.person_id
    elif person is not None and case is None:
        held_id = person.pk
    else:
        raise HoldRefused(_("Place a hold on a person or on a breach case."))
    held = StaffProfile.objects.select_for_update().get(pk=held_id)
    reason = reason.strip()
    if not reason:
        raise HoldRefused(_("Say why the person's data must be kept."))
    if Pseudonymisation.objects.filter(person=held).exists():
        raise HoldRefused(_("This person's data was pseudonymised already: there is nothing left to hold."))
    in_force = LegalHold.objects.active()
    if case is not None and in_force.filter(case=case).exists():
        raise HoldRefused(_("A legal hold on this case is in force already."))
    if case is None and in_force.filter(person=held, case__isnull=True).exists():
        raise HoldRefused(_("A legal hold on this person is in force already."))
    hold = LegalHold.objects.create(person=held, case=case, reason=reason, placed_by=actor, placed_at=timezone.now())
    details: dict[str, Any] = {"person": held.pk, "reason": reason}
    if case is not None:
        details["case"] = case.pk
    event_record(actor=actor, action=audit_actions.HOLD_PLACE, target=hold, details=details)
    return hold


@transaction.atomic
def hold_release(*, hold: LegalHold, reason: str, actor: User) -> LegalHold:
    """Release a legal hold, with a reason: the person's retention applies again from the next sweep.

    Refused without `privacy.manage_legal_holds`, without a reason, or when released already. Audited.
    """
    _require(actor, "privacy.manage_legal_holds")
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    reason = reason.strip()
    if not reason:
        raise HoldRefused(_("Say why the hold is released."))
    if not hold.is_active:
        raise HoldRefused(_("This legal hold was released already."))
    hold.released_by = actor
    hold.released_at = timezone.now()
    hold.release_reason = reason
    hold.save(update_fields=["released_by", "released_at", "release_reason"])
    event_record(
        actor=actor,
        action=audit_actions.HOLD_RELEASE,
        target=hold,
        details={"person": hold.person_id, "reason": reason},
    )
    return hold


# ---------------------------------------------------------------------------
# Pseudonymisation
# ---------------------------------------------------------------------------


# Free text that may name a person (a note, a message, a reason), by model: the mentions are replaced.
FREE_TEXT: tuple[tuple[type[models.Model], tuple[str, ...]], ...] = (
    (Notification, ("message",)),
    (AcknowledgementRequest, ("waiver_reason",)),
    (Assignment, ("note",)),
    (Completion, ("evidence_note",)),
    (Question, ("text", "answer")),
    (Case, ("description", "outcome_note")),
    (LegalHold, ("reason", "release_reason")),
)


def _mentions(user: User, person: StaffProfile) -> list[str]:
    """What identifies the person in free text, longest first (a full name before the email that holds it): their
    name, email, username and employee id, and the names they typed and the subjects they had at a provider when
    signing (an audit event names a signature by its typed name)."""
    values = {user.get_full_name(), user.email, user.get_username(), person.employee_id}
    values |= set(Signature.objects.filter(person=person).values_list("typed_name", flat=True))
    values |= set(SignatureAuthentication.objects.filter(signature__person=person).values_list("subject", flat=True))
    return sorted((value for value in values if len(value) >= MENTION_MIN_LENGTH), key=len, reverse=True)


def _replace_mentions(mentions: list[str], pseudonym: str) -> int:
    """Replace each mention in every free-text field the portal keeps, and in webhook payloads; the rows changed."""
    changed = 0
    for model, fields in FREE_TEXT:
        for mention in mentions:
            for name in fields:
                rows = model._default_manager.filter(**{f"{name}__icontains": mention}).values_list("pk", name)
                for pk, text in rows:
                    # Each spelling on its own, in its own update: a breach case's description may change only
                    # by every occurrence of one piece of it becoming one pseudonym (cases migration 0004).
                    for spelling in spellings(text, mention):
                        text = text.replace(spelling, pseudonym)
                        model._default_manager.filter(pk=pk).update(**{name: text})
                    changed += 1
    as_text = Cast("payload", output_field=CharField())
    events = Event.objects.annotate(text=as_text).filter(
        _any_of(Q(text__icontains=as_in_json_column(mention)) for mention in mentions)
    )
    for event in events.iterator():
        for mention in mentions:
            event.payload = replace_in_json(event.payload, mention, pseudonym)
        event.save(update_fields=["payload"])
        changed += 1
    return changed


def _any_of(conditions: Any) -> Q:
    combined = Q(pk__in=[])
    for condition in conditions:
        combined |= condition
    return combined


@transaction.atomic
def person_pseudonymise(*, person: StaffProfile, actor: User | None) -> Pseudonymisation:
    """Replace a leaver's personal data by a stable pseudonym, for good.

    Their signatures' typed name, IP address and browser become the pseudonym, nothing and empty text (the
    chain commits to them, so every record still verifies: `acknowledgements.services.signatures_pseudonymise`).
    The account's username becomes the pseudonym, its names and email are emptied and its password made
    unusable; the staff record's employee id becomes the pseudonym and its job title is emptied; sign-in
    sessions, sign-in attempts, links to identity providers and SCIM's external id go; the person's own
    notifications go, their reminders keep no error text; every mention of their name, email, username or
    employee id in free text (notes, messages, reasons, questions, breach cases, webhook payloads) and in the
    audit log's descriptions of events (`audit.services.events_pseudonymise`) is replaced by the pseudonym.
    Refused for an active person, one under a legal hold in force, or one pseudonymised already.
    Audited (without the values replaced). `actor` is None for the daily sweep.
    """
    person = StaffProfile.objects.select_for_update().select_related("user").get(pk=person.pk)
    user = person.user
    if user.is_active:
        raise PseudonymisationRefused(_("Only a person who has left can be pseudonymised."))
    if LegalHold.objects.active().filter(person=person).exists():
        raise PseudonymisationRefused(_("A legal hold on this person is in force: their data is kept."))
    if Pseudonymisation.objects.filter(person=person).exists():
        raise PseudonymisationRefused(_("This person was pseudonymised already."))
    pseudonym = pseudonym_of(person.employee_id)
    mentions = _mentions(user, person)
    old_username = user.get_username()

    UserSession.objects.filter(user=user).delete()
    for attempts in (AccessAttempt, AccessFailureLog, AccessLog):
        attempts.objects.filter(username=old_username).delete()
    SocialAccount.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    ScimAccount.objects.filter(user=user).update(external_id="")
    Notification.objects.filter(recipient=user).delete()
    ReminderLog.objects.filter(recipient=user).update(last_error="")
    replaced = _replace_mentions(mentions, pseudonym)
    events = events_pseudonymise(mentions=mentions, pseudonym=pseudonym)

    user.username, user.first_name, user.last_name, user.email = pseudonym, "", "", ""
    user.set_unusable_password()
    user.save(update_fields=["username", "first_name", "last_name", "email", "password"])
    person.employee_id, person.job_title = pseudonym, ""
    person.save(update_fields=["employee_id", "job_title"])
    signatures = signatures_pseudonymise(person=person)

    done = Pseudonymisation.objects.create(person=person, pseudonym=pseudonym, performed_at=timezone.now())
    event_record(
        actor=actor,
        action=audit_actions.PERSON_PSEUDONYMISE,
        target=person,
        details={"pseudonym": pseudonym, "signatures": signatures, "events": events, "mentions_replaced": replaced},
    )
    return done


@dataclass(frozen=True)
class SweepSummary:
    pseudonymised: int
    held: int


def leavers_pseudonymise(*, dry_run: bool = False) -> SweepSummary:
    """The daily sweep: pseudonymise every leaver whose retention has ended and who is not under a legal hold,
    each in a transaction of their own (one refused — held or pseudonymised meanwhile — leaves the others done).
    Reads the due leavers' ids a batch at a time, in id order. With `dry_run`, only counts."""
    now = timezone.now()
    held = selectors.leavers_held(now=now).count()
    due = selectors.leavers_due(now=now).order_by("pk").values_list("pk", flat=True)
    if dry_run:
        return SweepSummary(pseudonymised=due.count(), held=held)
    done, last = 0, 0
    while batch := list(due.filter(pk__gt=last)[:SWEEP_BATCH]):
        for person in StaffProfile.objects.filter(pk__in=batch).order_by("pk"):
            try:
                person_pseudonymise(person=person, actor=None)
            except PseudonymisationRefused:
                continue
            done += 1
        last = batch[-1]
    return SweepSummary(pseudonymised=done, held=held)


# ---------------------------------------------------------------------------
# A person's own data
# ---------------------------------------------------------------------------


@transaction.atomic
def personal_data_export(*, user: User) -> dict[str, Any]:
    """What the portal holds about the person, for them to download; audited (who, not what)."""
    data = selectors.personal_data(user)
    event_record(actor=user, action=audit_actions.DATA_EXPORT, target=user)
    return data

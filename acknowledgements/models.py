from __future__ import annotations

import datetime
from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.errors import DomainError
from common.statuses import OverdueStatus


class RequestStatus(models.TextChoices):
    """Where a request ends. Every request is in exactly one of these, and the figures count each one:
    asked = signed + waived + replaced + withdrawn + left + pending."""

    PENDING = "pending", _("Pending")
    SIGNED = "signed", _("Signed")
    WAIVED = "waived", _("Waived")
    # A newer version of the document was published, and asked again, before this one was signed.
    # The stored value predates the name; it is kept so that existing rows need no rewrite.
    REPLACED = "superseded", _("Replaced before signing")
    # The document was retired (or the version withdrawn) before this one was signed.
    WITHDRAWN = "withdrawn", _("Withdrawn")
    # The person was deactivated, or moved out of the version's audience, before signing.
    LEFT = "left", _("Left")


# The badge colour of each state; the other states (replaced, withdrawn, left) are drawn light.
STATUS_TONES: dict[str, str] = {
    RequestStatus.SIGNED: "text-bg-success",
    RequestStatus.PENDING: "text-bg-warning",
    RequestStatus.WAIVED: "text-bg-secondary",
}


class AcknowledgementRequestQuerySet(models.QuerySet["AcknowledgementRequest"]):
    def pending(self) -> AcknowledgementRequestQuerySet:
        return self.filter(status=RequestStatus.PENDING)

    def overdue(self, *, on: datetime.date | None = None) -> AcknowledgementRequestQuerySet:
        return self.filter(AcknowledgementRequest.overdue_q(on=on))


class AcknowledgementRequest(OverdueStatus, models.Model):
    """A person is asked to acknowledge a published version by a due date; still pending after it, the
    request is overdue."""

    waiting_status = RequestStatus.PENDING
    status_tones = STATUS_TONES

    # No index of their own for the person and the version, nor for who waived: every request written or
    # superseded updates each index of the table (a publication writes 100,000 of them and supersedes as many),
    # and these lookups are served by the indexes below: a person's requests by the unique (person, version)
    # one, a version's by (version, status, due date), and who waived (nearly always nobody) by a partial one.
    person = models.ForeignKey(
        "people.StaffProfile",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="acknowledgement_requests",
        db_index=False,
    )
    version = models.ForeignKey(
        "codes.CodeVersion",
        verbose_name=_("version"),
        on_delete=models.PROTECT,
        related_name="acknowledgement_requests",
        db_index=False,
    )
    status = models.CharField(_("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    due_date = models.DateField(_("due date"))
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    first_opened_at = models.DateTimeField(_("first opened"), null=True, blank=True)
    # Reading evidence sent by the reader's script (see `reading_record`): when the last report came, which
    # both spaces the reports out and bounds the seconds the next one may claim, and when the person first
    # reached the end of the text.
    last_reading_at = models.DateTimeField(_("last reading report"), null=True, blank=True)
    reached_end_at = models.DateTimeField(_("reached the end of the text"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("waived by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    waiver_reason = models.TextField(_("reason for the waiver"), blank=True)

    objects = AcknowledgementRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("acknowledgement request")
        verbose_name_plural = _("acknowledgement requests")
        ordering = ["due_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "version"], name="acknowledgements_request_one_per_version"),
            models.CheckConstraint(
                condition=~Q(status=RequestStatus.WAIVED) | ~Q(waiver_reason=""),
                name="acknowledgements_request_waiver_has_reason",
            ),
        ]
        indexes = [
            # The reminder sweeps and the overdue counts read pending requests by due date.
            models.Index(
                fields=["due_date"],
                condition=Q(status=RequestStatus.PENDING),
                name="ack_request_pending_due_idx",
            ),
            # A version's requests by state (the figures, the overdue campaigns of the navigation), and the
            # earliest and latest due date of its pending ones straight off the index's ends.
            models.Index(fields=["version", "status", "due_date"], name="ack_req_version_status_due_idx"),
            # Who waived what (a person deleted is refused while they waived a request): the few waived ones only.
            models.Index(fields=["waived_by"], condition=Q(waived_by__isnull=False), name="ack_request_waived_by_idx"),
        ]
        permissions = [
            ("view_all_acknowledgements", _("Can see everyone's acknowledgements")),
            ("waive_acknowledgementrequest", _("Can waive an acknowledgement request")),
            ("export_acknowledgements", _("Can export acknowledgement reports")),
            ("verify_signatures", _("Can verify the signature records")),
            ("manage_campaigns", _("Can remind the pending people of a campaign and extend its deadline")),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.version}"


class SectionReading(models.Model):
    """How many seconds a section of the version was on the person's screen while they read it for a
    request, summed over the reader's reports. A section never on screen has no row."""

    request = models.ForeignKey(
        AcknowledgementRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="section_readings"
    )
    section = models.ForeignKey("codes.Section", verbose_name=_("section"), on_delete=models.PROTECT, related_name="+")
    seconds = models.PositiveIntegerField(_("seconds on screen"), default=0)

    class Meta:
        verbose_name = _("section reading")
        verbose_name_plural = _("section readings")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "section"], name="acknowledgements_sectionreading_one_per_section"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} · {self.section_id}: {self.seconds}s"


class AppendOnlyError(DomainError):
    pass


_Model = TypeVar("_Model", bound=models.Model)


def _refuse_change() -> None:
    raise AppendOnlyError(gettext("Signature records are append-only: they can never be changed or deleted."))


class AppendOnlyQuerySet(models.QuerySet[_Model]):
    def update(self, **kwargs: Any) -> int:
        _refuse_change()
        return 0

    def delete(self) -> tuple[int, dict[str, int]]:
        _refuse_change()
        return 0, {}


class AppendOnlyModel(models.Model):
    """A row that is written once: saving it again or deleting it is refused (so are the querysets')."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            _refuse_change()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        _refuse_change()
        return 0, {}


class SigningMethod(models.TextChoices):
    PORTAL = "portal", _("in the portal")
    KIOSK = "kiosk", _("at a kiosk, witnessed")


class Signature(AppendOnlyModel):
    """Who agreed to exactly which text (in which language), and when: one link of a hash chain. Append-only."""

    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True)
    request = models.OneToOneField(
        AcknowledgementRequest, verbose_name=_("request"), on_delete=models.PROTECT, related_name="signature"
    )
    person = models.ForeignKey(
        "people.StaffProfile", verbose_name=_("person"), on_delete=models.PROTECT, related_name="signatures"
    )
    version = models.ForeignKey(
        "codes.CodeVersion", verbose_name=_("version"), on_delete=models.PROTECT, related_name="signatures"
    )
    signed_at = models.DateTimeField(_("signed at"))
    statement = models.TextField(_("statement agreed to"))
    # The personal fields. The hash covers a commitment to each (acknowledgements.chain_format), not the value,
    # so that once the signer's retention ends the values can be replaced by their pseudonym (the database lets
    # exactly that change through, and nothing else) while the record still verifies.
    typed_name = models.CharField(_("name typed"), max_length=200)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=512, blank=True)
    typed_name_commitment = models.CharField(_("commitment to the name typed"), max_length=64)
    ip_address_commitment = models.CharField(_("commitment to the IP address"), max_length=64)
    user_agent_commitment = models.CharField(_("commitment to the browser"), max_length=64)
    # When the personal fields above were replaced by the signer's pseudonym; empty while they are as signed.
    pseudonymised_at = models.DateTimeField(_("pseudonymised"), null=True, blank=True)
    # The hash of exactly the text the person read: the version's own, or the published translation's they
    # read (whose hash covers its language). The chain covers it, and through it the language read.
    content_hash = models.CharField(_("content hash of the text read"), max_length=64)
    # The language of that text. Not one of the hashed fields (chain.HASHED_FIELDS stays as it was): verification
    # holds it to the language of the text whose hash the record carries. The records written before the
    # column existed were all of versions in English, the one language a version had: the database's default
    # is right for them, and no append-only row had to be rewritten.
    language = models.CharField(
        _("language read"), max_length=8, choices=settings.LANGUAGES, db_default=settings.LANGUAGE_CODE
    )
    first_opened_at = models.DateTimeField(_("first opened the version"), null=True, blank=True)
    # The score (percent) of the comprehension check that let the person sign: their passing attempt, else their
    # last; empty when the version asks no questions or they answered none. Not one of the hashed fields
    # (chain.HASHED_FIELDS stays as it was, so every record sealed before the column existed still verifies).
    comprehension_score = models.PositiveSmallIntegerField(
        _("comprehension check score (percent)"), null=True, blank=True
    )
    # How the person signed: in the portal, signed in; or at a kiosk, identified by PIN or code before a witness
    # (their supervisor, who opened the kiosk) on a named device. The records written before these columns
    # existed were all signed in the portal: the database's defaults are right for them, and no append-only
    # row was rewritten. The chain covers witness and device for kiosk records only (acknowledgements.chain).
    method = models.CharField(_("signed"), max_length=8, choices=SigningMethod.choices, db_default=SigningMethod.PORTAL)
    witness = models.ForeignKey(
        "people.StaffProfile",
        verbose_name=_("witness"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="witnessed_signatures",
    )
    device = models.CharField(_("device"), max_length=100, blank=True, db_default="")
    previous_hash = models.CharField(_("previous record's hash"), max_length=64, unique=True)
    record_hash = models.CharField(_("record hash"), max_length=64, unique=True)
    # HMAC of the record hash under a key the database does not hold (see acknowledgements.chain):
    # anyone can recompute a hash, only the portal can write a MAC.
    record_mac = models.CharField(_("record MAC"), max_length=64)

    objects = AppendOnlyQuerySet["Signature"].as_manager()

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["sequence"]
        constraints = [
            # A kiosk signature names its witness and device; a signature in the portal has neither.
            models.CheckConstraint(
                condition=Q(method=SigningMethod.PORTAL, witness__isnull=True, device="")
                | (Q(method=SigningMethod.KIOSK, witness__isnull=False) & ~Q(device="")),
                name="acknowledgements_signature_witness_of_kiosk",
            ),
        ]
        indexes = [
            # The languages a campaign's requests were signed in, read off the index alone: joining each
            # request to its record read the whole table, records being wide, for this one short field.
            models.Index(fields=["request"], include=["language"], name="ack_signature_request_language"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.typed_name} · {self.version}"


class AuthenticationMethod(models.TextChoices):
    PASSWORD = "password", _("password")
    PROVIDER = "provider", _("sign-in provider")
    KIOSK = "kiosk", _("PIN or one-time code at a kiosk")


class SignatureAuthentication(AppendOnlyModel):
    """How the signer proved it was them: their password, or their identity provider (which
    subject, signed in when). Bound to its signature's record hash by a MAC under the checkpoint key,
    so that it can be neither edited nor moved to another record. Append-only.

    A table of its own rather than a field of Signature: the records signed before it existed keep
    exactly the hash they were sealed with, and whatever reads the chain reads it unchanged.
    """

    # No foreign key in the database: a record deleted by somebody with the database must leave the
    # chain broken for verification to find (acknowledgements.chain), not be refused by a constraint
    # that such a person can drop anyway.
    signature = models.OneToOneField(
        Signature,
        verbose_name=_("signature"),
        on_delete=models.PROTECT,
        related_name="authentication",
        db_constraint=False,
    )
    method = models.CharField(_("method"), max_length=20, choices=AuthenticationMethod.choices)
    provider = models.CharField(_("sign-in provider"), max_length=100, blank=True)
    subject = models.CharField(_("subject at the provider"), max_length=255, blank=True)
    # The MAC covers a commitment to the subject (personal: often an email address), not the subject, so that it
    # can become their pseudonym when the signer is pseudonymised.
    subject_commitment = models.CharField(_("commitment to the subject"), max_length=64)
    authenticated_at = models.DateTimeField(_("signed in at the provider"), null=True, blank=True)
    mac = models.CharField(_("MAC"), max_length=64)

    objects = AppendOnlyQuerySet["SignatureAuthentication"].as_manager()

    class Meta:
        verbose_name = _("signer's authentication")
        verbose_name_plural = _("signers' authentications")
        constraints = [
            models.CheckConstraint(
                condition=Q(method__in=["password", "kiosk"], provider="", subject="", authenticated_at__isnull=True)
                | (Q(method="provider", authenticated_at__isnull=False) & ~Q(provider="") & ~Q(subject="")),
                name="acknowledgements_signatureauthentication_fields_of_method",
            )
        ]

    def __str__(self) -> str:
        if self.method != AuthenticationMethod.PROVIDER:
            return str(self.get_method_display())
        return f"{self.provider} · {self.subject} · {self.authenticated_at:%Y-%m-%d %H:%M:%S}"


class SignatureCheckpoint(AppendOnlyModel):
    """How long the chain was, and how it ended, at a moment: signed with the checkpoint key. Append-only.

    A record deleted from the end of the chain, or a chain recomputed after an edit, no longer
    matches the latest checkpoint; writing a checkpoint that does match needs the key.
    """

    created_at = models.DateTimeField(_("time"))
    count = models.PositiveBigIntegerField(_("records"))
    head_sequence = models.PositiveBigIntegerField(_("last record"), null=True)
    head_hash = models.CharField(_("last record's hash"), max_length=64)
    mac = models.CharField(_("MAC"), max_length=64)

    objects = AppendOnlyQuerySet["SignatureCheckpoint"].as_manager()

    class Meta:
        verbose_name = _("signature checkpoint")
        verbose_name_plural = _("signature checkpoints")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(count=0, head_sequence__isnull=True) | Q(count__gt=0, head_sequence__isnull=False),
                name="acknowledgements_signaturecheckpoint_head_iff_records",
            )
        ]

    def __str__(self) -> str:
        return f"{self.count} records up to #{self.head_sequence} at {self.created_at:%Y-%m-%d %H:%M}"


class ComprehensionAttempt(models.Model):
    """One go at the comprehension check of the version a request asks to sign: its answers and their score.
    Written once and never edited; the person may try again, each attempt numbered."""

    request = models.ForeignKey(
        AcknowledgementRequest, verbose_name=_("request"), on_delete=models.PROTECT, related_name="attempts"
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    score = models.PositiveSmallIntegerField(_("score (percent)"))
    passed = models.BooleanField(_("passed"))
    submitted_at = models.DateTimeField(_("submitted"))

    class Meta:
        verbose_name = _("comprehension check attempt")
        verbose_name_plural = _("comprehension check attempts")
        ordering = ["request", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "number"], name="acknowledgements_comprehensionattempt_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} #{self.number}: {self.score}%"


class AttemptAnswer(models.Model):
    """The options a person chose for one question in one attempt, and whether that was exactly the right set."""

    attempt = models.ForeignKey(
        ComprehensionAttempt, verbose_name=_("attempt"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        "codes.ComprehensionQuestion", verbose_name=_("question"), on_delete=models.PROTECT, related_name="answers"
    )
    chosen = models.ManyToManyField("codes.QuestionOption", verbose_name=_("answers chosen"), related_name="+")
    is_correct = models.BooleanField(_("right"))

    class Meta:
        verbose_name = _("answer to a question")
        verbose_name_plural = _("answers to questions")
        ordering = ["attempt", "question__section__position", "question__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "question"], name="acknowledgements_attemptanswer_unique_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attempt} · {self.question_id}"


class KioskEnd(models.TextChoices):
    ENDED = "ended", _("ended by the supervisor")
    TIMED_OUT = "timed-out", _("timed out")


class KioskSession(models.Model):
    """A shared device on which a supervisor lets staff without a sign-in identify and sign, witnessing them.

    Bound to the browser that opened it by a random token in a signed cookie (only its hash is stored). At
    most one person is identified at a time; they are cleared when done (after their receipt, or on cancel),
    after `KIOSK_PERSON_IDLE_SECONDS` idle, and with the kiosk, which ends when the supervisor ends it or after
    `KIOSK_IDLE_MINUTES` without a request. Wrong PINs and
    codes at the kiosk are counted here, whoever they were for (people.KioskCredential counts each person's)."""

    supervisor = models.ForeignKey(
        "people.StaffProfile", verbose_name=_("supervisor"), on_delete=models.PROTECT, related_name="kiosks"
    )
    device = models.CharField(_("device"), max_length=100)
    token_hash = models.CharField(_("device token (hashed)"), max_length=64, unique=True)
    opened_at = models.DateTimeField(_("opened"))
    last_seen_at = models.DateTimeField(_("last used"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    end = models.CharField(_("how it ended"), max_length=16, choices=KioskEnd.choices, blank=True)
    person = models.ForeignKey(
        "people.StaffProfile",
        verbose_name=_("person identified"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    failures = models.PositiveSmallIntegerField(_("wrong tries in a row"), default=0)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    class Meta:
        verbose_name = _("kiosk session")
        verbose_name_plural = _("kiosk sessions")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True, end="")
                | (Q(ended_at__isnull=False, person__isnull=True) & ~Q(end="")),
                name="acknowledgements_kiosksession_ended_empty",
            ),
        ]
        permissions = [("open_kiosk", _("Can open a kiosk and witness signatures of staff without a sign-in"))]

    def __str__(self) -> str:
        return f"{self.device} · {self.supervisor_id} · {self.opened_at:%Y-%m-%d %H:%M}"

    @property
    def person_idle_seconds(self) -> int:
        """How long the kiosk holds a person who does nothing (`KIOSK_PERSON_IDLE_SECONDS`)."""
        return int(settings.KIOSK_PERSON_IDLE_SECONDS)

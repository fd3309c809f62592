"""Reads for privacy: who is due for pseudonymisation, the legal holds, and what the portal holds about a person."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import CharField, Count, DateTimeField, Exists, F, Model, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse

from acknowledgements.models import AcknowledgementRequest, ComprehensionAttempt, SectionReading, Signature
from audit import selectors as audit_selectors
from audit.models import AuditEvent
from people.audit_actions import PERSON_DEACTIVATE
from people.models import NotificationKind, NotificationPreference, StaffProfile
from questions.models import Question
from reminders.models import Notification, ReminderLog
from training.models import Assignment, Completion, Enrolment

from .models import LegalHold


def left_at() -> Coalesce:
    """When a person left, as an expression over StaffProfile: their latest deactivation in the audit log
    (the admin, an HR import, SCIM and the service all record it), else — for an account deactivated before
    the portal audited it — the last time they signed in, else when the account was made. Only meaningful
    for someone inactive now: a returner's deactivation is in the past."""
    deactivated = (
        AuditEvent.objects.filter(
            action=PERSON_DEACTIVATE.code,
            object_type=User._meta.label_lower,
            object_id=Cast(OuterRef("user_id"), output_field=CharField()),
        )
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    return Coalesce(
        Subquery(deactivated, output_field=DateTimeField()),
        "user__last_login",
        "user__date_joined",
        output_field=DateTimeField(),
    )


def _retention_ended(now: datetime.datetime) -> Q:
    """The longest retention among the kinds of record a leaver holds has ended (settings.RETENTION_DAYS)."""

    def before(kind: str) -> datetime.datetime:
        return now - datetime.timedelta(days=settings.RETENTION_DAYS[kind])

    signed = Exists(Signature.objects.filter(person=OuterRef("pk")))
    trained = Exists(Completion.objects.filter(person=OuterRef("pk")))
    return (
        Q(left_at__lte=before("leaver"))
        & (~Q(signed) | Q(left_at__lte=before("signature")))
        & (~Q(trained) | Q(left_at__lte=before("training")))
    )


def held() -> Exists:
    """Whether a legal hold in force stops a person's pseudonymisation (an expression over StaffProfile)."""
    return Exists(LegalHold.objects.active().filter(person=OuterRef("pk")))


def _past_retention(now: datetime.datetime) -> QuerySet[StaffProfile]:
    return (
        StaffProfile.objects.filter(user__is_active=False, pseudonymisation__isnull=True)
        .annotate(left_at=left_at())
        .filter(_retention_ended(now))
    )


def leavers_due(*, now: datetime.datetime) -> QuerySet[StaffProfile]:
    """The leavers the daily sweep pseudonymises now: not yet pseudonymised, retention ended, no legal hold in
    force; the earliest leaver first."""
    return _past_retention(now).filter(~held()).order_by("left_at", "pk")


def leavers_held(*, now: datetime.datetime) -> QuerySet[StaffProfile]:
    """The leavers whose retention has ended but whom a legal hold in force keeps as they are."""
    return _past_retention(now).filter(held())


def holds(*, person_id: int | None = None) -> QuerySet[LegalHold]:
    """Every legal hold (or every one on the person), those in force first, then the latest placed."""
    rows = LegalHold.objects.select_related("person__user", "case", "placed_by", "released_by")
    if person_id is not None:
        rows = rows.filter(person_id=person_id)
    return rows.order_by("released_at", "-placed_at", "-pk")


def holds_in_force_on(person: StaffProfile) -> QuerySet[LegalHold]:
    """The holds that keep the person's data as it is now: on them, or on a breach case about them."""
    return LegalHold.objects.active().filter(person=person).order_by("placed_at", "pk")


# ---------------------------------------------------------------------------
# What the portal holds about a person (their own data export)
# ---------------------------------------------------------------------------


def requests_of(person: StaffProfile) -> QuerySet[AcknowledgementRequest]:
    """Every request made of the person, with its signature (the receipt) and its witness, and the reading
    evidence summed (seconds on the text, sections displayed), the latest asked first."""
    return (
        AcknowledgementRequest.objects.filter(person=person)
        .select_related("version__document", "signature__witness__user")
        .annotate(reading_seconds=Sum("section_readings__seconds"), sections_read=Count("section_readings"))
        .order_by("-created_at", "-pk")
    )


def readings_of(person: StaffProfile) -> QuerySet[SectionReading]:
    """The seconds each section was on the person's screen, per request."""
    return SectionReading.objects.filter(request__person=person).order_by("request_id", "section__position")


def attempts_of(person: StaffProfile) -> QuerySet[ComprehensionAttempt]:
    """The person's comprehension check attempts and their scores, the latest first."""
    return (
        ComprehensionAttempt.objects.filter(request__person=person)
        .select_related("request__version__document")
        .order_by("-submitted_at", "-pk")
    )


def notification_choices_of(user: User) -> list[tuple[str, bool]]:
    """Each kind of workflow notification and whether it reaches the person by email (no row: by email)."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "by_email"))
    return [(str(label), chosen.get(kind, True)) for kind, label in NotificationKind.choices]


def audit_events_of(user: User, person: StaffProfile | None) -> QuerySet[AuditEvent]:
    """The audit events where the person acted, or about them: their account and staff record, their requests,
    signatures, assignments, completions and enrolments. Not breach cases nor legal holds (README, "Privacy")."""
    about: dict[type[Model], QuerySet] = {User: User.objects.filter(pk=user.pk)}
    if person is not None:
        about[StaffProfile] = StaffProfile.objects.filter(pk=person.pk)
        for model in (AcknowledgementRequest, Signature, Assignment, Completion, Enrolment):
            about[model] = model._default_manager.filter(person=person)
    about_them = audit_selectors.events_about(about) | AuditEvent.objects.filter(actor=user)
    return about_them.select_related("actor").order_by("-created_at", "-id")


def completions_of(person: StaffProfile) -> QuerySet[Completion]:
    return Completion.objects.filter(person=person).select_related("course").order_by("-completed_on", "-pk")


def assignments_of(person: StaffProfile) -> QuerySet[Assignment]:
    return Assignment.objects.filter(person=person).select_related("course").order_by("-due_date", "-pk")


def reminders_of(user: User) -> QuerySet[ReminderLog]:
    """Every reminder the person was sent or is to be sent."""
    return ReminderLog.objects.filter(recipient=user).order_by("-created_at", "-pk")


def notifications_of(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


def questions_of(user: User) -> QuerySet[Question]:
    return Question.objects.filter(asker=user).select_related("version__document", "section").order_by("-asked_at")


# What each signature records, as the person's export names it.
SIGNATURE_FIELDS = (
    "sequence",
    "signed_at",
    "statement",
    "typed_name",
    "ip_address",
    "user_agent",
    "language",
    "content_hash",
    "record_hash",
    "method",
    "device",
)


def personal_data(user: User) -> dict[str, Any]:
    """Everything the portal holds about a person, as plain values for a JSON file: one query per kind.

    Their account and staff record, what they were asked to sign and their signatures as recorded (with
    the typed name, IP address and browser, the kiosk's witness and device), the reading evidence (first opened,
    seconds per section, reached the end) and comprehension check attempts, training, reminders, notifications
    and how they chose to receive them, their questions, and the audit events where they acted or about them.
    """
    person = StaffProfile.objects.select_related("department", "manager__user").filter(user=user).first()
    data: dict[str, Any] = {
        "account": {
            "username": user.get_username(),
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "active": user.is_active,
        },
        "staff_record": None,
        "acknowledgements": [],
        "training_completions": [],
        "training_assignments": [],
        "reminders": list(reminders_of(user).values("kind", "object_id", "stage", "due_date", "status", "sent_at")),
        "notifications": list(notifications_of(user).values("created_at", "message", "url", "read_at")),
        "questions": list(
            questions_of(user).values(
                *("asked_at", "text", "status", "answer", "answered_at"),
                code=F("version__document__title"),
                version_number=F("version__number"),
                section_title=F("section__title"),
            )
        ),
    }
    data["notification_preferences"] = [
        {"notification": label, "by_email": by_email} for label, by_email in notification_choices_of(user)
    ]
    data["audit_events"] = list(
        audit_events_of(user, person).values(
            "created_at",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "details",
            actor_username=F("actor__username"),
        )
    )
    if person is None:
        return data
    data["staff_record"] = {
        "employee_id": person.employee_id,
        "job_title": person.job_title,
        "department": person.department.name,
        "manager": person.manager.full_name if person.manager else None,
        "preferred_language": person.preferred_language,
    }
    requests = requests_of(person).values(
        *(
            "id",
            "status",
            "due_date",
            "created_at",
            "first_opened_at",
            "reached_end_at",
            "resolved_at",
            "waiver_reason",
        ),
        code=F("version__document__title"),
        version_number=F("version__number"),
        signature_id=F("signature__id"),
        witness=F("signature__witness__employee_id"),
        **{name: F(f"signature__{name}") for name in SIGNATURE_FIELDS},
    )
    seconds_by_request: dict[int, dict[str, int]] = {}
    for reading in readings_of(person).values("request_id", "seconds", section_title=F("section__title")):
        seconds_by_request.setdefault(reading["request_id"], {})[reading["section_title"]] = reading["seconds"]
    data["acknowledgements"] = [
        {
            **row,
            "seconds_per_section": seconds_by_request.get(row["id"], {}),
            "receipt": _receipt_url(row["signature_id"]),
        }
        for row in requests
    ]
    data["comprehension_attempts"] = list(
        attempts_of(person).values(
            "number",
            "score",
            "passed",
            "submitted_at",
            code=F("request__version__document__title"),
            version_number=F("request__version__number"),
        )
    )
    completions = completions_of(person).values(
        "id", "completed_on", "score", "evidence_note", course_title=F("course__title")
    )
    data["training_completions"] = [
        {**row, "certificate": reverse("training:certificate", args=[row["id"]])} for row in completions
    ]
    data["training_assignments"] = list(
        assignments_of(person).values("reason", "note", "status", "due_date", course_title=F("course__title"))
    )
    return data


def _receipt_url(signature_id: int | None) -> str | None:
    return reverse("acknowledgements:receipt", args=[signature_id]) if signature_id else None

"""Reads for privacy: who is due for pseudonymisation, the legal holds, and what the portal holds about a person."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import CharField, DateTimeField, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse

from acknowledgements.models import AcknowledgementRequest, Signature
from audit.models import AuditEvent
from people.audit_actions import PERSON_DEACTIVATE
from people.models import StaffProfile
from questions.models import Question
from reminders.models import Notification, ReminderLog
from training.models import Assignment, Completion

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


def holds() -> QuerySet[LegalHold]:
    """Every legal hold, those in force first, then the latest placed."""
    return LegalHold.objects.select_related("person__user", "case", "placed_by", "released_by").order_by(
        "released_at", "-placed_at", "-pk"
    )


# ---------------------------------------------------------------------------
# What the portal holds about a person (their own data export)
# ---------------------------------------------------------------------------


def requests_of(person: StaffProfile) -> QuerySet[AcknowledgementRequest]:
    """Every request made of the person, with its signature (the receipt), the latest asked first."""
    return (
        AcknowledgementRequest.objects.filter(person=person)
        .select_related("version__document", "signature")
        .order_by("-created_at", "-pk")
    )


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
)


def personal_data(user: User) -> dict[str, Any]:
    """Everything the portal holds about a person, as plain values for a JSON file: one query per kind.

    Their account and staff record, what they were asked to sign and their signatures as recorded (with
    the typed name, IP address and browser), training, reminders and notifications, and their questions.
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
        *("status", "due_date", "created_at", "first_opened_at", "reached_end_at", "resolved_at", "waiver_reason"),
        code=F("version__document__title"),
        version_number=F("version__number"),
        signature_id=F("signature__id"),
        **{name: F(f"signature__{name}") for name in SIGNATURE_FIELDS},
    )
    data["acknowledgements"] = [{**row, "receipt": _receipt_url(row["signature_id"])} for row in requests]
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

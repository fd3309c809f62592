"""Reminder emails, in text and HTML, in the recipient's language, each with a link to the right page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from acknowledgements.models import AcknowledgementRequest
from codes.models import CodeDocument
from people.models import StaffProfile
from training.models import Assignment

from .models import OVERDUE_COPY, ReminderKind, ReminderLog


@dataclass(frozen=True)
class Reminder:
    """A rendered reminder: the email, and what the portal's notification list shows."""

    email: EmailMultiAlternatives
    message: str
    path: str  # within the portal; emails carry it as an absolute link


def absolute(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def language_of(user: User) -> str:
    language = StaffProfile.objects.filter(user_id=user.pk).values_list("preferred_language", flat=True).first()
    return language or settings.LANGUAGE_CODE


def _email(user: User, subject: str, template: str, context: dict[str, Any]) -> EmailMultiAlternatives:
    context = {**context, "recipient": user}
    email = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"reminders/email/{template}.txt", context),
        to=[user.email],
    )
    email.attach_alternative(render_to_string(f"reminders/email/{template}.html", context), "text/html")
    return email


def _subject_and_context(log: ReminderLog) -> tuple[str, str, dict[str, Any], str] | None:
    """The subject, template, context and page of a reminder; None when it is no longer needed."""
    today = timezone.localdate()
    if log.kind == ReminderKind.ACKNOWLEDGEMENT:
        request = AcknowledgementRequest.objects.pending().select_related("version").filter(pk=log.object_id).first()
        if request is None:
            return None
        path = reverse("acknowledgements:read_and_sign", args=[request.pk])
        overdue = request.due_date < today
        subject = (
            _("Overdue: please acknowledge “%(title)s”") if overdue else _("Please acknowledge “%(title)s” by %(date)s")
        ) % {"title": request.version.title, "date": request.due_date.isoformat()}
        days_left = (request.due_date - today).days
        return subject, "acknowledgement", {"request": request, "overdue": overdue, "days_left": days_left}, path
    if log.kind == ReminderKind.TRAINING:
        assignment = Assignment.objects.open().select_related("course").filter(pk=log.object_id).first()
        if assignment is None:
            return None
        path = reverse("training:mine")
        overdue = assignment.due_date < today
        subject = (_("Overdue training: %(course)s") if overdue else _("Training due by %(date)s: %(course)s")) % {
            "course": assignment.course.title,
            "date": assignment.due_date.isoformat(),
        }
        days_left = (assignment.due_date - today).days
        return subject, "training", {"assignment": assignment, "overdue": overdue, "days_left": days_left}, path
    document = CodeDocument.objects.filter(pk=log.object_id).first()
    if document is None or document.next_review_due is None or document.retired_at is not None:
        return None
    path = reverse("codes:document_detail", args=[document.slug])
    overdue = document.next_review_due < today
    copy = log.stage == OVERDUE_COPY
    if copy:
        subject = _("Review overdue (copy for compliance): %(title)s")
    elif overdue:
        subject = _("Review overdue: %(title)s")
    else:
        subject = _("Review due by %(date)s: %(title)s")
    subject %= {"title": document.title, "date": document.next_review_due.isoformat()}
    return subject, "review", {"document": document, "overdue": overdue, "copy": copy}, path


def build_reminder(log: ReminderLog) -> Reminder | None:
    """The email for one claimed reminder, or None when it is no longer needed (signed, completed…)."""
    with translation.override(language_of(log.recipient)):
        rendered = _subject_and_context(log)
        if rendered is None:
            return None
        subject, template, context, path = rendered
        email = _email(log.recipient, subject, template, {**context, "url": absolute(path)})
        return Reminder(email=email, message=subject, path=path)


def build_digest(manager: User, logs: list[ReminderLog]) -> Reminder | None:
    """One email listing a manager's overdue people, acknowledgements and training together."""
    by_kind: dict[str, list[int]] = {}
    for log in logs:
        by_kind.setdefault(log.kind, []).append(log.object_id)
    requests = list(
        AcknowledgementRequest.objects.pending()
        .filter(pk__in=by_kind.get(ReminderKind.ACKNOWLEDGEMENT, []))
        .select_related("person__user", "version")
        .order_by("due_date")
    )
    assignments = list(
        Assignment.objects.open()
        .filter(pk__in=by_kind.get(ReminderKind.TRAINING, []))
        .select_related("person__user", "course")
        .order_by("due_date")
    )
    if not requests and not assignments:
        return None
    with translation.override(language_of(manager)):
        count = len(requests) + len(assignments)
        subject = _("Your team: %(count)s overdue items") % {"count": count}
        path = reverse("acknowledgements:dashboard") + "?status=overdue"
        context = {"requests": requests, "assignments": assignments, "url": absolute(path)}
        email = _email(manager, subject, "digest", context)
        return Reminder(email=email, message=subject, path=path)

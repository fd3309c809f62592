"""Reminder emails, in text and HTML, in the recipient's language, each with a link to the right page."""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from acknowledgements.models import AcknowledgementRequest
from codes.models import CodeDocument
from people.models import StaffProfile
from training.models import Assignment

from .models import OVERDUE_COPY, ReminderKind, ReminderLog

# What a reminder is about.
About = AcknowledgementRequest | Assignment | CodeDocument


@dataclass(frozen=True)
class Reminder:
    """A rendered reminder: the email, and what the portal's notification list shows."""

    email: EmailMultiAlternatives | None  # None: in the portal only, as the person chose
    message: str
    path: str  # within the portal; emails carry it as an absolute link


def absolute(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def languages_of(user_ids: Iterable[int]) -> dict[int, str]:
    """Each recipient's preferred language (the site's for those without a profile), in one query."""
    chosen = dict(StaffProfile.objects.filter(user_id__in=set(user_ids)).values_list("user_id", "preferred_language"))
    return defaultdict(
        lambda: settings.LANGUAGE_CODE, {user: language for user, language in chosen.items() if language}
    )


# What differs between the people sent the same email: their name and their links. The emails of a batch are
# rendered once for all who share the rest (a publication tells 100,000 people the same thing, in a few
# languages), with a stand-in for each of these, then each person's own put in its place. The templates print
# them as they are, testing only whether a link is empty.
PERSONAL = ("name", "url", "compare_url")
# A stand-in is made of private-use characters: escaping and translations leave it as it is.
_STAND_IN = re.compile("\ue000([a-z_]+)\ue000")
# The text and HTML of a batch's emails, by what they share (see `email_of`).
Renderings = dict[tuple[Any, ...], tuple[str, str]]


def _shared_key(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def email_of(
    user: User, subject: str, template: str, context: dict[str, Any], renderings: Renderings
) -> EmailMultiAlternatives | None:
    """The email to `user`; None for someone without an address (staff who sign at a kiosk have none): their
    notification in the portal is the delivery. Rendered once in `renderings` (the batch's) for everyone whose
    email shares the same template, language and context but for the `PERSONAL` values."""
    if not user.email:
        return None
    personal = {"name": user.first_name or user.username, **{key: context.get(key) or "" for key in PERSONAL[1:]}}
    shared = {key: value for key, value in context.items() if key not in PERSONAL}
    key = (
        template,
        translation.get_language(),
        tuple(sorted((name, _shared_key(value)) for name, value in shared.items())),
        tuple(bool(value) for value in personal.values()),
    )
    if key not in renderings:
        stand_ins = {name: f"\ue000{name}\ue000" if value else "" for name, value in personal.items()}
        renderings[key] = (
            render_to_string(f"reminders/email/{template}.txt", {**shared, **stand_ins}),
            render_to_string(f"reminders/email/{template}.html", {**shared, **stand_ins}),
        )
    text, html = renderings[key]
    email = EmailMultiAlternatives(subject=subject, body=_put_in(personal, text), to=[user.email])
    email.attach_alternative(_put_in({name: escape(value) for name, value in personal.items()}, html), "text/html")
    return email


def _put_in(personal: dict[str, str], rendered: str) -> str:
    """The rendered email with each stand-in replaced by the person's own value, in one pass."""
    return _STAND_IN.sub(lambda found: personal.get(found[1], found[0]), rendered)


def _ids_by_kind(logs: Iterable[ReminderLog]) -> dict[str, set[int]]:
    """What the reminders are about: the object ids of each kind."""
    ids: dict[str, set[int]] = defaultdict(set)
    for log in logs:
        ids[log.kind].add(log.object_id)
    return ids


def _still_due(logs: Iterable[ReminderLog]) -> dict[tuple[str, int], About]:
    """What the reminders are about, by (kind, id), where a reminder is still needed: the pending
    request, the open assignment, the active document under review. One query per kind."""
    ids_by_kind = _ids_by_kind(logs)
    querysets: dict[str, QuerySet] = {
        ReminderKind.ACKNOWLEDGEMENT: AcknowledgementRequest.objects.pending().select_related("version"),
        ReminderKind.TRAINING: Assignment.objects.open().select_related("course"),
        ReminderKind.REVIEW: CodeDocument.objects.filter(next_review_due__isnull=False, retired_at__isnull=True),
    }
    found: dict[tuple[str, int], About] = {}
    for kind, ids in ids_by_kind.items():
        found.update({(kind, pk): about for pk, about in querysets[kind].in_bulk(ids).items()})
    return found


def _due_date_of(about: About) -> datetime.date | None:
    return about.next_review_due if isinstance(about, CodeDocument) else about.due_date


def _still_needed(log: ReminderLog, about: About | None) -> bool:
    """Whether the reminder of `log` is still to be sent: what it is about is still due (see `_still_due`),
    and by the date its stage was counted from. After a deadline moved, the sweep claims the new
    date's stages; the old date's would tell the person the wrong story ("due in 7 days")."""
    return about is not None and (log.due_date is None or log.due_date == _due_date_of(about))


@dataclass(frozen=True)
class _Draft:
    """A reminder before it is rendered: its subject, email template, template context (plain values, which
    the emails of a batch that share them render once: see `email_of`) and page."""

    subject: str
    template: str
    context: dict[str, Any]
    path: str


def _acknowledgement_draft(ack_request: AcknowledgementRequest, today: datetime.date) -> _Draft:
    overdue = ack_request.is_overdue
    subject = (
        _("Overdue: please acknowledge “%(title)s”") if overdue else _("Please acknowledge “%(title)s” by %(date)s")
    ) % {"title": ack_request.version.title, "date": date_format(ack_request.due_date)}
    days_left = (ack_request.due_date - today).days
    version = ack_request.version
    context = {"title": version.title, "number": version.number, "due_date": ack_request.due_date}
    context |= {"overdue": overdue, "days_left": days_left}
    return _Draft(subject, "acknowledgement", context, reverse("acknowledgements:read_and_sign", args=[ack_request.pk]))


def _training_draft(assignment: Assignment, today: datetime.date) -> _Draft:
    overdue = assignment.is_overdue
    subject = (_("Overdue training: %(course)s") if overdue else _("Training due by %(date)s: %(course)s")) % {
        "course": assignment.course.title,
        "date": date_format(assignment.due_date),
    }
    days_left = (assignment.due_date - today).days
    context = {"course": assignment.course.title, "due_date": assignment.due_date}
    context |= {"overdue": overdue, "days_left": days_left}
    return _Draft(subject, "training", context, reverse("training:mine"))


def _review_draft(document: CodeDocument, today: datetime.date, *, copy: bool) -> _Draft:
    review_due = document.next_review_due
    assert review_due is not None
    overdue = review_due < today
    if copy:
        subject = _("Review overdue (copy for compliance): %(title)s")
    elif overdue:
        subject = _("Review overdue: %(title)s")
    else:
        subject = _("Review due by %(date)s: %(title)s")
    subject %= {"title": document.title, "date": date_format(review_due)}
    context = {"title": document.title, "due_date": review_due, "overdue": overdue, "copy": copy}
    return _Draft(subject, "review", context, reverse("codes:document_detail", args=[document.slug]))


def _draft(log: ReminderLog, about: About) -> _Draft:
    """The reminder of `log` about `about` (see `_still_due`), as of today."""
    today = timezone.localdate()
    if isinstance(about, AcknowledgementRequest):
        return _acknowledgement_draft(about, today)
    if isinstance(about, Assignment):
        return _training_draft(about, today)
    return _review_draft(about, today, copy=log.stage == OVERDUE_COPY)


def build_reminders(logs: list[ReminderLog]) -> dict[int, Reminder | None]:
    """The email of each claimed reminder, by log id; None where it is no longer needed (signed,
    completed, retired…). A few queries for the whole batch, whatever its size."""
    still_due = _still_due(logs)
    languages = languages_of(log.recipient_id for log in logs)
    renderings: Renderings = {}
    reminders: dict[int, Reminder | None] = {}
    for log in logs:
        about = still_due.get((log.kind, log.object_id))
        if about is None or not _still_needed(log, about):
            reminders[log.pk] = None
            continue
        with translation.override(languages[log.recipient_id]):
            draft = _draft(log, about)
            context = {**draft.context, "url": absolute(draft.path)}
            email = email_of(log.recipient, draft.subject, draft.template, context, renderings)
        reminders[log.pk] = Reminder(email=email, message=draft.subject, path=draft.path)
    return reminders


def _by_due_date(logs: list[ReminderLog], kind: str, still_due: dict[int, Any]) -> list[Any]:
    found = [
        still_due[log.object_id]
        for log in logs
        if log.kind == kind and _still_needed(log, still_due.get(log.object_id))
    ]
    return sorted(found, key=lambda item: (item.due_date, item.pk))


def build_digests(escalations: dict[int, list[ReminderLog]]) -> dict[int, Reminder | None]:
    """One email per manager (by user id) listing their overdue people, acknowledgements and training
    together; None for a manager with nothing left overdue. A few queries for the whole batch."""
    ids_by_kind = _ids_by_kind(log for manager_logs in escalations.values() for log in manager_logs)
    requests = (
        AcknowledgementRequest.objects.pending()
        .select_related("person__user", "version")
        .in_bulk(ids_by_kind[ReminderKind.ACKNOWLEDGEMENT])
    )
    assignments = (
        Assignment.objects.open().select_related("person__user", "course").in_bulk(ids_by_kind[ReminderKind.TRAINING])
    )
    languages = languages_of(escalations)
    renderings: Renderings = {}
    digests: dict[int, Reminder | None] = {}
    for manager_id, manager_logs in escalations.items():
        overdue_requests = _by_due_date(manager_logs, ReminderKind.ACKNOWLEDGEMENT, requests)
        overdue_training = _by_due_date(manager_logs, ReminderKind.TRAINING, assignments)
        if not overdue_requests and not overdue_training:
            digests[manager_id] = None
            continue
        with translation.override(languages[manager_id]):
            count = len(overdue_requests) + len(overdue_training)
            subject = ngettext("Your team: %(count)s overdue item", "Your team: %(count)s overdue items", count) % {
                "count": count
            }
            path = reverse("acknowledgements:dashboard") + "?status=overdue"
            context = {"requests": overdue_requests, "assignments": overdue_training, "url": absolute(path)}
            email = email_of(manager_logs[0].recipient, subject, "digest", context, renderings)
        digests[manager_id] = Reminder(email=email, message=subject, path=path)
    return digests

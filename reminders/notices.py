"""Workflow notifications: a version sent for review, taken back, approved or sent back, published; a
document retired.

Each is claimed like a reminder, as one ReminderLog row per (event, recipient) (reminders/services.py),
and delivered by the same delivery task; this module renders a batch of them: in the recipient's
language, by email and in the portal, or in the portal only where the person chose so (a request to sign
always emails: the legal minimum). A few queries per batch, whatever its size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

from django.db.models import F, Max
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from acknowledgements.models import AcknowledgementRequest, Signature
from audit.models import AuditEvent
from codes.models import CodeDocument, CodeVersion
from codes.signals import ReviewStep
from common.permissions import users_with_permission
from people.models import ALWAYS_EMAILED, NotificationKind, StaffProfile
from people.selectors import portal_only_among
from questions.models import Question

from .emails import Reminder, Renderings, absolute, email_of, languages_of
from .models import PUBLISHED, RETIRED, ReminderKind, ReminderLog

WORKFLOW_KINDS = frozenset(
    {ReminderKind.VERSION_REVIEW, ReminderKind.PUBLICATION, ReminderKind.RETIREMENT, ReminderKind.QUESTION_ANSWER}
)

# The choice on the profile page that governs each stage.
PREFERENCE_OF_STAGE: dict[str, NotificationKind] = {
    ReviewStep.SUBMITTED: NotificationKind.REVIEW_REQUESTED,
    ReviewStep.WITHDRAWN: NotificationKind.REVIEW_REQUESTED,
    ReviewStep.APPROVED: NotificationKind.REVIEW_OUTCOME,
    ReviewStep.CHANGES_REQUESTED: NotificationKind.REVIEW_OUTCOME,
    PUBLISHED: NotificationKind.REQUEST_TO_SIGN,
    RETIRED: NotificationKind.REQUEST_WITHDRAWN,
}


@dataclass(frozen=True)
class _Notice:
    """A notice before it is rendered: its subject (also the portal's message), what the email adds, the page
    it links to, and where the person can see what changed (a request to sign, for those who signed before)."""

    subject: str
    lines: list[str]
    path: str
    link_label: str
    compare_path: str = ""


def _version_path(version: CodeVersion) -> str:
    return reverse("codes:version_detail", args=[version.document.slug, version.number])


# Each review step's subject and what the email says of it, in the language active when rendered.
_REVIEW_WORDS: dict[str, tuple[str | Promise, str | Promise]] = {
    ReviewStep.SUBMITTED: (
        gettext_lazy("Please review version %(number)s of “%(title)s”"),
        gettext_lazy("%(actor)s sent version %(number)s of “%(title)s” for review."),
    ),
    ReviewStep.WITHDRAWN: (
        gettext_lazy("Version %(number)s of “%(title)s” was taken back from review"),
        gettext_lazy("%(actor)s took it back to change it: there is nothing to review for now."),
    ),
    ReviewStep.APPROVED: (
        gettext_lazy("Version %(number)s of “%(title)s” is approved"),
        gettext_lazy("%(actor)s approved it: it can be published."),
    ),
    ReviewStep.CHANGES_REQUESTED: (
        gettext_lazy("Changes requested on version %(number)s of “%(title)s”"),
        gettext_lazy("%(actor)s sent it back to draft with this comment:"),
    ),
}


def _review_notice(step: str, event: AuditEvent, version: CodeVersion) -> _Notice:
    actor = event.actor.get_full_name() or event.actor.get_username() if event.actor is not None else ""
    names = {"title": version.title, "number": version.number, "actor": actor}
    subject, line = _REVIEW_WORDS[step]
    lines = [str(line) % names]
    if step == ReviewStep.CHANGES_REQUESTED:
        lines.append(event.details.get("comment", ""))
    return _Notice(str(subject) % names, lines, _version_path(version), _("Open the version"))


def _publication_notice(ack_request: AcknowledgementRequest, signed_number: int | None) -> _Notice:
    version = ack_request.version
    names = {"title": version.document.title, "date": date_format(ack_request.due_date)}
    subject = _("A new version of “%(title)s” asks for your acknowledgement by %(date)s") % names
    lines = [version.change_summary] if version.change_summary else []
    compare_path = ""
    if signed_number is not None:
        compare = reverse("codes:compare", args=[version.document.slug])
        compare_path = f"{compare}?old={signed_number}&new={version.number}"
    path = reverse("acknowledgements:read_and_sign", args=[ack_request.pk])
    return _Notice(subject, lines, path, _("Read and sign it"), compare_path)


def _retirement_notice(document: CodeDocument) -> _Notice:
    subject = _("“%(title)s” is retired: you no longer need to acknowledge it") % {"title": document.title}
    return _Notice(subject, [], reverse("acknowledgements:mine"), _("See what you have to sign"))


def _answer_notice(question: Question) -> _Notice:
    names = {"position": question.section.position, "title": question.section.title}
    subject = _("Your question about %(position)s. %(title)s is answered") % names
    lines = [question.text, question.answer]
    path = reverse("questions:detail", args=[question.pk])
    return _Notice(subject, lines, path, _("Read the answer"))


def _ids(logs: Iterable[ReminderLog], kind: str) -> set[int]:
    return {log.object_id for log in logs if log.kind == kind}


# A notice made when called, so that it is written in the language active then: the recipient's.
Draft = Callable[[], _Notice]


def _review_notices(logs: list[ReminderLog]) -> dict[int, Draft]:
    events = AuditEvent.objects.select_related("actor").in_bulk(_ids(logs, ReminderKind.VERSION_REVIEW))
    versions = CodeVersion.objects.select_related("document").in_bulk({int(e.object_id) for e in events.values()})
    notices: dict[int, Draft] = {}
    for log in logs:
        event = events.get(log.object_id) if log.kind == ReminderKind.VERSION_REVIEW else None
        # A draft discarded since has nothing left to tell about.
        version = versions.get(int(event.object_id)) if event is not None else None
        if event is not None and version is not None:
            notices[log.pk] = partial(_review_notice, log.stage, event, version)
    return notices


def _signed_earlier(version_ids: set[int], user_ids: set[int]) -> dict[tuple[int, int], int]:
    """The latest earlier version of the same document each person signed, by (version, user), for those who
    may open it (whoever may see superseded versions): one query for the permission, one per version (a
    batch is about one publication, or a few)."""
    may_see = users_with_permission("codes.view_codeversion").filter(pk__in=user_ids)
    may_compare = set(may_see.values_list("pk", flat=True))
    latest: dict[tuple[int, int], int] = {}
    for version in CodeVersion.objects.filter(pk__in=version_ids).only("pk", "document_id", "number"):
        signed = (
            Signature.objects.filter(
                version__document_id=version.document_id,
                version__number__lt=version.number,
                person__user_id__in=may_compare,
            )
            .values_list("person__user_id")
            .annotate(number=Max("version__number"))
        )
        latest.update({(version.pk, user_id): number for user_id, number in signed})
    return latest


def _publication_notices(logs: list[ReminderLog]) -> dict[int, Draft]:
    """A notice for each person still asked to sign the published version; none for a request resolved since."""
    version_ids = _ids(logs, ReminderKind.PUBLICATION)
    if not version_ids:
        return {}
    user_ids = {log.recipient_id for log in logs if log.kind == ReminderKind.PUBLICATION}
    people = dict(StaffProfile.objects.filter(user_id__in=user_ids).values_list("pk", "user_id"))
    # Looked up by person, the version only checked (`+ 0` keeps PostgreSQL off the version's index): a version
    # published minutes ago has no statistics yet, and PostgreSQL, estimating that it asks one person, would
    # read all its requests (100,000 at 100,000 staff) for every batch of notices.
    pending = (
        AcknowledgementRequest.objects.pending()
        .alias(version_checked=F("version_id") + 0)
        .filter(person_id__in=people, version_checked__in=version_ids)
        .select_related("version__document")
    )
    requests = {(r.version_id, people[r.person_id]): r for r in pending}
    signed = _signed_earlier(version_ids, user_ids)
    notices: dict[int, Draft] = {}
    for log in logs:
        key = (log.object_id, log.recipient_id)
        if log.kind == ReminderKind.PUBLICATION and key in requests:
            notices[log.pk] = partial(_publication_notice, requests[key], signed.get(key))
    return notices


def _retirement_notices(logs: list[ReminderLog]) -> dict[int, Draft]:
    documents = CodeDocument.objects.in_bulk(_ids(logs, ReminderKind.RETIREMENT))
    return {
        log.pk: partial(_retirement_notice, documents[log.object_id])
        for log in logs
        if log.kind == ReminderKind.RETIREMENT and log.object_id in documents
    }


def _answer_notices(logs: list[ReminderLog]) -> dict[int, Draft]:
    questions = Question.objects.select_related("section").in_bulk(_ids(logs, ReminderKind.QUESTION_ANSWER))
    return {
        log.pk: partial(_answer_notice, questions[log.object_id])
        for log in logs
        if log.kind == ReminderKind.QUESTION_ANSWER and log.object_id in questions
    }


def _portal_only(logs: list[ReminderLog]) -> set[int]:
    """The log ids of the notices their recipients want in the portal only (one query per kind chosen)."""
    by_kind: dict[NotificationKind, list[ReminderLog]] = defaultdict(list)
    for log in logs:
        # An answer to one's own question always goes by email too: the person asked for it.
        if log.stage in PREFERENCE_OF_STAGE:
            by_kind[PREFERENCE_OF_STAGE[log.stage]].append(log)
    portal_only: set[int] = set()
    for kind, kind_logs in by_kind.items():
        if kind in ALWAYS_EMAILED:
            continue
        users = portal_only_among((log.recipient_id for log in kind_logs), kind)
        portal_only.update(log.pk for log in kind_logs if log.recipient_id in users)
    return portal_only


def build_notices(logs: list[ReminderLog]) -> dict[int, Reminder | None]:
    """Each workflow notice of the batch, by log id: its email (None inside for the portal only), or None where
    there is nothing left to tell (the request was signed, the event's object is gone)."""
    notices = {
        **_review_notices(logs),
        **_publication_notices(logs),
        **_retirement_notices(logs),
        **_answer_notices(logs),
    }
    portal_only = _portal_only(logs)
    languages = languages_of(log.recipient_id for log in logs)
    renderings: Renderings = {}
    built: dict[int, Reminder | None] = {}
    for log in logs:
        draft = notices.get(log.pk)
        if draft is None:
            built[log.pk] = None
            continue
        with translation.override(languages[log.recipient_id]):
            notice = draft()
            email = None
            if log.pk not in portal_only:
                context = {
                    "subject": notice.subject,
                    "lines": notice.lines,
                    "url": absolute(notice.path),
                    "link_label": notice.link_label,
                    "compare_url": absolute(notice.compare_path) if notice.compare_path else "",
                }
                email = email_of(log.recipient, notice.subject, "workflow", context, renderings)
        built[log.pk] = Reminder(email=email, message=notice.subject, path=notice.path)
    return built

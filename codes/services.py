"""State changes for code documents and their versions.

Every service checks the actor's permission and the version's current state
before it changes anything, raises a DomainError a person can read when the
change is not allowed, and writes its audit event in the same transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.actions import AuditAction
from audit.models import AuditEvent
from audit.services import event_record
from common.bulk import insert_from_query
from common.errors import DomainError, InputRefused
from common.permissions import require_permission
from people.models import Department
from webhooks.models import EventType
from webhooks.services import event_emit

from . import audit_actions, limits, webhook_payloads
from .content import content_hash, translation_content_hash
from .diff import diff_summary, same_text
from .importing.parser import ParsedSection
from .models import (
    Approval,
    CodeDocument,
    CodeVersion,
    ComprehensionQuestion,
    Contribution,
    ContributionKind,
    QuestionKind,
    QuestionOption,
    Section,
    SectionTranslation,
    TranslationContribution,
    TranslationStatus,
    VersionStatus,
    VersionTranslation,
)
from .selectors import Author, sections_of, untranslated_sections, version_approvals, version_authors
from .signals import ReviewStep, document_retired, version_published, version_review_step

Actor = User

# Addresses under /codes/ that are pages, not documents.
RESERVED_SLUGS = {"new", "templates"}


def _require_status(version: CodeVersion, *allowed: VersionStatus, action: str) -> None:
    if version.status not in allowed:
        raise DomainError(
            _("Version %(number)s is %(status)s, so it cannot be %(action)s.")
            % {"number": version.number, "status": version.get_status_display().lower(), "action": action}
        )


def _lock(version: CodeVersion) -> CodeVersion:
    """Re-read the version under a row lock, so two people acting at once see each other's change."""
    return CodeVersion.objects.select_for_update().select_related("document").get(pk=version.pk)


# ---------------------------------------------------------------------------
# Documents
# ---------------------------------------------------------------------------


@transaction.atomic
def document_create(
    *, actor: Actor, title: str, summary: str = "", review_interval_months: int = 12, slug: str = ""
) -> CodeDocument:
    """Create a code document owned by the actor. Its text comes with its first draft."""
    require_permission(actor, "codes.add_codedocument")
    slug = slug or slugify(title)[:80]
    if not slug or slug in RESERVED_SLUGS:
        raise InputRefused(_("Choose another short name: “%(slug)s” cannot be used.") % {"slug": slug}, field="slug")
    if CodeDocument.objects.filter(slug=slug).exists():
        raise InputRefused(
            _("A document with the short name “%(slug)s” exists already.") % {"slug": slug}, field="slug"
        )
    document = CodeDocument.objects.create(
        title=title, slug=slug, summary=summary, review_interval_months=review_interval_months, owner=actor
    )
    event_record(actor=actor, action=audit_actions.DOCUMENT_CREATE, target=document, details={"slug": slug})
    return document


@transaction.atomic
def document_update(
    *, document: CodeDocument, actor: Actor, title: str, summary: str, review_interval_months: int
) -> CodeDocument:
    """Change a document's description and review interval (its versions' text is untouched)."""
    require_permission(actor, "codes.change_codedocument")
    if document.retired_at:
        raise DomainError(_("This document is retired and can no longer be changed."))
    document.title, document.summary = title, summary
    if document.review_interval_months != review_interval_months:
        document.review_interval_months = review_interval_months
        published = document.versions.published().first()
        if published and published.published_at:
            document.next_review_due = next_review_date(
                timezone.localdate(published.published_at), review_interval_months
            )
    document.save()
    event_record(actor=actor, action=audit_actions.DOCUMENT_UPDATE, target=document)
    return document


@transaction.atomic
def document_retire(*, document: CodeDocument, actor: Actor, reason: str) -> CodeDocument:
    """Withdraw a document: its published version becomes retired and no new draft can start.

    A reason is required; it is kept on the document and in the audit log. Once committed, the
    retirement is announced, and the apps above withdraw what they still asked of people for it
    (see `retirement_consequences` for what the confirmation page says they will do).
    """
    require_permission(actor, "codes.retire_codedocument")
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reason for retiring the document; it is kept in its history."))
    document = CodeDocument.objects.select_for_update().get(pk=document.pk)
    if document.retired_at:
        raise DomainError(_("This document is retired already."))
    if document.versions.in_progress().exists():
        raise DomainError(_("Discard or publish the version in progress before retiring the document."))
    document.versions.published().update(status=VersionStatus.RETIRED)
    document.retired_at = timezone.now()
    document.retired_reason = reason
    document.next_review_due = None
    document.save(update_fields=["retired_at", "retired_reason", "next_review_due"])
    event_record(actor=actor, action=audit_actions.DOCUMENT_RETIRE, target=document, details={"reason": reason})
    document_id, actor_id = document.pk, actor.pk
    transaction.on_commit(
        lambda: document_retired.send(sender=CodeDocument, document_id=document_id, actor_id=actor_id, reason=reason)
    )
    return document


def next_review_date(published_on: datetime.date, interval_months: int) -> datetime.date:
    return published_on + relativedelta(months=interval_months)


# ---------------------------------------------------------------------------
# Drafts and sections
# ---------------------------------------------------------------------------


def _new_version(document: CodeDocument, actor: Actor, title: str) -> CodeVersion:
    if document.retired_at:
        raise DomainError(_("This document is retired: it takes no new versions."))
    in_progress = document.versions.in_progress().first()
    if in_progress:
        raise DomainError(
            _("Version %(number)s is already in progress (%(status)s). Finish or discard it first.")
            % {"number": in_progress.number, "status": in_progress.get_status_display().lower()}
        )
    number = (document.versions.aggregate(highest=Max("number"))["highest"] or 0) + 1
    try:
        with transaction.atomic():
            return CodeVersion.objects.create(document=document, number=number, title=title, author=actor)
    except IntegrityError as error:
        raise DomainError(
            _("Someone started a version of this document at the same moment. Reload the page.")
        ) from error


@transaction.atomic
def version_start_draft(*, document: CodeDocument, actor: Actor, copy_published: bool = True) -> CodeVersion:
    """Start the next version: a copy of the published one (sections keep their identity) or empty."""
    require_permission(actor, "codes.add_codeversion")
    document = CodeDocument.objects.select_for_update().get(pk=document.pk)
    published = document.versions.published().first() if copy_published else None
    draft = _new_version(document, actor, title=published.title if published else document.title)
    if published:
        copies = Section.objects.bulk_create(
            Section(version=draft, key=s.key, position=s.position, category=s.category, title=s.title, body=s.body)
            for s in published.sections.all()
        )
        _copy_questions(published, draft, {copy.key: copy for copy in copies})
    event_record(
        actor=actor,
        action=audit_actions.VERSION_CREATE,
        target=draft,
        details={"copied_from": published.number if published else None},
    )
    return draft


def _copy_questions(published: CodeVersion, draft: CodeVersion, sections_by_key: dict[object, Section]) -> None:
    """The next draft asks the published version's questions and keeps its rules for signing (the pass mark,
    whether a pass is required, whether every section must have been displayed), until someone edits them."""
    draft.pass_mark, draft.requires_pass = published.pass_mark, published.requires_pass
    draft.requires_every_section_displayed = published.requires_every_section_displayed
    draft.save(update_fields=["pass_mark", "requires_pass", "requires_every_section_displayed"])
    questions = list(
        ComprehensionQuestion.objects.filter(section__version=published)
        .select_related("section")
        .prefetch_related("options")
    )
    copies = ComprehensionQuestion.objects.bulk_create(
        ComprehensionQuestion(
            section=sections_by_key[q.section.key],
            position=q.position,
            kind=q.kind,
            text=q.text,
            explanation=q.explanation,
        )
        for q in questions
    )
    QuestionOption.objects.bulk_create(
        QuestionOption(question=copy, position=o.position, text=o.text, is_correct=o.is_correct)
        for original, copy in zip(questions, copies, strict=True)
        for o in original.options.all()
    )


@transaction.atomic
def version_import_draft(
    *, document: CodeDocument, actor: Actor, sections: Sequence[ParsedSection], filename: str
) -> CodeVersion:
    """Start the next version from sections parsed out of an uploaded file, within the limits on sections."""
    require_permission(actor, "codes.add_codeversion")
    if not sections:
        raise DomainError(_("The file holds no sections to import."))
    limits.check_section_count(len(sections))
    for section in sections:
        limits.check_section_body(section.body, title=section.title)
    document = CodeDocument.objects.select_for_update().get(pk=document.pk)
    draft = _new_version(document, actor, title=document.title)
    Section.objects.bulk_create(
        Section(version=draft, position=position, category=s.category, title=s.title[:200], body=s.body)
        for position, s in enumerate(sections, start=1)
    )
    draft.change_summary = _("Imported from %(filename)s.") % {"filename": filename}
    draft.save(update_fields=["change_summary"])
    _contributed(draft, actor, ContributionKind.TEXT)
    event_record(
        actor=actor,
        action=audit_actions.VERSION_IMPORT,
        target=draft,
        details={"filename": filename, "sections": len(sections)},
    )
    return draft


def _editable(version: CodeVersion, actor: Actor) -> CodeVersion:
    require_permission(actor, "codes.change_codeversion")
    version = _lock(version)
    _require_status(version, VersionStatus.DRAFT, action=_("edited"))
    return version


def _contributed(version: CodeVersion, actor: Actor, kind: ContributionKind) -> None:
    """Remember that the actor changed the version's text or details: they can no longer approve it."""
    now = timezone.now()
    Contribution.objects.bulk_create(
        [Contribution(version=version, person=actor, kind=kind, first_at=now, last_at=now)],
        update_conflicts=True,
        unique_fields=["version", "person", "kind"],
        update_fields=["last_at"],
    )


def _section_edited(
    version: CodeVersion, actor: Actor, action: AuditAction, section: Section, **details: object
) -> None:
    """The audit event of one change to a draft's sections, naming the section, and the contribution."""
    _contributed(version, actor, ContributionKind.TEXT)
    event_record(
        actor=actor,
        action=action,
        target=version,
        details={"section": str(section.key), "title": section.title, **details},
    )


@transaction.atomic
def version_update(
    *,
    version: CodeVersion,
    actor: Actor,
    title: str,
    change_summary: str,
    requires_every_section_displayed: bool | None = None,
) -> CodeVersion:
    """Change a draft's title, summary of changes and whether every section must be displayed before signing
    (None leaves it as it is); saving them unchanged is no contribution."""
    version = _editable(version, actor)
    changes: dict[str, object] = {
        name: diff_summary(getattr(version, name), value)
        for name, value in (("title", title), ("change_summary", change_summary))
        if getattr(version, name) != value
    }
    display_rule = version.requires_every_section_displayed
    if requires_every_section_displayed is not None and requires_every_section_displayed != display_rule:
        display_rule = changes["requires_every_section_displayed"] = requires_every_section_displayed
    if not changes:
        return version
    version.title, version.change_summary = title, change_summary
    version.requires_every_section_displayed = display_rule
    version.save(update_fields=["title", "change_summary", "requires_every_section_displayed"])
    _contributed(version, actor, ContributionKind.DETAILS)
    event_record(actor=actor, action=audit_actions.VERSION_UPDATE, target=version, details=changes)
    return version


@transaction.atomic
def section_add(*, version: CodeVersion, actor: Actor, category: str, title: str, body: str) -> Section:
    """Append a section at the end of a draft, as long as the draft stays within the limits on sections."""
    version = _editable(version, actor)
    limits.check_section_body(body)
    limits.check_section_count(version.sections.count() + 1)
    position = (version.sections.aggregate(last=Max("position"))["last"] or 0) + 1
    section = Section.objects.create(version=version, position=position, category=category, title=title, body=body)
    for translation in version.translations.all():
        _copy_missing_sections(translation)
    _section_edited(version, actor, audit_actions.SECTION_ADD, section, position=position, diff=diff_summary("", body))
    return section


@transaction.atomic
def section_update(*, section: Section, actor: Actor, category: str, title: str, body: str) -> Section:
    """Change a section of a draft; its text stays within the limit on characters, and saving it
    unchanged is no contribution."""
    version = _editable(section.version, actor)
    limits.check_section_body(body)
    # Read what is stored: a bound form has already copied the new values onto `section`.
    stored = version.sections.get(pk=section.pk)
    if (stored.category, stored.title, stored.body) == (category, title, body):
        return stored
    details: dict[str, object] = {"position": stored.position, "diff": diff_summary(stored.body, body)}
    if stored.title != title:
        details["title_diff"] = diff_summary(stored.title, title)
    if stored.category != category:
        details["category"] = [stored.category, category]
    if (stored.title, stored.body) != (title, body):
        # The translations of the old words no longer say what the section says.
        SectionTranslation.objects.filter(section=stored).update(translated=False)
    stored.category, stored.title, stored.body = category, title, body
    stored.save(update_fields=["category", "title", "body"])
    _section_edited(version, actor, audit_actions.SECTION_UPDATE, stored, **details)
    return stored


@transaction.atomic
def section_delete(*, section: Section, actor: Actor) -> None:
    """Remove a section from a draft and close the gap in the numbering."""
    version = _editable(section.version, actor)
    position = section.position
    section.delete()
    for later in version.sections.filter(position__gt=position).order_by("position"):
        Section.objects.filter(pk=later.pk).update(position=F("position") - 1)
    _section_edited(
        version, actor, audit_actions.SECTION_DELETE, section, position=position, diff=diff_summary(section.body, "")
    )


@transaction.atomic
def section_move(*, section: Section, actor: Actor, offset: int) -> None:
    """Move a section one place up (offset -1) or down (+1); at either end it stays put."""
    version = _editable(section.version, actor)
    neighbour = version.sections.filter(position=section.position + offset).first()
    if neighbour is None:
        return
    # Positions are unique per version, so the swap passes through a free slot.
    here, there = section.position, neighbour.position
    Section.objects.filter(pk=section.pk).update(position=0)
    Section.objects.filter(pk=neighbour.pk).update(position=here)
    Section.objects.filter(pk=section.pk).update(position=there)
    _section_edited(version, actor, audit_actions.SECTION_MOVE, section, **{"from": here, "to": there})


# ---------------------------------------------------------------------------
# Comprehension questions of a draft
# ---------------------------------------------------------------------------

# An answer offered to a question: its text and whether it is right.
OptionInput = tuple[str, bool]


def _check_options(kind: str, options: Sequence[OptionInput]) -> list[OptionInput]:
    """The options worth keeping (blank ones dropped), refused unless a person could answer right."""
    kept = [(text.strip(), is_correct) for text, is_correct in options if text.strip()]
    if len(kept) < 2:
        raise InputRefused(_("Offer at least two answers."))
    right = sum(is_correct for _text, is_correct in kept)
    if right == 0:
        raise InputRefused(_("Mark at least one answer as right."))
    if kind == QuestionKind.SINGLE and right > 1:
        raise InputRefused(
            ngettext(
                "A question with one right answer cannot have %(count)s right answer.",
                "A question with one right answer cannot have %(count)s right answers.",
                right,
            )
            % {"count": right}
        )
    return kept


def _options_create(question: ComprehensionQuestion, options: Sequence[OptionInput]) -> None:
    QuestionOption.objects.bulk_create(
        QuestionOption(question=question, position=number, text=option, is_correct=is_correct)
        for number, (option, is_correct) in enumerate(options, start=1)
    )


def _question_edited(version: CodeVersion, actor: Actor, action: AuditAction, question: ComprehensionQuestion) -> None:
    """Questions are part of the text a reviewer approves: whoever edits one contributed, like a section edit."""
    _section_edited(version, actor, action, question.section, question=question.text[:200])


@transaction.atomic
def question_add(
    *, section: Section, actor: Actor, kind: str, text: str, explanation: str, options: Sequence[OptionInput]
) -> ComprehensionQuestion:
    """Ask a question on a section of a draft, with at least two answers of which the right ones are marked."""
    version = _editable(section.version, actor)
    kept = _check_options(kind, options)
    position = (section.comprehension_questions.aggregate(last=Max("position"))["last"] or 0) + 1
    question = ComprehensionQuestion.objects.create(
        section=section, position=position, kind=kind, text=text, explanation=explanation
    )
    _options_create(question, kept)
    _question_edited(version, actor, audit_actions.QUESTION_ADD, question)
    return question


@transaction.atomic
def question_update(
    *,
    question: ComprehensionQuestion,
    actor: Actor,
    kind: str,
    text: str,
    explanation: str,
    options: Sequence[OptionInput],
) -> ComprehensionQuestion:
    """Change a question of a draft and replace its answers."""
    version = _editable(question.section.version, actor)
    kept = _check_options(kind, options)
    question.kind, question.text, question.explanation = kind, text, explanation
    question.save(update_fields=["kind", "text", "explanation"])
    question.options.all().delete()
    _options_create(question, kept)
    _question_edited(version, actor, audit_actions.QUESTION_UPDATE, question)
    return question


@transaction.atomic
def question_delete(*, question: ComprehensionQuestion, actor: Actor) -> None:
    """Remove a question from a draft."""
    version = _editable(question.section.version, actor)
    question.delete()
    _question_edited(version, actor, audit_actions.QUESTION_DELETE, question)


@transaction.atomic
def version_check_update(*, version: CodeVersion, actor: Actor, pass_mark: int, requires_pass: bool) -> CodeVersion:
    """Set a draft's pass mark (1 to 100 percent) and whether passing must come before signing."""
    version = _editable(version, actor)
    if not 1 <= pass_mark <= 100:
        raise InputRefused(_("The pass mark is a percentage from 1 to 100."))
    if (version.pass_mark, version.requires_pass) == (pass_mark, requires_pass):
        return version
    before = [version.pass_mark, version.requires_pass]
    version.pass_mark, version.requires_pass = pass_mark, requires_pass
    version.save(update_fields=["pass_mark", "requires_pass"])
    _contributed(version, actor, ContributionKind.TEXT)
    event_record(
        actor=actor,
        action=audit_actions.CHECK_UPDATE,
        target=version,
        details={"before": before, "after": [pass_mark, requires_pass]},
    )
    return version


@transaction.atomic
def version_discard(*, version: CodeVersion, actor: Actor) -> None:
    """Throw away a draft that will not be published."""
    version = _editable(version, actor)
    event_record(actor=actor, action=audit_actions.VERSION_DISCARD, target=version, details={"number": version.number})
    version.delete()


# ---------------------------------------------------------------------------
# Review and publication
# ---------------------------------------------------------------------------


@transaction.atomic
def version_submit(*, version: CodeVersion, actor: Actor) -> CodeVersion:
    """Send a draft for review. It cannot be edited while it is reviewed."""
    require_permission(actor, "codes.change_codeversion")
    version = _lock(version)
    _require_status(version, VersionStatus.DRAFT, action=_("sent for review"))
    if not version.sections.exists():
        raise DomainError(_("Add at least one section before sending the draft for review."))
    replaced = version.document.versions.published().first()
    if replaced is not None and same_text(list(sections_of(replaced)), list(sections_of(version))):
        raise DomainError(
            _(
                "The text of this draft is the same as version %(number)s, which it would replace: publishing it "
                "would ask everyone to sign the same text again. Change a section, or discard the draft."
            )
            % {"number": replaced.number}
        )
    version.status = VersionStatus.IN_REVIEW
    version.submitted_at = timezone.now()
    version.save(update_fields=["status", "submitted_at"])
    event = event_record(actor=actor, action=audit_actions.VERSION_SUBMIT, target=version)
    _announce_review_step(version, ReviewStep.SUBMITTED, event, actor)
    return version


def _announce_review_step(version: CodeVersion, step: str, event: AuditEvent, actor: Actor) -> None:
    """Announce the step once it has committed: whoever reacts (the notifications) reads it done, and a step
    rolled back is never announced."""
    version_id, event_id, actor_id = version.pk, event.pk, actor.pk
    transaction.on_commit(
        lambda: version_review_step.send(
            sender=CodeVersion, version_id=version_id, step=step, event_id=event_id, actor_id=actor_id
        )
    )


def required_approvals() -> int:
    return int(settings.CODES_REQUIRED_APPROVALS)


def approval_refusal(actor: Actor, authors: Iterable[Author], approvals: Iterable[Approval]) -> str:
    """Why the actor may not approve a version in review, or "" when they may.

    Four eyes: whoever started the version or changed its sections or details since may not
    approve it, so the approver is someone who wrote none of it. With CODES_REQUIRED_APPROVALS
    above one, each approval must come from a different person.
    """
    author = next((author for author in authors if author.person.pk == actor.pk), None)
    if author is not None and author.started:
        return _("You started this version, so someone else must approve it (four-eyes rule).")
    if author is not None:
        return _("You edited this version, so someone who did not write it must approve it (four-eyes rule).")
    if any(approval.approver_id == actor.pk for approval in approvals):
        return _("You have approved this version already; it needs the approval of someone else too.")
    return ""


@transaction.atomic
def version_approve(*, version: CodeVersion, actor: Actor) -> CodeVersion:
    """Approve a version in review, as one of the CODES_REQUIRED_APPROVALS people it needs (see
    approval_refusal). It becomes approved, ready to publish, with the last approval it needs."""
    require_permission(actor, "codes.approve_codeversion")
    version = _lock(version)
    _require_status(version, VersionStatus.IN_REVIEW, action=_("approved"))
    approvals = version_approvals(version)
    refusal = approval_refusal(actor, version_authors(version), approvals)
    if refusal:
        raise DomainError(refusal)
    approval = Approval.objects.create(version=version, approver=actor)
    count, required = len(approvals) + 1, required_approvals()
    if count >= required:
        version.status = VersionStatus.APPROVED
        version.approver_id = actor.pk
        version.approved_at = approval.approved_at
        version.review_comment = ""
        version.save(update_fields=["status", "approver", "approved_at", "review_comment"])
    event = event_record(
        actor=actor,
        action=audit_actions.VERSION_APPROVE,
        target=version,
        details={"approvals": count, "required": required},
    )
    if version.status == VersionStatus.APPROVED:
        _announce_review_step(version, ReviewStep.APPROVED, event, actor)
    return version


def _back_to_draft(version: CodeVersion) -> None:
    """A version returned to draft may change, so the approvals of its review round no longer count."""
    version.status = VersionStatus.DRAFT
    version.submitted_at = None
    version.approvals.all().delete()


@transaction.atomic
def version_request_changes(*, version: CodeVersion, actor: Actor, comment: str) -> CodeVersion:
    """Send a version in review back to draft, with a comment its author sees."""
    require_permission(actor, "codes.approve_codeversion")
    comment = comment.strip()
    if not comment:
        raise DomainError(_("Say what should change, so the author knows what to do."))
    version = _lock(version)
    _require_status(version, VersionStatus.IN_REVIEW, action=_("sent back"))
    _back_to_draft(version)
    version.review_comment = comment
    version.save(update_fields=["status", "review_comment", "submitted_at"])
    event = event_record(
        actor=actor, action=audit_actions.VERSION_REQUEST_CHANGES, target=version, details={"comment": comment}
    )
    _announce_review_step(version, ReviewStep.CHANGES_REQUESTED, event, actor)
    return version


@transaction.atomic
def version_withdraw(*, version: CodeVersion, actor: Actor) -> CodeVersion:
    """Take a version back from review to draft, to change it before anyone approves it.

    Only one of its authors may; a reviewer sends it back with a comment instead.
    """
    require_permission(actor, "codes.change_codeversion")
    version = _lock(version)
    _require_status(version, VersionStatus.IN_REVIEW, action=_("withdrawn from review"))
    if not any(author.person.pk == actor.pk for author in version_authors(version)):
        raise DomainError(_("Only an author of this version can withdraw it from review."))
    _back_to_draft(version)
    version.save(update_fields=["status", "submitted_at"])
    event = event_record(actor=actor, action=audit_actions.VERSION_WITHDRAW, target=version)
    _announce_review_step(version, ReviewStep.WITHDRAWN, event, actor)
    return version


@transaction.atomic
def version_publish(
    *,
    version: CodeVersion,
    actor: Actor,
    effective_date: datetime.date,
    days_to_acknowledge: int,
    is_major: bool,
    departments: Iterable[Department] = (),
    applies_to_all_staff: bool = True,
) -> CodeVersion:
    """Publish an approved version: it freezes, the previous published version becomes superseded,
    and the document's next review date is set. The document row is locked, so two managers
    publishing at once end with exactly one published version."""
    require_permission(actor, "codes.publish_codeversion")
    departments = list(departments)
    if not applies_to_all_staff and not departments:
        raise DomainError(_("Choose at least one department, or publish to all staff."))
    if applies_to_all_staff and departments:
        raise DomainError(_("Publish either to all staff or to the chosen departments, not both."))
    if effective_date < timezone.localdate():
        raise DomainError(_("The effective date cannot be in the past."))
    document = CodeDocument.objects.select_for_update().get(pk=version.document_id)
    version = _lock(version)
    _require_status(version, VersionStatus.APPROVED, action=_("published"))

    document.versions.published().update(status=VersionStatus.SUPERSEDED)
    now = timezone.now()
    version.status = VersionStatus.PUBLISHED
    version.publisher_id = actor.pk
    version.published_at = now
    version.effective_date = effective_date
    version.days_to_acknowledge = days_to_acknowledge
    version.is_major = is_major
    version.applies_to_all_staff = applies_to_all_staff
    version.content_hash = content_hash(version)
    version.save()
    version.audience_departments.set([] if applies_to_all_staff else departments)
    _publish_approved_translations(version, actor)

    document.next_review_due = next_review_date(timezone.localdate(now), document.review_interval_months)
    document.save(update_fields=["next_review_due"])
    event_record(
        actor=actor,
        action=audit_actions.VERSION_PUBLISH,
        target=version,
        details={
            "number": version.number,
            "content_hash": version.content_hash,
            "effective_date": effective_date.isoformat(),
            "audience": "all" if applies_to_all_staff else sorted(d.code for d in departments),
            "days_to_acknowledge": days_to_acknowledge,
            "major": is_major,
        },
    )
    event_emit(type=EventType.VERSION_PUBLISHED, payload=webhook_payloads.version_published(version, departments))
    transaction.on_commit(lambda: version_published.send(sender=CodeVersion, version_id=version.pk))
    return version


# ---------------------------------------------------------------------------
# Translations
# ---------------------------------------------------------------------------

# A version can be translated until it leaves the record (a later version replaced it, or it was retired).
TRANSLATABLE_STATUSES = (
    VersionStatus.DRAFT,
    VersionStatus.IN_REVIEW,
    VersionStatus.APPROVED,
    VersionStatus.PUBLISHED,
)


def _require_translation_status(translation: VersionTranslation, *allowed: TranslationStatus, action: str) -> None:
    if translation.status not in allowed:
        raise DomainError(
            _("The %(language)s translation is %(status)s, so it cannot be %(action)s.")
            % {
                "language": translation.get_language_display(),
                "status": translation.get_status_display().lower(),
                "action": action,
            }
        )


def _lock_translation(translation: VersionTranslation) -> VersionTranslation:
    return VersionTranslation.objects.select_for_update().select_related("version").get(pk=translation.pk)


def _translated_by(translation: VersionTranslation, actor: Actor) -> None:
    """Remember that the actor wrote some of the translation: they can no longer approve it."""
    now = timezone.now()
    TranslationContribution.objects.bulk_create(
        [TranslationContribution(translation=translation, person=actor, first_at=now, last_at=now)],
        update_conflicts=True,
        unique_fields=["translation", "person"],
        update_fields=["last_at"],
    )


def _translation_event(translation: VersionTranslation, actor: Actor, action: AuditAction, **details: object) -> None:
    event_record(
        actor=actor, action=action, target=translation.version, details={"language": translation.language, **details}
    )


@transaction.atomic
def translation_start(*, version: CodeVersion, language: str, actor: Actor) -> VersionTranslation:
    """Start translating a version into one of the portal's other languages. The translation begins as a
    copy of the source text, every section marked as still to translate; the person who starts it is one
    of its translators (four eyes)."""
    require_permission(actor, "codes.add_versiontranslation")
    version = _lock(version)
    if version.status not in TRANSLATABLE_STATUSES:
        raise DomainError(
            _("Version %(number)s is %(status)s: it is no longer translated.")
            % {"number": version.number, "status": version.get_status_display().lower()}
        )
    languages = dict(settings.LANGUAGES)
    if language not in languages or language == version.language:
        raise DomainError(_("Choose one of the portal's languages other than the version's own."))
    if version.translations.filter(language=language).exists():
        raise DomainError(
            _("Version %(number)s already has a %(language)s translation.")
            % {"number": version.number, "language": languages[language]}
        )
    translation = VersionTranslation.objects.create(
        version=version, language=language, title=version.title, started_by=actor
    )
    _copy_missing_sections(translation)
    _translated_by(translation, actor)
    _translation_event(translation, actor, audit_actions.TRANSLATION_START)
    return translation


def _copy_missing_sections(translation: VersionTranslation) -> None:
    """Give the translation a row for each section of its version it has none for (a draft version may have
    gained sections since), holding the source text until someone translates it. One INSERT … SELECT."""
    missing = (
        Section.objects.filter(version_id=translation.version_id)
        .exclude(translations__translation=translation)
        .values_list("pk", "title", "body")
    )
    insert_from_query(
        SectionTranslation, missing, ["section", "title", "body"], translation=translation, translated=False
    )


@transaction.atomic
def translation_section_update(
    *, section_translation: SectionTranslation, actor: Actor, title: str, body: str
) -> SectionTranslation:
    """Save one section of a draft translation; it counts as translated from now on."""
    require_permission(actor, "codes.change_versiontranslation")
    translation = _lock_translation(section_translation.translation)
    _require_translation_status(translation, TranslationStatus.DRAFT, action=_("edited"))
    title = title.strip()
    if not title:
        raise InputRefused(_("Give the section a title."), field="title")
    section_translation = SectionTranslation.objects.get(pk=section_translation.pk)
    section_translation.title = title
    section_translation.body = body
    section_translation.translated = True
    section_translation.save(update_fields=["title", "body", "translated"])
    _translated_by(translation, actor)
    _translation_event(
        translation,
        actor,
        audit_actions.TRANSLATION_SECTION_UPDATE,
        section=str(section_translation.section.key),
        title=title,
    )
    return section_translation


@transaction.atomic
def translation_title_update(*, translation: VersionTranslation, actor: Actor, title: str) -> VersionTranslation:
    """Change the translated title of the version, while the translation is a draft."""
    require_permission(actor, "codes.change_versiontranslation")
    translation = _lock_translation(translation)
    _require_translation_status(translation, TranslationStatus.DRAFT, action=_("edited"))
    title = title.strip()
    if not title:
        raise InputRefused(_("Give the translation a title."), field="title")
    translation.title = title
    translation.save(update_fields=["title"])
    _translated_by(translation, actor)
    _translation_event(translation, actor, audit_actions.TRANSLATION_SECTION_UPDATE, title=title)
    return translation


def _require_settled_source(version: CodeVersion) -> None:
    """A translation is reviewed against the text people will read: its version approved or published (not
    still changing as a draft, nor replaced or retired)."""
    if version.status not in (VersionStatus.APPROVED, VersionStatus.PUBLISHED):
        raise DomainError(
            _(
                "Version %(number)s is %(status)s: its translation is reviewed once the version is approved, "
                "and no longer once it is replaced or retired."
            )
            % {"number": version.number, "status": version.get_status_display().lower()}
        )


@transaction.atomic
def translation_submit(*, translation: VersionTranslation, actor: Actor) -> VersionTranslation:
    """Send a draft translation for review: every section of the version translated, and the version's own
    text settled (approved or published), so that the reviewer compares it with the text that will be read."""
    require_permission(actor, "codes.change_versiontranslation")
    translation = _lock_translation(translation)
    _require_translation_status(translation, TranslationStatus.DRAFT, action=_("sent for review"))
    _require_settled_source(translation.version)
    untranslated = untranslated_sections(translation).count()
    if untranslated:
        raise DomainError(
            ngettext(
                "%(count)d section is still to translate.",
                "%(count)d sections are still to translate.",
                untranslated,
            )
            % {"count": untranslated}
        )
    translation.status = TranslationStatus.IN_REVIEW
    translation.submitted_at = timezone.now()
    translation.review_comment = ""
    translation.save(update_fields=["status", "submitted_at", "review_comment"])
    _translation_event(translation, actor, audit_actions.TRANSLATION_SUBMIT)
    return translation


def translation_approval_refusal(translation: VersionTranslation, actor: Actor) -> str:
    """Why the actor may not approve the translation, or "" when they may: four eyes, so nobody who wrote
    any of it (started it, or changed a section or its title)."""
    if translation.contributions.filter(person=actor).exists():
        return _("You translated some of this text, so someone else must approve it (four-eyes rule).")
    return ""


@transaction.atomic
def translation_approve(*, translation: VersionTranslation, actor: Actor) -> VersionTranslation:
    """Approve a translation in review, as someone who translated none of it. Approved, it is published with
    its version, or at once when the version is already published."""
    require_permission(actor, "codes.approve_versiontranslation")
    translation = _lock_translation(translation)
    _require_translation_status(translation, TranslationStatus.IN_REVIEW, action=_("approved"))
    _require_settled_source(translation.version)
    refusal = translation_approval_refusal(translation, actor)
    if refusal:
        raise DomainError(refusal)
    translation.status = TranslationStatus.APPROVED
    translation.approver = actor
    translation.approved_at = timezone.now()
    translation.save(update_fields=["status", "approver", "approved_at"])
    _translation_event(translation, actor, audit_actions.TRANSLATION_APPROVE)
    if translation.version.status == VersionStatus.PUBLISHED:
        _translation_publish(translation, actor)
    return translation


@transaction.atomic
def translation_request_changes(*, translation: VersionTranslation, actor: Actor, comment: str) -> VersionTranslation:
    """Send a translation in review back to its translators, with a comment they see."""
    require_permission(actor, "codes.approve_versiontranslation")
    comment = comment.strip()
    if not comment:
        raise InputRefused(_("Say what should change, so the translator knows what to do."), field="comment")
    translation = _lock_translation(translation)
    _require_translation_status(translation, TranslationStatus.IN_REVIEW, action=_("sent back"))
    translation.status = TranslationStatus.DRAFT
    translation.submitted_at = None
    translation.review_comment = comment
    translation.save(update_fields=["status", "submitted_at", "review_comment"])
    _translation_event(translation, actor, audit_actions.TRANSLATION_REQUEST_CHANGES, comment=comment)
    return translation


@transaction.atomic
def translation_discard(*, translation: VersionTranslation, actor: Actor) -> None:
    """Delete a translation that was never published (the audit log keeps that it existed)."""
    require_permission(actor, "codes.delete_versiontranslation")
    translation = _lock_translation(translation)
    _require_translation_status(
        translation, TranslationStatus.DRAFT, TranslationStatus.IN_REVIEW, action=_("discarded")
    )
    _translation_event(translation, actor, audit_actions.TRANSLATION_DISCARD)
    translation.delete()


def _translation_publish(translation: VersionTranslation, actor: Actor) -> None:
    """Freeze an approved translation of a published version, with the hash of its text."""
    translation.status = TranslationStatus.PUBLISHED
    translation.published_at = timezone.now()
    translation.content_hash = translation_content_hash(translation)
    translation.save(update_fields=["status", "published_at", "content_hash"])
    _translation_event(translation, actor, audit_actions.TRANSLATION_PUBLISH, content_hash=translation.content_hash)


def _publish_approved_translations(version: CodeVersion, actor: Actor) -> None:
    """Publish, together with their version, the translations approved before it was."""
    approved = version.translations.select_for_update().filter(status=TranslationStatus.APPROVED)
    for translation in approved:
        _translation_publish(translation, actor)


@transaction.atomic
def translation_import(
    *,
    translation: VersionTranslation,
    actor: Actor,
    title: str,
    sections: Sequence[tuple[str, str]],
    filename: str,
    section_keys: Sequence[str] | None = None,
) -> int:
    """Fill a draft translation from the (title, body) sections of an imported file, matched to the version's
    sections by order: the first with the first, and so on. Each matched section is translated from now on;
    the version's sections the file has none for keep their text, and the file's extra sections are left out.
    A non-blank `title` (the file's own title) becomes the translation's title. The importer is one of its
    translators (four eyes); one audit event names the file and how many sections it gave.

    `section_keys`: the keys of the version's sections, in order, that a preview showed the pairs against;
    refused when they are no longer the version's, since the pairs would not be those the person checked.
    Returns how many sections were matched."""
    require_permission(actor, "codes.change_versiontranslation")
    # The version before the translation, in the order of the services that change its sections (they lock it,
    # then write its translations' rows): its sections cannot change while they are paired.
    version = _lock(translation.version)
    translation = _lock_translation(translation)
    _require_translation_status(translation, TranslationStatus.DRAFT, action=_("imported into"))
    if not sections:
        raise DomainError(_("The file holds no sections to import."))
    source = list(sections_of(version).values_list("pk", "key"))
    if section_keys is not None and [str(key) for _pk, key in source] != list(section_keys):
        raise DomainError(
            _(
                "The version's sections changed since the preview (a section was added, removed or moved), so "
                "the pairs you checked are out of date. Nothing was imported: upload the file again."
            )
        )
    matched = list(zip((pk for pk, _key in source), sections, strict=False))
    for _pk, (section_title, body) in matched:
        limits.check_section_body(body, title=section_title)
    _copy_missing_sections(translation)
    matched_ids = [pk for pk, _section in matched]
    pairs = {pair.section_id: pair for pair in translation.sections.filter(section_id__in=matched_ids)}
    for section_id, (section_title, body) in matched:
        pair = pairs[section_id]
        pair.title, pair.body, pair.translated = section_title.strip()[:200], body, True
    SectionTranslation.objects.bulk_update(pairs.values(), ["title", "body", "translated"])
    title = title.strip()[:200]
    if title:
        translation.title = title
        translation.save(update_fields=["title"])
    _translated_by(translation, actor)
    _translation_event(
        translation,
        actor,
        audit_actions.TRANSLATION_IMPORT,
        filename=filename,
        matched=len(matched),
        file_sections=len(sections),
        version_sections=len(source),
    )
    return len(matched)

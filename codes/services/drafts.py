"""Drafts and their sections: started, imported, edited, discarded."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.actions import AuditAction
from audit.services import event_record
from common.errors import DomainError
from common.permissions import require_permission

from .. import audit_actions, limits
from ..diff import diff_summary
from ..importing.parser import ParsedSection
from ..models import (
    CodeDocument,
    CodeVersion,
    ComprehensionQuestion,
    Contribution,
    ContributionKind,
    QuestionOption,
    Section,
    SectionTranslation,
    VersionStatus,
)
from .base import Actor, _lock, _require_status
from .translations import _copy_missing_sections


def draft_create(*, document: CodeDocument, actor: Actor, title: str) -> CodeVersion:
    """The next version of the document, an empty draft: numbered after the highest, and refused while
    another version is in progress or the document is retired. The caller checks the permission."""
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
    draft = draft_create(document=document, actor=actor, title=published.title if published else document.title)
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
    draft = draft_create(document=document, actor=actor, title=document.title)
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


@transaction.atomic
def version_discard(*, version: CodeVersion, actor: Actor) -> None:
    """Throw away a draft that will not be published."""
    version = _editable(version, actor)
    event_record(actor=actor, action=audit_actions.VERSION_DISCARD, target=version, details={"number": version.number})
    version.delete()

"""Translations of a version: started, written, imported, reviewed and published with it."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.actions import AuditAction
from audit.services import event_record
from common.bulk import insert_from_query
from common.errors import DomainError, InputRefused
from common.permissions import require_permission

from .. import audit_actions, limits
from ..content import translation_content_hash
from ..models import (
    CodeVersion,
    Section,
    SectionTranslation,
    TranslationContribution,
    TranslationStatus,
    VersionStatus,
    VersionTranslation,
)
from ..selectors import sections_of, untranslated_sections
from .base import Actor, _lock

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

"""Reads for code document pages: what a person may see, already joined for the page."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from common.permissions import users_with_permission
from people.models import StaffProfile
from people.selectors import department_lineage

from .models import (
    FROZEN_STATUSES,
    REVIEW_SOON_DAYS,
    Approval,
    CodeDocument,
    CodeVersion,
    CodeVersionQuerySet,
    ComprehensionQuestion,
    Contribution,
    ContributionKind,
    Section,
    SectionCategory,
    SectionTranslation,
    TranslationContribution,
    TranslationStatus,
    VersionStatus,
    VersionTranslation,
)
from .signals import Consequence, retirement_consequences

Viewer = User | AnonymousUser


def can_see_drafts(user: Viewer) -> bool:
    return user.has_perm("codes.view_codeversion")


def applies_to_department(department_id: int | None) -> Q:
    """A filter on versions: those for all staff, and those for the department or a department above it."""
    return Q(applies_to_all_staff=True) | Q(audience_departments__in=department_lineage(department_id))


def versions_visible_to(user: Viewer) -> CodeVersionQuerySet:
    """All versions for those who review and audit them; otherwise the published versions that apply to the person."""
    versions = CodeVersion.objects.select_related("document", "author", "approver", "publisher")
    if can_see_drafts(user):
        return versions
    if isinstance(user, AnonymousUser):
        return versions.none()
    department_id = StaffProfile.objects.filter(user=user).values_list("department_id", flat=True).first()
    return versions.filter(Q(status=VersionStatus.PUBLISHED) & applies_to_department(department_id)).distinct()


def documents_visible_to(user: Viewer, *, review: str = "") -> QuerySet[CodeDocument]:
    """Documents with their published and in-progress version numbers, for the document list."""
    visible_versions = versions_visible_to(user).filter(document=OuterRef("pk"))
    documents = CodeDocument.objects.select_related("owner").annotate(
        published_number=Subquery(visible_versions.filter(status=VersionStatus.PUBLISHED).values("number")[:1]),
        in_progress_number=Subquery(visible_versions.in_progress().values("number")[:1]),
        in_progress_status=Subquery(visible_versions.in_progress().values("status")[:1]),
    )
    if not can_see_drafts(user):
        documents = documents.filter(published_number__isnull=False)
    if review == "due":
        documents = documents.filter(next_review_due__lte=review_soon_limit(), retired_at__isnull=True)
    return documents.order_by("title")


def review_soon_limit(today: datetime.date | None = None) -> datetime.date:
    return (today or timezone.localdate()) + datetime.timedelta(days=REVIEW_SOON_DAYS)


def document_list(*, owner_id: int | None = None) -> QuerySet[CodeDocument]:
    documents = CodeDocument.objects.select_related("owner")
    if owner_id is not None:
        documents = documents.filter(owner_id=owner_id)
    return documents


def version_history(user: Viewer, document: CodeDocument) -> QuerySet[CodeVersion]:
    return versions_visible_to(user).filter(document=document).order_by("-number")


def sections_of(version: CodeVersion) -> QuerySet[Section]:
    return version.sections.order_by("position")


def version_in_force(document: CodeDocument, *, on: datetime.date) -> CodeVersion | None:
    """The version of `document` whose text was in force on the day `on` (the organisation's calendar), or None.

    Of the versions ever published, the one with the latest effective date on or before that day: a new version
    takes over on its effective date (publishing sets it to the organisation's date or a later one), not when its
    predecessor was marked superseded. Nothing is in force before the first effective date, nor from the day the
    document was retired.
    """
    if document.retired_at is not None and timezone.localdate(document.retired_at) <= on:
        return None
    return (
        CodeVersion.objects.filter(document=document, status__in=FROZEN_STATUSES, effective_date__lte=on)
        .select_related("document")
        .order_by("-effective_date", "-number")
        .first()
    )


def versions_in_force_during(*, first_day: datetime.date, last_day: datetime.date) -> QuerySet[CodeVersion]:
    """The versions, of every document, that `version_in_force` gives for at least one day from `first_day` to
    `last_day`: in force from its effective date until the day a later version takes effect (a version that
    another replaces on its own effective date never is) or the document is retired."""
    replaced_on = (
        CodeVersion.objects.filter(document=OuterRef("document"), status__in=FROZEN_STATUSES)
        .filter(
            Q(effective_date__gt=OuterRef("effective_date"))
            | Q(effective_date=OuterRef("effective_date"), number__gt=OuterRef("number"))
        )
        .order_by("effective_date")
        .values("effective_date")[:1]
    )
    return (
        CodeVersion.objects.filter(status__in=FROZEN_STATUSES, effective_date__lte=last_day)
        .annotate(replaced_on=Subquery(replaced_on), retired_on=TruncDate("document__retired_at"))
        .filter(Q(replaced_on__isnull=True) | (Q(replaced_on__gt=first_day) & Q(replaced_on__gt=F("effective_date"))))
        .filter(Q(retired_on__isnull=True) | (Q(retired_on__gt=first_day) & Q(retired_on__gt=F("effective_date"))))
    )


def translations_of(version: CodeVersion) -> QuerySet[VersionTranslation]:
    return version.translations.select_related("started_by", "approver").order_by("language")


def published_translation(version: CodeVersion, language: str) -> VersionTranslation | None:
    """The version's published translation into `language`, if there is one."""
    return version.translations.filter(language=language, status=TranslationStatus.PUBLISHED).first()


def translation_pairs(translation: VersionTranslation) -> QuerySet[SectionTranslation]:
    """Each translated section with its source section, in the source's order: the side-by-side editor."""
    return translation.sections.select_related("section").order_by("section__position")


def _untranslated(translation_id: Any, version_id: Any) -> QuerySet[Section]:
    # The ids are values, or references to an outer query (translations_with_progress).
    translated = SectionTranslation.objects.filter(
        translation_id=translation_id, section=OuterRef("pk"), translated=True
    )
    return Section.objects.filter(version_id=version_id).exclude(Exists(translated))


def untranslated_sections(translation: VersionTranslation) -> QuerySet[Section]:
    """The version's sections the translation does not say yet: never saved by a translator since it was
    started, changed in the source since, or added to the source after the translation began."""
    return _untranslated(translation.pk, translation.version_id).order_by("position")


def translations_with_progress(version: CodeVersion) -> QuerySet[VersionTranslation]:
    """The version's translations, each with `untranslated_count`: how many of its `untranslated_sections`,
    counted by the database in the same query."""
    untranslated = (
        _untranslated(OuterRef(OuterRef("pk")), OuterRef("version_id"))
        .order_by()
        .values("version_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return translations_of(version).annotate(untranslated_count=Coalesce(Subquery(untranslated), 0))


# A translation's reviewer must also open its version's workflow: approving alone would be a task whose link
# refuses.
TRANSLATION_REVIEWER_PERMISSIONS = (
    "codes.approve_versiontranslation",
    "codes.view_versiontranslation",
    "codes.view_codeversion",
    "codes.view_codedocument",
)


def translations_awaiting_review_by(user: Viewer) -> QuerySet[VersionTranslation]:
    """The translations in review that `user` may approve, the longest waiting first: none for those who may
    not. The four-eyes rule of `services.translation_approval_refusal` as a filter: never one they translated
    any of (a TranslationContribution)."""
    if not user.has_perms(TRANSLATION_REVIEWER_PERMISSIONS):
        return VersionTranslation.objects.none()
    contributed = TranslationContribution.objects.filter(translation=OuterRef("pk"), person_id=user.pk)
    return (
        VersionTranslation.objects.filter(status=TranslationStatus.IN_REVIEW)
        .exclude(Exists(contributed))
        .select_related("version__document", "started_by")
        .order_by("submitted_at", "pk")
    )


def language_name(code: str) -> str:
    """A language's name, in the language the page is written in (the code itself for one the portal lacks)."""
    return str(dict(settings.LANGUAGES).get(code, code))


@dataclass
class TranslatedSection:
    """A section as a translation says it: the source section's identity, place and category, in the
    translation's words. Shaped like a Section, so the reader, the printout and the diff take either."""

    key: uuid.UUID
    position: int
    category: str
    title: str
    body: str

    def get_category_display(self) -> str:
        return str(SectionCategory(self.category).label)


@dataclass(frozen=True)
class VersionText:
    """A version's text in one language, as a person reads, prints or signs it: the version's own (the
    source), or one of its published translations; with the hash of exactly that text."""

    version: CodeVersion
    language: str
    title: str
    sections: Sequence[Section | TranslatedSection]
    content_hash: str
    translation: VersionTranslation | None = None

    @property
    def language_name(self) -> str:
        return language_name(self.language)


def source_text(version: CodeVersion) -> VersionText:
    """The version's own text, in its own language. One query (its sections)."""
    return VersionText(
        version=version,
        language=version.language,
        title=version.title,
        sections=list(sections_of(version)),
        content_hash=version.content_hash,
    )


def translation_text(translation: VersionTranslation) -> VersionText:
    """A translation's text, section by section in the source's order. One query, however many sections."""
    sections = [
        TranslatedSection(
            key=each.section.key,
            position=each.section.position,
            category=each.section.category,
            title=each.title,
            body=each.body,
        )
        for each in translation_pairs(translation)
    ]
    return VersionText(
        version=translation.version,
        language=translation.language,
        title=translation.title,
        sections=sections,
        content_hash=translation.content_hash,
        translation=translation,
    )


def version_text(version: CodeVersion, language: str | None = None) -> VersionText | None:
    """The version's text in `language`: its own when that is the version's language (or none is asked),
    else its published translation into it; None when it has none. Two queries at most, however many
    translations the version has."""
    if language is None or language == version.language:
        return source_text(version)
    translation = published_translation(version, language)
    return translation_text(translation) if translation is not None else None


@dataclass
class Author:
    """Someone who wrote part of a version: who started it, or changed its sections or details since."""

    person: User
    started: bool = False
    kinds: list[ContributionKind] = field(default_factory=list)


def version_authors(version: CodeVersion) -> list[Author]:
    """Everyone who contributed to the version's text or details, the person who started it first (one query)."""
    authors = {version.author_id: Author(person=version.author, started=True)}
    for contribution in Contribution.objects.filter(version=version).select_related("person"):
        author = authors.setdefault(contribution.person_id, Author(person=contribution.person))
        author.kinds.append(ContributionKind(contribution.kind))
    return list(authors.values())


# A reviewer must also open the version and its document: approving alone would earn an email whose link 404s.
REVIEWER_PERMISSIONS = ("codes.approve_codeversion", "codes.view_codeversion", "codes.view_codedocument")


def may_review(user: Viewer) -> bool:
    return user.has_perms(REVIEWER_PERMISSIONS)


def reviewers() -> QuerySet[User]:
    """The active people for whom `may_review` is true, as one query."""
    people = User.objects.filter(is_active=True)
    for permission in REVIEWER_PERMISSIONS:
        people = people.filter(pk__in=users_with_permission(permission).values("pk"))
    return people


def approvers_of(version: CodeVersion) -> QuerySet[User]:
    """The reviewers who may approve the version: none of its authors (the four-eyes rule of
    services.approval_refusal)."""
    authors = [author.person.pk for author in version_authors(version)]
    return reviewers().exclude(pk__in=authors)


def version_approvals(version: CodeVersion) -> list[Approval]:
    """The approvals of the version's current review round, first first (one query)."""
    return list(Approval.objects.filter(version=version).select_related("approver"))


def versions_awaiting_review_by(user: Viewer) -> CodeVersionQuerySet:
    """The versions in review that `user` may approve, the longest waiting first: none for those who may not
    review (`may_review`). The four-eyes rule of `services.approval_refusal` as a filter: never a version
    they started, changed (a contribution) or approved already in this round."""
    if not may_review(user):
        return CodeVersion.objects.none()
    return (
        versions_visible_to(user)
        .filter(status=VersionStatus.IN_REVIEW)
        .exclude(author_id=user.pk)
        .exclude(pk__in=Contribution.objects.filter(person_id=user.pk).values("version_id"))
        .exclude(pk__in=Approval.objects.filter(approver_id=user.pk).values("version_id"))
        .order_by("submitted_at", "pk")
    )


def versions_awaiting_publication_by(user: Viewer) -> CodeVersionQuerySet:
    """The approved versions `user` may publish, the longest waiting first (none for those who may not)."""
    if not (can_see_drafts(user) and user.has_perm("codes.publish_codeversion")):
        return CodeVersion.objects.none()
    return versions_visible_to(user).filter(status=VersionStatus.APPROVED).order_by("approved_at", "pk")


def published_document_count() -> int:
    return CodeVersion.objects.published().count()


def retirement_consequences_of(document: CodeDocument) -> list[Consequence]:
    """What retiring the document would do, as the apps that build on codes tell it."""
    answers: list[tuple[object, object]] = list(
        retirement_consequences.send(sender=CodeDocument, document_id=document.pk)
    )
    return [answer for _receiver, answer in answers if isinstance(answer, Consequence)]


def comprehension_questions(version: CodeVersion) -> list[ComprehensionQuestion]:
    """The version's comprehension questions in reading order, each with its section and answers (two queries)."""
    return list(
        ComprehensionQuestion.objects.filter(section__version=version)
        .select_related("section")
        .prefetch_related("options")
        .order_by("section__position", "position")
    )

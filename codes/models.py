from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.errors import DomainError


class FrozenVersionError(DomainError):
    """Raised by every path that would change the text of a version that is no longer a draft."""


class SectionCategory(models.TextChoices):
    PROFESSIONALISM = "professionalism", _("Professionalism")
    INTEGRITY = "integrity", _("Integrity and honesty")
    RESPONSIVENESS = "responsiveness", _("Responsiveness")
    PRIVACY = "privacy", _("Privacy and confidentiality")
    FAIRNESS = "fairness", _("Fairness and non-discrimination")
    CONFLICT_RESOLUTION = "conflict_resolution", _("Conflict resolution")
    PRODUCT_KNOWLEDGE = "product_knowledge", _("Product and service knowledge")
    COMMUNICATION = "communication", _("Communication standards")
    CONTINUOUS_IMPROVEMENT = "continuous_improvement", _("Continuous improvement")
    ACCOUNTABILITY = "accountability", _("Accountability")
    ETHICS = "ethics", _("Ethical guidelines")
    BEHAVIOUR = "behaviour", _("Behavioural expectations")
    SERVICE_DELIVERY = "service_delivery", _("Service delivery")
    COMPLAINT_HANDLING = "complaint_handling", _("Complaint handling")
    TRAINING = "training", _("Training and development")
    PERFORMANCE = "performance", _("Performance metrics")
    OTHER = "other", _("Other")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")
    RETIRED = "retired", _("Retired")


# Documents whose review falls within this many days are "due soon".
REVIEW_SOON_DAYS = 30

# A version in one of these states keeps its text for ever.
FROZEN_STATUSES = (VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED, VersionStatus.RETIRED)
# At most one version of a document may be on its way to publication.
IN_PROGRESS_STATUSES = (VersionStatus.DRAFT, VersionStatus.IN_REVIEW, VersionStatus.APPROVED)


class CodeDocumentQuerySet(models.QuerySet["CodeDocument"]):
    def active(self) -> CodeDocumentQuerySet:
        return self.filter(retired_at__isnull=True)


class CodeDocument(models.Model):
    """A code of conduct, kept under review. Its text lives in its versions."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    summary = models.TextField(_("summary"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="owned_documents"
    )
    review_interval_months = models.PositiveSmallIntegerField(
        _("review interval (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("How often the document must be reviewed to stay relevant."),
    )
    next_review_due = models.DateField(_("next review due"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)
    retired_reason = models.TextField(_("why it was retired"), blank=True)

    objects = CodeDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("code document")
        verbose_name_plural = _("code documents")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(review_interval_months__gte=1),
                name="codes_codedocument_review_interval_positive",
            ),
        ]
        permissions = [("retire_codedocument", _("Can retire a code document"))]

    def __str__(self) -> str:
        return self.title

    @property
    def review_status(self) -> str:
        """ "overdue", "due_soon" (within REVIEW_SOON_DAYS) or "" for a document under review."""
        if self.next_review_due is None or self.retired_at is not None:
            return ""
        today = timezone.localdate()
        if self.next_review_due < today:
            return "overdue"
        if self.next_review_due <= today + datetime.timedelta(days=REVIEW_SOON_DAYS):
            return "due_soon"
        return ""


# What a published version keeps for ever besides its sections (and its status among the frozen ones).
FROZEN_VERSION_FIELDS = (
    "title",
    "content_hash",
    "language",
    "pass_mark",
    "requires_pass",
    "requires_every_section_displayed",
)


class CodeVersionQuerySet(models.QuerySet["CodeVersion"]):
    def published(self) -> CodeVersionQuerySet:
        return self.filter(status=VersionStatus.PUBLISHED)

    def in_progress(self) -> CodeVersionQuerySet:
        return self.filter(status__in=IN_PROGRESS_STATUSES)


class CodeVersion(models.Model):
    document = models.ForeignKey(
        CodeDocument, verbose_name=_("document"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    change_summary = models.TextField(_("summary of changes"), blank=True)
    # Chosen on the draft and frozen with its text: the reader's reports (acknowledgements.SectionReading) must
    # show every section on screen before the version can be signed.
    requires_every_section_displayed = models.BooleanField(
        _("every section must be displayed before signing"),
        default=False,
        help_text=_(
            "Signing is refused until each section has been on the person's screen; their browser reports it "
            "as they scroll, so it needs JavaScript."
        ),
    )
    is_major = models.BooleanField(
        _("major change"),
        default=True,
        help_text=_("A major change asks everyone to acknowledge again; a minor one does not."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="authored_versions"
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approver"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approved_versions",
    )
    publisher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="published_versions",
    )
    review_comment = models.TextField(_("changes requested"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    effective_date = models.DateField(_("effective from"), null=True, blank=True)
    applies_to_all_staff = models.BooleanField(_("applies to all staff"), default=True)
    audience_departments = models.ManyToManyField(
        "people.Department",
        verbose_name=_("departments"),
        blank=True,
        related_name="code_versions",
        help_text=_("Sub-departments are included."),
    )
    days_to_acknowledge = models.PositiveSmallIntegerField(
        _("days to acknowledge"), default=14, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64, blank=True)
    # The language the version is written in; its translations (VersionTranslation) are into the others.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    # The comprehension check of the version's questions (ComprehensionQuestion): the share of right answers
    # that passes, and whether a pass must come before the signature. Frozen with the text.
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (percent)"), default=80, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    requires_pass = models.BooleanField(
        _("passing the check is required before signing"),
        default=False,
        help_text=_("When set, a person signs only after answering enough questions right."),
    )

    objects = CodeVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("code version")
        verbose_name_plural = _("code versions")
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="codes_codeversion_unique_number"),
            models.UniqueConstraint(
                fields=["document"],
                condition=models.Q(status=VersionStatus.PUBLISHED),
                name="codes_codeversion_one_published_per_document",
            ),
            models.UniqueConstraint(
                fields=["document"],
                condition=models.Q(status__in=IN_PROGRESS_STATUSES),
                name="codes_codeversion_one_in_progress_per_document",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=FROZEN_STATUSES, published_at__isnull=False)
                | ~models.Q(status__in=FROZEN_STATUSES),
                name="codes_codeversion_frozen_has_publication_date",
            ),
        ]
        permissions = [
            ("approve_codeversion", _("Can approve a version someone else wrote")),
            ("publish_codeversion", _("Can publish an approved version")),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            stored = CodeVersion.objects.filter(pk=self.pk).values("status", *FROZEN_VERSION_FIELDS).first()
            if stored and stored["status"] in FROZEN_STATUSES:
                changed = {field for field in FROZEN_VERSION_FIELDS if stored[field] != getattr(self, field)}
                leaving_frozen = self.status not in FROZEN_STATUSES
                if changed or leaving_frozen:
                    raise FrozenVersionError(
                        _("Version %(number)s is published: its text can never change. Start a new draft instead.")
                        % {"number": self.number}
                    )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.is_frozen:
            raise FrozenVersionError(
                _("Version %(number)s is published: it is part of the record and cannot be deleted.")
                % {"number": self.number}
            )
        return super().delete(*args, **kwargs)

    @property
    def is_frozen(self) -> bool:
        return self.status in FROZEN_STATUSES

    @property
    def is_editable(self) -> bool:
        return self.status == VersionStatus.DRAFT

    @property
    def acknowledge_by(self) -> datetime.date | None:
        """The deadline of the audience asked at publication: the organisation's date of publication plus the days."""
        if self.published_at is None:
            return None
        return timezone.localdate(self.published_at) + datetime.timedelta(days=self.days_to_acknowledge)


class Approval(models.Model):
    """One reviewer's approval of a version in review. With CODES_REQUIRED_APPROVALS above one, the
    version is approved once that many different people who wrote none of it have approved it.

    The approvals of a review round are removed when the version goes back to draft (its text may
    change); the audit log keeps every one.
    """

    version = models.ForeignKey(
        CodeVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="approvals"
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approver"), on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), default=timezone.now)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["version", "approved_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "approver"], name="codes_approval_unique_approver"),
        ]

    def __str__(self) -> str:
        return f"{self.version} · {self.approver}"


class ContributionKind(models.TextChoices):
    TEXT = "text", _("edited the sections")
    DETAILS = "details", _("edited the title or summary")


class Contribution(models.Model):
    """Someone changed a version's text or details while it was in progress.

    One row per person and kind of change, however many edits: the audit log keeps each
    edit. The four-eyes rule reads these rows, so whoever wrote any of the text (not only
    the person who started the draft) cannot approve it.
    """

    version = models.ForeignKey(
        CodeVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="contributions"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ContributionKind.choices)
    first_at = models.DateTimeField(_("first change"))
    last_at = models.DateTimeField(_("last change"))

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["version", "first_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "person", "kind"], name="codes_contribution_unique_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.version} · {self.person} · {self.kind}"


def _refuse_frozen(owner_ids: Any) -> None:
    frozen = CodeVersion.objects.filter(pk__in=owner_ids).exclude(status=VersionStatus.DRAFT).first()
    if frozen is not None:
        raise FrozenVersionError(
            _("Version %(number)s is not a draft (%(status)s): its sections cannot change.")
            % {"number": frozen.number, "status": frozen.get_status_display()}
        )


class FrozenGuardQuerySet(models.QuerySet[Any]):
    """Bulk writes are refused, like single ones, when they touch a row whose owner is frozen: a version that is
    not a draft (the default) or a published translation. `owner_path` leads from a row to its owner's id,
    `owners_of` finds the owners of rows not saved yet, and `refuse` raises when one of them is frozen."""

    owner_path = "version_id"
    refuse = staticmethod(_refuse_frozen)

    def owners_of(self, objs: Any) -> Any:
        return {getattr(obj, self.owner_path) for obj in objs}

    def update(self, **kwargs: Any) -> int:
        self.refuse(self.values(self.owner_path))
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self.refuse(self.values(self.owner_path))
        return super().delete()

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        objs = list(objs)
        self.refuse(self.owners_of(objs))
        return super().bulk_update(objs, fields, batch_size=batch_size)

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Any]:
        objs = list(objs)
        self.refuse(self.owners_of(objs))
        return super().bulk_create(objs, *args, **kwargs)


class Section(models.Model):
    version = models.ForeignKey(
        CodeVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="sections"
    )
    # The same section keeps its key from version to version, so a diff can tell
    # a moved or renamed section from a new one.
    key = models.UUIDField(_("section identity"), default=uuid.uuid4, editable=False)
    position = models.PositiveIntegerField(_("position"))
    category = models.CharField(
        _("category"), max_length=32, choices=SectionCategory.choices, default=SectionCategory.OTHER
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text (Markdown)"), blank=True)

    objects = FrozenGuardQuerySet.as_manager()

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="codes_section_unique_position"),
            models.UniqueConstraint(fields=["version", "key"], name="codes_section_unique_key"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        _refuse_frozen([self.version_id])
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        _refuse_frozen([self.version_id])
        return super().delete(*args, **kwargs)


# ---------------------------------------------------------------------------
# Comprehension questions of a version, on its sections
# ---------------------------------------------------------------------------


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("One right answer")
    MULTIPLE = "multiple", _("Several right answers")


class ComprehensionQuestionQuerySet(FrozenGuardQuerySet):
    owner_path = "section__version_id"

    def owners_of(self, objs: Any) -> Any:
        return Section.objects.filter(pk__in={obj.section_id for obj in objs}).values("version_id")


class ComprehensionQuestion(models.Model):
    """A question on one section of a version, asked after reading it. Part of what the reviewer approves, and
    frozen with the version. Not part of the version's content hash: the hashes of the versions already
    published stay what they were."""

    section = models.ForeignKey(
        Section, verbose_name=_("section"), on_delete=models.CASCADE, related_name="comprehension_questions"
    )
    position = models.PositiveIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=16, choices=QuestionKind.choices, default=QuestionKind.SINGLE)
    text = models.TextField(_("question"))
    explanation = models.TextField(_("explanation shown after answering"), blank=True)

    objects = ComprehensionQuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("comprehension question")
        verbose_name_plural = _("comprehension questions")
        ordering = ["section", "position"]
        constraints = [
            models.UniqueConstraint(fields=["section", "position"], name="codes_comprehensionquestion_unique_position"),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def save(self, *args: Any, **kwargs: Any) -> None:
        _refuse_frozen(ComprehensionQuestion.objects.owners_of([self]))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        _refuse_frozen(ComprehensionQuestion.objects.owners_of([self]))
        return super().delete(*args, **kwargs)


class QuestionOptionQuerySet(FrozenGuardQuerySet):
    owner_path = "question__section__version_id"

    def owners_of(self, objs: Any) -> Any:
        return ComprehensionQuestion.objects.filter(pk__in={obj.question_id for obj in objs}).values(
            "section__version_id"
        )


class QuestionOption(models.Model):
    """One answer offered to a question, right or wrong."""

    question = models.ForeignKey(
        ComprehensionQuestion, verbose_name=_("question"), on_delete=models.CASCADE, related_name="options"
    )
    position = models.PositiveIntegerField(_("position"))
    text = models.CharField(_("answer"), max_length=500)
    is_correct = models.BooleanField(_("right answer"), default=False)

    objects = QuestionOptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "position"], name="codes_questionoption_unique_position"),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def save(self, *args: Any, **kwargs: Any) -> None:
        _refuse_frozen(QuestionOption.objects.owners_of([self]))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        _refuse_frozen(QuestionOption.objects.owners_of([self]))
        return super().delete(*args, **kwargs)


# ---------------------------------------------------------------------------
# Translations of a version
# ---------------------------------------------------------------------------


class TranslationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")


class FrozenTranslationError(DomainError):
    """Raised by every path that would change the text of a published translation."""


class VersionTranslation(models.Model):
    """A version's text in another of the portal's languages: the same sections, in the same order, with
    translated titles and bodies (SectionTranslation).

    It is drafted (from the source text, or imported), reviewed and approved by someone who translated
    none of it (four eyes: TranslationContribution), and published after its version or together with
    it. Published, it is frozen and carries its own content hash (codes.content), which a signature of
    someone who read it records.
    """

    version = models.ForeignKey(
        CodeVersion, verbose_name=_("version"), on_delete=models.PROTECT, related_name="translations"
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=16, choices=TranslationStatus.choices, default=TranslationStatus.DRAFT
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.PROTECT, related_name="+"
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    review_comment = models.TextField(_("changes requested"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        ordering = ["version", "language"]
        constraints = [
            models.UniqueConstraint(fields=["version", "language"], name="codes_translation_one_per_language"),
            models.CheckConstraint(
                condition=~models.Q(status=TranslationStatus.PUBLISHED)
                | models.Q(published_at__isnull=False, content_hash__regex=r"^[0-9a-f]{64}$"),
                name="codes_translation_published_has_hash",
            ),
        ]
        permissions = [("approve_versiontranslation", _("Can approve a translation someone else made"))]

    def __str__(self) -> str:
        return f"{self.version} ({self.language})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            stored = VersionTranslation.objects.filter(pk=self.pk).values("status", "title", "content_hash").first()
            if stored and stored["status"] == TranslationStatus.PUBLISHED:
                changed = {
                    field for field in ("status", "title", "content_hash") if stored[field] != getattr(self, field)
                }
                if changed:
                    raise FrozenTranslationError(str(_("This translation is published: its text can never change.")))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.is_frozen:
            raise FrozenTranslationError(str(_("This translation is published: it is part of the record.")))
        return super().delete(*args, **kwargs)

    @property
    def is_frozen(self) -> bool:
        return self.status == TranslationStatus.PUBLISHED

    @property
    def is_editable(self) -> bool:
        return self.status == TranslationStatus.DRAFT


def _refuse_frozen_translations(owner_ids: Any) -> None:
    if VersionTranslation.objects.filter(pk__in=owner_ids, status=TranslationStatus.PUBLISHED).exists():
        raise FrozenTranslationError(str(_("This translation is published: its text can never change.")))


class SectionTranslationQuerySet(FrozenGuardQuerySet):
    owner_path = "translation_id"
    refuse = staticmethod(_refuse_frozen_translations)


class SectionTranslation(models.Model):
    """One section of a translation: the source section it translates (its identity and place), and its
    title and body in the translation's language. `translated` is false while it still holds the source
    text it was started from: the editor lists those as still to translate."""

    translation = models.ForeignKey(
        VersionTranslation, verbose_name=_("translation"), on_delete=models.CASCADE, related_name="sections"
    )
    section = models.ForeignKey(
        Section, verbose_name=_("source section"), on_delete=models.CASCADE, related_name="translations"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text (Markdown)"), blank=True)
    translated = models.BooleanField(_("translated"), default=False)

    objects = SectionTranslationQuerySet.as_manager()

    class Meta:
        verbose_name = _("translated section")
        verbose_name_plural = _("translated sections")
        ordering = ["translation", "section__position"]
        constraints = [
            models.UniqueConstraint(fields=["translation", "section"], name="codes_sectiontranslation_unique"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        _refuse_frozen_translations([self.translation_id])
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        _refuse_frozen_translations([self.translation_id])
        return super().delete(*args, **kwargs)


class TranslationContribution(models.Model):
    """Someone changed a translation's text while it was in progress: they can no longer approve it
    (four eyes). One row per person, however many edits; the audit log keeps each edit."""

    translation = models.ForeignKey(
        VersionTranslation, verbose_name=_("translation"), on_delete=models.CASCADE, related_name="contributions"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    first_at = models.DateTimeField(_("first change"))
    last_at = models.DateTimeField(_("last change"))

    class Meta:
        verbose_name = _("translation contribution")
        verbose_name_plural = _("translation contributions")
        ordering = ["translation", "first_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["translation", "person"], name="codes_translationcontribution_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.translation} · {self.person}"


class CodeTemplate(models.Model):
    """A starting point for a new document: titled sections with their categories, in one language.

    Built-in templates come from the files in codes/templates_library/builtin/ and are loaded again
    after every `migrate` (so they follow the files); an administrator can save any published version
    as a template of the organisation's own. Sections are a JSON list of {"category", "title", "body"}:
    a template is never read, signed or compared, only copied into a new draft's sections.
    """

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    sections = models.JSONField(_("sections"), default=list)
    # The file a built-in template comes from; empty for a template saved from a version.
    builtin_key = models.SlugField(_("built-in template"), max_length=80, blank=True)
    source_version = models.ForeignKey(
        CodeVersion,
        verbose_name=_("saved from version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("code template")
        verbose_name_plural = _("code templates")
        ordering = ["name", "language", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["builtin_key", "language"],
                condition=~models.Q(builtin_key=""),
                name="codes_codetemplate_one_builtin_per_language",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"

    @property
    def is_builtin(self) -> bool:
        return bool(self.builtin_key)

    @property
    def section_count(self) -> int:
        return len(self.sections)

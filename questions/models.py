"""A reader's question about one section of a published version, answered privately and, where the answer
helps everyone, published as a frequently asked question under that section."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from codes.models import CodeVersion, Section


class QuestionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")


class QuestionQuerySet(models.QuerySet["Question"]):
    def open(self) -> QuestionQuerySet:
        return self.filter(status=QuestionStatus.OPEN)

    def faqs(self) -> QuestionQuerySet:
        return self.filter(status=QuestionStatus.ANSWERED, is_faq=True)


class Question(models.Model):
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked by"), on_delete=models.PROTECT, related_name="questions"
    )
    version = models.ForeignKey(
        CodeVersion, verbose_name=_("version"), on_delete=models.PROTECT, related_name="questions"
    )
    section = models.ForeignKey(Section, verbose_name=_("section"), on_delete=models.PROTECT, related_name="questions")
    text = models.TextField(_("question"), max_length=2000)
    # "asked" is also a request's field; Romanian agrees the participle with the noun (a question is "pusă").
    asked_at = models.DateTimeField(pgettext_lazy("question", "asked"), default=timezone.now)
    status = models.CharField(_("status"), max_length=16, choices=QuestionStatus.choices, default=QuestionStatus.OPEN)
    answer = models.TextField(_("answer"), max_length=4000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="answered_questions",
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    is_faq = models.BooleanField(_("published as a frequently asked question"), default=False)
    consider_in_next_version = models.BooleanField(_("to consider in the next version"), default=False)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["asked_at", "pk"]
        permissions = [("answer_question", _("Answers the questions readers ask about a code"))]
        constraints = [
            # An answered question carries its answer, who gave it and when; an open one none of them.
            models.CheckConstraint(
                condition=(
                    Q(status=QuestionStatus.OPEN, answered_at__isnull=True, answered_by__isnull=True)
                    | Q(status=QuestionStatus.ANSWERED, answered_at__isnull=False, answered_by__isnull=False)
                    & ~Q(answer="")
                ),
                name="questions_question_answer_matches_status",
            ),
            # Only an answer can be published, or kept for the next version.
            models.CheckConstraint(
                condition=Q(status=QuestionStatus.ANSWERED) | Q(is_faq=False, consider_in_next_version=False),
                name="questions_question_only_answered_published",
            ),
        ]
        indexes = [
            # My tasks counts the open questions.
            models.Index(fields=["asked_at"], condition=Q(status="open"), name="questions_open_idx"),
            models.Index(fields=["version", "section"], condition=Q(is_faq=True), name="questions_faq_idx"),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def age_days(self) -> int:
        """Calendar days since it was asked, in the organisation's time zone."""
        return (timezone.localdate() - timezone.localdate(self.asked_at)).days

    @property
    def is_overdue(self) -> bool:
        return self.status == QuestionStatus.OPEN and self.age_days > settings.QUESTIONS_RESPONSE_DAYS

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class CodeDocument(models.Model):
    """A code of conduct, kept under review. Its text lives in versions (a later model)."""

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

    def __str__(self) -> str:
        return self.title

"""A case for a breach of the code: who, on which day, what happened, the clause breached (the section of the
version in force that day) and what followed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from common.errors import DomainError


class Outcome(models.TextChoices):
    PENDING = "pending", _("Not decided yet")
    NO_ACTION = "no_action", _("No action")
    COACHING = "coaching", _("Coaching")
    RETRAINING = "retraining", _("Retraining")
    DISCIPLINARY = "disciplinary", pgettext_lazy("breach outcome", "Disciplinary referral")


# The badge colour of each outcome.
OUTCOME_TONES = {
    Outcome.PENDING: "text-bg-warning",
    Outcome.NO_ACTION: "text-bg-secondary",
    Outcome.COACHING: "text-bg-info",
    Outcome.RETRAINING: "text-bg-primary",
    Outcome.DISCIPLINARY: "text-bg-danger",
}


# What a case records once; the rest is its outcome. PostgreSQL enforces it too (migration cases 0003), where the
# description may also change by a leaver's pseudonym replacing their name (privacy rewrites it with an update).
FACT_COLUMNS = ("person_id", "occurred_on", "section_id", "description", "recorded_by_id", "recorded_at")
OUTCOME_FIELDS = frozenset({"outcome", "outcome_note", "assignment", "outcome_changed_at"})


class CaseFactsError(DomainError):
    pass


def _refuse_change() -> None:
    raise CaseFactsError(
        gettext("The facts of a breach case are recorded once: they can never be changed, nor the case deleted.")
    )


class CaseQuerySet(models.QuerySet["Case"]):
    def delete(self) -> tuple[int, dict[str, int]]:
        _refuse_change()
        return 0, {}


class Case(models.Model):
    """The facts of a case (person, day, clause, description) are recorded once; its outcome is decided and may be
    changed later, each change an audit event naming the outcome before and after."""

    person = models.ForeignKey(
        "people.StaffProfile", verbose_name=_("person"), on_delete=models.PROTECT, related_name="breach_cases"
    )
    occurred_on = models.DateField(_("date of the breach"))
    # A section row of a published version: frozen text, so the case quotes the clause as it read that day.
    section = models.ForeignKey(
        "codes.Section", verbose_name=_("clause breached"), on_delete=models.PROTECT, related_name="breach_cases"
    )
    description = models.TextField(_("what happened"), max_length=4000)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_note = models.TextField(_("note on the outcome"), max_length=4000, blank=True)
    # The retraining this case assigned, kept when the outcome changes later (the assignment has its own life).
    assignment = models.ForeignKey(
        "training.Assignment",
        verbose_name=_("retraining assigned"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="breach_cases",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("breach case", "recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(pgettext_lazy("breach case", "recorded"), default=timezone.now)
    outcome_changed_at = models.DateTimeField(_("outcome decided"), null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("breach case")
        verbose_name_plural = _("breach cases")
        ordering = ["-occurred_on", "-pk"]
        constraints = [
            # A retraining outcome names the assignment it made.
            models.CheckConstraint(
                condition=~Q(outcome=Outcome.RETRAINING) | Q(assignment__isnull=False),
                name="cases_case_retraining_has_assignment",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "-occurred_on"], name="cases_case_person_idx"),
            models.Index(fields=["occurred_on"], name="cases_case_date_idx"),
        ]

    def __str__(self) -> str:
        return gettext("Case %(number)s") % {"number": self.pk}

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        outcome_only = update_fields is not None and OUTCOME_FIELDS.issuperset(update_fields)
        if self.pk is not None and not outcome_only:
            stored = Case.objects.filter(pk=self.pk).values(*FACT_COLUMNS).first()
            if stored is not None and any(stored[fact] != getattr(self, fact) for fact in FACT_COLUMNS):
                _refuse_change()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        _refuse_change()
        return 0, {}

    @property
    def outcome_tone(self) -> str:
        return OUTCOME_TONES[Outcome(self.outcome)]

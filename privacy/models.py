from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class LegalHoldQuerySet(models.QuerySet["LegalHold"]):
    def active(self) -> LegalHoldQuerySet:
        return self.filter(released_at__isnull=True)


class LegalHold(models.Model):
    """Keeps a person's personal data as it is, whatever its retention says, until released: a dispute, an
    investigation or a court order (on the person, or on a breach case about them) needs the records to name who
    they name. Placed and released with a reason, both audited; a released hold stays as the record that it was
    held."""

    person = models.ForeignKey(
        "people.StaffProfile", verbose_name=_("person"), on_delete=models.PROTECT, related_name="legal_holds"
    )
    # A hold on a breach case holds the person the case is about (`person`, taken from the case) for as long as
    # the case needs them named; empty for a hold on the person themselves.
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("breach case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="legal_holds",
    )
    reason = models.TextField(_("reason"), max_length=2000)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("placed by"), on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(_("placed"))
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("released by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    released_at = models.DateTimeField(_("released"), null=True, blank=True)
    release_reason = models.TextField(_("reason for the release"), max_length=2000, blank=True)

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        ordering = ["-placed_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="privacy_legalhold_has_reason"),
            models.CheckConstraint(
                condition=Q(released_at__isnull=True, released_by__isnull=True, release_reason="")
                | (Q(released_at__isnull=False, released_by__isnull=False) & ~Q(release_reason="")),
                name="privacy_legalhold_release_complete",
            ),
            # One hold in force on a person, and one on a case, is enough; a second would be released apart.
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(released_at__isnull=True, case__isnull=True),
                name="privacy_legalhold_one_active",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(released_at__isnull=True, case__isnull=False),
                name="privacy_legalhold_one_active_per_case",
            ),
        ]
        permissions = [("manage_legal_holds", _("Can place and release legal holds"))]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.placed_at:%Y-%m-%d}"

    @property
    def is_active(self) -> bool:
        return self.released_at is None


class Pseudonymisation(models.Model):
    """That a leaver's personal data was replaced by a pseudonym, and when: the sweep's ledger (a person is
    pseudonymised once) and, with the audit event, the proof that it was done."""

    person = models.OneToOneField(
        "people.StaffProfile", verbose_name=_("person"), on_delete=models.PROTECT, related_name="pseudonymisation"
    )
    pseudonym = models.CharField(_("pseudonym"), max_length=64, unique=True)
    performed_at = models.DateTimeField(_("performed"))

    class Meta:
        verbose_name = _("pseudonymisation")
        verbose_name_plural = _("pseudonymisations")
        ordering = ["-performed_at", "-pk"]

    def __str__(self) -> str:
        return self.pseudonym

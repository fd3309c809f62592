"""An evidence pack: everything an auditor needs to check a period's acknowledgements, in one ZIP file."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.errors import DomainError


class PackStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be built")
    BUILDING = "building", _("Being built")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class EvidencePack(models.Model):
    """A pack asked for by compliance: a period (dates in the organisation's time zone) and a scope
    (documents and departments; none chosen means all), built by a Celery task into a ZIP file.

    Once ready the row is recorded proof of what was handed out (who, when, which scope, the file's
    SHA-256): it never changes again (a PostgreSQL trigger refuses it, see migration 0002)."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    documents = models.ManyToManyField("codes.CodeDocument", verbose_name=_("documents"), blank=True, related_name="+")
    departments = models.ManyToManyField(
        "people.Department", verbose_name=_("departments"), blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=16, choices=PackStatus.choices, default=PackStatus.QUEUED)
    # Steps of the build done so far, out of `total` (a step: a version's files, or a batch of rows).
    done = models.PositiveIntegerField(_("steps done"), default=0)
    total = models.PositiveIntegerField(_("steps"), default=0)
    # Who is building it (a token per claim) and when they last moved it on: a worker that died leaves the
    # pack building, and once it has not moved for a while another delivery of the task may take it over.
    build_token = models.CharField(_("build"), max_length=32, blank=True)
    progress_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    signatures = models.PositiveBigIntegerField(_("signatures"), default=0)
    # The chain head the pack ends with: a checkpoint written when it was built.
    checkpoint = models.ForeignKey(
        "acknowledgements.SignatureCheckpoint",
        verbose_name=_("chain head"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    file_name = models.CharField(_("file"), max_length=255, blank=True)  # in settings.EVIDENCE_PACK_DIR
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    manifest_sha256 = models.CharField(_("SHA-256 of manifest.json"), max_length=64, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("evidence pack")
        verbose_name_plural = _("evidence packs")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="evidence_evidencepack_period_order"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=PackStatus.READY)
                | models.Q(sha256__regex=r"^[0-9a-f]{64}$", manifest_sha256__regex=r"^[0-9a-f]{64}$"),
                name="evidence_evidencepack_ready_has_hashes",
            ),
        ]
        permissions = [("build_evidence_pack", _("Can build and download evidence packs"))]

    def __str__(self) -> str:
        return gettext("Evidence pack %(id)s (%(start)s to %(end)s)") % {
            "id": self.pk,
            "start": self.period_start.isoformat(),
            "end": self.period_end.isoformat(),
        }

    @property
    def percent(self) -> int:
        return 100 * self.done // self.total if self.total else 0

    @property
    def in_progress(self) -> bool:
        return self.status in (PackStatus.QUEUED, PackStatus.BUILDING)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise DomainError(gettext("Evidence packs are kept as a record: they cannot be deleted."))

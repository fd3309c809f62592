from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.errors import DomainError

from .actions import AuditAction, lookup


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise DomainError(gettext("Audit events are append-only: they cannot be changed."))

    def delete(self) -> tuple[int, dict[str, int]]:
        raise DomainError(gettext("Audit events are append-only: they cannot be deleted."))


class AuditEvent(models.Model):
    """Something meaningful that happened: who did what to which object, and when. Append-only."""

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=255)
    details = models.JSONField(_("details"), default=dict, blank=True)
    # When the description above (object, details) had a leaver's name, email or employee id replaced by their
    # pseudonym: the one change the database lets through (migration 0004, audit.services.events_pseudonymise).
    pseudonymised_at = models.DateTimeField(_("pseudonymised"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_event_object_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise DomainError(gettext("Audit events are append-only: they cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise DomainError(gettext("Audit events are append-only: they cannot be deleted."))

    @property
    def registered_action(self) -> AuditAction | None:
        """The action under its label, or None for a code no app registers any more (shown as stored)."""
        return lookup(self.action)

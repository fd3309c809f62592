"""What every bearer token the portal issues keeps (SCIM tokens, API tokens): see common/secrets.py."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class BearerToken(models.Model):
    """Only the SHA-256 digest of the secret is stored, so a copy of the database hands out nothing; the
    short prefix is kept in clear so that a person can tell which token a log line or a client
    configuration names. A token is revoked, never deleted: the audit events of what it did keep
    pointing at it."""

    prefix = models.CharField(_("prefix"), max_length=16, editable=False)
    digest = models.CharField(_("digest"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True
        # Newest first; only viewing (and each model's own "manage" permission) is granted, no add or change.
        ordering = ["-created_at", "-id"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        name = getattr(self, "name", "")
        return f"{name} ({self.prefix}…)"

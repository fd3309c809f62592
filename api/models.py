from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.tokens import BearerToken


class TokenScope(models.TextChoices):
    """What a token may do: a read token only reads (GET, HEAD, OPTIONS), whatever its person may do."""

    READ = "read", _("Read only")
    READ_WRITE = "read_write", _("Read and write")


class ApiToken(BearerToken):
    """A bearer token with which a person's program uses the REST API in that person's name.

    The token acts with its owner's permissions and sees what its owner sees, never more; a read
    token is narrower still. It expires, at most a year after it was made (api/tokens.py);
    common/tokens.py says what is kept of its secret.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=120, help_text=_("What uses it, e.g. the GRC tool."))
    scope = models.CharField(_("scope"), max_length=16, choices=TokenScope.choices, default=TokenScope.READ)
    expires_at = models.DateTimeField(_("expires"))

    class Meta(BearerToken.Meta):
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        permissions = [("manage_apitoken", _("Can see and revoke every API token"))]
        constraints = [
            models.CheckConstraint(condition=Q(scope__in=TokenScope.values), name="api_apitoken_known_scope"),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")), name="api_apitoken_expires_after_creation"
            ),
        ]
        indexes = [models.Index(fields=["owner", "-created_at"], name="api_apitoken_owner_created")]

    @property
    def is_read_only(self) -> bool:
        return self.scope == TokenScope.READ

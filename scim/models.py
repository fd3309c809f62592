from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.tokens import BearerToken


class ScimToken(BearerToken):
    """A bearer token with which an identity provider provisions people over SCIM (common/tokens.py says
    what is kept of its secret)."""

    name = models.CharField(_("name"), max_length=120, help_text=_("Which client uses it, e.g. Entra ID."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta(BearerToken.Meta):
        verbose_name = _("SCIM token")
        verbose_name_plural = _("SCIM tokens")
        permissions = [("manage_scimtoken", _("Can create and revoke SCIM tokens"))]


class ScimAccount(models.Model):
    """What SCIM knows of an account beyond the staff record: the client's own id for it, and whether
    the client has deleted it.

    A SCIM DELETE deactivates the person (their signatures and records stay) and from then on the
    account is gone for SCIM: it answers 404, as RFC 7644 §3.6 asks. An account without a row was
    made in the portal (admin, import) and is provisioned like any other.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="scim_account",
    )
    external_id = models.CharField(_("external id"), max_length=255, blank=True)
    deleted_at = models.DateTimeField(_("deleted by SCIM"), null=True, blank=True)

    class Meta:
        verbose_name = _("SCIM account")
        verbose_name_plural = _("SCIM accounts")
        default_permissions = ()

    def __str__(self) -> str:
        return str(self.user)


class ScimDepartment(models.Model):
    """The client's own id for a department it provisions as a SCIM Group."""

    department = models.OneToOneField(
        "people.Department",
        verbose_name=_("department"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="scim_group",
    )
    external_id = models.CharField(_("external id"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("SCIM department")
        verbose_name_plural = _("SCIM departments")
        default_permissions = ()

    def __str__(self) -> str:
        return str(self.department)

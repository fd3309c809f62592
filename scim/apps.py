from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScimConfig(AppConfig):
    name = "scim"
    verbose_name = _("SCIM provisioning")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import audit_actions  # noqa: F401  (registers the audit actions)

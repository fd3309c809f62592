from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AcknowledgementsConfig(AppConfig):
    name = "acknowledgements"
    verbose_name = _("Acknowledgements")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the system checks and the audit actions; connects to codes and people signals.
        from . import audit_actions, checks, receivers  # noqa: F401

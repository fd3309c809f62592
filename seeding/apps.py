from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeedingConfig(AppConfig):
    name = "seeding"
    verbose_name = _("Demo and scale data")

    def ready(self) -> None:
        from . import audit_actions  # noqa: F401  (registers the audit actions)

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AcknowledgementsConfig(AppConfig):
    name = "acknowledgements"
    verbose_name = _("Acknowledgements")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks, receivers  # noqa: F401  (registers the system checks; connects to codes and people signals)

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionsConfig(AppConfig):
    name = "questions"
    verbose_name = _("Questions")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers its audit actions and adds its panel to the version page.
        from . import audit_actions, receivers  # noqa: F401

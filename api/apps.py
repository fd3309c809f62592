from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The public REST API under /api/v1/: tokens, resources, the OpenAPI schema and its documentation."""

    name = "api"
    verbose_name = _("API")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the audit actions, and the bearer scheme with drf-spectacular.
        from . import audit_actions, authentication  # noqa: F401

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CodesConfig(AppConfig):
    name = "codes"
    verbose_name = _("Codes of conduct")
    default_auto_field = "django.db.models.BigAutoField"

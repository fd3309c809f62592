from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CodesConfig(AppConfig):
    name = "codes"
    verbose_name = _("Codes of conduct")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import audit_actions  # noqa: F401  (registers the actions codes records, for the audit page)

        post_migrate.connect(load_builtin_templates, sender=self)


def load_builtin_templates(
    sender: AppConfig, *, using: str, apps: Apps = global_apps, verbosity: int = 1, **kwargs: Any
) -> None:
    """After every `migrate`, the built-in templates follow their files (codes/templates_library/builtin/).

    With the historical model `migrate` hands over: migrated back to before templates existed, there is none.
    `flush` hands over none (it empties the current schema), so the current model serves."""
    from .templates_library.services import templates_load_builtin

    try:
        model = apps.get_model("codes", "CodeTemplate")
    except LookupError:
        return
    summary = templates_load_builtin(model=model, using=using)
    if verbosity >= 2:
        # migrate's own output, as Django's post_migrate handlers write theirs.
        print(
            f"Built-in code templates: {summary.created} added, {summary.updated} changed, {summary.removed} removed."
        )

"""On PostgreSQL, whether a published version must have been displayed in full before signing is frozen with
its text, as its pass mark is (0015): the model refused to change it, raw SQL did not."""

from __future__ import annotations

import importlib

from django.db import migrations

from audit.guards import on_postgresql

comprehension_guards = importlib.import_module("codes.migrations.0015_comprehension_guards")

DISPLAY_RULE = "OR NEW.requires_every_section_displayed IS DISTINCT FROM OLD.requires_every_section_displayed"


def version_function(*, with_display_rule: bool) -> str:
    """0015's guard of the version row, with the display rule among the frozen columns or without it."""
    function = comprehension_guards.version_function(with_check=True)
    if with_display_rule:
        function = function.replace("OR NEW.status NOT IN", f"{DISPLAY_RULE}\n           OR NEW.status NOT IN")
    return function


class Migration(migrations.Migration):
    dependencies = [("codes", "0016_every_section_displayed")]

    operations = [
        on_postgresql([version_function(with_display_rule=True)], [version_function(with_display_rule=False)])
    ]

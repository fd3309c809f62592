"""GIN indexes for searching sections, one per text-search configuration the portal searches in.

Each index's expression is the one codes.search builds (SearchVector of title and body), so
that PostgreSQL uses it for `vector @@ query`; an index on another expression would be ignored.
Expression indexes rather than a stored column: nothing to keep in step on every save, and the
frozen-text triggers on sections stay as they are. SQLite (``make run``) has no GIN: nothing there.
"""

from __future__ import annotations

from django.db import migrations

from audit.guards import on_postgresql

CONFIGURATIONS = ("english", "romanian")


def create(configuration: str) -> str:
    return (
        f"CREATE INDEX IF NOT EXISTS codes_section_search_{configuration} ON codes_section USING gin "
        f"(to_tsvector('{configuration}'::regconfig, "
        "COALESCE(title, '') || ' ' || COALESCE(body, '')));"
    )


class Migration(migrations.Migration):
    dependencies = [("codes", "0008_section_guards")]

    operations = [
        on_postgresql(
            [create(configuration) for configuration in CONFIGURATIONS],
            [f"DROP INDEX IF EXISTS codes_section_search_{configuration};" for configuration in CONFIGURATIONS],
        )
    ]

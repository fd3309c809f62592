"""Database guards for append-only tables (PostgreSQL; SQLite relies on the models).

Row triggers refuse UPDATE and DELETE; a statement trigger refuses TRUNCATE, which row triggers
never see. Only a table's owner can switch a trigger off, and the application does not connect
as the owner (see `manage.py grant_app_role`).

The test suite empties its tables between transactional tests with TRUNCATE. It may, because
its database carries TEST_DATABASE_COMMENT (the root conftest.py sets it on the test database it
creates): commenting on a database takes its owner, who could drop the triggers anyway, so the
exemption gives nobody a power they did not already have, and production is not weakened.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import migrations

TEST_DATABASE_COMMENT = "conduct_portal: a test database, which the test suite may empty with TRUNCATE"

# The comment is a constant of ours, not input.
FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION conduct_portal_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF shobj_description((SELECT oid FROM pg_database WHERE datname = current_database()), 'pg_database')
       = '{TEST_DATABASE_COMMENT}' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the rows of % are kept for good: TRUNCATE refused', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION conduct_portal_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the rows of % are append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END
$$ LANGUAGE plpgsql;
"""  # noqa: S608

DROP_FUNCTIONS = """
DROP FUNCTION IF EXISTS conduct_portal_refuse_truncate();
DROP FUNCTION IF EXISTS conduct_portal_append_only();
"""


def refuse_truncate(table: str) -> str:
    return f"""
CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION conduct_portal_refuse_truncate();
"""


def append_only(table: str) -> str:
    return f"""
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION conduct_portal_append_only();
"""


def drop_triggers(table: str, *names: str) -> str:
    return "".join(f"DROP TRIGGER IF EXISTS {table}_{name} ON {table};\n" for name in names)


def on_postgresql(forwards: Iterable[str], backwards: Iterable[str]) -> migrations.RunPython:
    """A migration step that runs SQL on PostgreSQL and does nothing elsewhere."""
    forwards_sql, backwards_sql = "".join(forwards), "".join(backwards)

    def run(sql: str) -> Callable[[Any, Any], None]:
        def step(apps: Any, schema_editor: Any) -> None:
            if schema_editor.connection.vendor == "postgresql":
                schema_editor.execute(sql, params=None)

        return step

    return migrations.RunPython(run(forwards_sql), run(backwards_sql))

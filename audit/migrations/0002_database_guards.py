"""Audit events are append-only in the database too, and cannot be emptied with TRUNCATE (PostgreSQL)."""

from __future__ import annotations

from django.db import migrations

from audit.guards import DROP_FUNCTIONS, FUNCTIONS, append_only, drop_triggers, on_postgresql, refuse_truncate

TABLE = "audit_auditevent"


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        on_postgresql(
            [FUNCTIONS, append_only(TABLE), refuse_truncate(TABLE)],
            [drop_triggers(TABLE, "append_only", "no_truncate"), DROP_FUNCTIONS],
        )
    ]

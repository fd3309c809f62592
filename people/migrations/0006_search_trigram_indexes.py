"""Trigram indexes for finding people by any part of their name, employee id, email or job title.

people.selectors.matching_person matches substrings, as `icontains` writes them:
UPPER(<field>::text) LIKE UPPER('%…%'). A b-tree cannot serve a pattern with a leading wildcard;
pg_trgm's GIN operator class can, on exactly that expression, so each index below is on the very
expression the search compares (the full name as Django's Concat writes it), or PostgreSQL ignores
it. At 100,000 people the search read every person and every account instead (about 0.4 s a page).
Departments are few and read whole. SQLite (``make run``) has neither pg_trgm nor GIN: nothing there.
The extension stays when this is reversed: other objects may have come to use it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import migrations

from audit.guards import on_postgresql

FULL_NAME = (
    "(COALESCE(\"first_name\", '') || COALESCE((COALESCE(' ', '') || COALESCE(\"last_name\", '')), ''))"
)
# (index, table, the expression the search compares)
INDEXES = (
    ("people_user_full_name_trgm", "auth_user", f"UPPER({FULL_NAME}::text)"),
    ("people_user_email_trgm", "auth_user", 'UPPER("email"::text)'),
    ("people_staffprofile_employee_id_trgm", "people_staffprofile", 'UPPER("employee_id"::text)'),
    ("people_staffprofile_job_title_trgm", "people_staffprofile", 'UPPER("job_title"::text)'),
)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0005_notification_preferences"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        on_postgresql(
            [
                "CREATE EXTENSION IF NOT EXISTS pg_trgm;",
                *(
                    f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({expression} gin_trgm_ops);"
                    for name, table, expression in INDEXES
                ),
            ],
            [f"DROP INDEX IF EXISTS {name};" for name, _table, _expression in INDEXES],
        )
    ]

"""Audit events stay append-only but for one change: the description of an event that names a leaver (the object
as it was named, the details) rewritten with the leaver's pseudonym, marked with when (PostgreSQL).

Who acted, the action, the object's type and id and the time can never change; the new description must carry a
pseudonym (`anon-…`). The application's role may update those three columns only (`manage.py grant_app_role`).
"""

from __future__ import annotations

from django.db import migrations, models

from audit.guards import append_only, on_postgresql

TABLE = "audit_auditevent"

GUARD = f"""
CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger AS $$
DECLARE
    described text[] := ARRAY['object_repr', 'details', 'pseudonymised_at'];
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.pseudonymised_at IS NOT NULL
       AND (to_jsonb(NEW) - described) = (to_jsonb(OLD) - described)
       AND strpos(NEW.object_repr || NEW.details::text, 'anon-') > 0
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the rows of % are append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};
CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only();
"""

PLAIN_GUARD = f"""
DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};
DROP FUNCTION IF EXISTS audit_auditevent_append_only();
{append_only(TABLE)}
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_role_permissions")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="pseudonymised_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="pseudonymised"),
        ),
        on_postgresql([GUARD], [PLAIN_GUARD]),
    ]

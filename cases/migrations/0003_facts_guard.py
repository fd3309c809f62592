"""On PostgreSQL, the database itself keeps a breach case's facts as they were recorded.

A case is never deleted, nor its table truncated. An update may change the outcome (the outcome, its note, the
retraining assigned, when it was decided), which the service audits; the facts (the person, the day, the clause,
who recorded it and when) never change. What happened (the description) changes in one way only, as the audit
log's descriptions do (migration audit 0004): a leaver's name replaced by their pseudonym when privacy
pseudonymises them, so the new text must hold more pseudonyms (`anon-` and 24 hex digits) than the old. The
application's role may update the outcome's columns and the description only (`manage.py grant_app_role`).
The model refuses first, with a readable message; these triggers also stop raw SQL. SQLite relies on the model.
"""

from __future__ import annotations

from django.db import migrations

from audit.guards import drop_triggers, on_postgresql, refuse_truncate

TABLE = "cases_case"

GUARD = f"""
CREATE OR REPLACE FUNCTION cases_case_facts_guard() RETURNS trigger AS $$
DECLARE
    may_change text[] := ARRAY['outcome', 'outcome_note', 'assignment_id', 'outcome_changed_at', 'description'];
    pseudonym text := 'anon-[0-9a-f]{{24}}';
BEGIN
    IF TG_OP = 'UPDATE'
       AND (to_jsonb(NEW) - may_change) = (to_jsonb(OLD) - may_change)
       AND (NEW.description = OLD.description
            OR (SELECT count(*) FROM regexp_matches(NEW.description, pseudonym, 'g'))
               > (SELECT count(*) FROM regexp_matches(OLD.description, pseudonym, 'g')))
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the facts of breach case % are recorded once: % refused', OLD.id, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER {TABLE}_facts BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION cases_case_facts_guard();
{refuse_truncate(TABLE)}
"""

DROP = drop_triggers(TABLE, "facts", "no_truncate") + "DROP FUNCTION IF EXISTS cases_case_facts_guard();\n"


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_role_permissions"), ("audit", "0002_database_guards")]

    operations = [on_postgresql([GUARD], [DROP])]

"""A case's description may change only as privacy's pseudonymisation changes it: every occurrence of one piece of
its text (a leaver's name, email, username or employee id) replaced by one pseudonym, and nothing else.

Migration 0003 let a description change whenever the new text held more pseudonyms than the old, so a new text
could be anything that also named a pseudonym. The rule is now exact: the change is allowed only if some piece M
of the old text gives the new one by `replace(old, M, pseudonym)`, PostgreSQL's function that privacy's update
calls. The first replaced place is where the new text shows the pseudonym after a prefix the two texts share, so
only those places, and the lengths of M from there, are tried (a description holds at most 4000 characters).
"""

from __future__ import annotations

from django.db import migrations

from audit.guards import on_postgresql

# The guard of 0003 written out again with the rule as a parameter, not imported from it: a migration must keep
# doing what it did when it was written, whatever the others become (as acknowledgements 0014 says).
GUARD = """
CREATE OR REPLACE FUNCTION cases_case_facts_guard() RETURNS trigger AS $$
DECLARE
    may_change text[] := ARRAY['outcome', 'outcome_note', 'assignment_id', 'outcome_changed_at', 'description'];
    pseudonym text := 'anon-[0-9a-f]{{24}}';
BEGIN
    IF TG_OP = 'UPDATE'
       AND (to_jsonb(NEW) - may_change) = (to_jsonb(OLD) - may_change)
       AND (NEW.description = OLD.description OR {rule})
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the facts of breach case % are recorded once: % refused', OLD.id, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END
$$ LANGUAGE plpgsql;
"""

EXACT = """
CREATE OR REPLACE FUNCTION cases_case_pseudonym_written(earlier text, later text) RETURNS boolean AS $$
DECLARE
    found text;
    start integer;
    next integer;
    span integer;
BEGIN
    FOR found IN SELECT DISTINCT m[1] FROM regexp_matches(later, '(anon-[0-9a-f]{24})', 'g') AS m LOOP
        start := 0;
        LOOP
            next := position(found IN substr(later, start + 1));
            EXIT WHEN next = 0;
            start := start + next;
            EXIT WHEN left(later, start - 1) IS DISTINCT FROM left(earlier, start - 1);
            FOR span IN 1 .. length(earlier) - start + 1 LOOP
                IF replace(earlier, substr(earlier, start, span), found) = later THEN
                    RETURN true;
                END IF;
            END LOOP;
        END LOOP;
    END LOOP;
    RETURN false;
END
$$ LANGUAGE plpgsql IMMUTABLE;
"""

COUNTED = (
    "(SELECT count(*) FROM regexp_matches(NEW.description, pseudonym, 'g'))"
    " > (SELECT count(*) FROM regexp_matches(OLD.description, pseudonym, 'g'))"
)


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_facts_guard")]

    operations = [
        on_postgresql(
            [EXACT, GUARD.format(rule="cases_case_pseudonym_written(OLD.description, NEW.description)")],
            [GUARD.format(rule=COUNTED), "DROP FUNCTION IF EXISTS cases_case_pseudonym_written(text, text);\n"],
        )
    ]

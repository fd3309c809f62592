"""On PostgreSQL, the comprehension questions of a published version, their answers, its pass mark and whether a
pass is required are frozen with its text, whatever path tries to change them (the models refuse first, with a
readable message).

A question belongs to a version through its section, and an answer through its question: the triggers look the
version up on both the old and the new side, so that nothing is moved into or out of a published version.
"""

from __future__ import annotations

from django.db import migrations

from audit.guards import drop_triggers, on_postgresql, refuse_truncate

FROZEN = "('published', 'superseded', 'retired')"


def version_function(*, with_check: bool) -> str:
    check = "OR NEW.pass_mark IS DISTINCT FROM OLD.pass_mark OR NEW.requires_pass IS DISTINCT FROM OLD.requires_pass"
    return f"""
CREATE OR REPLACE FUNCTION codes_codeversion_refuse_frozen() RETURNS trigger AS $$
BEGIN
    IF OLD.status IN {FROZEN} THEN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION 'published version % is frozen and cannot be deleted', OLD.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF NEW.title IS DISTINCT FROM OLD.title
           OR NEW.content_hash IS DISTINCT FROM OLD.content_hash
           OR NEW.document_id IS DISTINCT FROM OLD.document_id
           OR NEW.number IS DISTINCT FROM OLD.number
           OR NEW.language IS DISTINCT FROM OLD.language
           {check if with_check else ""}
           OR NEW.status NOT IN {FROZEN} THEN
            RAISE EXCEPTION 'the text of published version % is frozen', OLD.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
"""


def child_guard(table: str, version_of: str) -> str:
    """A row trigger refusing any change to a row of `table` whose version, found by `version_of` (a query on
    the row's foreign key, written with ROW for OLD or NEW), is frozen."""
    old, new = version_of.replace("ROW", "OLD"), version_of.replace("ROW", "NEW")
    return f"""
CREATE OR REPLACE FUNCTION {table}_refuse_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (
        SELECT 1 FROM codes_codeversion WHERE id = ({old}) AND status IN {FROZEN}
    ) THEN
        RAISE EXCEPTION 'the questions of a published version are frozen'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND EXISTS (
        SELECT 1 FROM codes_codeversion WHERE id = ({new}) AND status IN {FROZEN}
    ) THEN
        RAISE EXCEPTION 'the questions of a published version are frozen'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER {table}_frozen
    BEFORE INSERT OR UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {table}_refuse_frozen();
"""


def drop_child_guard(table: str) -> str:
    return f"""
DROP TRIGGER IF EXISTS {table}_frozen ON {table};
DROP FUNCTION IF EXISTS {table}_refuse_frozen();
"""


QUESTION_VERSION = "SELECT version_id FROM codes_section WHERE id = ROW.section_id"
OPTION_VERSION = (
    "SELECT s.version_id FROM codes_comprehensionquestion q JOIN codes_section s ON s.id = q.section_id "
    "WHERE q.id = ROW.question_id"
)
TABLES = ("codes_comprehensionquestion", "codes_questionoption")


class Migration(migrations.Migration):
    dependencies = [("codes", "0014_comprehension_questions"), ("audit", "0002_database_guards")]

    operations = [
        on_postgresql(
            [
                version_function(with_check=True),
                child_guard("codes_comprehensionquestion", QUESTION_VERSION),
                child_guard("codes_questionoption", OPTION_VERSION),
                *(refuse_truncate(table) for table in TABLES),
            ],
            [
                version_function(with_check=False),
                *(drop_child_guard(table) for table in TABLES),
                *(drop_triggers(table, "no_truncate") for table in TABLES),
            ],
        )
    ]

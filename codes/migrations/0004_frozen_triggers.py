"""On PostgreSQL, the database itself refuses to change the text of a published version.

The models refuse first, with a readable message; these triggers also stop raw
SQL and anything else that bypasses the models. SQLite relies on the models.
"""

from __future__ import annotations

from django.db import migrations

FROZEN = "('published', 'superseded', 'retired')"

CREATE = f"""
CREATE OR REPLACE FUNCTION codes_section_refuse_frozen() RETURNS trigger AS $$
DECLARE
    target_version bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN
        target_version := NEW.version_id;
    ELSE
        target_version := OLD.version_id;
    END IF;
    IF EXISTS (SELECT 1 FROM codes_codeversion WHERE id = target_version AND status IN {FROZEN}) THEN
        RAISE EXCEPTION 'the text of published version % is frozen', target_version
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER codes_section_frozen
    BEFORE INSERT OR UPDATE OR DELETE ON codes_section
    FOR EACH ROW EXECUTE FUNCTION codes_section_refuse_frozen();

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

CREATE TRIGGER codes_codeversion_frozen
    BEFORE UPDATE OR DELETE ON codes_codeversion
    FOR EACH ROW EXECUTE FUNCTION codes_codeversion_refuse_frozen();
"""

DROP = """
DROP TRIGGER IF EXISTS codes_section_frozen ON codes_section;
DROP FUNCTION IF EXISTS codes_section_refuse_frozen();
DROP TRIGGER IF EXISTS codes_codeversion_frozen ON codes_codeversion;
DROP FUNCTION IF EXISTS codes_codeversion_refuse_frozen();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("codes", "0003_role_permissions")]

    operations = [migrations.RunPython(create, drop)]

"""On PostgreSQL, the database itself refuses to change a published translation, as it refuses to change
a published version (0004, 0008); and the language of a published version is frozen with its text.

The models refuse first, with a readable message; these triggers also stop raw SQL.
"""

from __future__ import annotations

from django.db import migrations

from audit.guards import drop_triggers, on_postgresql, refuse_truncate

FROZEN = "('published', 'superseded', 'retired')"


def version_function(*, with_language: bool) -> str:
    language = "OR NEW.language IS DISTINCT FROM OLD.language" if with_language else ""
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
           {language}
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


TRANSLATION = """
CREATE OR REPLACE FUNCTION codes_versiontranslation_refuse_frozen() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'published' THEN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION 'published translation % is frozen and cannot be deleted', OLD.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF NEW.title IS DISTINCT FROM OLD.title
           OR NEW.content_hash IS DISTINCT FROM OLD.content_hash
           OR NEW.version_id IS DISTINCT FROM OLD.version_id
           OR NEW.language IS DISTINCT FROM OLD.language
           OR NEW.status <> 'published' THEN
            RAISE EXCEPTION 'the text of published translation % is frozen', OLD.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER codes_versiontranslation_frozen
    BEFORE UPDATE OR DELETE ON codes_versiontranslation
    FOR EACH ROW EXECUTE FUNCTION codes_versiontranslation_refuse_frozen();

CREATE OR REPLACE FUNCTION codes_sectiontranslation_refuse_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (
        SELECT 1 FROM codes_versiontranslation WHERE id = OLD.translation_id AND status = 'published'
    ) THEN
        RAISE EXCEPTION 'the text of published translation % is frozen', OLD.translation_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND EXISTS (
        SELECT 1 FROM codes_versiontranslation WHERE id = NEW.translation_id AND status = 'published'
    ) THEN
        RAISE EXCEPTION 'the text of published translation % is frozen', NEW.translation_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER codes_sectiontranslation_frozen
    BEFORE INSERT OR UPDATE OR DELETE ON codes_sectiontranslation
    FOR EACH ROW EXECUTE FUNCTION codes_sectiontranslation_refuse_frozen();
"""

DROP_TRANSLATION = """
DROP TRIGGER IF EXISTS codes_versiontranslation_frozen ON codes_versiontranslation;
DROP FUNCTION IF EXISTS codes_versiontranslation_refuse_frozen();
DROP TRIGGER IF EXISTS codes_sectiontranslation_frozen ON codes_sectiontranslation;
DROP FUNCTION IF EXISTS codes_sectiontranslation_refuse_frozen();
"""

TABLES = ("codes_versiontranslation", "codes_sectiontranslation")


class Migration(migrations.Migration):
    dependencies = [("codes", "0010_translations"), ("audit", "0002_database_guards")]

    operations = [
        on_postgresql(
            [version_function(with_language=True), TRANSLATION, *(refuse_truncate(table) for table in TABLES)],
            [
                version_function(with_language=False),
                DROP_TRANSLATION,
                *(drop_triggers(table, "no_truncate") for table in TABLES),
            ],
        )
    ]

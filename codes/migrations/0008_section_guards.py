"""Sections of a published version cannot be moved away, nor others moved in, nor the tables emptied.

The frozen-text trigger of 0004 looked only at the version a section came from: an UPDATE of
version_id could carry a draft's section into a published version. It now checks both sides.
"""

from __future__ import annotations

from django.db import migrations

from audit.guards import drop_triggers, on_postgresql, refuse_truncate

FROZEN = "('published', 'superseded', 'retired')"

SECTION_FUNCTION = f"""
CREATE OR REPLACE FUNCTION codes_section_refuse_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (
        SELECT 1 FROM codes_codeversion WHERE id = OLD.version_id AND status IN {FROZEN}
    ) THEN
        RAISE EXCEPTION 'the text of published version % is frozen', OLD.version_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND EXISTS (
        SELECT 1 FROM codes_codeversion WHERE id = NEW.version_id AND status IN {FROZEN}
    ) THEN
        RAISE EXCEPTION 'the text of published version % is frozen', NEW.version_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
"""

# As 0004 wrote it, for going back.
PREVIOUS_SECTION_FUNCTION = f"""
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
"""

TABLES = ("codes_section", "codes_codeversion")


class Migration(migrations.Migration):
    dependencies = [("codes", "0007_approvals"), ("audit", "0002_database_guards")]

    operations = [
        on_postgresql(
            [SECTION_FUNCTION, *(refuse_truncate(table) for table in TABLES)],
            [PREVIOUS_SECTION_FUNCTION, *(drop_triggers(table, "no_truncate") for table in TABLES)],
        )
    ]

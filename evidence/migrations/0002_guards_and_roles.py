"""A ready evidence pack is recorded proof: PostgreSQL refuses to change or delete it, or its scope, and
to empty the table. Compliance officers build and download packs."""

from __future__ import annotations

from django.db import migrations

from audit.guards import drop_triggers, on_postgresql, refuse_truncate
from common.permission_grants import grant_to_roles

ROLE_PERMISSIONS = {"Compliance officer": ["evidence.build_evidence_pack"]}

PACK = "evidence_evidencepack"
SCOPES = ("evidence_evidencepack_documents", "evidence_evidencepack_departments")

SEALED = f"""
CREATE OR REPLACE FUNCTION evidence_refuse_sealed() RETURNS trigger AS $$
DECLARE
    pack_id bigint;
BEGIN
    IF TG_TABLE_NAME = '{PACK}' THEN
        pack_id := OLD.id;
    ELSIF TG_OP = 'INSERT' THEN
        pack_id := NEW.evidencepack_id;
    ELSE
        pack_id := OLD.evidencepack_id;
    END IF;
    IF EXISTS (SELECT 1 FROM {PACK} WHERE id = pack_id AND status = 'ready') THEN
        RAISE EXCEPTION 'evidence pack % is ready: it is kept as it was built (% of % refused)',
            pack_id, TG_OP, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER {PACK}_sealed BEFORE UPDATE OR DELETE ON {PACK}
    FOR EACH ROW EXECUTE FUNCTION evidence_refuse_sealed();
"""  # noqa: S608 - table names are constants of ours

SCOPE_TRIGGERS = "".join(
    f"""
CREATE TRIGGER {table}_sealed BEFORE INSERT OR UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION evidence_refuse_sealed();
"""
    for table in SCOPES
)

DROP = "".join(drop_triggers(table, "sealed", "no_truncate") for table in (PACK, *SCOPES)) + (
    "DROP FUNCTION IF EXISTS evidence_refuse_sealed();\n"
)


class Migration(migrations.Migration):
    dependencies = [("evidence", "0001_initial"), ("people", "0002_roles"), ("audit", "0002_database_guards")]

    operations = [
        on_postgresql([SEALED, SCOPE_TRIGGERS, *(refuse_truncate(table) for table in (PACK, *SCOPES))], [DROP]),
        grant_to_roles(ROLE_PERMISSIONS),
    ]

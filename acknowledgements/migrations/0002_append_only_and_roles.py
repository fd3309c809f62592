"""Signatures are append-only in the database too (PostgreSQL), and the roles get their permissions."""

from __future__ import annotations

from django.db import migrations

from common.permission_grants import grant_permissions, revoke_permissions

CREATE_TRIGGER = """
CREATE OR REPLACE FUNCTION acknowledgements_signature_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'signature records are append-only: % refused', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER acknowledgements_signature_append_only
    BEFORE UPDATE OR DELETE ON acknowledgements_signature
    FOR EACH ROW EXECUTE FUNCTION acknowledgements_signature_append_only();
"""

DROP_TRIGGER = """
DROP TRIGGER IF EXISTS acknowledgements_signature_append_only ON acknowledgements_signature;
DROP FUNCTION IF EXISTS acknowledgements_signature_append_only();
"""

ROLE_PERMISSIONS = {
    "Agent": ["acknowledgements.add_signature"],
    "Manager": ["acknowledgements.add_signature"],
    "Compliance officer": [
        "acknowledgements.add_signature",
        "acknowledgements.view_all_acknowledgements",
        "acknowledgements.waive_acknowledgementrequest",
        "acknowledgements.export_acknowledgements",
        "acknowledgements.verify_signatures",
    ],
    "Administrator": ["acknowledgements.view_all_acknowledgements", "acknowledgements.verify_signatures"],
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_TRIGGER, params=None)
    grant_permissions(apps, ROLE_PERMISSIONS)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGER, params=None)
    revoke_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("acknowledgements", "0001_initial"),
        ("codes", "0004_frozen_triggers"),
        ("people", "0002_roles"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

"""Compliance officers and administrators read the audit log."""

from __future__ import annotations

from django.db import migrations

from common.permission_grants import grant_permissions, revoke_permissions

ROLE_PERMISSIONS = {
    "Compliance officer": ["audit.view_auditevent"],
    "Administrator": ["audit.view_auditevent"],
}


def grant(apps, schema_editor):
    grant_permissions(apps, ROLE_PERMISSIONS)


def revoke(apps, schema_editor):
    revoke_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_database_guards"),
        ("people", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]

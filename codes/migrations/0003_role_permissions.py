"""Managers write, review and publish versions; compliance reads every version; both read the audit log."""

from __future__ import annotations

from django.db import migrations

from people.roles import grant_permissions, revoke_permissions

ROLE_PERMISSIONS = {
    "Manager": [
        "codes.view_codeversion",
        "codes.add_codeversion",
        "codes.change_codeversion",
        "codes.approve_codeversion",
        "codes.publish_codeversion",
        "codes.retire_codedocument",
    ],
    "Compliance officer": ["codes.view_codeversion", "audit.view_auditevent"],
    "Administrator": ["codes.view_codeversion", "codes.retire_codedocument", "audit.view_auditevent"],
}


def grant(apps, schema_editor):
    grant_permissions(apps, ROLE_PERMISSIONS)


def revoke(apps, schema_editor):
    revoke_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("codes", "0002_versions_and_sections"),
        ("audit", "0001_initial"),
        ("people", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]

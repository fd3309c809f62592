"""Signing follows being asked, not a role: the roles no longer hold `add_signature`.

Whoever is in a version's audience can sign their own request, so the permission checked
nothing but stood in the way of people whose roles lacked it (the Administrator).
"""

from __future__ import annotations

from django.db import migrations

from common.permission_grants import grant_permissions, revoke_permissions

ROLE_PERMISSIONS = {
    "Agent": ["acknowledgements.add_signature"],
    "Manager": ["acknowledgements.add_signature"],
    "Compliance officer": ["acknowledgements.add_signature"],
}


def forwards(apps, schema_editor):
    revoke_permissions(apps, ROLE_PERMISSIONS)


def backwards(apps, schema_editor):
    grant_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("acknowledgements", "0002_append_only_and_roles")]

    operations = [migrations.RunPython(forwards, backwards)]

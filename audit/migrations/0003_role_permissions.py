"""Compliance officers and administrators read the audit log."""

from __future__ import annotations

from django.db import migrations

from common.permission_grants import grant_to_roles

ROLE_PERMISSIONS = {
    "Compliance officer": ["audit.view_auditevent"],
    "Administrator": ["audit.view_auditevent"],
}


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_database_guards"),
        # Not people's roles migration: audit is below people, and grant_permissions creates the groups
        # it does not find. It needs the permission tables as people's roles migration does.
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [grant_to_roles(ROLE_PERMISSIONS)]

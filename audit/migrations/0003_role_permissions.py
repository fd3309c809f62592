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
        ("people", "0002_roles"),
    ]

    operations = [grant_to_roles(ROLE_PERMISSIONS)]

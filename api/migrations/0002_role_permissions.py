"""Administrators see and revoke every API token."""

from __future__ import annotations

from django.db import migrations

from common.permission_grants import grant_to_roles

ROLE_PERMISSIONS = {
    "Administrator": ["api.view_apitoken", "api.manage_apitoken"],
}


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
        ("people", "0002_roles"),
    ]

    operations = [grant_to_roles(ROLE_PERMISSIONS)]

"""Administrators manage the SCIM tokens with which the identity provider provisions people."""

from __future__ import annotations

from django.db import migrations

from common.permission_grants import grant_to_roles

ROLE_PERMISSIONS = {
    "Administrator": ["scim.view_scimtoken", "scim.manage_scimtoken"],
}


class Migration(migrations.Migration):
    dependencies = [
        ("scim", "0001_initial"),
        ("people", "0002_roles"),
    ]

    operations = [grant_to_roles(ROLE_PERMISSIONS)]

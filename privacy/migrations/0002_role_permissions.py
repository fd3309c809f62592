"""Compliance officers place and release legal holds; administrators see them."""

from __future__ import annotations

from django.db import migrations

from common.permission_grants import grant_to_roles

ROLE_PERMISSIONS = {
    "Compliance officer": ["privacy.view_legalhold", "privacy.manage_legal_holds"],
    "Administrator": ["privacy.view_legalhold"],
}


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial"), ("people", "0002_roles")]

    operations = [grant_to_roles(ROLE_PERMISSIONS)]

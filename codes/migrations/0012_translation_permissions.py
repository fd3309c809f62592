"""Managers translate versions and approve the translations of others; everyone who reads versions reads
their translations."""

from __future__ import annotations

from django.db import migrations

from common.permission_grants import grant_to_roles

ROLE_PERMISSIONS = {
    "Agent": ["codes.view_versiontranslation"],
    "Manager": [
        "codes.view_versiontranslation",
        "codes.add_versiontranslation",
        "codes.change_versiontranslation",
        "codes.delete_versiontranslation",
        "codes.approve_versiontranslation",
    ],
    "Compliance officer": ["codes.view_versiontranslation"],
    "Administrator": ["codes.view_versiontranslation"],
}


class Migration(migrations.Migration):
    dependencies = [("codes", "0011_translation_guards"), ("people", "0002_roles")]

    operations = [grant_to_roles(ROLE_PERMISSIONS)]

"""Managers translate versions and approve the translations of others; those who read every version (not
only the published one, which anyone reads in their language) read its translations in progress too."""

from __future__ import annotations

from django.db import migrations

from common.permission_grants import grant_to_roles

ROLE_PERMISSIONS = {
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

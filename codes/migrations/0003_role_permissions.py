"""Everyone reads the codes; managers write, review and publish versions; compliance reads every version."""

from __future__ import annotations

from django.db import migrations

from common.permission_grants import grant_to_roles

ROLE_PERMISSIONS = {
    "Agent": ["codes.view_codedocument"],
    "Manager": [
        "codes.view_codedocument",
        "codes.add_codedocument",
        "codes.change_codedocument",
        "codes.view_codeversion",
        "codes.add_codeversion",
        "codes.change_codeversion",
        "codes.approve_codeversion",
        "codes.publish_codeversion",
        "codes.retire_codedocument",
    ],
    "Compliance officer": ["codes.view_codedocument", "codes.view_codeversion"],
    "Administrator": [
        "codes.view_codedocument",
        "codes.add_codedocument",
        "codes.change_codedocument",
        "codes.delete_codedocument",
        "codes.view_codeversion",
        "codes.retire_codedocument",
    ],
}


class Migration(migrations.Migration):
    dependencies = [
        ("codes", "0002_versions_and_sections"),
        ("people", "0002_roles"),
    ]

    operations = [grant_to_roles(ROLE_PERMISSIONS)]

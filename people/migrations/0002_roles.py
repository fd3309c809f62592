"""The portal's roles, as groups with explicit permissions.

Views check permissions, never these group names; the names are for the
people who hand out roles. Later migrations add the permissions of later
features to these groups: each app's migrations grant its own permissions.
"""

from __future__ import annotations

from django.db import migrations

from common.permission_grants import grant_permissions

ROLE_PERMISSIONS = {
    "Agent": [],
    "Manager": [
        "people.view_team",
    ],
    "Compliance officer": [
        "people.view_organisation",
        "people.view_department",
        "people.view_staffprofile",
    ],
    "Administrator": [
        "auth.add_user",
        "auth.change_user",
        "auth.view_user",
        "auth.view_group",
        "people.view_organisation",
        "people.add_department",
        "people.change_department",
        "people.delete_department",
        "people.view_department",
        "people.add_staffprofile",
        "people.change_staffprofile",
        "people.view_staffprofile",
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "axes.view_accessfailurelog",
    ],
}


def create_roles(apps, schema_editor):
    grant_permissions(apps, ROLE_PERMISSIONS)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]

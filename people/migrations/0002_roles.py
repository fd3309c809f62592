"""The portal's roles, as groups with explicit permissions.

Views check permissions, never these group names; the names are for the
people who hand out roles. Later migrations add the permissions of later
features to these groups.
"""

from __future__ import annotations

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "Agent": [
        "codes.view_codedocument",
    ],
    "Manager": [
        "codes.view_codedocument",
        "codes.add_codedocument",
        "codes.change_codedocument",
        "people.view_team",
    ],
    "Compliance officer": [
        "codes.view_codedocument",
        "people.view_organisation",
        "people.view_department",
        "people.view_staffprofile",
    ],
    "Administrator": [
        "auth.add_user",
        "auth.change_user",
        "auth.view_user",
        "auth.view_group",
        "codes.view_codedocument",
        "codes.add_codedocument",
        "codes.change_codedocument",
        "codes.delete_codedocument",
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
    # Permissions are normally created after all migrations ran; the roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, permissions in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        for permission in permissions:
            app_label, codename = permission.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
        ("codes", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]

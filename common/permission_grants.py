"""Helpers for data migrations that give roles (groups) the permissions of new features.

Migrations call these with the historical `apps`, so they never import models directly.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.management import create_permissions
from django.db import migrations


def _permission(apps: Any, permission: str) -> Any:
    app_label, codename = permission.split(".")
    return apps.get_model("auth", "Permission").objects.get(content_type__app_label=app_label, codename=codename)


def grant_permissions(apps: Any, role_permissions: dict[str, list[str]]) -> None:
    # Permissions are normally created after all migrations ran; the roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    for role, permissions in role_permissions.items():
        group, _created = group_model.objects.get_or_create(name=role)
        group.permissions.add(*(_permission(apps, permission) for permission in permissions))


def revoke_permissions(apps: Any, role_permissions: dict[str, list[str]]) -> None:
    group_model = apps.get_model("auth", "Group")
    for role, permissions in role_permissions.items():
        group = group_model.objects.filter(name=role).first()
        if group:
            group.permissions.remove(*(_permission(apps, permission) for permission in permissions))


def grant_to_roles(role_permissions: dict[str, list[str]]) -> migrations.RunPython:
    """The migration operation that grants `role_permissions` (and revokes them when unapplied)."""
    return migrations.RunPython(
        lambda apps, schema_editor: grant_permissions(apps, role_permissions),
        lambda apps, schema_editor: revoke_permissions(apps, role_permissions),
    )

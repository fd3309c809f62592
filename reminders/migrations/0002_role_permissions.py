"""Compliance officers are copied on overdue code reviews; the beat schedule tables come from django-celery-beat."""

from __future__ import annotations

from django.db import migrations

from common.permission_grants import grant_permissions, revoke_permissions

ROLE_PERMISSIONS = {
    "Compliance officer": ["reminders.receive_review_escalations", "reminders.view_reminderlog"],
    "Administrator": ["reminders.view_reminderlog"],
}


def grant(apps, schema_editor):
    grant_permissions(apps, ROLE_PERMISSIONS)


def revoke(apps, schema_editor):
    revoke_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("reminders", "0001_initial"), ("people", "0002_roles")]

    operations = [migrations.RunPython(grant, revoke)]

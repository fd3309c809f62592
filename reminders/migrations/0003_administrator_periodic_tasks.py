"""Administrators change the reminder schedule in the admin (Periodic tasks), as the README says."""

from __future__ import annotations

from django.db import migrations

from common.permission_grants import grant_to_roles

BEAT_MODELS = ["periodictask", "crontabschedule", "intervalschedule", "solarschedule", "clockedschedule"]

ROLE_PERMISSIONS = {
    "Administrator": [
        f"django_celery_beat.{action}_{model}" for model in BEAT_MODELS for action in ("view", "add", "change", "delete")
    ],
}


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0002_role_permissions"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [grant_to_roles(ROLE_PERMISSIONS)]

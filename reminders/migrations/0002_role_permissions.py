"""Compliance officers are copied on overdue code reviews; the beat schedule tables come from django-celery-beat."""

from __future__ import annotations

from django.db import migrations

from common.permission_grants import grant_to_roles

ROLE_PERMISSIONS = {
    "Compliance officer": ["reminders.receive_review_escalations", "reminders.view_reminderlog"],
    "Administrator": ["reminders.view_reminderlog"],
}


class Migration(migrations.Migration):
    dependencies = [("reminders", "0001_initial"), ("people", "0002_roles")]

    operations = [grant_to_roles(ROLE_PERMISSIONS)]

"""The roles get the permissions of training.

A manager may assign retraining only to their own direct reports: the service enforces that,
since a permission cannot say whose team it covers.
"""

from __future__ import annotations

from django.db import migrations

from common.permission_grants import grant_to_roles

ROLE_PERMISSIONS = {
    "Agent": ["training.view_course"],
    "Manager": [
        "training.view_course",
        "training.add_course",
        "training.change_course",
        "training.view_trainingsession",
        "training.add_trainingsession",
        "training.change_trainingsession",
        "training.add_completion",
        "training.view_completion",
        "training.assign_retraining",
    ],
    "Compliance officer": [
        "training.view_course",
        "training.view_training_status",
        "training.assign_retraining",
        "training.view_completion",
    ],
    "Administrator": ["training.view_course", "training.view_training_status"],
}


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0001_initial"),
        ("people", "0002_roles"),
    ]

    operations = [grant_to_roles(ROLE_PERMISSIONS)]

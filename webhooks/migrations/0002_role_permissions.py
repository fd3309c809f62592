"""Administrators register and manage webhook endpoints, and see the events and deliveries."""

from __future__ import annotations

from django.db import migrations

from common.permission_grants import grant_to_roles

ROLE_PERMISSIONS = {
    "Administrator": [
        "webhooks.manage_endpoint",
        "webhooks.view_endpoint",
        "webhooks.view_delivery",
        "webhooks.view_event",
    ],
}


class Migration(migrations.Migration):
    dependencies = [("webhooks", "0001_initial"), ("people", "0002_roles")]

    operations = [grant_to_roles(ROLE_PERMISSIONS)]

"""Compliance officers see, record and decide breach cases. A manager's view of their own reports' cases is a
setting (CASES_VISIBLE_TO_MANAGER), not a permission: a permission cannot say whose cases it covers."""

from __future__ import annotations

from django.db import migrations

from common.permission_grants import grant_to_roles

ROLE_PERMISSIONS = {"Compliance officer": ["cases.view_case", "cases.add_case", "cases.change_case"]}


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial"), ("people", "0002_roles")]

    operations = [grant_to_roles(ROLE_PERMISSIONS)]

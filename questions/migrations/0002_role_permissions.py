"""Compliance officers answer the questions readers ask about a code (documents' owners answer theirs)."""

from __future__ import annotations

from django.db import migrations

from common.permission_grants import grant_to_roles

ROLE_PERMISSIONS = {"Compliance officer": ["questions.answer_question"]}


class Migration(migrations.Migration):
    dependencies = [("questions", "0001_initial"), ("people", "0002_roles")]

    operations = [grant_to_roles(ROLE_PERMISSIONS)]

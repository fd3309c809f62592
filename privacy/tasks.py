"""Celery tasks: thin wrappers around privacy's services."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError

from . import services


@shared_task(name="privacy.pseudonymise_leavers", autoretry_for=(DatabaseError,), retry_backoff=60, max_retries=6)
def pseudonymise_leavers() -> dict[str, int]:
    """The daily sweep (seeded by `manage.py setup_reminder_schedule`): leavers whose retention has ended."""
    summary = services.leavers_pseudonymise()
    return {"pseudonymised": summary.pseudonymised, "held": summary.held}

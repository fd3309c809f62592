"""Celery tasks: thin wrappers that call a service."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="evidence.build", acks_late=True)
def build(pack_id: int) -> str | None:
    """Build a queued evidence pack (a second delivery of the task finds it claimed and does nothing)."""
    pack = services.pack_build(pack_id=pack_id)
    return None if pack is None else pack.status

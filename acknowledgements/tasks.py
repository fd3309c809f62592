"""Celery tasks: thin wrappers that call a service."""

from __future__ import annotations

import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task(name="acknowledgements.checkpoint", acks_late=True)
def checkpoint() -> dict[str, int | str | None]:
    """Write a checkpoint of the signature chain (beat runs it every SIGNATURE_CHECKPOINT_EVERY_MINUTES).

    The checkpoint also goes to the log, which lives outside the database: a copy that someone who
    can rewrite the database cannot reach.
    """
    written = services.checkpoint_create()
    logger.info(
        "Signature checkpoint %s: %s records up to #%s, head %s, MAC %s",
        written.pk,
        written.count,
        written.head_sequence,
        written.head_hash,
        written.mac,
    )
    return {"count": written.count, "head_sequence": written.head_sequence, "head_hash": written.head_hash}

"""How reminders react to the apps below it: each workflow event becomes a task that tells those it concerns."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from acknowledgements.signals import requests_created, requests_withdrawn
from codes.signals import version_review_step

from . import tasks


@receiver(version_review_step, dispatch_uid="reminders.notify_review_step")
def notify_review_step(sender: Any, version_id: int, step: str, event_id: int, actor_id: int, **kwargs: Any) -> None:
    tasks.notify_review_step.delay(version_id, step, event_id, actor_id)


# After the requests exist: the publication's audience is who was asked.
@receiver(requests_created, dispatch_uid="reminders.notify_publication")
def notify_publication(sender: Any, version_id: int, **kwargs: Any) -> None:
    tasks.notify_publication.delay(version_id)


@receiver(requests_withdrawn, dispatch_uid="reminders.notify_retirement")
def notify_retirement(sender: Any, document_id: int, **kwargs: Any) -> None:
    tasks.notify_retirement.delay(document_id)

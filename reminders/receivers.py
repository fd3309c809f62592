"""How reminders react to the apps below it: each workflow event is claimed as notices to those it concerns,
then delivered by a task."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from acknowledgements.signals import requests_created, requests_withdrawn
from codes.signals import version_review_step
from questions.signals import question_answered

from . import services, tasks

# Each notice is claimed here, in the database, before the broker is asked to deliver it: with the broker
# down, the person who acted sees no error (robust) and the next sweep, which delivers every pending claim,
# sends the notices. The task claims again (nothing new: the claims are unique) and delivers at once. A
# publication's whole audience is noted as one row instead, which the next sweep claims in the same way.


@receiver(version_review_step, dispatch_uid="reminders.notify_review_step")
def notify_review_step(sender: Any, version_id: int, step: str, event_id: int, actor_id: int, **kwargs: Any) -> None:
    services.notices_claim_review_step(version_id=version_id, step=step, event_id=event_id, actor_id=actor_id)
    transaction.on_commit(lambda: tasks.notify_review_step.delay(version_id, step, event_id, actor_id), robust=True)


# After the requests exist: the publication's audience is who was asked. A whole audience (100,000 people)
# is noted as one row, its notices claimed by the task or the sweep, not while the publisher waits.
@receiver(requests_created, dispatch_uid="reminders.notify_publication")
def notify_publication(sender: Any, version_id: int, person_ids: list[int] | None = None, **kwargs: Any) -> None:
    if person_ids is None:
        services.audience_to_tell(version_id=version_id)
    else:
        services.notices_claim_publication(version_id=version_id, person_ids=person_ids)
    transaction.on_commit(lambda: tasks.notify_publication.delay(version_id, person_ids), robust=True)


@receiver(requests_withdrawn, dispatch_uid="reminders.notify_retirement")
def notify_retirement(sender: Any, document_id: int, **kwargs: Any) -> None:
    services.notices_claim_retirement(document_id=document_id)
    transaction.on_commit(lambda: tasks.notify_retirement.delay(document_id), robust=True)


# In the answering transaction: the claim commits with the answer, or not at all.
@receiver(question_answered, dispatch_uid="reminders.notify_answer")
def notify_answer(sender: Any, question_id: int, **kwargs: Any) -> None:
    services.notices_claim_answer(question_id=question_id)
    transaction.on_commit(lambda: tasks.notify_answer.delay(question_id), robust=True)

"""How acknowledgements react to the apps below it: a publication, a version page drawn, a retirement, a person's
audience changing."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.dispatch import receiver
from django.utils.translation import ngettext

from codes.models import CodeVersion
from codes.signals import (
    Consequence,
    document_retired,
    retirement_consequences,
    version_page_panels,
    version_published,
)
from people.signals import person_audience_changed

from . import selectors, services, views


@receiver(version_published, dispatch_uid="acknowledgements.ask_the_audience")
def ask_the_audience(sender: Any, version_id: int, **kwargs: Any) -> None:
    services.requests_create_for_version(version=CodeVersion.objects.get(pk=version_id))


@receiver(version_page_panels, dispatch_uid="acknowledgements.version_progress")
def version_progress(sender: Any, version: CodeVersion, viewer: Any, **kwargs: Any) -> str:
    return views.version_progress_panel(version=version, viewer=viewer)


@receiver(person_audience_changed, dispatch_uid="acknowledgements.sync_the_people")
def sync_the_people(sender: Any, person_ids: list[int], actor_id: int | None = None, **kwargs: Any) -> None:
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id is not None else None
    services.requests_sync_for_people(person_ids=person_ids, actor=actor)


@receiver(retirement_consequences, dispatch_uid="acknowledgements.requests_to_withdraw")
def requests_to_withdraw(sender: Any, document_id: int, **kwargs: Any) -> Consequence:
    count = selectors.pending_count_for_document(document_id)
    return Consequence(
        ngettext(
            "%(count)d pending request to sign it will be withdrawn: nobody will be asked or reminded any more.",
            "%(count)d pending requests to sign it will be withdrawn: nobody will be asked or reminded any more.",
            count,
        )
        % {"count": count}
    )


@receiver(document_retired, dispatch_uid="acknowledgements.withdraw_the_requests")
def withdraw_the_requests(sender: Any, document_id: int, actor_id: int, reason: str, **kwargs: Any) -> None:
    actor = get_user_model().objects.get(pk=actor_id)
    services.requests_withdraw_for_document(document_id=document_id, actor=actor, reason=reason)

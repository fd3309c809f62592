"""How acknowledgements react to the apps below it: a publication, a version page drawn, a person joining or moving."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from codes.models import CodeVersion
from codes.signals import version_page_panels, version_published
from people.models import StaffProfile

from . import services, views


@receiver(version_published, dispatch_uid="acknowledgements.ask_the_audience")
def ask_the_audience(sender: Any, version_id: int, **kwargs: Any) -> None:
    services.requests_create_for_version(version=CodeVersion.objects.get(pk=version_id))


@receiver(version_page_panels, dispatch_uid="acknowledgements.version_progress")
def version_progress(sender: Any, version: CodeVersion, viewer: Any, **kwargs: Any) -> str:
    return views.version_progress_panel(version=version, viewer=viewer)


@receiver(post_save, sender=StaffProfile, dispatch_uid="acknowledgements.ask_a_joiner")
def ask_a_joiner(sender: Any, instance: StaffProfile, **kwargs: Any) -> None:
    transaction.on_commit(lambda: services.requests_create_for_person(person=instance))

"""How acknowledgements react to the apps below it: a publication, a version page drawn, a retirement, a person's
audience changing."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from codes.models import CodeVersion
from codes.signals import version_page_panels, version_published
from people.models import StaffProfile
from people.signals import audience_changed

from . import services, views


@receiver(version_published, dispatch_uid="acknowledgements.ask_the_audience")
def ask_the_audience(sender: Any, version_id: int, **kwargs: Any) -> None:
    services.requests_create_for_version(version=CodeVersion.objects.get(pk=version_id))


@receiver(version_page_panels, dispatch_uid="acknowledgements.version_progress")
def version_progress(sender: Any, version: CodeVersion, viewer: Any, **kwargs: Any) -> str:
    return views.version_progress_panel(version=version, viewer=viewer)


@receiver(audience_changed, dispatch_uid="acknowledgements.sync_the_person")
def sync_the_person(sender: Any, person_id: int, **kwargs: Any) -> None:
    services.requests_sync_for_person(person=StaffProfile.objects.get(pk=person_id))

"""How questions adds to the pages of codes: a panel on the version page."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from codes.models import CodeVersion
from codes.signals import version_page_panels

from . import views


@receiver(version_page_panels, dispatch_uid="questions.version_questions")
def version_questions(sender: Any, version: CodeVersion, viewer: Any, **kwargs: Any) -> str:
    return views.version_questions_panel(version=version, viewer=viewer)

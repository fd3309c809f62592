"""How training reacts to the apps below it: a person hired, moved department or reactivated is assigned
what applies; a document about to be retired is told which courses link to it."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.dispatch import receiver
from django.utils.translation import gettext, ngettext

from codes.signals import Consequence, retirement_consequences
from people.signals import person_audience_changed

from .models import Course
from .services.assignments import assignments_create_for_people


@receiver(person_audience_changed, dispatch_uid="training.assign_what_applies")
def assign_what_applies(sender: Any, person_ids: list[int], **kwargs: Any) -> None:
    assignments_create_for_people(person_ids=person_ids)


@receiver(retirement_consequences, dispatch_uid="training.courses_linking_the_document")
def courses_linking_the_document(sender: Any, document_id: int, **kwargs: Any) -> Consequence:
    titles = tuple(
        Course.objects.filter(Q(document_id=document_id) | Q(sections__version__document_id=document_id))
        .order_by("title")
        .values_list("title", flat=True)
        .distinct()
    )
    if not titles:
        return Consequence(gettext("No training course links to this document."))
    return Consequence(
        ngettext(
            "%(count)d training course links to this document. It keeps the link; review it, as the document "
            "will no longer be offered for new courses:",
            "%(count)d training courses link to this document. They keep the link; review them, as the document "
            "will no longer be offered for new courses:",
            len(titles),
        )
        % {"count": len(titles)},
        titles,
    )

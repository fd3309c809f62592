from __future__ import annotations

import datetime

import factory
import time_machine
from django.utils import timezone

from codes import services
from codes.models import CodeDocument, CodeVersion, QuestionKind, Section, SectionCategory, VersionTranslation
from people.tests.factories import UserFactory

__all__ = [
    "FIRST_PUBLISHED",
    "SECOND_PUBLISHED",
    "CodeDocumentFactory",
    "DraftFactory",
    "SectionFactory",
    "ask",
    "publish",
    "publish_at",
    "publish_history",
    "publish_translation",
    "start_revision",
]


class CodeDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CodeDocument

    title = factory.Sequence(lambda n: f"Code of conduct {n}")
    slug = factory.Sequence(lambda n: f"code-{n}")
    owner = factory.SubFactory(UserFactory)


class DraftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CodeVersion

    document = factory.SubFactory(CodeDocumentFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.LazyAttribute(lambda version: version.document.title)
    author = factory.SubFactory(UserFactory)


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    version = factory.SubFactory(DraftFactory)
    position = factory.Sequence(lambda n: n + 1)
    category = SectionCategory.PROFESSIONALISM
    title = factory.Sequence(lambda n: f"Section {n}")
    body = "Be courteous to every customer."


def publish(version: CodeVersion, *, author, approver, departments=(), is_major: bool = True) -> CodeVersion:
    """Take a draft through review to publication, the way people do it."""
    services.version_submit(version=version, actor=author)
    services.version_approve(version=version, actor=approver)
    return services.version_publish(
        version=version,
        actor=author,
        effective_date=timezone.localdate(),
        days_to_acknowledge=14,
        is_major=is_major,
        departments=departments,
        applies_to_all_staff=not departments,
    )


def publish_at(moment: datetime.datetime, version: CodeVersion, *, author, approver) -> CodeVersion:
    """`publish` at `moment`, effective from the organisation's date then: a version history in the past."""
    with time_machine.travel(moment, tick=False):
        return publish(version, author=author, approver=approver)


# A history across a version change at the organisation's midnight: version 1 takes effect on 1 March 2026;
# version 2 is published at 00:30 on 10 March in Bucharest, still 9 March in UTC, so its effective date (the
# organisation's date of publication) is 10 March.
FIRST_PUBLISHED = datetime.datetime(2026, 3, 1, 8, tzinfo=datetime.UTC)
SECOND_PUBLISHED = datetime.datetime(2026, 3, 9, 22, 30, tzinfo=datetime.UTC)


def publish_history(draft: CodeVersion, *, author, approver) -> tuple[CodeVersion, CodeVersion]:
    """Version 1 (`draft`) published at FIRST_PUBLISHED, then a revision of it at SECOND_PUBLISHED."""
    first = publish_at(FIRST_PUBLISHED, draft, author=author, approver=approver)
    revision = start_revision(draft.document, actor=author)
    second = publish_at(SECOND_PUBLISHED, revision, author=author, approver=approver)
    first.refresh_from_db()
    return first, second


def ask(section: Section, *, actor, text: str, right=("Right",), wrong=("Wrong",), explanation: str = ""):
    """A comprehension question on a section of a draft, asked the way a manager asks it: one right answer
    makes a single-choice question, several a multiple-choice one; the right answers come first."""
    return services.question_add(
        section=section,
        actor=actor,
        kind=QuestionKind.SINGLE if len(right) == 1 else QuestionKind.MULTIPLE,
        text=text,
        explanation=explanation,
        options=[(option, True) for option in right] + [(option, False) for option in wrong],
    )


def start_revision(document, *, actor) -> CodeVersion:
    """The next draft of a published document with its first section reworded, as a real revision is:
    a copy that changes nothing cannot be sent for review."""
    draft = services.version_start_draft(document=document, actor=actor)
    first = draft.sections.order_by("position").first()
    services.section_update(
        section=first, actor=actor, category=first.category, title=first.title, body=first.body + " Revised."
    )
    return draft


def publish_translation(
    version: CodeVersion, *, language: str, translator, approver, prefix: str = "RO: "
) -> VersionTranslation:
    """A published translation of a published version, made the way people make it: started and every
    section translated by `translator` (each title and body given `prefix`, so a page shows which text it
    holds), approved by `approver`."""
    translation = services.translation_start(version=version, language=language, actor=translator)
    services.translation_title_update(translation=translation, actor=translator, title=prefix + version.title)
    for each in translation.sections.select_related("section"):
        services.translation_section_update(
            section_translation=each, actor=translator, title=prefix + each.title, body=prefix + each.body
        )
    services.translation_submit(translation=translation, actor=translator)
    return services.translation_approve(translation=translation, actor=approver)

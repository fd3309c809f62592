from __future__ import annotations

import factory
from django.utils import timezone

from codes import services
from codes.models import CodeDocument, CodeVersion, QuestionKind, Section, SectionCategory, VersionTranslation
from people.tests.factories import UserFactory

__all__ = [
    "CodeDocumentFactory",
    "DraftFactory",
    "SectionFactory",
    "ask",
    "publish",
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

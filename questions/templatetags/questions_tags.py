"""Hooks for the pages of apps below questions (the reader, the draft editor), which cannot import it."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.db.models import QuerySet

from codes.models import CodeVersion

from .. import selectors
from ..models import Question

register = template.Library()


@dataclass(frozen=True)
class ReaderQuestions:
    """What the reader shows under each section: the version's FAQs (one query for all sections), and a
    link to ask about the section."""

    version: CodeVersion
    faqs: dict[int, list[Question]]


@register.simple_tag
def reader_questions(version: CodeVersion) -> ReaderQuestions:
    return ReaderQuestions(version, selectors.faqs_by_position(version))


@register.filter
def faqs_at(reader: ReaderQuestions, position: int) -> list[Question]:
    return reader.faqs.get(position, [])


@register.simple_tag
def questions_to_consider(draft: CodeVersion) -> QuerySet[Question]:
    return selectors.to_consider_for(draft)

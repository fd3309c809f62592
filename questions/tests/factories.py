"""Questions made the way people make them, through the services."""

from __future__ import annotations

from django.contrib.auth.models import User

from codes.models import CodeVersion
from questions import services
from questions.models import Question


def ask(
    version: CodeVersion, asker: User, *, position: int = 2, text: str = "Which details verify an identity?"
) -> Question:
    return services.question_ask(section=version.sections.get(position=position), text=text, actor=asker)


def answer(
    question: Question,
    answerer: User,
    *,
    text: str = "Ask for the date of birth.",
    faq: bool = False,
    consider: bool = False,
) -> Question:
    return services.question_answer(
        question=question, answer=text, publish_as_faq=faq, consider_in_next_version=consider, actor=answerer
    )

"""Asking and answering questions about a section of a published version."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import event_record
from codes.models import Section, VersionStatus
from common.errors import DomainError

from . import audit_actions
from .models import Question, QuestionStatus
from .signals import question_answered


@transaction.atomic
def question_ask(*, section: Section, text: str, actor: User) -> Question:
    """Ask a question about a section: only of a published version (a draft changes under the question)."""
    version = section.version
    if version.status != VersionStatus.PUBLISHED:
        raise DomainError(_("Questions can be asked only about the published version of a code."))
    question = Question.objects.create(asker=actor, version=version, section=section, text=text.strip())
    event_record(actor=actor, action=audit_actions.QUESTION_ASK, target=question, details={"section": section.position})
    return question


@transaction.atomic
def question_answer(
    *, question: Question, answer: str, publish_as_faq: bool, consider_in_next_version: bool, actor: User
) -> Question:
    """Answer an open question once; the asker is told (in the portal and by email) exactly once."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.status != QuestionStatus.OPEN:
        raise DomainError(_("This question has already been answered."))
    question.status = QuestionStatus.ANSWERED
    question.answer = answer.strip()
    question.answered_by = actor
    question.answered_at = timezone.now()
    question.is_faq = publish_as_faq
    question.consider_in_next_version = consider_in_next_version
    question.save()
    event_record(
        actor=actor,
        action=audit_actions.QUESTION_ANSWER,
        target=question,
        details={"faq": publish_as_faq, "consider_in_next_version": consider_in_next_version},
    )
    question_answered.send(sender=Question, question_id=question.pk)
    return question

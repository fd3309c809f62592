"""The comprehension questions of a draft and its rules for signing."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.actions import AuditAction
from audit.services import event_record
from common.errors import InputRefused

from .. import audit_actions
from ..models import (
    CodeVersion,
    ComprehensionQuestion,
    ContributionKind,
    QuestionKind,
    QuestionOption,
    Section,
)
from .base import Actor
from .drafts import _contributed, _editable, _section_edited

# An answer offered to a question: its text and whether it is right.
OptionInput = tuple[str, bool]


def _check_options(kind: str, options: Sequence[OptionInput]) -> list[OptionInput]:
    """The options worth keeping (blank ones dropped), refused unless a person could answer right."""
    kept = [(text.strip(), is_correct) for text, is_correct in options if text.strip()]
    if len(kept) < 2:
        raise InputRefused(_("Offer at least two answers."))
    right = sum(is_correct for _text, is_correct in kept)
    if right == 0:
        raise InputRefused(_("Mark at least one answer as right."))
    if kind == QuestionKind.SINGLE and right > 1:
        raise InputRefused(
            ngettext(
                "A question with one right answer cannot have %(count)s right answer.",
                "A question with one right answer cannot have %(count)s right answers.",
                right,
            )
            % {"count": right}
        )
    return kept


def _options_create(question: ComprehensionQuestion, options: Sequence[OptionInput]) -> None:
    QuestionOption.objects.bulk_create(
        QuestionOption(question=question, position=number, text=option, is_correct=is_correct)
        for number, (option, is_correct) in enumerate(options, start=1)
    )


def _question_edited(version: CodeVersion, actor: Actor, action: AuditAction, question: ComprehensionQuestion) -> None:
    """Questions are part of the text a reviewer approves: whoever edits one contributed, like a section edit."""
    _section_edited(version, actor, action, question.section, question=question.text[:200])


@transaction.atomic
def question_add(
    *, section: Section, actor: Actor, kind: str, text: str, explanation: str, options: Sequence[OptionInput]
) -> ComprehensionQuestion:
    """Ask a question on a section of a draft, with at least two answers of which the right ones are marked."""
    version = _editable(section.version, actor)
    kept = _check_options(kind, options)
    position = (section.comprehension_questions.aggregate(last=Max("position"))["last"] or 0) + 1
    question = ComprehensionQuestion.objects.create(
        section=section, position=position, kind=kind, text=text, explanation=explanation
    )
    _options_create(question, kept)
    _question_edited(version, actor, audit_actions.QUESTION_ADD, question)
    return question


@transaction.atomic
def question_update(
    *,
    question: ComprehensionQuestion,
    actor: Actor,
    kind: str,
    text: str,
    explanation: str,
    options: Sequence[OptionInput],
) -> ComprehensionQuestion:
    """Change a question of a draft and replace its answers."""
    version = _editable(question.section.version, actor)
    kept = _check_options(kind, options)
    question.kind, question.text, question.explanation = kind, text, explanation
    question.save(update_fields=["kind", "text", "explanation"])
    question.options.all().delete()
    _options_create(question, kept)
    _question_edited(version, actor, audit_actions.QUESTION_UPDATE, question)
    return question


@transaction.atomic
def question_delete(*, question: ComprehensionQuestion, actor: Actor) -> None:
    """Remove a question from a draft."""
    version = _editable(question.section.version, actor)
    question.delete()
    _question_edited(version, actor, audit_actions.QUESTION_DELETE, question)


@transaction.atomic
def version_check_update(*, version: CodeVersion, actor: Actor, pass_mark: int, requires_pass: bool) -> CodeVersion:
    """Set a draft's pass mark (1 to 100 percent) and whether passing must come before signing."""
    version = _editable(version, actor)
    if not 1 <= pass_mark <= 100:
        raise InputRefused(_("The pass mark is a percentage from 1 to 100."))
    if (version.pass_mark, version.requires_pass) == (pass_mark, requires_pass):
        return version
    before = [version.pass_mark, version.requires_pass]
    version.pass_mark, version.requires_pass = pass_mark, requires_pass
    version.save(update_fields=["pass_mark", "requires_pass"])
    _contributed(version, actor, ContributionKind.TEXT)
    event_record(
        actor=actor,
        action=audit_actions.CHECK_UPDATE,
        target=version,
        details={"before": before, "after": [pass_mark, requires_pass]},
    )
    return version

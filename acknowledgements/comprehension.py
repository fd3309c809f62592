"""The comprehension check of a version, on the read-and-sign page: its questions, the person's attempts at
them, and the figures of wrong answers for compliance.

Kept out of services.py and selectors.py, which hold signing and the campaign figures: the check is one
feature with one write (`attempt_record`), and signing asks it two things (`signing_refusal`,
`signature_score`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from codes.models import CodeVersion, ComprehensionQuestion, Section, VersionStatus
from codes.selectors import comprehension_questions
from common.errors import DomainError
from common.spreadsheets import Cell, neutralise

from .models import AcknowledgementRequest, AttemptAnswer, ComprehensionAttempt, RequestStatus

# ---------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------


def questions_of(version: CodeVersion) -> list[ComprehensionQuestion]:
    return comprehension_questions(version)


def attempts_of(ack_request: AcknowledgementRequest) -> list[ComprehensionAttempt]:
    return list(ack_request.attempts.order_by("number"))


def passing_attempt(attempts: Sequence[ComprehensionAttempt]) -> ComprehensionAttempt | None:
    return next((attempt for attempt in attempts if attempt.passed), None)


def signing_refusal(version: CodeVersion, attempts: Sequence[ComprehensionAttempt], *, has_questions: bool) -> str:
    """Why the person cannot sign yet because of the check ("" when they can)."""
    if not (version.requires_pass and has_questions) or passing_attempt(attempts):
        return ""
    return _("Pass the comprehension check before signing: answer at least %(mark)s%% of its questions right.") % {
        "mark": version.pass_mark
    }


def signature_score(attempts: Sequence[ComprehensionAttempt]) -> int | None:
    """The score a signature records: of the passing attempt, else of the last one; None without attempts."""
    chosen = passing_attempt(attempts) or (attempts[-1] if attempts else None)
    return chosen.score if chosen else None


@dataclass(frozen=True)
class QuestionResult:
    question: ComprehensionQuestion
    chosen_ids: frozenset[int]
    is_correct: bool


def score_of(questions: Sequence[ComprehensionQuestion], chosen: Mapping[int, frozenset[int]]) -> list[QuestionResult]:
    """Each question marked: right when exactly its right answers were chosen."""
    results = []
    for question in questions:
        options = question.options.all()
        right = frozenset(option.pk for option in options if option.is_correct)
        picked = chosen.get(question.pk, frozenset()) & {option.pk for option in options}
        results.append(QuestionResult(question=question, chosen_ids=picked, is_correct=picked == right))
    return results


def wrong_answers_by_question(version: CodeVersion, requests: QuerySet[AcknowledgementRequest]) -> list[dict]:
    """Per question of the version, in reading order: how many answers it had and how many were wrong, counting
    every attempt at the `requests` (those the viewer oversees). One aggregate query."""
    mine = Q(answers__attempt__request__in=requests)
    return list(
        ComprehensionQuestion.objects.filter(section__version=version)
        .annotate(
            answered=Count("answers", filter=mine), wrong=Count("answers", filter=mine & Q(answers__is_correct=False))
        )
        .order_by("section__position", "position")
        .values("pk", "text", "section_id", "section__position", "section__title", "answered", "wrong")
    )


def wrong_answers_by_section(rows: Sequence[dict]) -> list[dict]:
    """The per-question rows summed per section, so that the sections add up to the questions."""
    sections: dict[int, dict] = {}
    for row in rows:
        section = sections.setdefault(
            row["section_id"],
            {
                "section_id": row["section_id"],
                "position": row["section__position"],
                "title": row["section__title"],
                "answered": 0,
                "wrong": 0,
                "questions": [],
            },
        )
        section["answered"] += row["answered"]
        section["wrong"] += row["wrong"]
        section["questions"].append(row)
    for row in [*rows, *sections.values()]:
        row["percent_wrong"] = round(100 * row["wrong"] / row["answered"]) if row["answered"] else None
    return list(sections.values())


def most_misunderstood(sections: Sequence[dict]) -> dict | None:
    """The section whose answers were most often wrong (by share; then by count, then the first in reading
    order), among those with a wrong answer; None when every answer was right or none was given."""
    wrong = [section for section in sections if section["wrong"]]
    return min(wrong, key=lambda s: (-s["percent_wrong"], -s["wrong"], s["position"]), default=None)


def wrong_answers_csv_rows(sections: Sequence[dict]) -> list[list[Cell]]:
    """The export's rows: each section's sum, then its questions, and a last row for the whole version."""
    rows: list[list[Cell]] = []
    for section in sections:
        rows.append([section["position"], neutralise(section["title"]), "", section["answered"], section["wrong"]])
        rows.extend(
            [section["position"], neutralise(section["title"]), neutralise(q["text"]), q["answered"], q["wrong"]]
            for q in section["questions"]
        )
    rows.append([gettext("All"), "", "", sum(s["answered"] for s in sections), sum(s["wrong"] for s in sections)])
    return rows


@dataclass(frozen=True)
class CheckItem:
    """A question on the page, with how the person answered it in their last attempt (None before any)."""

    question: ComprehensionQuestion
    chosen_ids: frozenset[int]
    is_correct: bool | None


@dataclass(frozen=True)
class Check:
    """The comprehension check as the read-and-sign page shows it."""

    version: CodeVersion
    items: list[CheckItem]
    last: ComprehensionAttempt | None
    passed: bool
    refusal: str
    reread: list[Section]

    @property
    def open(self) -> bool:
        """Whether to offer the questions (again): until the person has passed."""
        return not self.passed


def check_for(ack_request: AcknowledgementRequest) -> Check | None:
    """The check of the request's version with the person's last attempt marked; None when it asks no questions.
    Five queries: the questions, their answers, the attempts, the last attempt's answers and their choices."""
    questions = questions_of(ack_request.version)
    if not questions:
        return None
    attempts = attempts_of(ack_request)
    last = attempts[-1] if attempts else None
    answers = {answer.question_id: answer for answer in last.answers.prefetch_related("chosen")} if last else {}
    items = []
    for question in questions:
        answer = answers.get(question.pk)
        chosen = frozenset(option.pk for option in answer.chosen.all()) if answer else frozenset()
        items.append(CheckItem(question=question, chosen_ids=chosen, is_correct=answer.is_correct if answer else None))
    reread: dict[int, Section] = {
        item.question.section_id: item.question.section for item in items if item.is_correct is False
    }
    return Check(
        version=ack_request.version,
        items=items,
        last=last,
        passed=passing_attempt(attempts) is not None,
        refusal=signing_refusal(ack_request.version, attempts, has_questions=True),
        reread=sorted(reread.values(), key=lambda section: section.position),
    )


def chosen_from(data: QueryDict, questions: Sequence[ComprehensionQuestion]) -> dict[int, frozenset[int]]:
    """The options ticked in a posted check form (fields q-<question id>); what is not a number is ignored."""
    return {
        question.pk: frozenset(int(value) for value in data.getlist(f"q-{question.pk}") if value.isdigit())
        for question in questions
    }


# ---------------------------------------------------------------------------
# The one write
# ---------------------------------------------------------------------------


@transaction.atomic
def attempt_record(
    *, ack_request: AcknowledgementRequest, actor: User, chosen: Mapping[int, frozenset[int]]
) -> ComprehensionAttempt:
    """Record one attempt at the check of a pending request by the person asked, numbered after their earlier
    ones, with its score (the percent of questions answered exactly right) and whether it reaches the pass mark.
    A choice of an answer that belongs to another question is ignored."""
    ack_request = (
        AcknowledgementRequest.objects.select_for_update(of=("self",))
        .select_related("person", "version")
        .get(pk=ack_request.pk)
    )
    if ack_request.person.user_id != actor.pk:
        raise PermissionDenied(_("Only the person asked can answer this check."))
    if ack_request.status != RequestStatus.PENDING or ack_request.version.status != VersionStatus.PUBLISHED:
        raise DomainError(_("This request is no longer waiting for a signature: there is no check to answer."))
    version = ack_request.version
    questions = questions_of(version)
    if not questions:
        raise DomainError(_("This version asks no questions."))
    results = score_of(questions, chosen)
    score = round(100 * sum(result.is_correct for result in results) / len(results))
    number = (ack_request.attempts.aggregate(last=Max("number"))["last"] or 0) + 1
    try:
        with transaction.atomic():
            attempt = ComprehensionAttempt.objects.create(
                request=ack_request,
                number=number,
                score=score,
                passed=score >= version.pass_mark,
                submitted_at=timezone.now(),
            )
    except IntegrityError as error:
        raise DomainError(_("This check was sent twice at the same instant; please answer again.")) from error
    answers = AttemptAnswer.objects.bulk_create(
        AttemptAnswer(attempt=attempt, question=result.question, is_correct=result.is_correct) for result in results
    )
    AttemptAnswer.chosen.through.objects.bulk_create(
        AttemptAnswer.chosen.through(attemptanswer_id=answer.pk, questionoption_id=option_id)
        for answer, result in zip(answers, results, strict=True)
        for option_id in result.chosen_ids
    )
    return attempt


def score_for_signing(ack_request: AcknowledgementRequest) -> tuple[str, int | None]:
    """For signature_create, on the locked request: why the check stops the signature ("" when it does not),
    and the score the signature records."""
    attempts = attempts_of(ack_request)
    version = ack_request.version
    # Its questions matter only when a pass is required (most versions require none): not looked up otherwise.
    has_questions = version.requires_pass and ComprehensionQuestion.objects.filter(section__version=version.pk).exists()
    return signing_refusal(version, attempts, has_questions=has_questions), signature_score(attempts)

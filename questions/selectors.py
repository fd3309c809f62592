"""Reads for the question pages, the reader's FAQs, My tasks and the version page."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Q, QuerySet

from codes.models import CodeVersion
from codes.selectors import versions_visible_to

from .models import Question, QuestionStatus

Viewer = User | AnonymousUser

ANSWER_PERMISSION = "questions.answer_question"


def questions_visible_to(user: Viewer) -> QuerySet[Question]:
    """Answerers see every question; a document's owner those about it; anyone else their own, and the FAQs of
    the versions they may read."""
    questions = Question.objects.select_related("version__document", "section", "asker", "answered_by")
    if isinstance(user, AnonymousUser):
        return questions.none()
    if user.has_perm(ANSWER_PERMISSION):
        return questions
    return questions.filter(
        Q(asker=user)
        | Q(version__document__owner=user)
        | Q(is_faq=True, status=QuestionStatus.ANSWERED, version__in=versions_visible_to(user).values("pk"))
    )


def can_answer(user: Viewer, question: Question) -> bool:
    return user.has_perm(ANSWER_PERMISSION) or question.version.document.owner_id == user.pk


def open_questions_for(user: Viewer) -> QuerySet[Question]:
    """My tasks: the open questions the person answers, the oldest first. Answerers answer all of them; a
    document's owner (an author of codes) those about their documents; nobody else any."""
    if isinstance(user, AnonymousUser):
        return Question.objects.none()
    questions = Question.objects.open().select_related("version__document", "section").order_by("asked_at", "pk")
    if user.has_perm(ANSWER_PERMISSION):
        return questions
    if user.has_perm("codes.change_codeversion"):
        return questions.filter(version__document__owner=user)
    return Question.objects.none()


def faqs_by_position(version: CodeVersion) -> dict[int, list[Question]]:
    """The published FAQs of a version by the position of their section (one query); never the asker."""
    faqs: dict[int, list[Question]] = defaultdict(list)
    for question in Question.objects.faqs().filter(version=version).select_related("section"):
        faqs[question.section.position].append(question)
    return dict(faqs)


def counts_by_section(version: CodeVersion) -> QuerySet:
    """Each section of a version with how many questions it was asked and how many are open: where the text
    is unclear. One query."""
    return version.sections.annotate(
        asked=Count("questions"), still_open=Count("questions", filter=Q(questions__status=QuestionStatus.OPEN))
    ).order_by("position")


def to_consider_for(draft: CodeVersion) -> QuerySet[Question]:
    """The answered questions about earlier versions of the document that their answerers marked to consider
    in the next version, by the position of their section then."""
    return (
        Question.objects.filter(
            version__document_id=draft.document_id, version__number__lt=draft.number, consider_in_next_version=True
        )
        .select_related("section", "version")
        .order_by("version__number", "section__position", "asked_at")
    )

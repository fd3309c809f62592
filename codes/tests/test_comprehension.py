"""Comprehension questions: asked on a draft's sections through services, counted as contributions, and frozen
with the version by the models and by PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEvent
from codes import audit_actions, services
from codes.models import ComprehensionQuestion, Contribution, FrozenVersionError, QuestionKind, QuestionOption
from codes.tests.factories import ask, publish, start_revision
from common.errors import DomainError, InputRefused

pytestmark = pytest.mark.django_db


@pytest.fixture
def question(draft, manager) -> ComprehensionQuestion:
    return ask(draft.sections.get(position=2), actor=manager.user, text="Before sharing details?", right=["Verify"])


@pytest.fixture
def frozen_question(question, draft, manager, second_manager) -> ComprehensionQuestion:
    publish(draft, author=manager.user, approver=second_manager.user)
    return ComprehensionQuestion.objects.get(pk=question.pk)


def test_asking_a_question_is_audited_and_counts_as_a_contribution(draft, second_manager) -> None:
    section = draft.sections.get(position=1)

    ask(section, actor=second_manager.user, text="How do you answer?", right=["Calmly"], wrong=["Loudly", "Never"])

    question = section.comprehension_questions.get()
    assert [(o.text, o.is_correct) for o in question.options.all()] == [
        ("Calmly", True),
        ("Loudly", False),
        ("Never", False),
    ]
    assert Contribution.objects.filter(version=draft, person=second_manager.user).exists()
    assert AuditEvent.objects.filter(action=audit_actions.QUESTION_ADD.code).count() == 1
    services.version_submit(version=draft, actor=draft.author)
    with pytest.raises(DomainError, match="four-eyes"):
        services.version_approve(version=draft, actor=second_manager.user)


def test_a_single_choice_question_with_two_right_answers_is_refused(draft, manager) -> None:
    with pytest.raises(InputRefused, match="one right answer cannot have 2 right answers"):
        services.question_add(
            section=draft.sections.first(),
            actor=manager.user,
            kind=QuestionKind.SINGLE,
            text="Which?",
            explanation="",
            options=[("A", True), ("B", True)],
        )


def test_a_question_with_no_right_answer_is_refused(draft, manager) -> None:
    with pytest.raises(InputRefused, match="at least one answer as right"):
        ask(draft.sections.first(), actor=manager.user, text="Which?", right=[], wrong=["A", "B"])


def test_updating_a_question_replaces_its_answers(question, manager) -> None:
    services.question_update(
        question=question,
        actor=manager.user,
        kind=QuestionKind.MULTIPLE,
        text="Before sharing account details?",
        explanation="Identity first.",
        options=[("Verify identity", True), ("Note the reason", True), ("", False), ("Share at once", False)],
    )

    question.refresh_from_db()
    assert question.text == "Before sharing account details?"
    assert [(o.text, o.is_correct) for o in question.options.all()] == [
        ("Verify identity", True),
        ("Note the reason", True),
        ("Share at once", False),
    ]


def test_the_next_draft_asks_the_published_questions(frozen_question, document, manager) -> None:
    revision = start_revision(document, actor=manager.user)

    copied = ComprehensionQuestion.objects.get(section__version=revision)
    assert copied.text == frozen_question.text
    assert copied.section.key == frozen_question.section.key
    assert [o.text for o in copied.options.all()] == [o.text for o in frozen_question.options.all()]


def test_the_services_refuse_to_change_a_published_versions_questions(frozen_question, manager) -> None:
    with pytest.raises(DomainError, match="cannot be edited"):
        services.question_delete(question=frozen_question, actor=manager.user)
    with pytest.raises(DomainError, match="cannot be edited"):
        services.version_check_update(
            version=frozen_question.section.version, actor=manager.user, pass_mark=50, requires_pass=True
        )


def test_the_models_refuse_to_change_a_published_versions_questions(frozen_question) -> None:
    frozen_question.text = "Quietly rewritten"
    option = frozen_question.options.first()
    option.is_correct = not option.is_correct
    attempts = (
        frozen_question.save,
        frozen_question.delete,
        option.save,
        option.delete,
        lambda: ComprehensionQuestion.objects.filter(pk=frozen_question.pk).update(text="x"),
        lambda: QuestionOption.objects.filter(question=frozen_question).update(is_correct=True),
        lambda: QuestionOption.objects.filter(question=frozen_question).delete(),
        lambda: QuestionOption.objects.bulk_create([QuestionOption(question=frozen_question, position=9, text="x")]),
    )
    for attempt in attempts:
        with pytest.raises(FrozenVersionError):
            attempt()


def test_the_pass_mark_of_a_published_version_cannot_change(frozen_question) -> None:
    version = frozen_question.section.version
    version.pass_mark = 10

    with pytest.raises(FrozenVersionError, match="can never change"):
        version.save()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers guard PostgreSQL")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE codes_comprehensionquestion SET text = 'raw' WHERE id = %(question)s",
        "DELETE FROM codes_comprehensionquestion WHERE id = %(question)s",
        "UPDATE codes_questionoption SET is_correct = NOT is_correct WHERE question_id = %(question)s",
        "INSERT INTO codes_questionoption (question_id, position, text, is_correct)"
        " VALUES (%(question)s, 9, 'x', true)",
        "UPDATE codes_codeversion SET requires_pass = true WHERE id = %(version)s",
    ],
)
def test_raw_sql_cannot_change_a_published_versions_check(frozen_question, sql) -> None:
    ids = {"question": frozen_question.pk, "version": frozen_question.section.version_id}

    with pytest.raises(DatabaseError, match="frozen"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, ids)


# ---------------------------------------------------------------------------
# The editor's pages
# ---------------------------------------------------------------------------


def questions_url(draft, section) -> str:
    return f"/codes/{draft.document.slug}/v{draft.number}/sections/{section.pk}/questions/"


def test_a_manager_asks_a_question_through_the_plain_form(client, draft, manager) -> None:
    section = draft.sections.get(position=2)
    client.force_login(manager.user)

    response = client.post(
        questions_url(draft, section),
        {
            "kind": "single",
            "text": "Before sharing details?",
            "explanation": "Identity first.",
            "option_1": "Verify identity",
            "right_1": "on",
            "option_2": "Share at once",
        },
        follow=True,
    )

    question = section.comprehension_questions.get()
    assert (question.text, question.explanation) == ("Before sharing details?", "Identity first.")
    assert [(o.text, o.is_correct) for o in question.options.all()] == [
        ("Verify identity", True),
        ("Share at once", False),
    ]
    assert "Question added." in response.content.decode()


def test_a_refused_question_shows_the_form_again_with_the_reason(client, draft, manager) -> None:
    section = draft.sections.get(position=2)
    client.force_login(manager.user)

    response = client.post(
        questions_url(draft, section), {"kind": "single", "text": "Which?", "option_1": "A", "option_2": "B"}
    )

    assert "Mark at least one answer as right." in response.content.decode()
    assert not section.comprehension_questions.exists()


def test_a_manager_edits_and_deletes_a_question(client, draft, question, manager) -> None:
    client.force_login(manager.user)
    url = questions_url(draft, question.section) + f"{question.pk}/"

    assert "Before sharing details?" in client.get(url).content.decode()
    client.post(url, {"kind": "single", "text": "Changed?", "option_1": "Yes", "right_1": "on", "option_2": "No"})
    question.refresh_from_db()
    assert question.text == "Changed?"
    client.post(url + "delete/")
    assert not ComprehensionQuestion.objects.exists()


def test_the_pass_mark_and_the_requirement_are_set_on_the_editor(client, draft, manager) -> None:
    client.force_login(manager.user)

    client.post(f"/codes/{draft.document.slug}/v1/check/", {"pass_mark": "75", "requires_pass": "on"})

    draft.refresh_from_db()
    assert (draft.pass_mark, draft.requires_pass) == (75, True)
    assert AuditEvent.objects.filter(action=audit_actions.CHECK_UPDATE.code).exists()


def test_the_questions_pages_need_the_right_to_edit(client, draft, question, agent) -> None:
    client.force_login(agent.user)

    response = client.get(questions_url(draft, question.section))

    assert response.status_code == 403


def test_deleting_a_published_versions_question_from_the_page_is_refused(client, frozen_question, manager) -> None:
    client.force_login(manager.user)
    version = frozen_question.section.version

    response = client.post(
        questions_url(version, frozen_question.section) + f"{frozen_question.pk}/delete/", follow=True
    )

    assert "cannot be edited" in response.content.decode()
    assert ComprehensionQuestion.objects.filter(pk=frozen_question.pk).exists()


def test_reviewers_see_the_questions_and_right_answers_on_the_version_page(
    client, draft, question, manager, second_manager
) -> None:
    services.version_submit(version=draft, actor=manager.user)
    client.force_login(second_manager.user)

    page = client.get(f"/codes/{draft.document.slug}/v1/").content.decode()

    panel = page[page.index('data-testid="comprehension-questions"') :]
    assert "Before sharing details?" in panel
    assert "Pass mark: 80% right answers." in panel


def test_readers_of_the_version_page_are_not_shown_the_right_answers(client, frozen_question, agent) -> None:
    client.force_login(agent.user)

    page = client.get(f"/codes/{frozen_question.section.version.document.slug}/v1/").content.decode()

    assert "Privacy" in page
    assert "Before sharing details?" not in page

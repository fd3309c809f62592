"""Questions on a section: asked privately, answered from My tasks, told to the asker once in their language,
published as a frequently asked question, and kept for the author of the next version."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from codes import services as code_services
from people.tests.factories import StaffProfileFactory
from questions import services
from questions.models import Question, QuestionStatus
from questions.tests.factories import answer, ask

pytestmark = pytest.mark.django_db


def ask_url(version, position: int = 2) -> str:
    return f"/questions/ask/{version.document.slug}/{version.number}/{position}/"


def answer_form(**extra: str) -> dict[str, str]:
    return {"answer": "Ask for the date of birth and the postcode.", **extra}


@pytest.fixture
def question(published, agent) -> Question:
    return ask(published, agent.user)


def test_a_reader_asks_about_a_section_privately(client, sign_in, published, agent) -> None:
    sign_in(agent)

    page = client.get(ask_url(published))
    response = client.post(ask_url(published), {"text": "Which details verify an identity?"})

    assert "Verify identity first." in page.content.decode()
    question = Question.objects.get()
    assert response.status_code == 302
    assert response.url == f"/questions/{question.pk}/"
    assert (question.asker, question.section.position, question.status) == (agent.user, 2, QuestionStatus.OPEN)


def test_an_empty_question_is_refused(client, sign_in, published, agent) -> None:
    sign_in(agent)

    response = client.post(ask_url(published), {"text": "  "})

    assert response.status_code == 400
    assert not Question.objects.exists()


def test_a_draft_cannot_be_asked_about(client, sign_in, draft, compliance_officer) -> None:
    sign_in(compliance_officer)

    assert client.get(ask_url(draft)).status_code == 404


def test_the_question_waits_in_the_tasks_of_compliance_and_of_the_documents_owner(
    client, sign_in, question, compliance_officer, manager, second_manager
) -> None:
    for person, sees in ((compliance_officer, True), (manager, True), (second_manager, False)):
        page = sign_in(person).get("/tasks/").content.decode()
        assert (f"/questions/{question.pk}/" in page) is sees
        client.logout()


def test_a_question_past_the_response_time_is_marked_overdue(client, sign_in, question, compliance_officer, settings):
    settings.QUESTIONS_RESPONSE_DAYS = 5
    sign_in(compliance_officer)

    Question.objects.filter(pk=question.pk).update(asked_at=timezone.now() - datetime.timedelta(days=5))
    on_time = client.get("/tasks/").content.decode()
    Question.objects.filter(pk=question.pk).update(asked_at=timezone.now() - datetime.timedelta(days=6))
    late = client.get("/tasks/").content.decode()

    assert "Asked 5 days ago" in on_time
    assert "Past the response time" not in on_time
    assert "Past the response time" in late


def test_the_tasks_list_costs_the_same_queries_for_one_question_or_twenty(
    client, sign_in, published, agent, compliance_officer, django_assert_num_queries
) -> None:
    section = published.sections.get(position=1)
    services.question_ask(section=section, text="Why?", actor=agent.user)
    sign_in(compliance_officer)
    with CaptureQueriesContext(connection) as one:
        client.get("/tasks/")
    for _ in range(20):
        services.question_ask(section=section, text="Why?", actor=agent.user)
    # The session, the user, the permissions (own and roles', one query), the task counts, the unread notifications,
    # and the page of open questions with their versions and sections.
    assert len(one) == 6
    with django_assert_num_queries(6):
        client.get("/tasks/")


def test_another_agent_cannot_see_a_private_question(client, sign_in, question, support) -> None:
    other = StaffProfileFactory(user__roles=["Agent"], department=support)
    sign_in(other)

    assert client.get(f"/questions/{question.pk}/").status_code == 404
    assert client.post(f"/questions/{question.pk}/answer/", answer_form()).status_code == 404


def test_the_asker_may_not_answer_their_own_question(client, sign_in, question, agent) -> None:
    sign_in(agent)

    page = client.get(f"/questions/{question.pk}/").content.decode()
    response = client.post(f"/questions/{question.pk}/answer/", answer_form())

    assert "Not answered yet" in page
    assert response.status_code == 403
    question.refresh_from_db()
    assert question.status == QuestionStatus.OPEN


def test_anonymous_people_are_sent_to_sign_in(client, question) -> None:
    assert client.get(f"/questions/{question.pk}/").status_code == 302


def test_answering_by_get_is_refused(client, sign_in, question, compliance_officer) -> None:
    sign_in(compliance_officer)

    assert client.get(f"/questions/{question.pk}/answer/").status_code == 405


def test_a_question_to_consider_shows_in_the_next_drafts_editor(
    client, sign_in, question, manager, compliance_officer
) -> None:
    answer(question, compliance_officer.user, consider=True)
    draft = code_services.version_start_draft(document=question.version.document, actor=manager.user)
    sign_in(manager)

    page = client.get(f"/codes/{draft.document.slug}/v{draft.number}/edit/").content.decode()

    assert "Questions to consider in this version" in page
    assert "Which details verify an identity?" in page


def test_the_version_page_counts_questions_per_section_for_answerers(
    client, sign_in, question, published, compliance_officer
) -> None:
    sign_in(compliance_officer)

    page = client.get(f"/codes/{published.document.slug}/v{published.number}/").content.decode()

    assert 'data-testid="question-counts-2"' in page
    assert 'data-testid="question-counts-1"' not in page


def test_a_faq_stays_hidden_from_those_outside_the_versions_audience(
    client, sign_in, question, compliance_officer, outsider
) -> None:
    answer(question, compliance_officer.user, faq=True)
    question.version.__class__.objects.filter(pk=question.version_id).update(applies_to_all_staff=False)
    sign_in(outsider)

    assert client.get(f"/questions/{question.pk}/").status_code == 404


def test_when_a_question_was_asked_reads_as_a_question_in_romanian() -> None:
    # A request's "asked" is "solicitată la"; a question is not requested but put ("pusă la").
    with translation.override("ro"):
        assert str(Question._meta.get_field("asked_at").verbose_name) == "pusă la"

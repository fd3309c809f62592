"""The answer to a question goes back to the person who asked: in the portal and by email, in their language,
exactly once."""

from __future__ import annotations

import pytest
from django.core import mail

from questions.models import Question, QuestionStatus
from questions.tests.factories import ask
from reminders.models import Notification, ReminderKind, ReminderLog

pytestmark = pytest.mark.django_db


def answer_form(**extra: str) -> dict[str, str]:
    return {"answer": "Ask for the date of birth and the postcode.", **extra}


@pytest.fixture
def question(published, agent) -> Question:
    return ask(published, agent.user)


def test_answering_tells_the_asker_once_in_their_language_and_publishes_the_faq(
    client, sign_in, question, agent, compliance_officer, tasks_run_at_once, django_capture_on_commit_callbacks
) -> None:
    agent.preferred_language = "ro"
    agent.save(update_fields=["preferred_language"])
    sign_in(compliance_officer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/questions/{question.pk}/answer/", answer_form(publish_as_faq="on"))
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(f"/questions/{question.pk}/answer/", answer_form(answer="A second answer."), follow=True)

    question.refresh_from_db()
    assert response.status_code == 302
    assert "already been answered" in again.content.decode()
    assert (question.status, question.answered_by, question.is_faq) == (
        QuestionStatus.ANSWERED,
        compliance_officer.user,
        True,
    )
    assert question.answer == "Ask for the date of birth and the postcode."
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [agent.user.email]
    assert "Bună ziua, Ana," in mail.outbox[0].body
    assert "Ask for the date of birth and the postcode." in mail.outbox[0].body
    assert ReminderLog.objects.filter(kind=ReminderKind.QUESTION_ANSWER, object_id=question.pk).count() == 1
    notification = Notification.objects.get(recipient=agent.user)
    assert notification.url == f"/questions/{question.pk}/"

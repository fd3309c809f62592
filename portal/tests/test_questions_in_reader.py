"""A question published as a frequently asked one shows under its section in the reader, to everyone who reads
that version, without the name of who asked; the reader looks all of them up in one query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from acknowledgements import services as acknowledgement_services
from acknowledgements.models import AcknowledgementRequest
from people.tests.factories import StaffProfileFactory
from questions.models import Question
from questions.tests.factories import answer, ask

pytestmark = pytest.mark.django_db


@pytest.fixture
def question(published, agent) -> Question:
    return ask(published, agent.user)


def test_a_published_faq_shows_under_its_section_to_another_reader_without_the_asker(
    client, sign_in, question, compliance_officer, support, django_assert_max_num_queries
) -> None:
    answer(question, compliance_officer.user, faq=True)
    reader = StaffProfileFactory(user__first_name="Bogdan", user__roles=["Agent"], department=support)
    acknowledgement_services.requests_create_for_version(version=question.version)
    ack = AcknowledgementRequest.objects.get(version=question.version, person=reader)
    sign_in(reader)

    page = client.get(f"/acknowledgements/{ack.pk}/").content.decode()
    faq_page = client.get(f"/questions/{question.pk}/")

    assert 'data-testid="faqs-2"' in page
    assert "Which details verify an identity?" in page
    assert "Ask for the date of birth." in page
    assert "Ana" not in page
    assert faq_page.status_code == 200
    assert "Asked by" not in faq_page.content.decode()


def test_the_reader_costs_one_query_for_its_faqs_however_many(
    client, sign_in, published, agent, compliance_officer, django_assert_num_queries
) -> None:
    acknowledgement_services.requests_create_for_version(version=published)
    ack = AcknowledgementRequest.objects.get(version=published, person=agent)
    sign_in(agent)
    client.get(f"/acknowledgements/{ack.pk}/")  # opened once: the next visits write nothing

    def faqs(number: int) -> None:
        for position in (1, 2):
            for _ in range(number):
                asked = ask(published, agent.user, position=position, text="Why?")
                answer(asked, compliance_officer.user, text="Because.", faq=True)

    faqs(1)
    with CaptureQueriesContext(connection) as one:
        client.get(f"/acknowledgements/{ack.pk}/")
    faqs(20)
    # The session, the user, the request, the sections, the earlier signature, the permissions (own and roles', one
    # query), the unread notifications, the task counts, the comprehension questions, and the version's FAQs: one query
    # for all of them.
    assert len(one) == 10
    with django_assert_num_queries(10):
        page = client.get(f"/acknowledgements/{ack.pk}/").content.decode()
    assert page.count("Because.") == 42

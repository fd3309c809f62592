"""The comprehension check on the read-and-sign page: attempts, the sections to re-read, a required pass before
signing, and the score on the signature and its receipt."""

from __future__ import annotations

import csv

import pytest

from acknowledgements import comprehension, services
from acknowledgements.chain import record_hash
from acknowledgements.models import AcknowledgementRequest, ComprehensionAttempt, Signature
from codes import services as code_services
from codes.models import ComprehensionQuestion
from codes.tests.factories import ask, publish
from common.errors import DomainError
from people.tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def ask_two_questions(draft, manager) -> None:
    """One single-choice question on section 1, one multiple-choice question on section 2."""
    ask(
        draft.sections.get(position=1),
        actor=manager.user,
        text="How do you answer an angry customer?",
        right=["Calmly"],
        wrong=["Loudly"],
        explanation="Section 1 asks for calm.",
    )
    ask(
        draft.sections.get(position=2),
        actor=manager.user,
        text="Before sharing account details?",
        right=["Verify identity", "Note the reason"],
        wrong=["Share at once"],
        explanation="Identity comes first.",
    )


def publish_with_check(draft, manager, second_manager, agent, *, requires_pass: bool) -> AcknowledgementRequest:
    ask_two_questions(draft, manager)
    code_services.version_check_update(version=draft, actor=manager.user, pass_mark=100, requires_pass=requires_pass)
    version = publish(draft, author=manager.user, approver=second_manager.user)
    services.requests_create_for_version(version=version)
    return AcknowledgementRequest.objects.get(version=version, person=agent)


@pytest.fixture
def ack(draft, manager, second_manager, agent) -> AcknowledgementRequest:
    """A request to sign a version whose check must be passed with every answer right."""
    return publish_with_check(draft, manager, second_manager, agent, requires_pass=True)


def answers(ack: AcknowledgementRequest, *, first_right: bool, second_right: bool) -> dict[str, list[str]]:
    """The check form, answered right or wrong per question (the second wrong ticks one right answer only)."""
    questions = ComprehensionQuestion.objects.filter(section__version=ack.version)
    first = questions.get(text="How do you answer an angry customer?")
    second = questions.get(text="Before sharing account details?")
    first_options, second_options = list(first.options.all()), list(second.options.all())
    return {
        f"q-{first.pk}": [str(first_options[0 if first_right else 1].pk)],
        f"q-{second.pk}": [str(o.pk) for o in (second_options[:2] if second_right else second_options[:1])],
    }


def sign_form(agent) -> dict[str, str]:
    return {"agree": "on", "typed_name": agent.full_name, "password": TEST_PASSWORD}


def test_a_required_check_replaces_the_sign_form_with_the_reason(client, agent, ack) -> None:
    client.force_login(agent.user)

    page = client.get(f"/acknowledgements/{ack.pk}/").content.decode()

    assert "How do you answer an angry customer?" in page
    assert 'data-testid="check-refusal"' in page
    assert "Pass the comprehension check before signing" in page
    assert f'action="/acknowledgements/{ack.pk}/sign/"' not in page


def test_signing_before_passing_a_required_check_is_refused(client, agent, ack) -> None:
    client.force_login(agent.user)
    client.post(f"/acknowledgements/{ack.pk}/check/", answers(ack, first_right=True, second_right=False))

    with pytest.raises(DomainError, match="Pass the comprehension check before signing"):
        services.signature_create(ack_request=ack, actor=agent.user, typed_name=agent.full_name)
    assert not Signature.objects.exists()


def test_a_failed_attempt_lists_the_sections_to_re_read_and_the_explanations(client, agent, ack) -> None:
    client.force_login(agent.user)

    response = client.post(
        f"/acknowledgements/{ack.pk}/check/", answers(ack, first_right=True, second_right=False), follow=True
    )

    page = response.content.decode()
    reread = page[page.index('data-testid="check-reread"') : page.index("</ul>", page.index("check-reread"))]
    assert 'href="#section-2"' in reread
    assert 'href="#section-1"' not in reread
    assert "Attempt 1: you scored 50%, below the pass mark." in page
    assert "Identity comes first." in page
    attempt = ComprehensionAttempt.objects.get()
    assert (attempt.number, attempt.score, attempt.passed) == (1, 50, False)
    assert [answer.is_correct for answer in attempt.answers.order_by("question__section__position")] == [True, False]


def test_failing_then_passing_lets_the_person_sign_and_the_receipt_shows_the_score(client, agent, ack) -> None:
    client.force_login(agent.user)
    client.post(f"/acknowledgements/{ack.pk}/check/", answers(ack, first_right=False, second_right=False))
    client.post(f"/acknowledgements/{ack.pk}/check/", answers(ack, first_right=True, second_right=True))

    response = client.post(f"/acknowledgements/{ack.pk}/sign/", sign_form(agent), follow=True)

    signature = Signature.objects.get()
    assert signature.comprehension_score == 100
    assert signature.record_hash == record_hash(signature)
    assert [a.score for a in ComprehensionAttempt.objects.order_by("number")] == [0, 100]
    receipt = response.content.decode()
    assert "Comprehension check" in receipt
    assert "100% right answers" in receipt


def test_without_a_required_pass_the_signature_records_the_last_score(
    client, draft, manager, second_manager, agent
) -> None:
    ack = publish_with_check(draft, manager, second_manager, agent, requires_pass=False)
    client.force_login(agent.user)
    client.post(f"/acknowledgements/{ack.pk}/check/", answers(ack, first_right=True, second_right=False))

    signature = services.signature_create(ack_request=ack, actor=agent.user, typed_name=agent.full_name)

    assert signature.comprehension_score == 50


def test_a_version_without_questions_records_no_score(client, agent, published) -> None:
    services.requests_create_for_version(version=published)
    ack = AcknowledgementRequest.objects.get(person=agent)
    client.force_login(agent.user)

    page = client.get(f"/acknowledgements/{ack.pk}/").content.decode()
    signature = services.signature_create(ack_request=ack, actor=agent.user, typed_name=agent.full_name)

    assert 'data-testid="check"' not in page
    assert signature.comprehension_score is None


def test_someone_elses_check_is_not_found(client, outsider, ack) -> None:
    client.force_login(outsider.user)

    response = client.post(f"/acknowledgements/{ack.pk}/check/", answers(ack, first_right=True, second_right=True))

    assert response.status_code == 404
    assert not ComprehensionAttempt.objects.exists()


def test_answering_the_check_needs_a_post_and_a_sign_in(client, agent, ack) -> None:
    anonymous = client.post(f"/acknowledgements/{ack.pk}/check/")
    client.force_login(agent.user)

    assert anonymous.status_code == 302
    assert "/accounts/login/" in anonymous["Location"]
    assert client.get(f"/acknowledgements/{ack.pk}/check/").status_code == 405


@pytest.mark.parametrize("extra_questions", [0, 20])
def test_the_check_page_makes_as_many_queries_however_many_questions(
    client, draft, manager, second_manager, agent, extra_questions, django_assert_num_queries
) -> None:
    for number in range(extra_questions):
        ask(draft.sections.get(position=1 + number % 2), actor=manager.user, text=f"Extra question {number}?")
    ack = publish_with_check(draft, manager, second_manager, agent, requires_pass=True)
    client.force_login(agent.user)
    client.post(f"/acknowledgements/{ack.pk}/check/", answers(ack, first_right=True, second_right=False))

    # The reader's own (session, user, request, opening, sections, earlier signature, replacing request,
    # the published questions on clauses, navigation) and the check's five: its questions, their answers,
    # the attempts, the last attempt's answers and the options they chose.
    with django_assert_num_queries(15):
        client.get(f"/acknowledgements/{ack.pk}/")


# ---------------------------------------------------------------------------
# The figures of wrong answers, for compliance
# ---------------------------------------------------------------------------


@pytest.fixture
def answered(client, draft, manager, second_manager, agent, support) -> AcknowledgementRequest:
    """Hand-counted: the agent answers twice (section 1 right then right, section 2 wrong then right) and a
    colleague once (both wrong). Section 1: 3 answers, 1 wrong; section 2: 3 answers, 2 wrong."""
    from people.tests.factories import StaffProfileFactory

    colleague = StaffProfileFactory(user__roles=["Agent"], department=support)
    ack = publish_with_check(draft, manager, second_manager, agent, requires_pass=True)
    other = AcknowledgementRequest.objects.get(version=ack.version, person=colleague)
    client.force_login(agent.user)
    client.post(f"/acknowledgements/{ack.pk}/check/", answers(ack, first_right=True, second_right=False))
    client.post(f"/acknowledgements/{ack.pk}/check/", answers(ack, first_right=True, second_right=True))
    client.force_login(colleague.user)
    client.post(f"/acknowledgements/{other.pk}/check/", answers(other, first_right=False, second_right=False))
    return ack


def test_the_wrong_answers_per_section_add_up_from_the_questions(client, answered, compliance_officer) -> None:
    client.force_login(compliance_officer.user)

    response = client.get(f"/acknowledgements/dashboard/versions/{answered.version_id}/comprehension/")

    sections = response.context["sections"]
    assert [(s["position"], s["answered"], s["wrong"], s["percent_wrong"]) for s in sections] == [
        (1, 3, 1, 33),
        (2, 3, 2, 67),
    ]
    assert [(q["answered"], q["wrong"]) for s in sections for q in s["questions"]] == [(3, 1), (3, 2)]
    assert "3 wrong of 6 answers, every attempt counted." in response.content.decode()


def test_the_page_names_the_section_most_often_misunderstood(client, answered, compliance_officer) -> None:
    client.force_login(compliance_officer.user)

    response = client.get(f"/acknowledgements/dashboard/versions/{answered.version_id}/comprehension/")

    assert "Most often misunderstood: section 2, “Privacy” (67% of its answers wrong)." in response.content.decode()


def test_a_tie_in_share_goes_to_the_section_with_more_wrong_answers() -> None:
    sections = [
        {"position": 1, "wrong": 1, "percent_wrong": 50},
        {"position": 2, "wrong": 2, "percent_wrong": 50},
        {"position": 3, "wrong": 0, "percent_wrong": 0},
    ]

    assert comprehension.most_misunderstood(sections) == sections[1]


def test_no_section_is_named_when_every_answer_was_right() -> None:
    assert comprehension.most_misunderstood([{"position": 1, "wrong": 0, "percent_wrong": 0}]) is None


def test_the_wrong_answers_export_as_csv_with_a_total(client, answered, compliance_officer) -> None:
    client.force_login(compliance_officer.user)

    response = client.get(f"/acknowledgements/dashboard/versions/{answered.version_id}/comprehension.csv")

    rows = list(csv.reader(b"".join(response.streaming_content).decode("utf-8-sig").splitlines()))
    assert rows[0] == ["Section", "Section title", "Question", "Answers", "Wrong answers"]
    assert rows[1] == ["1", "Professionalism", "", "3", "1"]
    assert rows[2] == ["1", "Professionalism", "How do you answer an angry customer?", "3", "1"]
    assert rows[-1] == ["All", "", "", "6", "3"]


def test_the_campaign_page_links_to_the_wrong_answers(client, answered, compliance_officer) -> None:
    client.force_login(compliance_officer.user)

    page = client.get(f"/acknowledgements/dashboard/versions/{answered.version_id}/").content.decode()

    assert f'href="/acknowledgements/dashboard/versions/{answered.version_id}/comprehension/"' in page


def test_an_agent_cannot_see_the_wrong_answers(client, answered, agent) -> None:
    client.force_login(agent.user)

    response = client.get(f"/acknowledgements/dashboard/versions/{answered.version_id}/comprehension/")

    assert response.status_code == 403


@pytest.mark.parametrize("agents", [1, 20])
def test_the_wrong_answers_page_makes_as_many_queries_however_many_answers(
    client, draft, manager, second_manager, agent, support, compliance_officer, agents, django_assert_num_queries
) -> None:
    from people.tests.factories import StaffProfileFactory

    StaffProfileFactory.create_batch(agents - 1, user__roles=["Agent"], department=support)
    ack = publish_with_check(draft, manager, second_manager, agent, requires_pass=True)
    for each in AcknowledgementRequest.objects.filter(version=ack.version).select_related("person__user"):
        comprehension.attempt_record(ack_request=each, actor=each.person.user, chosen={})
    client.force_login(compliance_officer.user)

    # The session, the user and its permissions, the version (the dashboard's access), the figures (one
    # aggregate query) and the navigation: the same with one person's answers as with twenty's.
    with django_assert_num_queries(7):
        client.get(f"/acknowledgements/dashboard/versions/{ack.version_id}/comprehension/")

"""The certificate of a completion: its page and its PDF, for the person, their manager and compliance; and the
links to it from the pages that list completions."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import formats
from pypdf import PdfReader

from codes.tests.factories import DraftFactory, SectionFactory
from training.certificates import certificate_of
from training.models import Completion
from training.services.completions import completion_record
from training.tests.factories import AssignmentFactory, CompletionFactory, CourseFactory, SessionFactory

from .helpers import NOT_FOUND, STATUS, days, page_of, shows, today

pytestmark = pytest.mark.django_db

# A day in the past whose number could pass for a month: 9 March, not 3 September.
COMPLETED_ON = datetime.date(2025, 3, 9)


def page_url(completion: Completion) -> str:
    return f"/training/completions/{completion.pk}/certificate/"


def pdf_url(completion: Completion) -> str:
    return f"/training/completions/{completion.pk}/certificate/pdf/"


def text_of_pdf(response) -> str:
    """The text a PDF reader finds on the PDF's pages, with runs of spaces and line breaks made one space."""
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


@pytest.fixture
def completion(agent, manager, course) -> Completion:
    """Ana's completion of “Customer service essentials” (12-month refresher), recorded by Maria, her manager."""
    return CompletionFactory(person=agent, course=course, completed_on=COMPLETED_ON, recorded_by=manager.user, score=92)


# ---------------------------------------------------------------------------
# Who may open it
# ---------------------------------------------------------------------------


def test_the_person_opens_the_certificate_of_their_completion(client, agent, manager, completion) -> None:
    client.force_login(agent.user)

    response = client.get(page_url(completion))

    assert response.status_code == 200
    certificate = certificate_of(completion)
    assert shows(
        response,
        "Certificate of completion",
        agent.full_name,
        agent.employee_id,
        "Support",
        "Customer service essentials",
        formats.date_format(COMPLETED_ON, "DATE_FORMAT"),
        manager.full_name,
        "92%",
        certificate.number,
        certificate.fingerprint,
    )
    assert f'href="{pdf_url(completion)}"' in page_of(response)
    assert "no-store" in response["Cache-Control"]


def test_the_person_downloads_the_certificate_as_a_pdf_naming_them_and_the_course(client, agent, completion) -> None:
    client.force_login(agent.user)

    response = client.get(pdf_url(completion))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    certificate = certificate_of(completion)
    assert response["Content-Disposition"] == f'attachment; filename="certificate-{certificate.number}.pdf"'
    assert "no-store" in response["Cache-Control"]
    text = text_of_pdf(response)
    for expected in ("Certificate of completion", agent.full_name, "Customer service essentials", certificate.number):
        assert expected in text


@pytest.mark.parametrize("url", [page_url, pdf_url])
def test_the_manager_of_the_team_opens_the_certificate(client, manager, completion, url) -> None:
    client.force_login(manager.user)

    assert client.get(url(completion)).status_code == 200


@pytest.mark.parametrize("url", [page_url, pdf_url])
def test_compliance_opens_anyones_certificate(client, compliance_officer, completion, url) -> None:
    client.force_login(compliance_officer.user)

    assert client.get(url(completion)).status_code == 200


@pytest.mark.parametrize("viewer", ["teammate", "second_manager", "outsider"])
@pytest.mark.parametrize("url", [page_url, pdf_url])
def test_anybody_else_is_told_there_is_no_such_certificate(request, client, completion, viewer, url) -> None:
    client.force_login(request.getfixturevalue(viewer).user)

    response = client.get(url(completion))

    assert response.status_code == 404
    assert shows(response, NOT_FOUND)


def test_a_manager_no_longer_opens_it_once_the_person_moved_to_another_manager(
    client, manager, second_manager, agent, completion
) -> None:
    agent.manager = second_manager
    agent.save(update_fields=["manager"])

    client.force_login(manager.user)
    assert client.get(page_url(completion)).status_code == 404
    client.force_login(second_manager.user)
    assert client.get(page_url(completion)).status_code == 200


def test_an_open_assignment_has_no_certificate(client, manager, agent, course) -> None:
    AssignmentFactory(person=agent, course=course)
    client.force_login(manager.user)

    person_page = client.get(f"/people/{agent.pk}/")
    training_page = client.get(f"/training/people/{agent.pk}/")

    assert (person_page.status_code, training_page.status_code) == (200, 200)
    assert shows(person_page, course.title)
    assert "/certificate/" not in page_of(person_page) + page_of(training_page)
    assert client.get("/training/completions/999999/certificate/").status_code == 404
    assert client.get("/training/completions/999999/certificate/pdf/").status_code == 404


def test_the_certificate_asks_an_anonymous_visitor_to_sign_in(client, completion) -> None:
    response = client.get(page_url(completion))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", [page_url, pdf_url])
def test_the_certificate_refuses_other_methods(client, agent, completion, url) -> None:
    client.force_login(agent.user)

    assert client.post(url(completion)).status_code == 405


# ---------------------------------------------------------------------------
# What it says
# ---------------------------------------------------------------------------


def test_the_certificate_names_the_day_the_refresher_falls_due(client, agent, completion) -> None:
    client.force_login(agent.user)

    response = client.get(page_url(completion))

    assert shows(response, "Refresher due", formats.date_format(datetime.date(2026, 3, 9), "DATE_FORMAT"))


def test_a_course_without_a_refresher_gives_the_certificate_no_expiry(client, agent, manager) -> None:
    completion = CompletionFactory(
        person=agent, course=CourseFactory(refresher_interval_months=None), recorded_by=manager.user
    )
    client.force_login(agent.user)

    response = client.get(page_url(completion))

    assert not shows(response, "Refresher due")
    assert shows(response, "Does not expire")


def test_the_certificate_names_what_the_course_covers(client, agent, manager, published) -> None:
    course = CourseFactory(title="Privacy in practice", document=published.document, description="Handling data.")
    course.sections.set(published.sections.filter(title="Privacy"))
    completion = CompletionFactory(person=agent, course=course, recorded_by=manager.user)
    client.force_login(agent.user)

    response = client.get(page_url(completion))

    assert shows(response, "Handling data.", "Customer Service Code", "Privacy")


def test_a_completion_reported_by_an_lms_names_its_external_id_and_evidence(client, agent, manager, course) -> None:
    completion = CompletionFactory(
        person=agent,
        course=course,
        recorded_by=manager.user,
        external_id="lms-7781",
        evidence_note="Passed the online quiz.",
    )
    client.force_login(agent.user)

    response = client.get(page_url(completion))

    assert shows(response, "lms-7781", "Passed the online quiz.")


def test_a_completion_from_a_session_names_the_session(client, agent, manager, course) -> None:
    session = SessionFactory(course=course, location="Room 4, Cluj office")
    completion = CompletionFactory(person=agent, course=course, recorded_by=manager.user, session=session)
    client.force_login(agent.user)

    assert shows(client.get(page_url(completion)), "Room 4, Cluj office")


def test_a_completion_recorded_through_the_portal_has_a_certificate(client, agent, manager, course) -> None:
    completion = completion_record(person=agent, course=course, completed_on=today() - days(1), actor=manager.user)
    client.force_login(agent.user)

    response = client.get(page_url(completion))

    assert response.status_code == 200
    assert shows(response, manager.full_name, course.title)


def test_the_certificate_is_in_the_persons_language(client, agent, completion) -> None:
    agent.preferred_language = "ro"
    agent.save(update_fields=["preferred_language"])
    client.force_login(agent.user)

    page = page_of(client.get(page_url(completion)))

    assert 'lang="ro"' in page
    assert "9 mar 2025" in page


# ---------------------------------------------------------------------------
# Cost
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("sections", [1, 20])
@pytest.mark.parametrize(("url", "queries"), [(page_url, 8), (pdf_url, 6)])
def test_the_certificate_reads_a_fixed_number_of_queries(
    client, agent, manager, document, django_assert_max_num_queries, sections, url, queries
) -> None:
    version = DraftFactory(document=document, number=1, author=manager.user)
    course = CourseFactory(document=document)
    course.sections.set([SectionFactory(version=version, position=n) for n in range(1, sections + 1)])
    completion = CompletionFactory(
        person=agent, course=course, recorded_by=manager.user, session=SessionFactory(course=course)
    )
    client.force_login(agent.user)

    # The session, the user, their permissions (two); the completion with its person, department, course,
    # code document, recorder and session; the sections taught; for the page, unread notifications and
    # my tasks (the navigation; the PDF has none).
    with django_assert_max_num_queries(queries):
        response = client.get(url(completion))
    assert response.status_code == 200


# ---------------------------------------------------------------------------
# Links to it, only where it opens
# ---------------------------------------------------------------------------


def test_my_training_links_each_completion_to_its_certificate(client, agent, completion) -> None:
    client.force_login(agent.user)

    assert f'href="{page_url(completion)}"' in page_of(client.get("/training/"))


def test_the_training_page_of_a_report_links_to_their_certificates(client, manager, agent, completion) -> None:
    client.force_login(manager.user)

    assert f'href="{page_url(completion)}"' in page_of(client.get(f"/training/people/{agent.pk}/"))


@pytest.mark.parametrize("viewer", ["manager", "compliance_officer"])
def test_the_person_page_links_each_completion_to_its_certificate(request, client, agent, completion, viewer) -> None:
    client.force_login(request.getfixturevalue(viewer).user)

    page = page_of(client.get(f"/people/{agent.pk}/"))

    assert f'href="{page_url(completion)}"' in page


def test_compliance_finds_the_certificates_in_the_completions_list(client, compliance_officer, agent, course) -> None:
    recent = CompletionFactory(person=agent, course=course, completed_on=today() - days(3))
    client.force_login(compliance_officer.user)

    page = page_of(client.get(STATUS, {"status": "completed"}))

    assert f'href="{page_url(recent)}"' in page

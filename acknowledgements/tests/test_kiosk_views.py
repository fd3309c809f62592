"""The kiosk's pages: opening one, the browser held to the kiosk, identifying with a PIN, reading and signing
before the witness, and nothing of a person left on the screen after them."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from acknowledgements import services
from acknowledgements.middleware import KIOSK_COOKIE
from acknowledgements.models import AcknowledgementRequest, KioskEnd, KioskSession, RequestStatus, Signature
from codes.models import CodeVersion
from codes.tests.factories import CodeDocumentFactory, DraftFactory, SectionFactory, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(published, worker, agent) -> AcknowledgementRequest:
    services.requests_create_for_version(version=published)
    return AcknowledgementRequest.objects.get(version=published, person=worker)


@pytest.fixture
def kiosk_client(client: Client, manager) -> Client:
    """The manager's browser, with a kiosk open on it."""
    client.force_login(manager.user)
    response = client.post("/kiosk/open/", {"device": "Front desk tablet"})
    assert response.status_code == 302, response.content.decode()[:1000]
    return client


def identified(kiosk_client: Client, pin: str) -> Client:
    response = kiosk_client.post("/kiosk/identify/", {"employee_id": "K-100", "secret": pin})
    assert response.status_code == 302, response.content.decode()[:1000]
    return kiosk_client


def sign_form(**changes: str) -> dict[str, str]:
    return {"agree": "on", "typed_name": "Ion Popa", **changes}


def test_a_manager_opens_a_kiosk_bound_to_the_device_by_a_cookie(client, manager) -> None:
    client.force_login(manager.user)

    response = client.post("/kiosk/open/", {"device": "Front desk tablet"})

    assert response["Location"] == "/kiosk/"
    assert response.cookies[KIOSK_COOKIE]["httponly"]
    kiosk = KioskSession.objects.get()
    assert (kiosk.supervisor, kiosk.device) == (manager, "Front desk tablet")


def test_a_kiosk_needs_a_device_name(client, manager) -> None:
    client.force_login(manager.user)

    response = client.post("/kiosk/open/", {"device": ""})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not KioskSession.objects.exists()


def test_an_agent_may_not_open_a_kiosk(client, agent) -> None:
    client.force_login(agent.user)

    assert client.get("/kiosk/open/").status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client) -> None:
    response = client.get("/kiosk/open/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_identifying_takes_only_a_post(kiosk_client) -> None:
    assert kiosk_client.get("/kiosk/identify/").status_code == 405


def test_the_kiosk_pages_without_an_open_kiosk_go_to_open_one(client, manager) -> None:
    client.force_login(manager.user)

    assert client.get("/kiosk/")["Location"] == "/kiosk/open/"


@pytest.mark.parametrize("path", ["/", "/acknowledgements/dashboard/", "/admin/", "/people/team/"])
def test_a_browser_with_a_kiosk_open_reaches_only_the_kiosk(kiosk_client, path) -> None:
    response = kiosk_client.get(path)

    assert (response.status_code, response["Location"]) == (302, "/kiosk/")


def test_the_kiosk_page_shows_no_portal_navigation(kiosk_client) -> None:
    page = kiosk_client.get("/kiosk/").content.decode()

    assert "Who is signing?" in page
    assert 'data-testid="navigation"' not in page
    assert "Front desk tablet · witnessed by Maria" in page


def test_the_kiosk_pages_are_not_stored(kiosk_client) -> None:
    assert "no-store" in kiosk_client.get("/kiosk/")["Cache-Control"]


def test_a_wrong_pin_is_refused_on_the_identify_form(kiosk_client, pin) -> None:
    response = kiosk_client.post("/kiosk/identify/", {"employee_id": "K-100", "secret": "wrong"})

    assert response.status_code == 400
    assert "do not match" in response.content.decode()
    assert "K-100" not in response.content.decode()
    assert KioskSession.objects.get().person is None


def test_wrong_pins_lock_the_kiosk(kiosk_client, pin, settings) -> None:
    settings.KIOSK_DEVICE_MAX_TRIES = 2
    for _ in range(2):
        kiosk_client.post("/kiosk/identify/", {"employee_id": "K-100", "secret": "wrong"})

    response = kiosk_client.post("/kiosk/identify/", {"employee_id": "K-100", "secret": pin})

    assert "Too many wrong tries at this kiosk" in response.content.decode()
    assert KioskSession.objects.get().person is None


def test_the_right_pin_shows_what_waits_for_the_person(kiosk_client, pin, asked) -> None:
    page = identified(kiosk_client, pin).get("/kiosk/").content.decode()

    assert "Signing as Ion Popa" in page
    assert f'href="/kiosk/requests/{asked.pk}/"' in page


def test_the_kiosk_reader_posts_to_the_kiosk_only(kiosk_client, pin, asked) -> None:
    page = identified(kiosk_client, pin).get(f"/kiosk/requests/{asked.pk}/").content.decode()

    assert f'action="/kiosk/requests/{asked.pk}/sign/"' in page
    assert 'name="password"' not in page
    assert "/acknowledgements/" not in page
    assert "/questions/" not in page


def test_another_persons_request_is_not_found_at_the_kiosk(kiosk_client, pin, asked, agent) -> None:
    theirs = AcknowledgementRequest.objects.get(version=asked.version, person=agent)

    response = identified(kiosk_client, pin).get(f"/kiosk/requests/{theirs.pk}/")

    assert response.status_code == 404


def test_no_request_is_found_before_anyone_identifies(kiosk_client, asked) -> None:
    assert kiosk_client.get(f"/kiosk/requests/{asked.pk}/").status_code == 404


def test_a_signature_at_the_kiosk_names_the_witness(kiosk_client, pin, asked, manager) -> None:
    identified(kiosk_client, pin).post(f"/kiosk/requests/{asked.pk}/sign/", sign_form())

    signature = Signature.objects.get(request=asked)
    assert (signature.witness, signature.device, signature.method) == (manager, "Front desk tablet", "kiosk")


def test_after_signing_the_person_sees_their_receipt_with_their_reading_evidence(kiosk_client, pin, asked) -> None:
    client = identified(kiosk_client, pin)

    response = client.post(f"/kiosk/requests/{asked.pk}/sign/", sign_form(), follow=True)

    page = response.content.decode()
    signature = Signature.objects.get(request=asked)
    assert response.redirect_chain[-1][0] == f"/kiosk/receipts/{signature.pk}/"
    assert "Signed and witnessed" in page
    assert "Ion Popa" in page
    assert asked.version.document.title in page
    assert "witnessed by Maria" in page
    assert 'data-testid="reading-time"' in page
    assert 'data-testid="reading-sections"' in page
    assert "Done — next person" in page


def test_done_after_the_receipt_leaves_no_trace_of_the_person(kiosk_client, pin, asked) -> None:
    client = identified(kiosk_client, pin)
    client.post(f"/kiosk/requests/{asked.pk}/sign/", sign_form())
    signature = Signature.objects.get(request=asked)

    page = client.post("/kiosk/done/", follow=True).content.decode()

    assert "Who is signing?" in page
    assert "Ion" not in page
    assert "Popa" not in page
    assert KioskSession.objects.get().person is None
    assert client.get(f"/kiosk/receipts/{signature.pk}/").status_code == 404


def test_a_receipt_not_of_the_person_the_kiosk_holds_is_not_found(kiosk_client, pin, asked, agent) -> None:
    theirs = AcknowledgementRequest.objects.get(version=asked.version, person=agent)
    signature = services.signature_create(ack_request=theirs, actor=agent.user, typed_name=agent.full_name)

    response = identified(kiosk_client, pin).get(f"/kiosk/receipts/{signature.pk}/")

    assert response.status_code == 404


def test_the_kiosk_receipt_reads_a_fixed_number_of_queries(kiosk_client, pin, asked, django_assert_num_queries) -> None:
    client = identified(kiosk_client, pin)
    client.post(f"/kiosk/requests/{asked.pk}/sign/", sign_form())
    signature = Signature.objects.get(request=asked)

    # The session and its user; the kiosk and its mark; the signature with its person, version and witness; its
    # request's reading evidence; the user's permissions (their own and their roles', one query); the unread notices.
    with django_assert_num_queries(8):
        response = client.get(f"/kiosk/receipts/{signature.pk}/")

    assert response.status_code == 200


def test_the_kiosk_receipt_takes_only_a_get(kiosk_client, pin, asked) -> None:
    client = identified(kiosk_client, pin)
    client.post(f"/kiosk/requests/{asked.pk}/sign/", sign_form())
    signature = Signature.objects.get(request=asked)

    assert client.post(f"/kiosk/receipts/{signature.pk}/").status_code == 405


def test_a_wrong_name_shows_the_reader_again_with_the_reason(kiosk_client, pin, asked) -> None:
    response = identified(kiosk_client, pin).post(f"/kiosk/requests/{asked.pk}/sign/", sign_form(typed_name="Ana"))

    assert response.status_code == 400
    assert "Type your name as it is recorded in your profile" in response.content.decode()
    asked.refresh_from_db()
    assert asked.status == RequestStatus.PENDING


def test_leaving_without_signing_clears_the_person(kiosk_client, pin, asked) -> None:
    client = identified(kiosk_client, pin)

    page = client.post("/kiosk/done/", follow=True).content.decode()

    assert "Who is signing?" in page
    assert "Popa" not in page
    assert client.get(f"/kiosk/requests/{asked.pk}/").status_code == 404


def test_ending_the_kiosk_signs_the_device_out(kiosk_client) -> None:
    response = kiosk_client.post("/kiosk/end/")

    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in kiosk_client.session
    assert KioskSession.objects.get().end == KioskEnd.ENDED


def test_an_idle_kiosk_signs_the_device_out(kiosk_client, pin, settings) -> None:
    settings.KIOSK_IDLE_MINUTES = 5
    identified(kiosk_client, pin)

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=6)):
        response = kiosk_client.get("/kiosk/")

    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in kiosk_client.session
    kiosk = KioskSession.objects.get()
    assert (kiosk.end, kiosk.person) == (KioskEnd.TIMED_OUT, None)


def test_a_person_who_walks_away_is_cleared_and_the_kiosk_asks_who_is_next(kiosk_client, pin, settings) -> None:
    settings.KIOSK_PERSON_IDLE_SECONDS = 120
    identified(kiosk_client, pin)

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=121)):
        page = kiosk_client.get("/kiosk/").content.decode()

    assert "Who is signing?" in page
    assert "Popa" not in page
    kiosk = KioskSession.objects.get()
    assert (kiosk.person, kiosk.ended_at) == (None, None)


def test_a_held_persons_page_clears_them_after_their_idle_seconds_in_the_browser(kiosk_client, pin, settings) -> None:
    settings.KIOSK_PERSON_IDLE_SECONDS = 90

    page = identified(kiosk_client, pin).get("/kiosk/").content.decode()

    assert 'data-kiosk-person-idle-seconds="90"' in page
    assert "js/kiosk-idle.js" in page


def test_the_identify_page_has_no_person_to_clear(kiosk_client) -> None:
    assert "data-kiosk-person-idle-seconds" not in kiosk_client.get("/kiosk/").content.decode()


def test_the_kiosk_session_without_the_device_cookie_is_signed_out(kiosk_client) -> None:
    del kiosk_client.cookies[KIOSK_COOKIE]

    response = kiosk_client.get("/kiosk/")

    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in kiosk_client.session


def _more_versions(manager, second_manager, worker, count: int) -> None:
    for index in range(count):
        document = CodeDocumentFactory(title=f"Policy {index}", slug=f"policy-{index}", owner=manager.user)
        draft = DraftFactory(document=document, number=1, author=manager.user)
        SectionFactory(version=draft, position=1, title="Rule", body="Be kind.")
        version: CodeVersion = publish(draft, author=manager.user, approver=second_manager.user)
        services.requests_create_for_version(version=version)


@pytest.mark.parametrize("extra", [0, 20])
def test_the_persons_page_reads_a_constant_number_of_queries(
    kiosk_client, pin, asked, manager, second_manager, worker, extra, django_assert_num_queries
) -> None:
    _more_versions(manager, second_manager, worker, extra)
    identified(kiosk_client, pin)

    # The session and its user; the kiosk with its supervisor and person, and its mark of use; the person's
    # pending requests with their versions and documents; the user's permissions for the navigation's
    # context (their own and their roles', one query); the count of their unread notifications (base.html's context).
    with django_assert_num_queries(7):
        response = kiosk_client.get("/kiosk/")

    assert response.content.decode().count('href="/kiosk/requests/') == 1 + extra


@pytest.fixture
def kiosk_signature(kiosk_client, pin, asked) -> Signature:
    identified(kiosk_client, pin).post(f"/kiosk/requests/{asked.pk}/sign/", sign_form())
    kiosk_client.logout()
    return Signature.objects.get(request=asked)


def test_the_receipt_names_the_witness_and_the_device(client, kiosk_signature, compliance_officer) -> None:
    client.force_login(compliance_officer.user)

    page = client.get(f"/acknowledgements/receipts/{kiosk_signature.pk}/").content.decode()

    assert "At a kiosk, identified by PIN or one-time code, witnessed by Maria" in page
    assert "on the device “Front desk tablet”" in page


def test_the_person_page_says_where_and_before_whom_they_signed(client, kiosk_signature, worker, manager) -> None:
    client.force_login(manager.user)

    page = client.get(f"/people/{worker.pk}/").content.decode()

    assert "at a kiosk (“Front desk tablet”), witnessed by Maria" in page


def test_the_export_names_the_method_witness_and_device(kiosk_signature, worker, manager) -> None:
    from acknowledgements.tests.test_exports import csv_rows

    rows = {row[0]: row for row in csv_rows(AcknowledgementRequest.objects.all())[1:]}

    assert rows[worker.employee_id][-3:] == ["at a kiosk, witnessed", manager.full_name, "Front desk tablet"]


@pytest.mark.parametrize("sections", [1, 12])
def test_the_kiosk_reader_reads_a_constant_number_of_queries(
    kiosk_client, pin, worker, manager, second_manager, agent, sections, django_assert_num_queries
) -> None:
    document = CodeDocumentFactory(title="Policy", slug="policy", owner=manager.user)
    draft = DraftFactory(document=document, number=1, author=manager.user)
    for position in range(1, sections + 1):
        SectionFactory(version=draft, position=position, title=f"Rule {position}", body="Be kind.")
    version = publish(draft, author=manager.user, approver=second_manager.user)
    services.requests_create_for_version(version=version)
    ack = AcknowledgementRequest.objects.get(version=version, person=worker)
    identified(kiosk_client, pin)

    # The session, its user, the kiosk and its mark of use; the request, marked opened; the sections, the
    # person's earlier signature of the document, the check's questions; the user's permissions (their own and
    # their roles', one query) and their unread notifications for the layout: the same for one section as for twelve.
    with django_assert_num_queries(11):
        response = kiosk_client.get(f"/kiosk/requests/{ack.pk}/")

    assert response.content.decode().count('class="code-section') == sections

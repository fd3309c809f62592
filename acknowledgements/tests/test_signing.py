"""The agent's journey: read, sign with name and password, get a receipt; and every refusal."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from acknowledgements import services
from acknowledgements.chain import GENESIS, record_hash
from acknowledgements.models import AcknowledgementRequest, RequestStatus, Signature
from audit.models import AuditEvent
from codes import services as code_services
from codes.tests.factories import publish, start_revision
from people.tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def ack(published, agent) -> AcknowledgementRequest:
    services.requests_create_for_version(version=published)
    return AcknowledgementRequest.objects.get(version=published, person=agent)


def sign_form(agent, **overrides) -> dict[str, str]:
    return {"agree": "on", "typed_name": agent.full_name, "password": TEST_PASSWORD, **overrides}


def test_the_home_page_lists_what_waits_with_its_due_date(client, agent, ack) -> None:
    client.force_login(agent.user)

    page = client.get("/").content.decode()

    assert f'href="/acknowledgements/{ack.pk}/"' in page
    assert "Acknowledge by" in page


def test_an_overdue_request_is_marked_on_the_home_page(client, agent, ack) -> None:
    AcknowledgementRequest.objects.filter(pk=ack.pk).update(due_date="2020-01-01")
    client.force_login(agent.user)

    assert "Overdue" in client.get("/").content.decode()


def test_the_reader_shows_the_text_and_the_full_statement_and_records_the_first_opening(client, agent, ack) -> None:
    client.force_login(agent.user)

    page = client.get(f"/acknowledgements/{ack.pk}/").content.decode()

    ack.refresh_from_db()
    assert "Stay calm and courteous." in page
    assert "I have read and understood" in page
    assert ack.version.content_hash in page
    assert ack.first_opened_at is not None


def test_signing_records_everything_and_shows_the_receipt(client, agent, ack) -> None:
    client.force_login(agent.user)
    client.get(f"/acknowledgements/{ack.pk}/")

    response = client.post(
        f"/acknowledgements/{ack.pk}/sign/",
        sign_form(agent, typed_name=f"  {agent.full_name.upper()}  "),
        headers={"user-agent": "TestBrowser/1.0"},
        REMOTE_ADDR="10.1.2.3",
        follow=True,
    )

    signature = Signature.objects.get()
    ack.refresh_from_db()
    assert ack.status == RequestStatus.SIGNED
    assert signature.person == agent
    assert signature.ip_address == "10.1.2.3"
    assert signature.user_agent == "TestBrowser/1.0"
    assert signature.content_hash == ack.version.content_hash
    assert signature.first_opened_at == ack.first_opened_at
    assert signature.statement.startswith("I have read and understood")
    assert signature.previous_hash == GENESIS
    assert signature.record_hash == record_hash(signature)
    page = response.content.decode()
    assert "Your acknowledgement is recorded" in page
    assert signature.record_hash in page
    assert AuditEvent.objects.filter(action="acknowledgements.signature.create").count() == 1


def test_signing_takes_few_statements_and_under_the_chain_lock_only_what_needs_the_chain(
    client, agent, ack, manager, django_assert_max_num_queries
) -> None:
    services.signature_create(
        ack_request=AcknowledgementRequest.objects.get(person=manager), actor=manager.user, typed_name=manager.full_name
    )
    client.force_login(agent.user)

    # The session, the user, the request with its version and person (the user is the one in hand), the
    # password check (axes' failures; the user is not read again), the locked request's state, the
    # comprehension check's attempts (its questions only when a pass is required), the webhooks' subscribers,
    # the lock, the statements below, and the test's savepoint around signature_create (BEGIN and COMMIT in
    # production).
    with django_assert_max_num_queries(15) as captured:
        response = client.post(f"/acknowledgements/{ack.pk}/sign/", sign_form(agent))

    assert response.status_code == 302
    statements = [query["sql"] for query in captured.captured_queries]
    locked = statements[next(i for i, sql in enumerate(statements) if "pg_advisory_xact_lock" in sql) + 1 :]
    # Every signer waits for the lock in turn until the commit: under it, the chain's end is read (one
    # statement), then the signature, its authentication, the request's state and the audit event are written.
    assert [sql.split()[0] for sql in locked] == ["SELECT", "INSERT", "INSERT", "UPDATE", "INSERT", "RELEASE"]


def test_a_wrong_name_is_refused_with_a_clear_error(client, agent, ack) -> None:
    client.force_login(agent.user)

    response = client.post(f"/acknowledgements/{ack.pk}/sign/", sign_form(agent, typed_name="Someone Else"))

    assert response.status_code == 400
    assert "Type your name as it is recorded in your profile" in response.content.decode()
    assert not Signature.objects.exists()


def test_a_wrong_password_is_refused(client, agent, ack) -> None:
    client.force_login(agent.user)

    response = client.post(f"/acknowledgements/{ack.pk}/sign/", sign_form(agent, password="not-it"))

    assert response.status_code == 400
    assert "That is not your password" in response.content.decode()
    assert not Signature.objects.exists()


def test_the_statement_must_be_agreed_to(client, agent, ack) -> None:
    client.force_login(agent.user)

    response = client.post(f"/acknowledgements/{ack.pk}/sign/", sign_form(agent, agree=""))

    assert response.status_code == 400
    assert not Signature.objects.exists()


def test_someone_outside_the_audience_has_nothing_to_sign(client, outsider, ack) -> None:
    client.force_login(outsider.user)

    assert client.get(f"/acknowledgements/{ack.pk}/").status_code == 404
    assert client.post(f"/acknowledgements/{ack.pk}/sign/", sign_form(outsider)).status_code == 404
    assert not Signature.objects.exists()


@pytest.mark.parametrize("person", ["agent", "manager", "compliance_officer", "administrator", "outsider"])
def test_whoever_is_asked_can_sign_whatever_their_roles(request, client, published, person: str) -> None:
    profile = request.getfixturevalue(person)
    services.requests_create_for_version(version=published)
    ack = AcknowledgementRequest.objects.get(version=published, person=profile)
    client.force_login(profile.user)

    home = client.get("/").content.decode()
    reader = client.get(f"/acknowledgements/{ack.pk}/")
    response = client.post(f"/acknowledgements/{ack.pk}/sign/", sign_form(profile), follow=True)

    assert f'href="/acknowledgements/{ack.pk}/"' in home
    assert reader.status_code == 200
    assert "Your acknowledgement is recorded" in response.content.decode()
    ack.refresh_from_db()
    assert ack.status == RequestStatus.SIGNED
    assert Signature.objects.get().person == profile


def test_another_persons_request_is_not_found(client, manager, ack) -> None:
    client.force_login(manager.user)

    assert client.post(f"/acknowledgements/{ack.pk}/sign/", sign_form(manager)).status_code == 404
    assert not Signature.objects.exists()


def test_a_second_submission_shows_the_first_receipt_and_signs_once(client, agent, ack) -> None:
    client.force_login(agent.user)
    client.post(f"/acknowledgements/{ack.pk}/sign/", sign_form(agent))

    response = client.post(f"/acknowledgements/{ack.pk}/sign/", sign_form(agent), follow=True)

    assert Signature.objects.count() == 1
    assert "You had already signed this version" in response.content.decode()


def test_signing_a_superseded_version_is_refused_with_a_link_to_the_current_one(
    client, agent, ack, manager, second_manager
) -> None:
    draft = start_revision(ack.version.document, actor=manager.user)
    second = publish(draft, author=manager.user, approver=second_manager.user)
    services.requests_create_for_version(version=second)
    current = AcknowledgementRequest.objects.get(version=second, person=agent)
    client.force_login(agent.user)

    page = client.get(f"/acknowledgements/{ack.pk}/").content.decode()
    response = client.post(f"/acknowledgements/{ack.pk}/sign/", sign_form(agent))

    assert "has been replaced by a newer one" in page
    assert f'href="/acknowledgements/{current.pk}/"' in page
    assert response.status_code == 400
    assert not Signature.objects.exists()


def test_the_service_refuses_a_superseded_version(ack, agent, manager, second_manager) -> None:
    from common.errors import DomainError

    second = start_revision(ack.version.document, actor=manager.user)
    publish(second, author=manager.user, approver=second_manager.user)

    with pytest.raises(DomainError):
        services.signature_create(ack_request=ack, actor=agent.user, typed_name=agent.full_name)


def test_the_reader_highlights_what_changed_since_the_signed_version(
    client, agent, ack, manager, second_manager
) -> None:
    services.signature_create(ack_request=ack, actor=agent.user, typed_name=agent.full_name)
    draft = code_services.version_start_draft(document=ack.version.document, actor=manager.user)
    section = draft.sections.get(position=2)
    code_services.section_update(
        section=section, actor=manager.user, category="privacy", title="Privacy", body="Verify identity twice."
    )
    second = publish(draft, author=manager.user, approver=second_manager.user)
    services.requests_create_for_version(version=second)
    new_request = AcknowledgementRequest.objects.get(version=second, person=agent)
    client.force_login(agent.user)

    page = client.get(f"/acknowledgements/{new_request.pk}/").content.decode()

    assert "What changed since you signed version 1" in page
    assert "<p>Verify identity <del>first</del><ins>twice</ins>.</p>" in page, "rendered text, not Markdown"
    assert page.count('class="badge text-bg-warning">Changed') == 1, "only the changed section is shown"


def test_signatures_chain_one_after_another(published, agent, manager, compliance_officer) -> None:
    services.requests_create_for_version(version=published)
    first, second = (
        services.signature_create(
            ack_request=AcknowledgementRequest.objects.get(version=published, person=p),
            actor=p.user,
            typed_name=p.full_name,
        )
        for p in (agent, manager)
    )

    assert (first.sequence, second.sequence) == (1, 2)
    assert second.previous_hash == first.record_hash


def test_the_receipt_is_for_the_signer_their_manager_and_compliance(
    client, agent, ack, manager, second_manager, compliance_officer
) -> None:
    signature = services.signature_create(ack_request=ack, actor=agent.user, typed_name=agent.full_name)

    client.force_login(second_manager.user)
    assert client.get(f"/acknowledgements/receipts/{signature.pk}/").status_code == 404
    client.force_login(compliance_officer.user)
    assert client.get(f"/acknowledgements/receipts/{signature.pk}/").status_code == 200
    client.force_login(agent.user)
    pdf = client.get(f"/acknowledgements/receipts/{signature.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")


def test_a_manager_reads_the_receipt_of_someone_who_reports_to_them(client, agent, ack, manager) -> None:
    signature = services.signature_create(ack_request=ack, actor=agent.user, typed_name=agent.full_name)
    client.force_login(manager.user)

    response = client.get(f"/acknowledgements/receipts/{signature.pk}/")
    listed = client.get("/acknowledgements/receipts/").content.decode()

    assert response.status_code == 200
    page = response.content.decode()
    assert agent.full_name in page
    assert signature.record_hash in page
    main = page[page.index("<main") : page.index("</main>")]
    assert "<form" not in main, "the receipt is read-only"
    assert f'href="/acknowledgements/receipts/{signature.pk}/"' in listed


def test_a_manager_no_longer_reads_a_receipt_once_the_person_moved_to_another_manager(
    client, agent, ack, manager, second_manager
) -> None:
    signature = services.signature_create(ack_request=ack, actor=agent.user, typed_name=agent.full_name)
    agent.manager = second_manager
    agent.save(update_fields=["manager"])
    client.force_login(manager.user)

    assert client.get(f"/acknowledgements/receipts/{signature.pk}/").status_code == 404
    assert client.get(f"/acknowledgements/receipts/{signature.pk}/pdf/").status_code == 404
    assert (
        f'href="/acknowledgements/receipts/{signature.pk}/"'
        not in client.get("/acknowledgements/receipts/").content.decode()
    )


def test_on_my_list_the_title_of_a_code_to_sign_opens_it(client, agent, ack) -> None:
    # The first column is the one a phone shows: the button at the row's end is off-screen there.
    client.force_login(agent.user)

    page = client.get("/acknowledgements/").content.decode()

    assert re.search(rf'<a href="/acknowledgements/{ack.pk}/">\s*{re.escape(ack.version.title)}\s*</a>', page)


def test_my_list_shows_pending_and_signed(client, agent, ack) -> None:
    client.force_login(agent.user)
    assert "Read and sign" in client.get("/acknowledgements/").content.decode()

    services.signature_create(ack_request=ack, actor=agent.user, typed_name=agent.full_name)

    assert "Receipt" in client.get("/acknowledgements/").content.decode()


def test_the_receipt_list_shows_only_my_own(client, agent, manager, published) -> None:
    services.requests_create_for_version(version=published)
    for person in (agent, manager):
        request = AcknowledgementRequest.objects.get(version=published, person=person)
        services.signature_create(ack_request=request, actor=person.user, typed_name=person.full_name)
    client.force_login(agent.user)

    page = client.get("/acknowledgements/receipts/").content.decode()

    assert agent.full_name in page
    assert manager.full_name not in page


def test_a_refused_signature_opens_at_the_form_with_a_summary_of_what_is_wrong(client, agent, ack) -> None:
    client.force_login(agent.user)

    response = client.post(f"/acknowledgements/{ack.pk}/sign/", sign_form(agent, typed_name="Someone Else"))

    page = response.content.decode()
    form = page[page.index(f'action="/acknowledgements/{ack.pk}/sign/"') :]
    summary = form[form.index('data-testid="error-summary"') :]
    assert response.status_code == 400
    assert form.index('data-testid="error-summary"') < form.index('name="agree"'), "the summary comes first"
    assert "autofocus" in form[: form.index('data-testid="error-summary"')]
    assert '<a href="#id_typed_name">Type your name as it is recorded in your profile' in summary


def test_a_refused_signature_shows_the_page_as_it_was_with_what_changed(
    client, agent, ack, manager, second_manager, django_assert_max_num_queries
) -> None:
    services.signature_create(ack_request=ack, actor=agent.user, typed_name=agent.full_name)
    draft = code_services.version_start_draft(document=ack.version.document, actor=manager.user)
    code_services.section_update(
        section=draft.sections.get(position=2),
        actor=manager.user,
        category="privacy",
        title="Privacy",
        body="Verify identity twice.",
    )
    second = publish(draft, author=manager.user, approver=second_manager.user)
    services.requests_create_for_version(version=second)
    new_request = AcknowledgementRequest.objects.get(version=second, person=agent)
    client.force_login(agent.user)
    before = client.get(f"/acknowledgements/{new_request.pk}/").content.decode()

    # The session, the user, the request, the password check (user, axes' attempts and its audit), the
    # sections of both versions, the earlier signature, the replacing request and the navigation.
    with django_assert_max_num_queries(25):
        response = client.post(f"/acknowledgements/{new_request.pk}/sign/", sign_form(agent, password="not-it"))

    after = response.content.decode()
    assert response.status_code == 400
    assert "That is not your password" in after
    assert "What changed since you signed version 1" in after
    assert "<del>first</del><ins>twice</ins>." in after

    def text_before_the_form(page: str) -> str:
        return page[page.index("<main") : page.index('<form method="post" action="/acknowledgements/')]

    assert text_before_the_form(after) == text_before_the_form(before)


def test_wrong_passwords_at_signing_lock_the_account_out_as_failed_sign_ins_do(client, agent, ack, settings) -> None:
    client.force_login(agent.user)
    for _attempt in range(50):
        client.post(f"/acknowledgements/{ack.pk}/sign/", sign_form(agent, password="not-it"))

    response = client.post(f"/acknowledgements/{ack.pk}/sign/", sign_form(agent))

    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert not Signature.objects.exists()
    ack.refresh_from_db()
    assert ack.status == RequestStatus.PENDING
    client.logout()
    locked = client.post("/accounts/login/", {"username": agent.user.username, "password": TEST_PASSWORD})
    assert locked.status_code == 429, "signing in is locked out as well"


def test_each_wrong_password_at_signing_is_audited(client, agent, ack, settings) -> None:
    client.force_login(agent.user)
    for _attempt in range(settings.AXES_FAILURE_LIMIT + 1):
        client.post(f"/acknowledgements/{ack.pk}/sign/", sign_form(agent, password="not-it"))

    events = AuditEvent.objects.filter(action="people.reauthentication.fail").order_by("pk")

    assert events.count() == settings.AXES_FAILURE_LIMIT + 1
    assert {event.actor_id for event in events} == {agent.user.pk}
    assert [event.details for event in events][-1] == {"purpose": "signing", "locked_out": True}
    assert events.first().details == {"purpose": "signing", "locked_out": False}


def test_the_service_says_a_retired_document_no_longer_asks_for_signatures(ack, agent, manager) -> None:
    from codes.models import CodeDocument
    from common.errors import DomainError

    code_services.document_retire(document=ack.version.document, actor=manager.user, reason="Merged")
    # A request left pending by a race with the retirement still meets a true refusal.
    AcknowledgementRequest.objects.filter(pk=ack.pk).update(status=RequestStatus.PENDING)
    retired_at = CodeDocument.objects.get(pk=ack.version.document_id).retired_at

    with pytest.raises(DomainError) as refused:
        services.signature_create(ack_request=ack, actor=agent.user, typed_name=agent.full_name)

    assert refused.value.message == (
        f"This document was retired on {date_format(timezone.localtime(retired_at).date())}; "
        "it no longer asks for signatures."
    )

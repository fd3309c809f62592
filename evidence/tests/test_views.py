"""The evidence pack pages: asking for a pack, following its progress, downloading it."""

from __future__ import annotations

import datetime
import hashlib
import zipfile
from io import BytesIO

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from codes.tests.factories import CodeDocumentFactory
from evidence.models import EvidencePack, PackStatus
from evidence.tests.factories import EvidencePackFactory
from people.tests.factories import DepartmentFactory

# Ordered with the other database tests (the cast fixtures open the database).
pytestmark = pytest.mark.django_db

LIST = "/evidence/"


def detail(pack: EvidencePack) -> str:
    return f"/evidence/{pack.pk}/"


def download(pack: EvidencePack) -> str:
    return f"/evidence/{pack.pk}/download/"


def form_data(start: datetime.date, end: datetime.date, **scope) -> dict:
    return {"period_start": start.isoformat(), "period_end": end.isoformat(), **scope}


@pytest.fixture
def ready(chain, build_pack) -> EvidencePack:
    return build_pack()


def test_compliance_sees_the_packs_and_the_form_for_a_new_one(client, compliance_officer):
    EvidencePackFactory(requested_by=compliance_officer.user)
    client.force_login(compliance_officer.user)

    response = client.get(LIST)

    page = response.content.decode()
    assert response.status_code == 200
    assert "New pack" in page
    assert "Waiting to be built" in page
    assert "no-store" in response["Cache-Control"]


def test_asking_for_a_pack_builds_it_and_opens_its_page(
    client, chain, support, compliance_officer, tasks_run_at_once, django_capture_on_commit_callbacks
):
    client.force_login(compliance_officer.user)
    today = timezone.localdate()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(LIST, form_data(today - datetime.timedelta(days=7), today, departments=[support.pk]))

    pack = EvidencePack.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail(pack)
    assert (pack.status, pack.signatures, list(pack.departments.all())) == (PackStatus.READY, 2, [support])
    page = client.get(detail(pack)).content.decode()
    assert pack.sha256 in page
    assert "Download the pack" in page


def test_a_period_that_ends_in_the_future_is_refused_with_a_field_error(client, compliance_officer):
    client.force_login(compliance_officer.user)
    today = timezone.localdate()

    response = client.post(LIST, form_data(today, today + datetime.timedelta(days=1)))

    assert response.status_code == 400
    assert "The period cannot end in the future" in response.content.decode()
    assert not EvidencePack.objects.exists()


def test_a_period_that_ends_before_it_starts_is_refused_with_a_field_error(client, compliance_officer):
    client.force_login(compliance_officer.user)
    today = timezone.localdate()

    response = client.post(LIST, form_data(today, today - datetime.timedelta(days=1)))

    assert "The end of the period is before its start." in response.content.decode()
    assert not EvidencePack.objects.exists()


def test_a_period_from_the_first_year_of_the_calendar_is_refused_with_a_field_error(client, compliance_officer):
    # Its start, midnight in Bucharest, would be before the first moment Python can hold in UTC.
    client.force_login(compliance_officer.user)

    response = client.post(LIST, form_data(datetime.date(1, 1, 1), datetime.date(2026, 1, 1)))

    assert response.status_code == 400
    assert "The period cannot start before 1900." in response.content.decode()
    assert not EvidencePack.objects.exists()


def test_a_date_that_is_not_a_date_is_refused_with_a_field_error(client, compliance_officer):
    client.force_login(compliance_officer.user)

    response = client.post(LIST, {"period_start": "2026-02-30", "period_end": ""})

    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter a valid date." in page
    assert "This field is required." in page


def test_the_form_offers_the_last_complete_quarter(client, compliance_officer, time_machine):
    time_machine.move_to(datetime.datetime(2027, 5, 10, 12, tzinfo=datetime.UTC))
    client.force_login(compliance_officer.user)

    page = client.get(LIST).content.decode()

    assert 'value="2027-01-01"' in page
    assert 'value="2027-03-31"' in page


def test_a_pack_being_built_asks_for_its_progress_again_and_offers_a_reload(client, compliance_officer):
    pack = EvidencePackFactory(status=PackStatus.BUILDING, done=3, total=12)
    client.force_login(compliance_officer.user)

    fragment = client.get(detail(pack), headers={"HX-Request": "true"}).content.decode()

    assert fragment.lstrip().startswith("<section")
    assert 'hx-trigger="every 2s"' in fragment
    assert "3 of 12 steps done (25%)" in fragment
    assert "Reload to see how far it is" in fragment


def test_a_ready_pack_stops_asking_for_its_progress(client, compliance_officer, ready):
    client.force_login(compliance_officer.user)

    fragment = client.get(detail(ready), headers={"HX-Request": "true"}).content.decode()

    assert "hx-trigger" not in fragment
    assert ready.manifest_sha256 in fragment


def test_a_failed_pack_says_why(client, compliance_officer):
    pack = EvidencePackFactory(status=PackStatus.FAILED, error="The signature chain no longer extends the checkpoint")
    client.force_login(compliance_officer.user)

    page = client.get(detail(pack)).content.decode()

    assert "The signature chain no longer extends the checkpoint" in page
    assert "Download the pack" not in page


def test_downloading_a_pack_streams_its_file_and_is_audited(client, compliance_officer, ready):
    client.force_login(compliance_officer.user)

    response = client.get(download(ready))

    content = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert f'filename="evidence-pack-{ready.pk}.zip"' in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert f"evidence-pack-{ready.pk}/verify.py" in zipfile.ZipFile(BytesIO(content)).namelist()
    event = AuditEvent.objects.get(action="evidence.pack.download")
    assert (event.actor_id, event.object_id, event.details) == (
        compliance_officer.user.pk,
        str(ready.pk),
        {"sha256": ready.sha256},
    )


def test_a_pack_that_is_not_ready_cannot_be_downloaded(client, compliance_officer):
    pack = EvidencePackFactory(status=PackStatus.BUILDING)
    client.force_login(compliance_officer.user)

    assert client.get(download(pack)).status_code == 404
    assert not AuditEvent.objects.filter(action="evidence.pack.download").exists()


def test_an_unknown_pack_is_not_found(client, compliance_officer):
    client.force_login(compliance_officer.user)

    assert client.get("/evidence/999999/").status_code == 404
    assert client.get("/evidence/999999/download/").status_code == 404


@pytest.mark.parametrize(("method", "path"), [("put", LIST), ("post", "detail"), ("post", "download")])
def test_other_methods_are_not_allowed(client, compliance_officer, method, path):
    pack = EvidencePackFactory()
    url = {"detail": detail(pack), "download": download(pack)}.get(path, path)
    client.force_login(compliance_officer.user)

    assert getattr(client, method)(url).status_code == 405


@pytest.mark.parametrize("page", ["list", "detail", "download"])
def test_anonymous_people_are_sent_to_sign_in(client, page):
    pack = EvidencePackFactory()
    url = {"list": LIST, "detail": detail(pack), "download": download(pack)}[page]

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("person", ["agent", "manager", "outsider", "compliance_officer"])
@pytest.mark.parametrize("page", ["list", "detail"])
def test_only_those_who_may_build_packs_open_the_pages(request, client, person, page):
    pack = EvidencePackFactory()
    client.force_login(request.getfixturevalue(person).user)

    response = client.get(LIST if page == "list" else detail(pack))

    assert response.status_code == (200 if person == "compliance_officer" else 403)


@pytest.mark.parametrize("person", ["agent", "manager", "outsider"])
def test_those_who_may_not_build_packs_cannot_download_one_or_ask_for_one(request, client, person, ready):
    client.force_login(request.getfixturevalue(person).user)
    today = timezone.localdate()

    assert client.get(download(ready)).status_code == 403
    assert client.post(LIST, form_data(today, today)).status_code == 403
    assert EvidencePack.objects.count() == 1


@pytest.mark.parametrize("packs", [1, 30])
def test_the_list_costs_the_same_queries_however_many_packs(
    client, compliance_officer, django_assert_num_queries, packs
):
    EvidencePackFactory.create_batch(packs, requested_by=compliance_officer.user)
    client.force_login(compliance_officer.user)
    client.get(LIST)  # the session and permissions are read once

    # session, user, permissions (own and roles', one query), the packs counted, the unread notifications and the
    # tasks counted (the navigation), the form's documents and departments, the page of packs with who asked
    with django_assert_num_queries(9):
        response = client.get(LIST)

    assert response.status_code == 200


def test_a_pack_downloads_again_as_the_same_file_its_record_names(client, compliance_officer, ready):
    client.force_login(compliance_officer.user)

    first, again = (b"".join(client.get(download(ready)).streaming_content) for _ in range(2))

    assert first == again
    assert hashlib.sha256(again).hexdigest() == ready.sha256
    assert AuditEvent.objects.filter(action="evidence.pack.download", object_id=str(ready.pk)).count() == 2


@pytest.mark.parametrize("scope", [1, 6])
def test_a_packs_page_costs_the_same_queries_however_wide_its_scope(
    client, compliance_officer, django_assert_num_queries, scope
):
    pack = EvidencePackFactory(requested_by=compliance_officer.user)
    pack.departments.set(DepartmentFactory.create_batch(scope))
    pack.documents.set(CodeDocumentFactory.create_batch(scope))
    client.force_login(compliance_officer.user)
    client.get(detail(pack))  # the session and permissions are read once

    # session, user, permissions (own and roles', one query), the pack with who asked and its chain head,
    # its documents, its departments, the unread notifications and the tasks counted (the navigation)
    with django_assert_num_queries(8):
        response = client.get(detail(pack))

    assert response.status_code == 200

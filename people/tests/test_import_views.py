"""The "Import staff" page: upload, preview, confirm, result."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from people.models import StaffProfile
from people.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

URL = "/people/staff/import/"
CONFIRM_URL = "/people/staff/import/confirm/"
HEADER = "employee_id,first_name,last_name,email,department_code,manager_employee_id,job_title,language,active\n"
GOOD = (HEADER + "N1,Nora,Nistor,nora@example.com,SAL,,Agent,ro,true\n").encode()


@pytest.fixture
def sales(db):
    return DepartmentFactory(name="Sales", code="SAL")


def upload(client, content: bytes = GOOD):
    return client.post(URL, {"file": SimpleUploadedFile("staff.csv", content, content_type="text/csv")})


def digest_of(response) -> str:
    return response.context["plan"].digest


def test_an_administrator_previews_then_confirms(client, administrator, sales) -> None:
    client.force_login(administrator.user)

    preview = upload(client)

    assert preview.status_code == 200
    assert "Nora Nistor (N1)" in preview.content.decode()
    assert preview.context["plan"].counts()["created"] == 1
    assert not StaffProfile.objects.filter(employee_id="N1").exists(), "a preview saves nothing"

    done = client.post(CONFIRM_URL, {"digest": digest_of(preview)}, follow=True)

    assert done.redirect_chain == [(URL, 302)]
    assert "Imported 1 row: new 1, details changed 0, moved 0" in done.content.decode()
    nora = StaffProfile.objects.select_related("user").get(employee_id="N1")
    assert (nora.department, nora.user.email) == (sales, "nora@example.com")
    assert AuditEvent.objects.filter(action="people.person.hire", actor=administrator.user).count() == 1
    assert AuditEvent.objects.get(action="people.staff.import").actor == administrator.user


def test_a_bad_file_shows_its_problems_by_line_and_offers_no_confirmation(client, administrator, sales) -> None:
    client.force_login(administrator.user)

    response = upload(client, (HEADER + "N1,Nora,Nistor,nora@example.com,XYZ,,Agent,ro,true\n").encode())

    page = response.content.decode()
    assert response.status_code == 400
    assert "line 2: unknown department XYZ." in page
    assert "1 line of the file is refused, so nothing will be saved." in page
    assert CONFIRM_URL not in page
    assert client.post(CONFIRM_URL, {"digest": digest_of(response)}).status_code == 409


def test_a_file_in_another_encoding_is_refused_with_a_reason(client, administrator, sales) -> None:
    client.force_login(administrator.user)

    response = upload(client, (HEADER + "N1,Ştefan,Ene,s@example.com,SAL,,,,\n").encode("cp1250"))

    assert response.status_code == 400
    assert "the file is not UTF-8 text" in response.content.decode()


def test_the_confirmation_refuses_a_file_other_than_the_one_previewed(client, administrator, sales) -> None:
    client.force_login(administrator.user)
    upload(client)

    response = client.post(CONFIRM_URL, {"digest": "0" * 64})

    assert response.status_code == 409
    assert "not the one previewed any more" in response.content.decode()
    assert not StaffProfile.objects.filter(employee_id="N1").exists()


def test_confirming_twice_applies_once(client, administrator, sales) -> None:
    client.force_login(administrator.user)
    digest = digest_of(upload(client))
    client.post(CONFIRM_URL, {"digest": digest})

    assert client.post(CONFIRM_URL, {"digest": digest}).status_code == 409
    assert StaffProfile.objects.filter(employee_id="N1").count() == 1


def test_rows_that_became_wrong_since_the_preview_are_refused_at_confirmation(client, administrator, sales) -> None:
    client.force_login(administrator.user)
    digest = digest_of(upload(client))
    sales.delete()

    response = client.post(CONFIRM_URL, {"digest": digest})

    assert response.status_code == 409
    assert "line 2: unknown department SAL." in response.content.decode()


def test_an_upload_without_a_file_is_a_bad_request(client, administrator) -> None:
    client.force_login(administrator.user)

    assert client.post(URL).status_code == 400


def test_the_staff_list_links_to_the_import_for_those_who_may_import(client, administrator, compliance_officer) -> None:
    client.force_login(administrator.user)
    assert URL in client.get("/people/staff/").content.decode()

    client.force_login(compliance_officer.user)
    assert URL not in client.get("/people/staff/").content.decode()


def test_an_anonymous_visitor_is_sent_to_sign_in(client) -> None:
    response = client.get(URL)

    assert response.status_code == 302
    assert "/login/" in response["Location"] or "/accounts/" in response["Location"]


@pytest.mark.parametrize("role", ["compliance_officer", "manager", "agent", "outsider"])
def test_a_role_without_the_permission_is_refused(client, request, role, sales) -> None:
    client.force_login(request.getfixturevalue(role).user)

    assert client.get(URL).status_code == 403
    assert upload(client).status_code == 403
    assert client.post(CONFIRM_URL, {"digest": "0" * 64}).status_code == 403
    assert not StaffProfile.objects.filter(employee_id="N1").exists()


def test_the_wrong_methods_are_refused(client, administrator) -> None:
    client.force_login(administrator.user)

    assert client.put(URL).status_code == 405
    assert client.get(CONFIRM_URL).status_code == 405

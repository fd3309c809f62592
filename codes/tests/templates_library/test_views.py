"""The template pages: the list, a new document from a template, a published version saved as one, and the admin."""

from __future__ import annotations

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from codes.models import CodeDocument, CodeTemplate, VersionStatus
from codes.tests.factories import CodeDocumentFactory, DraftFactory

# Ordered with the other database tests (the cast fixtures open the database).
pytestmark = pytest.mark.django_db

LIST = "/codes/templates/"


def builtin(key: str, language: str) -> CodeTemplate:
    return CodeTemplate.objects.get(builtin_key=key, language=language)


def use_url(template: CodeTemplate) -> str:
    return f"/codes/templates/{template.pk}/"


def save_url(version) -> str:
    return f"/codes/{version.document.slug}/v{version.number}/save-as-template/"


def new_document(**fields) -> dict:
    return {"title": "Our customer code", "slug": "", "summary": "", "review_interval_months": 12, **fields}


# ---------------------------------------------------------------------------
# The list
# ---------------------------------------------------------------------------


def test_a_manager_sees_every_template_with_its_language_sections_and_description(client, manager) -> None:
    client.force_login(manager.user)

    page = client.get(LIST).content.decode()

    assert "Customer service code of conduct" in page
    assert "Cod de conduită pentru relația cu clienții" in page
    assert "Code of practice for customer service" in page
    assert "Politică de utilizare acceptabilă" in page
    assert "10 sections" in page
    assert "Romanian" in page
    assert "Ten sections on how the people who serve customers behave" in page
    # The preview names the sections and their categories.
    assert "Conflict resolution" in page
    assert "Complaint handling" in page
    assert f'href="{use_url(builtin("customer-service-code", "ro"))}"' in page


def test_the_list_shows_the_templates_of_one_language(client, manager) -> None:
    client.force_login(manager.user)

    page = client.get(LIST, {"language": "ro"}).content.decode()

    assert "Cod de bune practici pentru serviciul clienți" in page
    assert "Code of practice for customer service" not in page


def test_a_saved_template_says_which_version_it_comes_from(client, manager, published, administrator) -> None:
    CodeTemplate.objects.create(
        name="Support code", language="en", sections=[], source_version=published, created_by=administrator.user
    )
    client.force_login(manager.user)

    page = client.get(LIST).content.decode()

    assert "Saved from Customer Service Code, version 1" in page


@pytest.mark.parametrize("role", ["agent", "compliance_officer", "administrator", "outsider"])
def test_the_list_is_refused_to_those_who_may_not_create_documents_and_drafts(client, request, role) -> None:
    client.force_login(request.getfixturevalue(role).user)

    response = client.get(LIST)

    assert response.status_code == 403


def test_the_list_asks_an_anonymous_visitor_to_sign_in(client, db) -> None:
    response = client.get(LIST)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_list_refuses_post(client, manager) -> None:
    client.force_login(manager.user)

    assert client.post(LIST).status_code == 405


@pytest.mark.parametrize("saved", [1, 25])
def test_the_list_costs_the_same_for_1_or_25_saved_templates(
    client, manager, administrator, saved, django_assert_num_queries
) -> None:
    document = CodeDocumentFactory(owner=manager.user)
    for number in range(1, saved + 1):
        version = DraftFactory(
            document=document,
            number=number,
            author=manager.user,
            status=VersionStatus.SUPERSEDED,
            published_at=timezone.now(),
        )
        CodeTemplate.objects.create(
            name=f"Saved {number}", language="en", sections=[], source_version=version, created_by=administrator.user
        )
    client.force_login(manager.user)

    # session, unread notifications, my tasks, user, permissions (own and roles', one query), count,
    # one page of templates with their versions' documents
    with django_assert_num_queries(7):
        response = client.get(LIST)
    assert response.status_code == 200
    # The counted queries drew a full page: the built-in templates and the saved ones.
    assert response.content.decode().count('class="card mb-3"') == min(6 + saved, 10)


def test_the_document_list_offers_a_template_to_those_who_may_use_one(client, manager, agent, administrator) -> None:
    link = f'href="{LIST}"'
    for person, offered in ((manager, True), (agent, False), (administrator, False)):
        client.force_login(person.user)

        assert (link in client.get("/codes/").content.decode()) is offered, person.user.username


# ---------------------------------------------------------------------------
# A new document from a template
# ---------------------------------------------------------------------------


def test_the_template_page_shows_its_sections_and_the_form(client, manager) -> None:
    template = builtin("acceptable-use-policy", "ro")
    client.force_login(manager.user)

    page = client.get(use_url(template)).content.decode()

    assert 'value="Politică de utilizare acceptabilă"' in page  # the title starts as the template's name
    assert "Utilizări interzise" in page
    assert "<li>a instala aplicații neaprobate" in page  # the Markdown as readers will see it


def test_creating_from_a_template_opens_the_new_draft_in_the_editor(client, manager) -> None:
    template = builtin("customer-service-code", "en")
    client.force_login(manager.user)

    response = client.post(use_url(template), new_document(slug="our-code"), follow=True)

    assert response.redirect_chain == [("/codes/our-code/v1/edit/", 302)]
    page = response.content.decode()
    assert "Document created, with a first draft from the template" in page
    assert "Integrity and honesty" in page
    draft = CodeDocument.objects.get(slug="our-code").versions.get()
    assert (draft.status, draft.author) == (VersionStatus.DRAFT, manager.user)
    assert list(draft.sections.order_by("position").values_list("category", flat=True)) == [
        section["category"] for section in template.sections
    ]
    assert AuditEvent.objects.filter(action="codes.version.create", object_id=str(draft.pk)).exists()


def test_a_short_name_taken_already_is_shown_on_the_form_and_nothing_is_created(client, manager, document) -> None:
    client.force_login(manager.user)

    # The short name is derived from the title, so the form's own checks let it through to the service.
    response = client.post(use_url(builtin("code-of-practice", "en")), new_document(title="Customer service"))

    assert response.status_code == 200
    assert "A document with the short name “customer-service” exists already." in response.content.decode()
    assert list(CodeDocument.objects.all()) == [document]


def test_a_template_past_the_limit_on_sections_is_refused_on_the_form(client, manager, settings) -> None:
    settings.CODES_MAX_SECTIONS = 5
    client.force_login(manager.user)

    response = client.post(use_url(builtin("customer-service-code", "en")), new_document())

    assert response.status_code == 200
    assert "A version can have at most 5 sections" in response.content.decode()
    assert not CodeDocument.objects.exists()


@pytest.mark.parametrize("role", ["agent", "administrator", "outsider"])
def test_someone_without_the_permission_gets_403_and_nothing_is_created(client, request, role) -> None:
    client.force_login(request.getfixturevalue(role).user)

    response = client.post(use_url(builtin("customer-service-code", "en")), new_document())

    assert response.status_code == 403
    assert not CodeDocument.objects.exists()


def test_an_unknown_template_is_not_found(client, manager) -> None:
    client.force_login(manager.user)

    assert client.get("/codes/templates/999999/").status_code == 404


def test_the_template_page_refuses_put(client, manager) -> None:
    client.force_login(manager.user)

    assert client.put(use_url(builtin("customer-service-code", "en"))).status_code == 405


# ---------------------------------------------------------------------------
# A published version saved as a template
# ---------------------------------------------------------------------------


def test_an_administrator_saves_a_published_version_as_a_template(client, administrator, published) -> None:
    client.force_login(administrator.user)

    form = client.get(save_url(published)).content.decode()
    response = client.post(save_url(published), {"name": "Support code", "description": "Our own."}, follow=True)

    assert 'value="Customer Service Code"' in form  # the name starts as the version's title
    assert response.redirect_chain == [("/codes/customer-service/v1/", 302)]
    assert "Saved as the template “Support code”" in response.content.decode()
    template = CodeTemplate.objects.get(name="Support code")
    assert (template.source_version, template.created_by, template.section_count) == (published, administrator.user, 2)


def test_the_save_page_says_the_templates_language_is_the_versions(client, administrator, published) -> None:
    client.force_login(administrator.user)

    page = client.get(save_url(published)).content.decode()

    assert "The template keeps the 2 sections of version 1, with their categories, in English." in page
    assert 'name="language"' not in page


def test_the_published_version_page_offers_saving_to_administrators_only(client, administrator, manager, published):
    for person, offered in ((administrator, True), (manager, False)):
        client.force_login(person.user)

        assert (save_url(published) in client.get("/codes/customer-service/v1/").content.decode()) is offered


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_manager_without_the_permission_gets_403_and_no_template(client, manager, published, method) -> None:
    client.force_login(manager.user)

    response = getattr(client, method)(save_url(published), {"name": "Mine", "description": ""})

    assert response.status_code == 403
    assert not CodeTemplate.objects.filter(builtin_key="").exists()


def test_a_draft_is_not_saved_as_a_template(client, administrator, draft) -> None:
    client.force_login(administrator.user)

    response = client.post(save_url(draft), {"name": "Mine", "description": ""}, follow=True)

    assert response.redirect_chain == [("/codes/customer-service/v1/", 302)]
    assert "Only a published version can be saved as a template." in response.content.decode()
    assert not CodeTemplate.objects.filter(builtin_key="").exists()


# ---------------------------------------------------------------------------
# The Django admin
# ---------------------------------------------------------------------------


def test_the_admin_lists_the_templates_and_shows_a_builtin_one_without_changing_it(client, administrator) -> None:
    template = builtin("customer-service-code", "en")
    client.force_login(administrator.user)

    listed = client.get("/admin/codes/codetemplate/").content.decode()
    shown = client.get(f"/admin/codes/codetemplate/{template.pk}/change/")
    changed = client.post(f"/admin/codes/codetemplate/{template.pk}/change/", {"name": "Renamed", "language": "en"})

    assert "Customer service code of conduct" in listed
    assert "Politică de utilizare acceptabilă" in listed
    assert shown.status_code == 200
    assert "Conflict resolution" in shown.content.decode()
    assert changed.status_code == 403
    template.refresh_from_db()
    assert template.name == "Customer service code of conduct"

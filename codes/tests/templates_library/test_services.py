"""Loading the built-in templates, a new document from a template, and a published version saved as one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from audit.models import AuditEvent
from codes.models import CodeDocument, CodeTemplate, CodeVersion, VersionStatus
from codes.templates_library import services
from codes.templates_library.files import builtin_templates
from codes.tests.factories import publish, start_revision
from common.errors import DomainError, InputRefused

# Ordered with the other database tests (the cast fixtures open the database).
pytestmark = pytest.mark.django_db


def builtin(key: str, language: str) -> CodeTemplate:
    return CodeTemplate.objects.get(builtin_key=key, language=language)


def saved_template(**fields) -> CodeTemplate:
    sections = [
        {"category": "privacy", "title": "Privacy", "body": "Verify the caller first."},
        {"category": "professionalism", "title": "Tone", "body": "Stay calm."},
        {"category": "accountability", "title": "Owning mistakes", "body": "Say so and fix it."},
    ]
    return CodeTemplate.objects.create(
        **{"name": "Call centre rules", "language": "en", "sections": sections, **fields}
    )


# ---------------------------------------------------------------------------
# The built-in templates follow their files
# ---------------------------------------------------------------------------


def test_migrate_loaded_every_builtin_template_in_each_language() -> None:
    stored = set(CodeTemplate.objects.exclude(builtin_key="").values_list("builtin_key", "language"))

    assert stored == {(template.key, template.language) for template in builtin_templates()}
    assert len(stored) == 6


# serialized_rollback, as every transactional test here: the flush's post_migrate makes content types and
# permissions anew, which the next transactional test's restored rows would collide with.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_emptied_database_gets_the_builtin_templates_back() -> None:
    # `manage.py flush` sends post_migrate without the historical models migrate hands over.
    call_command("flush", interactive=False, verbosity=0)

    stored = set(CodeTemplate.objects.exclude(builtin_key="").values_list("builtin_key", "language"))
    assert stored == {(template.key, template.language) for template in builtin_templates()}


def write_template(directory: Path, key: str, body: str) -> None:
    section = {"category": "privacy", "title": "Privacy", "body": body}
    text = {"name": key.title(), "description": "Short.", "sections": [section]}
    (directory / f"{key}.json").write_text(json.dumps({"key": key, "languages": {"en": text}}), encoding="utf-8")


def test_loading_adds_changes_and_removes_builtin_templates_as_the_files_do(tmp_path: Path) -> None:
    saved = saved_template()
    write_template(tmp_path, "rules", "Verify the caller first.")

    first = services.templates_load_builtin(directory=tmp_path)
    write_template(tmp_path, "rules", "Verify the caller's identity first.")
    write_template(tmp_path, "more-rules", "Lock your screen.")
    second = services.templates_load_builtin(directory=tmp_path)

    # The six built-in templates of the repository are not in tmp_path: the first load removed them.
    assert first == services.LoadSummary(created=1, updated=0, removed=6)
    assert second == services.LoadSummary(created=1, updated=1, removed=0)
    assert builtin("rules", "en").sections[0]["body"] == "Verify the caller's identity first."
    assert CodeTemplate.objects.filter(pk=saved.pk).exists()


def test_loading_the_same_files_again_changes_nothing() -> None:
    before = list(CodeTemplate.objects.values_list("pk", "updated_at"))

    summary = services.templates_load_builtin()

    assert summary == services.LoadSummary()
    assert list(CodeTemplate.objects.values_list("pk", "updated_at")) == before


# ---------------------------------------------------------------------------
# A new document from a template
# ---------------------------------------------------------------------------


def create_from(template: CodeTemplate, actor, **fields) -> CodeVersion:
    return services.document_create_from_template(
        actor=actor, template=template, **{"title": "Our customer code", **fields}
    )


def test_the_first_draft_holds_the_templates_sections_in_order_with_their_categories(manager) -> None:
    template = builtin("customer-service-code", "ro")

    draft = create_from(template, manager.user, slug="cod-clienti")

    draft.refresh_from_db()
    assert (draft.document.slug, draft.document.owner, draft.number) == ("cod-clienti", manager.user, 1)
    assert (draft.status, draft.author, draft.title) == (VersionStatus.DRAFT, manager.user, "Our customer code")
    assert list(draft.sections.order_by("position").values("position", "category", "title", "body")) == [
        {"position": number, **section} for number, section in enumerate(template.sections, start=1)
    ]
    assert draft.sections.first().title == "Profesionalism"
    assert draft.language == "ro"  # written in the template's language


def test_it_records_the_documents_creation_and_the_drafts_start_naming_the_template(manager) -> None:
    template = builtin("code-of-practice", "en")

    draft = create_from(template, manager.user)

    events = AuditEvent.objects.filter(actor=manager.user).order_by("pk")
    assert [event.action for event in events] == ["codes.document.create", "codes.version.create"]
    assert events[0].object_id == str(draft.document.pk)
    assert events[1].object_id == str(draft.pk)
    assert events[1].details == {
        "copied_from": None,
        "template": {"id": template.pk, "name": "Code of practice for customer service", "language": "en"},
        "sections": 7,
    }


def test_a_short_name_taken_already_leaves_nothing_created(manager, document) -> None:
    with pytest.raises(InputRefused, match="exists already") as refused:
        create_from(builtin("acceptable-use-policy", "en"), manager.user, title="Rules", slug=document.slug)

    assert refused.value.field == "slug"
    assert list(CodeDocument.objects.all()) == [document]
    assert not CodeVersion.objects.exists()


def test_a_template_past_the_limit_on_sections_leaves_no_document(manager, settings) -> None:
    settings.CODES_MAX_SECTIONS = 5

    with pytest.raises(DomainError, match="at most 5 sections"):
        create_from(builtin("customer-service-code", "en"), manager.user)

    assert not CodeDocument.objects.exists()


@pytest.mark.parametrize("role", ["agent", "administrator", "compliance_officer"])
def test_someone_who_may_not_create_documents_and_drafts_creates_nothing(request, role) -> None:
    person = request.getfixturevalue(role)

    with pytest.raises(PermissionDenied):
        create_from(builtin("customer-service-code", "en"), person.user)

    assert not CodeDocument.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="codes.").exists()


def test_templates_is_not_a_short_name_a_document_can_take(manager) -> None:
    """/codes/templates/ is the list of templates."""
    with pytest.raises(InputRefused, match="cannot be used"):
        create_from(saved_template(), manager.user, title="Templates")

    assert not CodeDocument.objects.exists()


# ---------------------------------------------------------------------------
# A published version saved as a template
# ---------------------------------------------------------------------------


def save(version: CodeVersion, actor, **fields) -> CodeTemplate:
    return services.template_save_version(
        version=version, actor=actor, **{"name": "Support code", "description": "Ours.", **fields}
    )


def test_an_administrator_saves_a_published_version_with_its_sections_in_order(published, administrator) -> None:
    template = save(published, administrator.user, name="Support code")

    template.refresh_from_db()
    assert (template.name, template.language, template.builtin_key) == ("Support code", "en", "")
    assert (template.source_version, template.created_by) == (published, administrator.user)
    assert template.sections == [
        {"category": "professionalism", "title": "Professionalism", "body": "Stay calm and courteous."},
        {"category": "privacy", "title": "Privacy", "body": "Verify identity first."},
    ]
    event = AuditEvent.objects.get(action="codes.template.create")
    assert (event.actor, event.object_id) == (administrator.user, str(template.pk))
    assert event.details == {"document": "customer-service", "version": 1, "sections": 2}


def test_a_template_is_in_the_language_of_the_version_it_was_saved_from(manager, second_manager, administrator):
    draft = create_from(builtin("acceptable-use-policy", "ro"), manager.user, slug="politica")
    romanian = publish(draft, author=manager.user, approver=second_manager.user)

    template = save(romanian, administrator.user, name="Politica noastră")

    assert template.language == "ro"
    assert template.sections[2]["title"] == "Utilizări interzise"


def test_a_superseded_version_can_be_saved_as_a_template(published, manager, second_manager, administrator) -> None:
    publish(start_revision(published.document, actor=manager.user), author=manager.user, approver=second_manager.user)
    published.refresh_from_db()

    template = save(published, administrator.user)

    assert published.status == VersionStatus.SUPERSEDED
    assert template.sections[0]["body"] == "Stay calm and courteous."


def test_a_draft_cannot_be_saved_as_a_template(draft, administrator) -> None:
    with pytest.raises(DomainError, match="only a published version can be saved as a template"):
        save(draft, administrator.user)

    assert not CodeTemplate.objects.filter(builtin_key="").exists()


def test_a_manager_may_not_save_a_version_as_a_template(published, manager) -> None:
    with pytest.raises(PermissionDenied):
        save(published, manager.user)

    assert not CodeTemplate.objects.filter(builtin_key="").exists()

"""A published version's text cannot change by any path."""

from __future__ import annotations

import pytest
from django.db import connection

from codes import services
from codes.content import content_hash
from codes.models import CodeVersion, FrozenVersionError, Section
from codes.tests.factories import SectionFactory
from common.errors import DomainError

# Ordered with the other database tests (the cast fixtures open the database).
pytestmark = pytest.mark.django_db


@pytest.fixture
def section(published) -> Section:
    return published.sections.order_by("position").first()


def test_the_section_form_path_is_refused(published, section, manager) -> None:
    with pytest.raises(DomainError, match="published, so it cannot be edited"):
        services.section_update(section=section, actor=manager.user, category="other", title="New", body="New")


def test_adding_a_section_is_refused(published, manager) -> None:
    with pytest.raises(DomainError, match="cannot be edited"):
        services.section_add(version=published, actor=manager.user, category="other", title="Extra", body="")


def test_deleting_a_section_through_the_service_is_refused(published, section, manager) -> None:
    with pytest.raises(DomainError, match="cannot be edited"):
        services.section_delete(section=section, actor=manager.user)


def test_section_save_in_a_shell_is_refused(section) -> None:
    section.body = "Quietly rewritten."

    with pytest.raises(FrozenVersionError, match="not a draft"):
        section.save()


def test_section_delete_in_a_shell_is_refused(section) -> None:
    with pytest.raises(FrozenVersionError):
        section.delete()


def test_bulk_update_and_delete_are_refused(published) -> None:
    with pytest.raises(FrozenVersionError):
        Section.objects.filter(version=published).update(body="Rewritten in bulk.")
    with pytest.raises(FrozenVersionError):
        Section.objects.filter(version=published).delete()


def test_creating_a_section_in_a_published_version_is_refused(published) -> None:
    with pytest.raises(FrozenVersionError):
        SectionFactory(version=published, position=9)
    with pytest.raises(FrozenVersionError):
        Section.objects.bulk_create([Section(version=published, position=10, title="Sneaky")])


def test_the_version_title_cannot_change(published) -> None:
    published.title = "Another title"

    with pytest.raises(FrozenVersionError, match="can never change"):
        published.save()


def test_a_published_version_cannot_go_back_to_draft(published) -> None:
    published.status = "draft"

    with pytest.raises(FrozenVersionError):
        published.save()


def test_a_published_version_cannot_be_deleted(published) -> None:
    with pytest.raises(FrozenVersionError, match="cannot be deleted"):
        published.delete()


def test_the_stored_text_and_hash_stay_as_published(published) -> None:
    for attempt in (
        lambda: Section.objects.filter(version=published).update(body="x"),
        lambda: published.sections.first().delete(),
    ):
        with pytest.raises(FrozenVersionError):
            attempt()

    published.refresh_from_db()
    assert content_hash(published) == published.content_hash


def test_the_admin_shows_published_versions_read_only(client, administrator, published) -> None:
    client.force_login(administrator.user)

    response = client.post(f"/admin/codes/codeversion/{published.pk}/change/", {"title": "Hacked"})

    assert response.status_code == 403
    published.refresh_from_db()
    assert published.title != "Hacked"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger guards PostgreSQL; SQLite relies on the model"
)
def test_raw_sql_cannot_rewrite_a_published_section(published) -> None:
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError, match="frozen"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE codes_section SET body = 'raw' WHERE version_id = %s", [published.pk])

    assert CodeVersion.objects.get(pk=published.pk).content_hash == content_hash(published)


def test_the_admin_cannot_write_a_drafts_text_past_the_four_eyes_record(client, draft) -> None:
    from people.tests.factories import UserFactory

    superuser = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(superuser)

    response = client.post(f"/admin/codes/codeversion/{draft.pk}/change/", {"title": "Unrecorded"})

    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.title != "Unrecorded"


def test_the_rule_that_every_section_is_displayed_is_frozen_with_the_text(published) -> None:
    published.requires_every_section_displayed = True

    with pytest.raises(FrozenVersionError, match="its text can never change"):
        published.save()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger guards PostgreSQL; SQLite relies on the model"
)
def test_raw_sql_cannot_change_the_rule_that_every_section_is_displayed(published) -> None:
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError, match="frozen"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE codes_codeversion SET requires_every_section_displayed = true WHERE id = %s", [published.pk]
        )

    assert CodeVersion.objects.get(pk=published.pk).requires_every_section_displayed is False


def test_the_next_draft_keeps_the_rule_that_every_section_is_displayed(draft, manager, second_manager) -> None:
    from codes.tests.factories import publish

    CodeVersion.objects.filter(pk=draft.pk).update(requires_every_section_displayed=True)
    publish(draft, author=manager.user, approver=second_manager.user)

    next_draft = services.version_start_draft(document=draft.document, actor=manager.user)

    assert next_draft.requires_every_section_displayed is True

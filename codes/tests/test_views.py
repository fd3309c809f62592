from __future__ import annotations

import re

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from codes.models import CodeDocument, CodeVersion, Section, VersionStatus
from codes.tests.factories import CodeDocumentFactory, DraftFactory, SectionFactory, publish, start_revision
from people.tests.factories import DepartmentFactory, StaffProfileFactory

# Ordered with the other database tests (the cast fixtures open the database).
pytestmark = pytest.mark.django_db


def url(version: CodeVersion, action: str = "") -> str:
    return f"/codes/{version.document.slug}/v{version.number}/" + (f"{action}/" if action else "")


# ---------------------------------------------------------------------------
# Who sees what
# ---------------------------------------------------------------------------


def test_an_agent_reads_the_published_version(client, agent, published) -> None:
    client.force_login(agent.user)

    page = client.get(url(published)).content.decode()

    assert "Stay calm and courteous." in page
    assert "Contents" in page
    assert published.content_hash in page


def test_an_agent_never_sees_a_draft(client, agent, draft) -> None:
    client.force_login(agent.user)

    assert client.get(url(draft)).status_code == 404
    assert client.get(f"/codes/{draft.document.slug}/").status_code == 404
    assert draft.document.title not in client.get("/codes/").content.decode()


def test_an_agent_does_not_see_a_version_for_another_department(client, agent, draft, manager, second_manager):
    billing = DepartmentFactory(name="Billing", code="BIL")
    publish(draft, author=manager.user, approver=second_manager.user, departments=[billing])
    client.force_login(agent.user)

    assert client.get(url(draft)).status_code == 404
    assert draft.document.title not in client.get("/codes/").content.decode()


def test_a_version_for_a_parent_department_applies_to_its_sub_departments(
    client, agent, draft, manager, second_manager
) -> None:
    operations = DepartmentFactory(name="Operations", code="OPS")
    agent.department.parent = operations
    agent.department.save()
    publish(draft, author=manager.user, approver=second_manager.user, departments=[operations])
    client.force_login(agent.user)

    response = client.get(url(draft))

    assert response.status_code == 200
    assert "Stay calm and courteous." in response.content.decode()


def test_an_agent_does_not_see_a_superseded_version(client, agent, published, manager, second_manager) -> None:

    publish(
        start_revision(published.document, actor=manager.user),
        author=manager.user,
        approver=second_manager.user,
    )
    client.force_login(agent.user)

    assert client.get(url(published)).status_code == 404
    assert f'href="{url(published)}"' not in client.get(f"/codes/{published.document.slug}/").content.decode()


def test_compliance_sees_drafts_but_cannot_edit_them(client, compliance_officer, draft) -> None:
    client.force_login(compliance_officer.user)

    reading = client.get(url(draft))
    editing = client.get(url(draft, "edit"))

    assert reading.status_code == 200
    assert "Stay calm and courteous." in reading.content.decode()
    assert f'href="{url(draft, "edit")}"' not in reading.content.decode()
    assert editing.status_code == 403
    assert "You may not open this page" in editing.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, published) -> None:
    response = client.get(url(published))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("action", ["submit", "approve", "request-changes"])
def test_state_changes_refuse_get(client, manager, draft, action) -> None:
    client.force_login(manager.user)

    response = client.get(url(draft, action))

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


@pytest.mark.parametrize(
    ("person", "action", "expected"),
    [
        ("agent", "edit", 403),
        ("agent", "publish", 403),
        ("compliance_officer", "publish", 403),
        ("compliance_officer", "approve", 403),
        ("outsider", "edit", 403),
    ],
)
def test_the_role_action_matrix(request, client, draft, person, action, expected) -> None:
    client.force_login(request.getfixturevalue(person).user)

    response = client.post(url(draft, action)) if action != "edit" else client.get(url(draft, action))

    assert response.status_code == expected
    assert "You may not open this page" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT
    assert not AuditEvent.objects.filter(action__startswith="codes.version").exists()


# ---------------------------------------------------------------------------
# The journey from empty draft to published version
# ---------------------------------------------------------------------------


def test_a_manager_creates_a_document(client, manager) -> None:
    client.force_login(manager.user)

    response = client.post(
        "/codes/new/", {"title": "Sales Code", "slug": "", "summary": "For sales.", "review_interval_months": 6}
    )

    document = CodeDocument.objects.get(slug="sales-code")
    assert response["Location"] == "/codes/sales-code/"
    assert document.owner == manager.user
    assert AuditEvent.objects.filter(action="codes.document.create").count() == 1


def test_a_duplicate_slug_is_a_field_error(client, manager, document) -> None:
    client.force_login(manager.user)

    response = client.post("/codes/new/", {"title": "Again", "slug": document.slug, "review_interval_months": 12})

    assert response.status_code == 200
    assert "Code document with this Short name already exists." in response.content.decode()


def test_from_empty_draft_to_published_version_in_the_browser_forms(client, manager, second_manager, document):
    client.force_login(manager.user)
    response = client.post(f"/codes/{document.slug}/drafts/new/", {"start": "empty"})
    version = document.versions.get()
    assert response["Location"] == url(version, "edit")

    client.post(url(version, "sections/add"), {"category": "ethics", "title": "Ethics", "body": "Be **honest**."})
    section = version.sections.get()
    client.post(
        url(version, f"sections/{section.pk}/edit"), {"category": "ethics", "title": "Ethics", "body": "Be fair."}
    )
    client.post(url(version, "submit"))
    version.refresh_from_db()
    assert version.status == VersionStatus.IN_REVIEW

    refused = client.post(url(version, "approve"), follow=True)
    assert "four-eyes" in refused.content.decode()

    client.force_login(second_manager.user)
    client.post(url(version, "approve"))
    client.force_login(manager.user)
    response = client.post(
        url(version, "publish"),
        {
            "effective_date": timezone.localdate().isoformat(),
            "applies_to_all_staff": "on",
            "days_to_acknowledge": 10,
            "is_major": "true",
        },
    )

    assert response["Location"] == url(version)
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED
    assert version.approver == second_manager.user
    assert version.sections.get().body == "Be fair."
    assert version.days_to_acknowledge == 10


def test_a_refused_transition_shows_a_message_not_an_error(client, manager, draft) -> None:
    client.force_login(manager.user)

    response = client.post(url(draft, "approve"), follow=True)

    assert response.status_code == 200
    assert "cannot be approved" in response.content.decode()


def test_the_reviewer_asks_for_changes_and_the_author_sees_the_comment(client, manager, second_manager, draft):
    client.force_login(manager.user)
    client.post(url(draft, "submit"))
    client.force_login(second_manager.user)

    client.post(url(draft, "request-changes"), {"comment": "Please add an example."})

    client.force_login(manager.user)
    assert "Please add an example." in client.get(url(draft, "edit")).content.decode()


def test_publishing_with_no_audience_is_a_field_error(client, manager, second_manager, draft) -> None:
    from codes import services

    services.version_submit(version=draft, actor=manager.user)
    services.version_approve(version=draft, actor=second_manager.user)
    client.force_login(manager.user)

    response = client.post(
        url(draft, "publish"),
        {"effective_date": timezone.localdate().isoformat(), "days_to_acknowledge": 10, "is_major": "true"},
    )

    assert response.status_code == 200
    assert "Choose at least one department" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == VersionStatus.APPROVED


def test_an_invalid_section_form_keeps_what_was_typed(client, manager, draft) -> None:
    client.force_login(manager.user)

    response = client.post(url(draft, "sections/add"), {"category": "nonsense", "title": "", "body": "Keep me."})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Keep me." in page
    assert "This field is required." in page
    assert draft.sections.count() == 2


def test_moving_a_section_with_htmx_returns_only_the_list(client, manager, draft) -> None:
    client.force_login(manager.user)
    second = draft.sections.get(position=2)

    response = client.post(
        url(draft, f"sections/{second.pk}/move"), {"direction": "up"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<div id="section-list">')
    assert list(draft.sections.order_by("position").values_list("title", flat=True)) == ["Privacy", "Professionalism"]


def test_moving_a_section_without_javascript_redirects_back(client, manager, draft) -> None:
    client.force_login(manager.user)
    first = draft.sections.get(position=1)

    response = client.post(url(draft, f"sections/{first.pk}/move"), {"direction": "down"})

    assert response.status_code == 302
    assert draft.sections.get(pk=first.pk).position == 2


def test_a_section_of_another_version_is_not_found(client, manager, draft) -> None:
    stranger = SectionFactory()
    client.force_login(manager.user)

    edit = url(draft, f"sections/{stranger.pk}/edit")
    before = (stranger.title, stranger.body)

    assert client.get(edit).status_code == 404
    assert client.post(edit, {"category": "privacy", "title": "Taken over", "body": "Changed."}).status_code == 404
    stranger.refresh_from_db()
    assert (stranger.title, stranger.body) == before


def test_editing_a_published_version_is_refused_with_a_message(client, manager, published) -> None:
    section = published.sections.first()
    client.force_login(manager.user)

    response = client.post(
        url(published, f"sections/{section.pk}/edit"), {"category": "other", "title": "X", "body": "Y"}, follow=True
    )

    assert "cannot be edited" in response.content.decode()
    assert Section.objects.get(pk=section.pk).body == section.body


# ---------------------------------------------------------------------------
# Diff, print and PDF
# ---------------------------------------------------------------------------


def test_the_diff_shows_word_level_changes(client, manager, second_manager, published) -> None:
    from codes import services

    second = services.version_start_draft(document=published.document, actor=manager.user)
    section = second.sections.get(position=1)
    services.section_update(
        section=section, actor=manager.user, category=section.category, title=section.title, body="Stay calm and kind."
    )
    client.force_login(second_manager.user)

    page = client.get(f"/codes/{published.document.slug}/compare/", {"old": 1, "new": 2}).content.decode()

    assert "<del>courteous</del><ins>kind</ins>." in page
    assert "1 section changed" in page


def test_the_print_view_has_every_section(client, agent, published) -> None:
    client.force_login(agent.user)

    page = client.get(url(published, "print")).content.decode()

    assert "Stay calm and courteous." in page
    assert "Verify identity first." in page


def test_the_pdf_is_a_pdf_of_the_version(client, agent, published) -> None:
    client.force_login(agent.user)

    response = client.get(url(published, "pdf"))

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert 'filename="customer-service-v1.pdf"' in response["Content-Disposition"]


# ---------------------------------------------------------------------------
# Query counts
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("documents", [1, 25])
def test_the_document_list_costs_the_same_for_1_or_25_documents(
    client, manager, documents, django_assert_num_queries
) -> None:
    for _ in range(documents):
        DraftFactory(document=CodeDocumentFactory(owner=manager.user), author=manager.user)
    client.force_login(manager.user)

    # session, unread notifications, my tasks, user, permissions (own and roles', one query), count,
    # one page with its version numbers as subqueries
    with django_assert_num_queries(7):
        response = client.get("/codes/")
    assert response.status_code == 200
    # The counted queries drew every document's row.
    assert (
        len(re.findall(r'<a href="/codes/code-\d+/">Code of conduct \d+</a>', response.content.decode())) == documents
    )


@pytest.mark.parametrize("sections", [1, 30])
def test_the_reader_costs_the_same_for_1_or_30_sections(
    client, compliance_officer, sections, django_assert_num_queries
) -> None:
    version = DraftFactory()
    SectionFactory.create_batch(sections, version=version)
    client.force_login(compliance_officer.user)

    # session, unread notifications, my tasks, user, permissions (own and roles', one query), the version with its
    # people, its contributors, its approvals, its sections, its translations with their progress, its comprehension
    # questions (none)
    with django_assert_num_queries(11):
        response = client.get(url(version))
    assert response.status_code == 200
    # The counted queries drew every section.
    assert response.content.decode().count('class="code-section') == sections


@pytest.mark.parametrize("versions", [1, 12])
def test_the_document_page_costs_the_same_for_1_or_12_versions(
    client, compliance_officer, manager, versions, django_assert_num_queries
) -> None:
    document = CodeDocumentFactory(owner=manager.user)
    for number in range(1, versions + 1):
        DraftFactory(
            document=document,
            number=number,
            author=manager.user,
            status=VersionStatus.SUPERSEDED,
            published_at=timezone.now(),
        )
    client.force_login(compliance_officer.user)

    # session, unread notifications, my tasks, user, permissions (own and roles', one query), the document, its versions
    # with their people
    with django_assert_num_queries(7):
        response = client.get(f"/codes/{document.slug}/")
    assert response.status_code == 200
    # The counted queries drew every version's row.
    assert len(
        re.findall(rf'<td><a href="/codes/{document.slug}/v\d+/">Version \d+</a></td>', response.content.decode())
    ) == (versions)


def test_an_agent_sees_only_documents_that_apply_to_them(client, agent, published) -> None:
    hidden = CodeDocumentFactory(title="Board Code")
    StaffProfileFactory()  # someone else, to show the list is not per-person data
    client.force_login(agent.user)

    page = client.get("/codes/").content.decode()

    assert published.document.title in page
    assert hidden.title not in page


def test_a_section_deleted_with_htmx_reports_it_beside_the_list(client, manager, draft) -> None:
    client.force_login(manager.user)
    first = draft.sections.get(position=1)

    response = client.post(url(draft, f"sections/{first.pk}/delete"), headers={"HX-Request": "true"})

    page = response.content.decode()
    assert 'id="messages" aria-live="polite" hx-swap-oob="true"' in page
    assert "Section “Professionalism” deleted." in page
    assert draft.sections.count() == 1


def test_the_draft_edit_form_sets_that_every_section_must_be_displayed_before_signing(client, manager, draft) -> None:
    client.force_login(manager.user)

    response = client.post(
        url(draft, "edit"),
        {"title": draft.title, "change_summary": "", "requires_every_section_displayed": "on"},
    )

    draft.refresh_from_db()
    assert response.status_code == 302
    assert draft.requires_every_section_displayed is True
    page = client.get(url(draft, "edit")).content.decode()
    assert "Every section must be displayed before signing" in page
    assert re.search(r'<input type="checkbox" name="requires_every_section_displayed"[^>]* checked', page)

"""Code documents, versions and the diff of two versions, as an API client reads them."""

from __future__ import annotations

import hashlib
import json

import pytest

from codes import services
from codes.models import CodeVersion, VersionStatus
from codes.tests.factories import CodeDocumentFactory, DraftFactory, SectionFactory, publish, start_revision
from people.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

DOCUMENTS = "/api/v1/documents/"
VERSIONS = "/api/v1/versions/"


def ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def diff_of(client, version: CodeVersion, against: CodeVersion):
    return client.get(f"{VERSIONS}{version.pk}/diff/", {"against": against.pk})


# --- documents ---------------------------------------------------------------


def test_a_document_shows_its_owner_review_and_the_version_in_force(api_as, agent, manager, published):
    response = api_as(agent).get(DOCUMENTS)
    document = published.document
    document.refresh_from_db()

    assert response.status_code == 200
    assert response.json() == {
        "next": None,
        "previous": None,
        "results": [
            {
                "id": published.document.pk,
                "title": "Customer Service Code",
                "slug": "customer-service",
                "summary": "",
                "owner": {"username": "maria", "name": manager.full_name},
                "review_interval_months": 12,
                "next_review_due": document.next_review_due.isoformat(),
                "retired": False,
                "retired_at": None,
                "published_version": published.pk,
            }
        ],
    }


def test_a_document_without_a_version_in_force_is_listed_for_compliance_only(
    api_as, agent, compliance_officer, published, manager
):
    unpublished = CodeDocumentFactory(title="Gifts Policy", owner=manager.user)
    DraftFactory(document=unpublished, number=1, author=manager.user)

    assert ids(api_as(agent).get(DOCUMENTS)) == [published.document.pk]
    listed = {
        row["id"]: row["published_version"] for row in api_as(compliance_officer).get(DOCUMENTS).json()["results"]
    }
    assert listed == {published.document.pk: published.pk, unpublished.pk: None}


def test_someone_without_a_role_may_not_read_the_codes(api_as, outsider, published):
    response = api_as(outsider).get(DOCUMENTS)

    assert response.status_code == 403
    assert response.json()["type"] == "permission_denied"


def test_a_document_of_another_audience_is_not_found_for_an_agent(api_as, agent, manager, second_manager):
    version = DraftFactory(document=CodeDocumentFactory(owner=manager.user), number=1, author=manager.user)
    SectionFactory(version=version)
    publish(version, author=manager.user, approver=second_manager.user, departments=[DepartmentFactory()])

    assert api_as(agent).get(f"{DOCUMENTS}{version.document_id}/").status_code == 404


def test_the_document_list_reads_the_same_few_queries_for_1_and_25_documents(
    api_as, compliance_officer, manager, django_assert_num_queries
):
    client = api_as(compliance_officer)
    client.get(DOCUMENTS)  # the token's first use is noted: the next requests, within a minute, write nothing
    for added in (1, 24):
        CodeDocumentFactory.create_batch(added, owner=manager.user)
        # The token with its person; the person's permissions (own and roles', one query); the page of documents
        # (owner joined, version numbers and the published version's id in subqueries).
        with django_assert_num_queries(3):
            client.get(DOCUMENTS)
    assert len(ids(client.get(DOCUMENTS))) == 25


# --- versions ----------------------------------------------------------------


def test_a_version_shows_its_sections_in_order_with_its_content_hash(api_as, agent, manager, second_manager, published):
    response = api_as(agent).get(f"{VERSIONS}{published.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["number"] == 1
    assert body["status"] == "published"
    assert body["author"] == {"username": "maria", "name": manager.full_name}
    assert body["approver"] == {"username": "radu", "name": second_manager.full_name}
    assert [approval["approver"]["username"] for approval in body["approvals"]] == ["radu"]
    assert body["days_to_acknowledge"] == 14
    assert body["applies_to_all_staff"] is True
    assert body["audience_departments"] == []
    assert [(s["position"], s["category"], s["title"], s["body"]) for s in body["sections"]] == [
        (1, "professionalism", "Professionalism", "Stay calm and courteous."),
        (2, "privacy", "Privacy", "Verify identity first."),
    ]


def test_a_client_can_recompute_the_content_hash_from_the_sections(api_as, agent, published):
    body = api_as(agent).get(f"{VERSIONS}{published.pk}/").json()

    # As the field's description says: compact JSON of the title and [category, title, body] per section.
    text = {"title": body["title"], "sections": [[s["category"], s["title"], s["body"]] for s in body["sections"]]}
    canonical = json.dumps(text, ensure_ascii=False, separators=(",", ":")).encode()
    assert hashlib.sha256(canonical).hexdigest() == body["content_hash"] == published.content_hash


def test_a_version_for_some_departments_names_them(api_as, compliance_officer, manager, second_manager, support):
    version = DraftFactory(document=CodeDocumentFactory(owner=manager.user), number=1, author=manager.user)
    SectionFactory(version=version)
    publish(version, author=manager.user, approver=second_manager.user, departments=[support])

    body = api_as(compliance_officer).get(f"{VERSIONS}{version.pk}/").json()

    assert (body["applies_to_all_staff"], body["audience_departments"]) == (False, [support.pk])


def test_drafts_are_listed_for_compliance_but_not_for_an_agent(api_as, agent, compliance_officer, published, manager):
    draft = start_revision(published.document, actor=manager.user)

    assert ids(api_as(compliance_officer).get(VERSIONS)) == [published.pk, draft.pk]
    assert ids(api_as(agent).get(VERSIONS)) == [published.pk]
    assert api_as(agent).get(f"{VERSIONS}{draft.pk}/").status_code == 404


def test_versions_are_filtered_by_document_and_status(api_as, compliance_officer, published, manager):
    draft = start_revision(published.document, actor=manager.user)
    other = DraftFactory(document=CodeDocumentFactory(owner=manager.user), number=1, author=manager.user)
    client = api_as(compliance_officer)

    assert ids(client.get(VERSIONS, {"document": published.document_id})) == [published.pk, draft.pk]
    assert ids(client.get(VERSIONS, {"status": "draft"})) == [draft.pk, other.pk]
    assert ids(client.get(VERSIONS, {"document": other.document_id, "status": "published"})) == []


@pytest.mark.parametrize(("parameter", "value"), [("status", "final"), ("document", "first")])
def test_a_bad_filter_value_is_refused_with_the_field_named(api_as, compliance_officer, parameter, value):
    response = api_as(compliance_officer).get(VERSIONS, {parameter: value})

    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"
    assert list(response.json()["errors"]) == [parameter]


def test_the_version_list_reads_the_same_few_queries_for_1_and_25_versions(
    api_as, compliance_officer, manager, django_assert_num_queries
):
    client = api_as(compliance_officer)
    client.get(VERSIONS)  # the token's first use is noted: the next requests, within a minute, write nothing
    for count in (1, 24):
        for _ in range(count):
            DraftFactory(author=manager.user, document__owner=manager.user)
        # The token with its person; the person's permissions (own and roles', one query); the page of versions
        # (document and people joined); their approvals (approvers joined); their audience departments.
        with django_assert_num_queries(5):
            client.get(VERSIONS)
    assert CodeVersion.objects.count() == 25


# --- the diff ----------------------------------------------------------------


@pytest.fixture
def revised(published, manager, second_manager) -> CodeVersion:
    """Version 2: Professionalism reworded, Privacy removed, a new Gifts section."""
    draft = services.version_start_draft(document=published.document, actor=manager.user)
    professionalism, privacy = draft.sections.order_by("position")
    services.section_update(
        section=professionalism,
        actor=manager.user,
        category=professionalism.category,
        title=professionalism.title,
        body="Stay calm and polite.",
    )
    services.section_delete(section=privacy, actor=manager.user)
    services.section_add(version=draft, actor=manager.user, category="integrity", title="Gifts", body="Declare them.")
    return draft


def test_the_diff_says_section_by_section_and_word_by_word_what_changed(api_as, compliance_officer, published, revised):
    response = diff_of(api_as(compliance_officer), revised, published)

    assert response.status_code == 200
    body = response.json()
    assert (body["version"], body["against"]) == (revised.pk, published.pk)
    assert (body["added"], body["removed"], body["changed"], body["moved"], body["has_changes"]) == (1, 1, 1, 0, True)
    assert [(change["kind"], (change["new"] or change["old"])["title"]) for change in body["sections"]] == [
        ("changed", "Professionalism"),
        ("removed", "Privacy"),
        ("added", "Gifts"),
    ]
    changed, removed, added = body["sections"]
    assert changed["body_changes"] == [
        {"unchanged": "Stay calm and ", "deleted": "", "inserted": ""},
        {"unchanged": "", "deleted": "courteous", "inserted": "polite"},
        {"unchanged": ".", "deleted": "", "inserted": ""},
    ]
    assert changed["body_html"] == "Stay calm and <del>courteous</del><ins>polite</ins>."
    assert (removed["new"], removed["body_html"]) == (None, "<del>Verify identity first.</del>")
    assert (added["old"], added["new"]["category"]) == (None, "integrity")


def test_the_diff_of_a_version_with_itself_has_no_changes(api_as, compliance_officer, published):
    body = diff_of(api_as(compliance_officer), published, published).json()

    assert body["has_changes"] is False
    assert [change["kind"] for change in body["sections"]] == ["unchanged", "unchanged"]


def test_the_diff_with_a_draft_is_not_found_for_an_agent(api_as, agent, published, revised):
    response = diff_of(api_as(agent), published, revised)

    assert response.status_code == 404
    assert response.json()["type"] == "not_found"


def test_the_diff_of_versions_of_two_documents_is_refused(api_as, compliance_officer, published, manager):
    other = DraftFactory(document=CodeDocumentFactory(owner=manager.user), number=1, author=manager.user)

    response = diff_of(api_as(compliance_officer), published, other)

    assert response.status_code == 400
    assert response.json()["errors"] == {"against": ["Compare versions of the same document: this one is of another."]}


@pytest.mark.parametrize("query", [{}, {"against": ""}, {"against": "v1"}, {"against": "-3"}])
def test_the_diff_needs_the_id_of_the_other_version(api_as, compliance_officer, published, query):
    response = api_as(compliance_officer).get(f"{VERSIONS}{published.pk}/diff/", query)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["against"]


def test_the_diff_refuses_the_list_filters(api_as, compliance_officer, published):
    response = api_as(compliance_officer).get(
        f"{VERSIONS}{published.pk}/diff/", {"against": published.pk, "status": "x"}
    )

    assert response.status_code == 400
    assert response.json()["type"] == "unknown_parameter"


def test_the_statuses_are_the_version_states(api_as, compliance_officer, published):
    # A client filters with the values it reads.
    assert api_as(compliance_officer).get(f"{VERSIONS}{published.pk}/").json()["status"] in VersionStatus.values

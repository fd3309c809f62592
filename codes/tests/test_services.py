"""The version workflow: each transition allowed from the right state, refused from every other."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audit.models import AuditEvent
from codes import services
from codes.content import content_hash, verify_content_hash
from codes.models import CodeVersion, VersionStatus
from codes.signals import version_published
from codes.tests.factories import DraftFactory, SectionFactory, publish, start_revision
from common.errors import DomainError
from people.tests.factories import DepartmentFactory

# Ordered with the other database tests (the cast fixtures open the database).
pytestmark = pytest.mark.django_db


def actions(version, manager, second_manager):
    """Every transition, as the person who may take it."""
    return {
        "submit": lambda: services.version_submit(version=version, actor=manager),
        "approve": lambda: services.version_approve(version=version, actor=second_manager),
        "request_changes": lambda: services.version_request_changes(
            version=version, actor=second_manager, comment="Shorter, please."
        ),
        "publish": lambda: services.version_publish(
            version=version,
            actor=manager,
            effective_date=timezone.localdate(),
            days_to_acknowledge=14,
            is_major=True,
        ),
        "edit": lambda: services.section_add(version=version, actor=manager, category="other", title="X", body=""),
    }


ALLOWED_FROM = {
    "submit": {VersionStatus.DRAFT},
    "approve": {VersionStatus.IN_REVIEW},
    "request_changes": {VersionStatus.IN_REVIEW},
    "publish": {VersionStatus.APPROVED},
    "edit": {VersionStatus.DRAFT},
}


def bring_to(status: VersionStatus, draft, manager, second_manager) -> CodeVersion:
    steps = {
        VersionStatus.DRAFT: [],
        VersionStatus.IN_REVIEW: ["submit"],
        VersionStatus.APPROVED: ["submit", "approve"],
        VersionStatus.PUBLISHED: ["submit", "approve", "publish"],
    }[status]
    for step in steps:
        actions(draft, manager, second_manager)[step]()
    draft.refresh_from_db()
    return draft


@pytest.mark.parametrize("action", sorted(ALLOWED_FROM))
@pytest.mark.parametrize(
    "status", [VersionStatus.DRAFT, VersionStatus.IN_REVIEW, VersionStatus.APPROVED, VersionStatus.PUBLISHED]
)
def test_each_transition_is_allowed_only_from_its_state(draft, manager, second_manager, action, status) -> None:
    version = bring_to(status, draft, manager.user, second_manager.user)
    run = actions(version, manager.user, second_manager.user)[action]

    if status in ALLOWED_FROM[action]:
        run()
    else:
        with pytest.raises(DomainError):
            run()
        version.refresh_from_db()
        assert version.status == status


def test_a_refusal_says_why_in_plain_words(draft, manager) -> None:
    with pytest.raises(DomainError, match="Version 1 is draft, so it cannot be approved"):
        services.version_approve(version=draft, actor=manager.user)


def test_it_refuses_approval_by_the_author(draft, manager) -> None:
    services.version_submit(version=draft, actor=manager.user)

    with pytest.raises(DomainError, match="four-eyes"):
        services.version_approve(version=draft, actor=manager.user)
    draft.refresh_from_db()
    assert draft.status == VersionStatus.IN_REVIEW


def test_an_agent_cannot_approve(draft, manager, agent) -> None:
    services.version_submit(version=draft, actor=manager.user)

    with pytest.raises(PermissionDenied):
        services.version_approve(version=draft, actor=agent.user)


def test_requesting_changes_returns_the_draft_with_the_comment(draft, manager, second_manager) -> None:
    services.version_submit(version=draft, actor=manager.user)

    services.version_request_changes(version=draft, actor=second_manager.user, comment="Add a privacy example.")

    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT
    assert draft.review_comment == "Add a privacy example."


def test_requesting_changes_needs_a_comment(draft, manager, second_manager) -> None:
    services.version_submit(version=draft, actor=manager.user)

    with pytest.raises(DomainError, match="Say what should change"):
        services.version_request_changes(version=draft, actor=second_manager.user, comment="   ")


def test_an_empty_draft_cannot_be_submitted(document, manager) -> None:
    empty = services.version_start_draft(document=document, actor=manager.user, copy_published=False)

    with pytest.raises(DomainError, match="at least one section"):
        services.version_submit(version=empty, actor=manager.user)


@time_machine.travel(datetime.datetime(2026, 3, 31, 10, tzinfo=datetime.UTC), tick=False)
def test_publishing_freezes_the_text_hashes_it_and_sets_the_next_review(draft, manager, second_manager) -> None:
    version = publish(draft, author=manager.user, approver=second_manager.user)

    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED
    assert version.publisher == manager.user
    assert version.content_hash == content_hash(version)
    assert verify_content_hash(version)
    assert version.document.next_review_due == datetime.date(2027, 3, 31)


def test_a_new_review_interval_counts_from_the_organisations_date_of_publication(draft, manager, second_manager):
    # 23:30 UTC on 30 March is already 31 March in Bucharest.
    with time_machine.travel(datetime.datetime(2026, 3, 30, 23, 30, tzinfo=datetime.UTC), tick=False):
        version = publish(draft, author=manager.user, approver=second_manager.user)
    document = version.document

    services.document_update(
        document=document, actor=manager.user, title=document.title, summary="", review_interval_months=24
    )

    document.refresh_from_db()
    assert document.next_review_due == datetime.date(2028, 3, 31)


def test_the_review_date_follows_the_interval_across_month_ends(document) -> None:
    assert services.next_review_date(datetime.date(2026, 8, 31), 6) == datetime.date(2027, 2, 28)
    assert services.next_review_date(datetime.date(2027, 8, 31), 6) == datetime.date(2028, 2, 29)


def test_publishing_supersedes_the_previous_version(published, manager, second_manager) -> None:
    second = start_revision(published.document, actor=manager.user)

    publish(second, author=manager.user, approver=second_manager.user)

    published.refresh_from_db()
    assert published.status == VersionStatus.SUPERSEDED
    assert list(CodeVersion.objects.published()) == [second]


def test_a_new_draft_copies_the_published_sections_with_their_identity(published, manager) -> None:
    draft = services.version_start_draft(document=published.document, actor=manager.user)

    assert draft.number == 2
    assert [(s.key, s.title, s.body) for s in draft.sections.order_by("position")] == [
        (s.key, s.title, s.body) for s in published.sections.order_by("position")
    ]


def test_only_one_version_may_be_in_progress(draft, manager) -> None:
    with pytest.raises(DomainError, match="already in progress"):
        services.version_start_draft(document=draft.document, actor=manager.user)


def test_publishing_to_departments_records_the_audience(draft, manager, second_manager) -> None:
    support = DepartmentFactory(code="SUPX")

    version = publish(draft, author=manager.user, approver=second_manager.user, departments=[support])

    assert not version.applies_to_all_staff
    assert list(version.audience_departments.all()) == [support]


def test_publishing_to_nobody_is_refused(draft, manager, second_manager) -> None:
    services.version_submit(version=draft, actor=manager.user)
    services.version_approve(version=draft, actor=second_manager.user)

    with pytest.raises(DomainError, match="at least one department"):
        services.version_publish(
            version=draft,
            actor=manager.user,
            effective_date=timezone.localdate(),
            days_to_acknowledge=14,
            is_major=True,
            applies_to_all_staff=False,
        )


def test_publication_is_announced_after_commit(draft, manager, second_manager, django_capture_on_commit_callbacks):
    received = []
    version_published.connect(
        lambda sender, version_id, **kw: received.append(version_id), weak=False, dispatch_uid="t"
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            publish(draft, author=manager.user, approver=second_manager.user)
    finally:
        version_published.disconnect(dispatch_uid="t")

    assert received == [draft.pk]


def test_every_step_leaves_an_audit_event(draft, manager, second_manager) -> None:
    services.version_submit(version=draft, actor=manager.user)
    services.version_request_changes(version=draft, actor=second_manager.user, comment="Tighten privacy.")
    publish(draft, author=manager.user, approver=second_manager.user)
    services.document_retire(document=draft.document, actor=manager.user, reason="Merged into the handbook")

    events = list(AuditEvent.objects.order_by("id").values_list("action", "actor__username"))
    assert events == [
        ("codes.version.submit", "maria"),
        ("codes.version.request_changes", "radu"),
        ("codes.version.submit", "maria"),
        ("codes.version.approve", "radu"),
        ("codes.version.publish", "maria"),
        ("codes.document.retire", "maria"),
    ]


def test_retiring_a_document_retires_its_published_version(published, manager) -> None:
    services.document_retire(document=published.document, actor=manager.user, reason="Merged into the handbook")

    published.refresh_from_db()
    assert published.status == VersionStatus.RETIRED
    with pytest.raises(DomainError, match="retired"):
        services.version_start_draft(document=published.document, actor=manager.user)


def test_sections_move_and_close_gaps(draft, manager) -> None:
    third = SectionFactory(version=draft, position=3, title="Third")

    services.section_move(section=third, actor=manager.user, offset=-1)
    services.section_delete(section=draft.sections.get(position=1), actor=manager.user)

    assert list(draft.sections.order_by("position").values_list("position", "title")) == [
        (1, "Third"),
        (2, "Privacy"),
    ]


def test_moving_the_first_section_up_changes_nothing(draft, manager) -> None:
    first = draft.sections.get(position=1)

    services.section_move(section=first, actor=manager.user, offset=-1)

    assert list(draft.sections.order_by("position").values_list("title", flat=True)) == ["Professionalism", "Privacy"]


def test_document_slugs_are_unique_and_not_reserved(manager, document) -> None:
    with pytest.raises(DomainError, match="exists already"):
        services.document_create(actor=manager.user, title="Again", slug=document.slug)
    with pytest.raises(DomainError, match="cannot be used"):
        services.document_create(actor=manager.user, title="New", slug="new")


def test_a_draft_can_be_discarded_but_not_a_published_version(published, manager) -> None:
    other = DraftFactory(number=5, author=manager.user)

    services.version_discard(version=other, actor=manager.user)

    assert not CodeVersion.objects.filter(pk=other.pk).exists()
    with pytest.raises(DomainError):
        services.version_discard(version=published, actor=manager.user)

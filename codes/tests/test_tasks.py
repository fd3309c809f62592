"""The versions waiting for a reviewer or a publisher: the tasks codes gives to My tasks."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from codes import selectors, services
from codes.tests.factories import DraftFactory, SectionFactory, start_revision
from people.tests.factories import StaffProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_review(draft, manager):
    """Version 1, sent for review by the manager who wrote it."""
    return services.version_submit(version=draft, actor=manager.user)


@pytest.fixture
def third_manager(support):
    return StaffProfileFactory(user__username="ioana", user__roles=["Manager"], department=support)


@pytest.fixture
def approver_who_may_not_read_drafts(support):
    """Given the right to approve alone: the version's page is a 404 for them."""
    profile = StaffProfileFactory(user__username="anca", user__roles=["Agent"], department=support)
    profile.user.user_permissions.add(Permission.objects.get(codename="approve_codeversion"))
    return profile


def test_a_version_in_review_waits_for_the_other_managers(in_review, second_manager) -> None:
    assert list(selectors.versions_awaiting_review_by(second_manager.user)) == [in_review]


def test_the_author_never_sees_their_own_version_to_approve(in_review, manager) -> None:
    assert not selectors.versions_awaiting_review_by(manager.user).exists()


def test_a_manager_who_edited_the_version_does_not_see_it_to_approve(published, manager, second_manager) -> None:
    revision = start_revision(published.document, actor=manager.user)
    section = revision.sections.get(position=2)
    services.section_update(
        section=section, actor=second_manager.user, category=section.category, title=section.title, body="Edited."
    )
    services.version_submit(version=revision, actor=manager.user)

    assert not selectors.versions_awaiting_review_by(second_manager.user).exists()


def test_a_reviewer_who_approved_does_not_see_it_again_while_it_waits_for_a_second_approval(
    settings, in_review, second_manager, third_manager
) -> None:
    settings.CODES_REQUIRED_APPROVALS = 2
    services.version_approve(version=in_review, actor=second_manager.user)

    assert not selectors.versions_awaiting_review_by(second_manager.user).exists()
    assert list(selectors.versions_awaiting_review_by(third_manager.user)) == [in_review]


def test_the_list_agrees_with_the_four_eyes_rule(settings, published, manager, second_manager, third_manager) -> None:
    settings.CODES_REQUIRED_APPROVALS = 2
    revision = start_revision(published.document, actor=manager.user)
    services.version_submit(version=revision, actor=manager.user)
    services.version_approve(version=revision, actor=second_manager.user)
    authors, approvals = selectors.version_authors(revision), selectors.version_approvals(revision)

    for person in (manager, second_manager, third_manager):
        may_approve = not services.approval_refusal(person.user, authors, approvals)
        assert selectors.versions_awaiting_review_by(person.user).filter(pk=revision.pk).exists() == may_approve


def test_a_version_leaves_the_review_list_once_approved(in_review, second_manager) -> None:
    services.version_approve(version=in_review, actor=second_manager.user)

    assert not selectors.versions_awaiting_review_by(second_manager.user).exists()


def test_someone_who_may_not_approve_has_nothing_to_review(in_review, agent, compliance_officer) -> None:
    for person in (agent, compliance_officer):
        assert selectors.versions_awaiting_review_by(person.user).query.is_empty()


def test_someone_who_may_approve_but_not_read_drafts_is_no_reviewer(
    in_review, approver_who_may_not_read_drafts
) -> None:
    assert not selectors.approvers_of(in_review).filter(pk=approver_who_may_not_read_drafts.user.pk).exists()
    assert selectors.versions_awaiting_review_by(approver_who_may_not_read_drafts.user).query.is_empty()


def test_those_asked_to_review_a_version_are_those_who_have_it_to_review(
    in_review, manager, second_manager, third_manager, agent, compliance_officer, approver_who_may_not_read_drafts
) -> None:
    everyone = (manager, second_manager, third_manager, agent, compliance_officer, approver_who_may_not_read_drafts)
    asked = set(selectors.approvers_of(in_review))

    for person in everyone:
        assert (person.user in asked) == selectors.versions_awaiting_review_by(person.user).exists()


def test_drafts_are_not_waiting_for_review(draft, second_manager) -> None:
    assert not selectors.versions_awaiting_review_by(second_manager.user).exists()


def test_an_approved_version_waits_for_those_who_may_publish(in_review, manager, second_manager) -> None:
    services.version_approve(version=in_review, actor=second_manager.user)

    assert list(selectors.versions_awaiting_publication_by(manager.user)) == [in_review]
    assert list(selectors.versions_awaiting_publication_by(second_manager.user)) == [in_review]


def test_a_published_version_leaves_the_publication_list(published, manager) -> None:
    assert not selectors.versions_awaiting_publication_by(manager.user).exists()


def test_someone_who_may_not_publish_has_nothing_to_publish(in_review, second_manager, compliance_officer) -> None:
    services.version_approve(version=in_review, actor=second_manager.user)

    assert selectors.versions_awaiting_publication_by(compliance_officer.user).query.is_empty()


def test_the_review_list_is_the_longest_waiting_first(manager, second_manager) -> None:
    versions = []
    for _ in range(3):
        version = DraftFactory(author=manager.user)
        SectionFactory(version=version)
        versions.append(services.version_submit(version=version, actor=manager.user))

    assert list(selectors.versions_awaiting_review_by(second_manager.user)) == versions

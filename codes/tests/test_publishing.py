"""Publishing and review edges: a contradictory audience, what the page shows once published, a draft
that changes nothing, and an author taking a version back from review."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from audit.models import AuditEvent
from codes import services
from codes.models import VersionStatus
from codes.tests.factories import publish, start_revision
from common.errors import DomainError
from people.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def url(version, action: str = "") -> str:
    return f"/codes/{version.document.slug}/v{version.number}/" + (f"{action}/" if action else "")


@pytest.fixture
def approved(draft, manager, second_manager):
    services.version_submit(version=draft, actor=manager.user)
    return services.version_approve(version=draft, actor=second_manager.user)


def publish_form(**overrides) -> dict:
    return {
        "effective_date": timezone.localdate().isoformat(),
        "days_to_acknowledge": 10,
        "is_major": "true",
        **overrides,
    }


# ---------------------------------------------------------------------------
# The audience
# ---------------------------------------------------------------------------


def test_all_staff_and_departments_together_is_a_field_error(client, manager, approved, support) -> None:
    client.force_login(manager.user)

    response = client.post(url(approved, "publish"), publish_form(applies_to_all_staff="on", departments=[support.pk]))

    assert response.status_code == 200
    assert "Untick “Applies to all staff” to publish to these departments only" in response.content.decode()
    approved.refresh_from_db()
    assert approved.status == VersionStatus.APPROVED


def test_the_service_refuses_all_staff_and_departments_together(manager, approved, support) -> None:
    with pytest.raises(DomainError, match="not both"):
        services.version_publish(
            version=approved,
            actor=manager.user,
            effective_date=timezone.localdate(),
            days_to_acknowledge=14,
            is_major=True,
            departments=[support],
            applies_to_all_staff=True,
        )
    approved.refresh_from_db()
    assert approved.status == VersionStatus.APPROVED


def test_departments_alone_publish_to_those_departments(client, manager, approved, support) -> None:
    client.force_login(manager.user)

    response = client.post(url(approved, "publish"), publish_form(departments=[support.pk]))

    assert response["Location"] == url(approved)
    approved.refresh_from_db()
    assert not approved.applies_to_all_staff
    assert list(approved.audience_departments.all()) == [support]


# ---------------------------------------------------------------------------
# What the page shows once published
# ---------------------------------------------------------------------------


@time_machine.travel(datetime.datetime(2026, 3, 31, 22, 30, tzinfo=datetime.UTC), tick=False)
def test_the_page_shows_the_audience_and_the_deadline_in_the_organisations_date(
    client, manager, approved, compliance_officer
) -> None:
    # 22:30 UTC on 31 March is already 1 April in Bucharest: the deadline counts from 1 April.
    sales = DepartmentFactory(name="Sales", code="SAL")
    services.version_publish(
        version=approved,
        actor=manager.user,
        effective_date=timezone.localdate(),
        days_to_acknowledge=10,
        is_major=True,
        departments=[sales],
        applies_to_all_staff=False,
    )
    client.force_login(compliance_officer.user)

    page = client.get(url(approved)).content.decode()

    assert "Audience" in page
    assert "Sales" in page
    assert "Acknowledge by" in page
    assert "11 Apr 2026" in page
    assert "10 days after publication" in page


def test_a_version_for_all_staff_says_so(client, agent, published) -> None:
    client.force_login(agent.user)

    page = client.get(url(published)).content.decode()

    assert "All staff" in page


def test_a_draft_shows_no_audience_or_deadline(client, manager, draft) -> None:
    client.force_login(manager.user)

    page = client.get(url(draft)).content.decode()

    assert "Acknowledge by" not in page


# ---------------------------------------------------------------------------
# A draft that changes nothing
# ---------------------------------------------------------------------------


def test_a_draft_identical_to_the_version_it_replaces_cannot_be_submitted(published, manager) -> None:
    draft = services.version_start_draft(document=published.document, actor=manager.user)

    with pytest.raises(DomainError, match="same as version 1, which it would replace"):
        services.version_submit(version=draft, actor=manager.user)
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_submitting_an_unchanged_draft_says_why_in_the_browser(client, published, manager) -> None:
    draft = services.version_start_draft(document=published.document, actor=manager.user)
    client.force_login(manager.user)

    response = client.post(url(draft, "submit"), follow=True)

    assert "The text of this draft is the same as version 1" in response.content.decode()


def test_a_reordered_draft_is_a_change_and_can_be_submitted(published, manager) -> None:
    draft = services.version_start_draft(document=published.document, actor=manager.user)
    services.section_move(section=draft.sections.get(position=1), actor=manager.user, offset=1)

    services.version_submit(version=draft, actor=manager.user)

    draft.refresh_from_db()
    assert draft.status == VersionStatus.IN_REVIEW


def test_a_reworded_draft_can_be_submitted(published, manager) -> None:
    draft = start_revision(published.document, actor=manager.user)

    services.version_submit(version=draft, actor=manager.user)

    draft.refresh_from_db()
    assert draft.status == VersionStatus.IN_REVIEW


# ---------------------------------------------------------------------------
# Withdrawing from review
# ---------------------------------------------------------------------------


def test_the_author_withdraws_a_version_from_review_and_it_is_audited(client, manager, draft) -> None:
    services.version_submit(version=draft, actor=manager.user)
    client.force_login(manager.user)

    response = client.post(url(draft, "withdraw"), follow=True)

    assert "Withdrawn from review: it is a draft again" in response.content.decode()
    draft.refresh_from_db()
    assert (draft.status, draft.submitted_at) == (VersionStatus.DRAFT, None)
    event = AuditEvent.objects.get(action="codes.version.withdraw")
    assert (event.actor, event.object_id) == (manager.user, str(draft.pk))


def test_someone_who_did_not_write_it_cannot_withdraw_it(client, manager, second_manager, draft) -> None:
    services.version_submit(version=draft, actor=manager.user)
    client.force_login(second_manager.user)

    page = client.get(url(draft)).content.decode()
    response = client.post(url(draft, "withdraw"), follow=True)

    assert url(draft, "withdraw") not in page
    assert "Only an author of this version can withdraw it" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == VersionStatus.IN_REVIEW


def test_the_withdraw_button_is_offered_to_the_author(client, manager, draft) -> None:
    services.version_submit(version=draft, actor=manager.user)
    client.force_login(manager.user)

    assert url(draft, "withdraw") in client.get(url(draft)).content.decode()


@pytest.mark.parametrize("status", [VersionStatus.DRAFT, VersionStatus.APPROVED])
def test_only_a_version_in_review_can_be_withdrawn(manager, second_manager, draft, status) -> None:
    services.version_submit(version=draft, actor=manager.user)
    if status == VersionStatus.APPROVED:
        services.version_approve(version=draft, actor=second_manager.user)
    else:
        services.version_withdraw(version=draft, actor=manager.user)

    with pytest.raises(DomainError, match="cannot be withdrawn from review"):
        services.version_withdraw(version=draft, actor=manager.user)


def test_withdrawing_refuses_get_anonymous_and_roles_without_editing(
    client, manager, agent, compliance_officer, outsider, draft
) -> None:
    services.version_submit(version=draft, actor=manager.user)

    anonymous = client.post(url(draft, "withdraw"))
    client.force_login(manager.user)
    get = client.get(url(draft, "withdraw"))
    statuses = {}
    for person in (agent, compliance_officer, outsider):
        client.force_login(person.user)
        statuses[person.user.username] = client.post(url(draft, "withdraw")).status_code

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    assert get.status_code == 405
    assert statuses == {"ana": 403, "cora": 403, "olga": 403}
    draft.refresh_from_db()
    assert draft.status == VersionStatus.IN_REVIEW


def test_a_withdrawn_version_is_edited_and_sent_again(manager, second_manager, draft) -> None:
    services.version_submit(version=draft, actor=manager.user)
    services.version_withdraw(version=draft, actor=manager.user)
    services.section_add(version=draft, actor=manager.user, category="other", title="Gifts", body="Refuse them.")

    version = publish(draft, author=manager.user, approver=second_manager.user)

    assert version.status == VersionStatus.PUBLISHED
    assert version.sections.count() == 3

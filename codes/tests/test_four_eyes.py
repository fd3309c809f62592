"""Four eyes by contribution: whoever wrote any of a version's text or details may not approve it,
and every change to a draft's sections is in the audit log with the section and what changed."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audit.models import AuditEvent
from codes import services
from codes.models import Contribution, ContributionKind, VersionStatus
from codes.tests.factories import publish, start_revision
from common.errors import DomainError
from people.tests.factories import StaffProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def third_manager(support):
    return StaffProfileFactory(
        user__username="ioana", user__first_name="Ioana", user__roles=["Manager"], department=support
    )


def url(version, action: str = "") -> str:
    return f"/codes/{version.document.slug}/v{version.number}/" + (f"{action}/" if action else "")


def edit_first_section(version, actor, body: str = "Stay calm, courteous and patient.") -> None:
    section = version.sections.get(position=1)
    services.section_update(section=section, actor=actor, category=section.category, title=section.title, body=body)


def publish_now(version, actor, **audience):
    return services.version_publish(
        version=version,
        actor=actor,
        effective_date=timezone.localdate(),
        days_to_acknowledge=14,
        is_major=True,
        **audience,
    )


# ---------------------------------------------------------------------------
# The reported bypass, and the rule
# ---------------------------------------------------------------------------


def test_a_manager_who_edited_another_managers_draft_cannot_approve_and_publish_it_alone(
    published, manager, second_manager
) -> None:
    draft = services.version_start_draft(document=published.document, actor=manager.user)
    edit_first_section(draft, second_manager.user)
    services.version_submit(version=draft, actor=second_manager.user)

    with pytest.raises(DomainError, match=r"You edited this version.*four-eyes"):
        services.version_approve(version=draft, actor=second_manager.user)
    with pytest.raises(DomainError, match="cannot be published"):
        publish_now(draft, second_manager.user)

    draft.refresh_from_db()
    assert draft.status == VersionStatus.IN_REVIEW
    assert draft.approver is None


def test_someone_who_wrote_none_of_it_approves_and_the_editor_may_then_publish(
    published, manager, second_manager, third_manager
) -> None:
    draft = services.version_start_draft(document=published.document, actor=manager.user)
    edit_first_section(draft, second_manager.user)
    services.version_submit(version=draft, actor=second_manager.user)

    services.version_approve(version=draft, actor=third_manager.user)
    publish_now(draft, second_manager.user)

    draft.refresh_from_db()
    assert (draft.status, draft.approver, draft.publisher) == (
        VersionStatus.PUBLISHED,
        third_manager.user,
        second_manager.user,
    )


def test_the_person_who_started_the_draft_cannot_approve_it(published, manager, second_manager) -> None:
    draft = start_revision(published.document, actor=second_manager.user)
    services.version_submit(version=draft, actor=second_manager.user)

    with pytest.raises(DomainError, match="You started this version"):
        services.version_approve(version=draft, actor=second_manager.user)


@pytest.mark.parametrize("change", ["add", "delete", "move", "details"])
def test_any_change_to_the_text_or_details_bars_approval(draft, manager, second_manager, change) -> None:
    first = draft.sections.get(position=1)
    {
        "add": lambda: services.section_add(
            version=draft, actor=second_manager.user, category="other", title="New", body="More."
        ),
        "delete": lambda: services.section_delete(section=first, actor=second_manager.user),
        "move": lambda: services.section_move(section=first, actor=second_manager.user, offset=1),
        "details": lambda: services.version_update(
            version=draft, actor=second_manager.user, title=draft.title, change_summary="Clearer privacy rules."
        ),
    }[change]()
    services.version_submit(version=draft, actor=manager.user)

    with pytest.raises(DomainError, match="four-eyes"):
        services.version_approve(version=draft, actor=second_manager.user)


def test_saving_a_section_unchanged_is_no_contribution(draft, manager, second_manager) -> None:
    section = draft.sections.get(position=1)
    services.section_update(
        section=section, actor=second_manager.user, category=section.category, title=section.title, body=section.body
    )
    services.version_submit(version=draft, actor=manager.user)

    services.version_approve(version=draft, actor=second_manager.user)

    assert not Contribution.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="codes.section.").exists()


def test_a_reviewer_who_only_asked_for_changes_can_approve_the_next_round(draft, manager, second_manager) -> None:
    services.version_submit(version=draft, actor=manager.user)
    services.version_request_changes(version=draft, actor=second_manager.user, comment="Give an example.")
    edit_first_section(draft, manager.user, body="Stay calm: greet every customer by name.")
    services.version_submit(version=draft, actor=manager.user)

    services.version_approve(version=draft, actor=second_manager.user)

    draft.refresh_from_db()
    assert draft.status == VersionStatus.APPROVED


def test_contributions_are_one_row_per_person_and_kind(draft, manager, second_manager) -> None:
    edit_first_section(draft, second_manager.user, body="One.")
    edit_first_section(draft, second_manager.user, body="Two.")
    services.version_update(version=draft, actor=manager.user, title="Customer Code", change_summary="")

    assert sorted(Contribution.objects.values_list("person__username", "kind")) == [
        ("maria", ContributionKind.DETAILS),
        ("radu", ContributionKind.TEXT),
    ]


def test_only_a_person_allowed_to_publish_can_publish(draft, manager, second_manager, compliance_officer) -> None:
    services.version_submit(version=draft, actor=manager.user)
    services.version_approve(version=draft, actor=second_manager.user)

    with pytest.raises(PermissionDenied):
        publish_now(draft, compliance_officer.user)
    draft.refresh_from_db()
    assert draft.status == VersionStatus.APPROVED


# ---------------------------------------------------------------------------
# The audit log says who wrote what
# ---------------------------------------------------------------------------


def test_each_change_to_a_draft_is_an_audit_event_naming_the_section_with_a_word_diff(
    draft, manager, second_manager
) -> None:
    first = draft.sections.get(position=1)
    edit_first_section(draft, second_manager.user, body="Stay calm and kind.")
    added = services.section_add(version=draft, actor=manager.user, category="other", title="Gifts", body="Refuse.")
    services.section_move(section=added, actor=manager.user, offset=-1)
    services.section_delete(section=draft.sections.get(title="Privacy"), actor=second_manager.user)
    services.version_update(version=draft, actor=manager.user, title=draft.title, change_summary="Kinder tone.")

    events = list(AuditEvent.objects.order_by("id").values_list("action", "actor__username", "object_id", "details"))
    assert [event[:3] for event in events] == [
        ("codes.section.update", "radu", str(draft.pk)),
        ("codes.section.add", "maria", str(draft.pk)),
        ("codes.section.move", "maria", str(draft.pk)),
        ("codes.section.delete", "radu", str(draft.pk)),
        ("codes.version.update", "maria", str(draft.pk)),
    ]
    update, add, move, delete, details = (event[3] for event in events)
    assert update == {
        "section": str(first.key),
        "title": "Professionalism",
        "position": 1,
        "diff": "[-courteous-]{+kind+}",
    }
    assert add["title"] == "Gifts"
    assert add["diff"] == "{+Refuse.+}"
    assert add["position"] == 3
    assert (move["title"], move["from"], move["to"]) == ("Gifts", 3, 2)
    assert (delete["title"], delete["diff"]) == ("Privacy", "[-Verify identity first.-]")
    assert details == {"change_summary": "{+Kinder tone.+}"}


def test_a_long_change_is_cut_in_the_audit_event(draft, manager) -> None:
    edit_first_section(draft, manager.user, body="word " * 500)

    diff = AuditEvent.objects.get(action="codes.section.update").details["diff"]
    assert len(diff) == 300
    assert diff.endswith("…")


# ---------------------------------------------------------------------------
# The version page
# ---------------------------------------------------------------------------


def test_the_approve_button_is_not_offered_to_someone_who_edited_the_text(
    client, draft, manager, second_manager
) -> None:
    edit_first_section(draft, second_manager.user)
    services.version_submit(version=draft, actor=manager.user)
    client.force_login(second_manager.user)

    page = client.get(url(draft)).content.decode()

    assert "You edited this version, so someone who did not write it must approve it" in page
    assert url(draft, "approve") not in page


def test_the_approve_button_is_offered_to_a_manager_who_wrote_none_of_it(
    client, draft, manager, second_manager
) -> None:
    services.version_submit(version=draft, actor=manager.user)
    client.force_login(second_manager.user)

    page = client.get(url(draft)).content.decode()

    assert url(draft, "approve") in page


def test_approving_what_you_edited_is_refused_in_the_browser_with_a_message(
    client, draft, manager, second_manager
) -> None:
    edit_first_section(draft, second_manager.user)
    services.version_submit(version=draft, actor=manager.user)
    client.force_login(second_manager.user)

    response = client.post(url(draft, "approve"), follow=True)

    assert response.status_code == 200
    assert "You edited this version" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == VersionStatus.IN_REVIEW


def test_the_version_page_names_its_authors_approver_and_publisher(
    client, draft, manager, second_manager, third_manager, agent
) -> None:
    edit_first_section(draft, third_manager.user)
    publish(draft, author=manager.user, approver=second_manager.user)
    client.force_login(agent.user)

    page = client.get(url(draft)).content.decode()

    assert "Maria" in page
    assert "started the draft" in page
    assert "Ioana" in page
    assert "edited the sections" in page
    assert "Approver" in page
    assert "Radu" in page
    assert "Publisher" in page


def test_the_role_matrix_for_approval(request, client, draft, manager) -> None:
    services.version_submit(version=draft, actor=manager.user)
    statuses = {}
    for person in ("agent", "compliance_officer", "outsider"):
        client.force_login(request.getfixturevalue(person).user)
        statuses[person] = client.post(url(draft, "approve")).status_code
    client.logout()
    anonymous = client.post(url(draft, "approve"))

    assert statuses == {"agent": 403, "compliance_officer": 403, "outsider": 403}
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("editors", [1, 20])
def test_the_page_of_a_version_in_review_costs_the_same_for_1_or_20_contributors(
    client, draft, manager, second_manager, editors, django_assert_num_queries
) -> None:
    for _ in range(editors):
        editor = StaffProfileFactory(user__roles=["Manager"])
        services.version_update(
            version=draft, actor=editor.user, title=draft.title, change_summary=f"Edited by {editor.pk}."
        )
    services.version_submit(version=draft, actor=manager.user)
    client.force_login(second_manager.user)

    # session, unread notifications, my tasks, user, permissions (own and roles', one query), the version with its
    # people, its contributors with their names, its approvals, its sections, its translations with their progress, its
    # comprehension questions (none)
    with django_assert_num_queries(11):
        page = client.get(url(draft)).content.decode()
    assert page.count("edited the title or summary") == editors


# ---------------------------------------------------------------------------
# Two approvals (CODES_REQUIRED_APPROVALS)
# ---------------------------------------------------------------------------


@pytest.fixture
def two_approvals(settings):
    settings.CODES_REQUIRED_APPROVALS = 2


def test_with_two_approvals_required_one_leaves_the_version_in_review(
    two_approvals, draft, manager, second_manager, third_manager
) -> None:
    services.version_submit(version=draft, actor=manager.user)

    services.version_approve(version=draft, actor=second_manager.user)
    draft.refresh_from_db()
    assert draft.status == VersionStatus.IN_REVIEW
    with pytest.raises(DomainError, match="cannot be published"):
        publish_now(draft, manager.user)

    services.version_approve(version=draft, actor=third_manager.user)
    draft.refresh_from_db()
    assert (draft.status, draft.approver) == (VersionStatus.APPROVED, third_manager.user)
    assert list(draft.approvals.values_list("approver__username", flat=True)) == ["radu", "ioana"]
    assert list(AuditEvent.objects.filter(action="codes.version.approve").values_list("details", flat=True)) == [
        {"approvals": 2, "required": 2},
        {"approvals": 1, "required": 2},
    ]


def test_the_same_person_cannot_approve_twice(two_approvals, draft, manager, second_manager) -> None:
    services.version_submit(version=draft, actor=manager.user)
    services.version_approve(version=draft, actor=second_manager.user)

    with pytest.raises(DomainError, match="approved this version already"):
        services.version_approve(version=draft, actor=second_manager.user)


def test_approvals_of_a_round_no_longer_count_once_the_version_is_back_in_draft(
    two_approvals, draft, manager, second_manager, third_manager
) -> None:
    services.version_submit(version=draft, actor=manager.user)
    services.version_approve(version=draft, actor=second_manager.user)
    services.version_withdraw(version=draft, actor=manager.user)
    edit_first_section(draft, manager.user)
    services.version_submit(version=draft, actor=manager.user)

    services.version_approve(version=draft, actor=third_manager.user)

    draft.refresh_from_db()
    assert draft.status == VersionStatus.IN_REVIEW
    assert list(draft.approvals.values_list("approver__username", flat=True)) == ["ioana"]


def test_the_page_shows_how_many_approvals_a_version_still_needs(
    two_approvals, client, draft, manager, second_manager, third_manager
) -> None:
    services.version_submit(version=draft, actor=manager.user)
    client.force_login(second_manager.user)
    first = client.post(url(draft, "approve"), follow=True).content.decode()
    client.force_login(third_manager.user)

    page = client.get(url(draft)).content.decode()

    assert "Your approval is recorded. It needs the approval of someone else too." in first
    assert "You have approved this version already" in first
    assert "1 of the 2 approvals it needs" in page
    assert url(draft, "approve") in page

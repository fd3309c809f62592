"""Legal holds and the pseudonymisation of leavers whose retention has ended."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from acknowledgements.models import AcknowledgementRequest
from acknowledgements.services import requests_create_for_version, signature_create
from audit.models import AuditEvent
from cases.tests.factories import record
from people.models import UserSession
from people.services import person_deactivate, person_reactivate
from people.tests.factories import StaffProfileFactory
from privacy import services
from privacy.models import LegalHold, Pseudonymisation
from privacy.services import HoldRefused, PseudonymisationRefused
from reminders.models import Notification
from reminders.tests.factories import NotificationFactory
from training.tests.factories import AssignmentFactory, CompletionFactory
from webhooks.tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def sweep() -> services.SweepSummary:
    return services.leavers_pseudonymise()


def test_a_leaver_is_pseudonymised_once_their_retention_has_ended(leaver, days_later) -> None:
    with days_later(366):
        summary = sweep()

    leaver.refresh_from_db()
    leaver.user.refresh_from_db()
    pseudonym = services.pseudonym_of("HR-7731-ZQ")
    assert summary == services.SweepSummary(pseudonymised=1, held=0)
    assert (leaver.employee_id, leaver.job_title) == (pseudonym, "")
    assert (leaver.user.username, leaver.user.first_name, leaver.user.last_name, leaver.user.email) == (
        pseudonym,
        "",
        "",
        "",
    )
    assert not leaver.user.has_usable_password()
    assert Pseudonymisation.objects.get(person=leaver).pseudonym == pseudonym


def test_a_leaver_within_their_retention_is_left_as_they_are(leaver, days_later) -> None:
    with days_later(364):
        summary = sweep()

    leaver.refresh_from_db()
    assert summary.pseudonymised == 0
    assert leaver.employee_id == "HR-7731-ZQ"


@override_settings(RETENTION_DAYS={"leaver": 30, "signature": 400, "training": 200})
def test_a_leaver_who_signed_is_kept_as_long_as_the_signatures_retention(published, agent, days_later) -> None:
    requests_create_for_version(version=published)
    signature_create(
        ack_request=AcknowledgementRequest.objects.get(person=agent), actor=agent.user, typed_name=agent.full_name
    )
    person_deactivate(user=agent.user, actor=None)

    with days_later(399):
        kept = sweep()
    with days_later(401):
        done = sweep()

    assert (kept.pseudonymised, done.pseudonymised) == (0, 1)


@override_settings(RETENTION_DAYS={"leaver": 30, "signature": 400, "training": 200})
def test_a_leaver_with_a_training_completion_is_kept_as_long_as_the_trainings_retention(leaver, days_later) -> None:
    CompletionFactory(person=leaver)

    with days_later(199):
        kept = sweep()
    with days_later(201):
        done = sweep()

    assert (kept.pseudonymised, done.pseudonymised) == (0, 1)


def test_a_person_who_came_back_is_not_pseudonymised(leaver, days_later) -> None:
    person_reactivate(user=leaver.user, actor=None)

    with days_later(400):
        summary = sweep()

    assert summary.pseudonymised == 0


def test_a_legal_hold_stops_the_pseudonymisation_until_it_is_released(leaver, compliance_officer, days_later) -> None:
    hold = services.hold_place(person=leaver, reason="Tribunal claim 2026/118", actor=compliance_officer.user)

    with days_later(400):
        held = sweep()
        services.hold_release(hold=hold, reason="The claim was settled", actor=compliance_officer.user)
        released = sweep()

    assert held == services.SweepSummary(pseudonymised=0, held=1)
    assert released == services.SweepSummary(pseudonymised=1, held=0)


def test_pseudonymising_a_held_person_by_hand_is_refused(leaver, compliance_officer) -> None:
    services.hold_place(person=leaver, reason="Investigation INV-3", actor=compliance_officer.user)

    with pytest.raises(PseudonymisationRefused, match="legal hold"):
        services.person_pseudonymise(person=leaver, actor=None)

    assert not Pseudonymisation.objects.exists()


def test_an_active_person_cannot_be_pseudonymised(agent) -> None:
    with pytest.raises(PseudonymisationRefused, match="left"):
        services.person_pseudonymise(person=agent, actor=None)


def test_a_person_is_pseudonymised_only_once(leaver) -> None:
    services.person_pseudonymise(person=leaver, actor=None)

    with pytest.raises(PseudonymisationRefused, match="already"):
        services.person_pseudonymise(person=leaver, actor=None)


def test_the_pseudonym_is_stable_and_keyed(settings) -> None:
    first = services.pseudonym_of("HR-7731-ZQ")
    settings.SIGNATURE_COMMITMENT_KEY = "another-key-of-at-least-thirty-two-characters"

    assert services.pseudonym_of("HR-7731-ZQ") != first
    assert services.pseudonym_of("HR-7731-ZQ") == services.pseudonym_of("HR-7731-ZQ")
    assert first.startswith("anon-")


def test_mentions_of_the_leaver_in_free_text_are_replaced(leaver, manager) -> None:
    NotificationFactory(recipient=manager.user, message="Zenobia Quillfeather is 7 days overdue")
    assignment = AssignmentFactory(person=manager, note="Covering for zenobia.quillfeather@example.com")

    services.person_pseudonymise(person=leaver, actor=None)

    pseudonym = services.pseudonym_of("HR-7731-ZQ")
    assignment.refresh_from_db()
    assert Notification.objects.get(recipient=manager.user).message == f"{pseudonym} is 7 days overdue"
    assert assignment.note == f"Covering for {pseudonym}"


def test_mentions_of_the_leaver_in_a_breach_case_are_replaced(leaver, agent, compliance_officer, published) -> None:
    case = record(
        agent,
        published.sections.get(position=2),
        actor=compliance_officer.user,
        occurred_on=published.effective_date,
        description="Shared a customer's file with Zenobia Quillfeather (HR-7731-ZQ) by email.",
        outcome="coaching",
        outcome_note="Zenobia Quillfeather was told too.",
    )

    services.person_pseudonymise(person=leaver, actor=None)

    pseudonym = services.pseudonym_of("HR-7731-ZQ")
    case.refresh_from_db()
    assert case.description == f"Shared a customer's file with {pseudonym} ({pseudonym}) by email."
    assert case.outcome_note == f"{pseudonym} was told too."


def test_mentions_of_the_leaver_in_capitals_or_lower_case_are_replaced(
    leaver, agent, manager, compliance_officer, published
) -> None:
    case = record(
        agent,
        published.sections.get(position=2),
        actor=compliance_officer.user,
        occurred_on=published.effective_date,
        description="Sent ZENOBIA QUILLFEATHER's file to zenobia quillfeather by email.",
    )
    assignment = AssignmentFactory(person=manager, note="Covering for Zenobia.Quillfeather@Example.com (hr-7731-zq)")

    services.person_pseudonymise(person=leaver, actor=None)

    pseudonym = services.pseudonym_of("HR-7731-ZQ")
    case.refresh_from_db()
    assignment.refresh_from_db()
    assert case.description == f"Sent {pseudonym}'s file to {pseudonym} by email."
    assert assignment.note == f"Covering for {pseudonym} ({pseudonym})"


def test_a_name_with_diacritics_leaves_the_webhook_payloads(support, manager) -> None:
    leaver = StaffProfileFactory(
        user__first_name="Ștefan", user__last_name="Țurcanu", employee_id="HR-4410-ST", department=support
    )
    person_deactivate(user=leaver.user, actor=None)
    event = EventFactory(payload={"person": {"name": "Ștefan Țurcanu", "note": "ȘTEFAN ȚURCANU left"}})

    services.person_pseudonymise(person=leaver, actor=None)

    pseudonym = services.pseudonym_of("HR-4410-ST")
    event.refresh_from_db()
    assert event.payload == {"person": {"name": pseudonym, "note": f"{pseudonym} left"}}


def test_the_leavers_own_notifications_and_sessions_go(leaver) -> None:
    NotificationFactory(recipient=leaver.user)
    UserSession.objects.create(session_key="k" * 32, session_data="", expire_date="2099-01-01T00:00Z", user=leaver.user)

    services.person_pseudonymise(person=leaver, actor=None)

    assert not Notification.objects.filter(recipient=leaver.user).exists()
    assert not UserSession.objects.filter(user=leaver.user).exists()


def test_the_pseudonymisation_is_audited_without_the_values_it_replaced(leaver) -> None:
    services.person_pseudonymise(person=leaver, actor=None)

    event = AuditEvent.objects.get(action="privacy.person.pseudonymise")
    assert event.details["pseudonym"] == services.pseudonym_of("HR-7731-ZQ")
    assert "Zenobia" not in f"{event.object_repr} {event.details}"


def test_placing_and_releasing_a_hold_are_audited(leaver, compliance_officer) -> None:
    hold = services.hold_place(person=leaver, reason="Tribunal claim 2026/118", actor=compliance_officer.user)
    services.hold_release(hold=hold, reason="Settled", actor=compliance_officer.user)

    events = AuditEvent.objects.filter(object_id=str(hold.pk)).order_by("pk").values_list("action", "details")
    assert list(events) == [
        ("privacy.hold.place", {"person": leaver.pk, "reason": "Tribunal claim 2026/118"}),
        ("privacy.hold.release", {"person": leaver.pk, "reason": "Settled"}),
    ]


def test_a_hold_needs_the_permission_to_manage_holds(leaver, administrator) -> None:
    with pytest.raises(HoldRefused):
        services.hold_place(person=leaver, reason="Curious", actor=administrator.user)

    assert not LegalHold.objects.exists()


def test_a_hold_needs_a_reason(leaver, compliance_officer) -> None:
    with pytest.raises(HoldRefused, match="why"):
        services.hold_place(person=leaver, reason="  ", actor=compliance_officer.user)


def test_a_second_hold_on_a_held_person_is_refused(leaver, compliance_officer) -> None:
    services.hold_place(person=leaver, reason="Claim A", actor=compliance_officer.user)

    with pytest.raises(HoldRefused, match="in force already"):
        services.hold_place(person=leaver, reason="Claim B", actor=compliance_officer.user)


def test_a_released_hold_cannot_be_released_again(leaver, compliance_officer) -> None:
    hold = services.hold_place(person=leaver, reason="Claim A", actor=compliance_officer.user)
    services.hold_release(hold=hold, reason="Done", actor=compliance_officer.user)

    with pytest.raises(HoldRefused, match="released already"):
        services.hold_release(hold=hold, reason="Again", actor=compliance_officer.user)


def test_a_pseudonymised_person_cannot_be_held(leaver, compliance_officer) -> None:
    services.person_pseudonymise(person=leaver, actor=None)

    with pytest.raises(HoldRefused, match="nothing left"):
        services.hold_place(person=leaver, reason="Too late", actor=compliance_officer.user)


def test_the_command_dry_run_counts_and_changes_nothing(leaver, days_later, capsys) -> None:
    with days_later(400):
        call_command("pseudonymise_leavers", "--dry-run")

    leaver.refresh_from_db()
    assert "Dry run: 1 leavers would be pseudonymised, 0 held; nothing changed." in capsys.readouterr().out
    assert leaver.employee_id == "HR-7731-ZQ"


def test_the_command_pseudonymises_and_says_how_many(leaver, days_later, capsys) -> None:
    with days_later(400):
        call_command("pseudonymise_leavers")

    assert "Pseudonymised 1 leavers; 0 held by a legal hold." in capsys.readouterr().out
    assert Pseudonymisation.objects.filter(person=leaver).exists()


def test_the_sweeps_count_of_who_is_due_does_not_grow_with_the_leavers(days_later, django_assert_num_queries) -> None:
    for person in StaffProfileFactory.create_batch(25):
        person_deactivate(user=person.user, actor=None)

    with days_later(400), django_assert_num_queries(2):  # the held ones, counted; the due ones, counted
        summary = services.leavers_pseudonymise(dry_run=True)

    assert summary.pseudonymised == 25


def test_a_hold_on_a_breach_case_stops_the_pseudonymisation_of_its_person(
    leavers_case, leaver, compliance_officer, days_later
) -> None:
    hold = services.hold_place(case=leavers_case, reason="The case is under appeal", actor=compliance_officer.user)

    with days_later(400):
        summary = sweep()

    assert (hold.person, hold.case) == (leaver, leavers_case)
    assert summary == services.SweepSummary(pseudonymised=0, held=1)


def test_a_second_hold_on_a_held_case_is_refused(leavers_case, compliance_officer) -> None:
    services.hold_place(case=leavers_case, reason="Appeal", actor=compliance_officer.user)

    with pytest.raises(HoldRefused, match="this case is in force already"):
        services.hold_place(case=leavers_case, reason="Appeal again", actor=compliance_officer.user)


def test_a_person_may_be_held_both_personally_and_by_a_case(leavers_case, leaver, compliance_officer) -> None:
    services.hold_place(case=leavers_case, reason="Appeal", actor=compliance_officer.user)
    services.hold_place(person=leaver, reason="Tribunal claim", actor=compliance_officer.user)

    assert LegalHold.objects.active().filter(person=leaver).count() == 2


def test_a_hold_is_on_a_person_or_a_case_not_both(leavers_case, leaver, compliance_officer) -> None:
    with pytest.raises(HoldRefused, match="a person or on a breach case"):
        services.hold_place(person=leaver, case=leavers_case, reason="Both", actor=compliance_officer.user)
    with pytest.raises(HoldRefused, match="a person or on a breach case"):
        services.hold_place(reason="Neither", actor=compliance_officer.user)


def test_a_leaver_deactivated_without_an_audit_event_counts_from_their_last_sign_in(days_later) -> None:
    person = StaffProfileFactory(user__is_active=False, user__last_login=timezone.now())

    with days_later(364):
        kept = sweep()
    with days_later(366):
        done = sweep()

    assert (kept.pseudonymised, done.pseudonymised) == (0, 1)
    assert Pseudonymisation.objects.filter(person=person).exists()


def test_pseudonymised_events_are_marked_on_the_audit_page(client, leaver, compliance_officer) -> None:
    services.person_pseudonymise(person=leaver, actor=None)
    client.force_login(compliance_officer.user)

    page = client.get("/audit/").content.decode()

    assert "pseudonymised" in page
    assert "zenobia.quillfeather" not in page

"""Workflow notifications: each event tells exactly the people it concerns, once, in their language, by email
unless they chose the portal only (a request to sign always emails)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.formats import date_format

from acknowledgements import services as acknowledgement_services
from acknowledgements.models import AcknowledgementRequest
from audit.models import AuditEvent
from codes import services as code_services
from codes.tests.factories import publish, start_revision
from people.models import NotificationKind, NotificationPreference
from people.tests.factories import KioskPersonFactory, StaffProfileFactory
from reminders import services, tasks
from reminders.models import DeliveryStatus, Notification, ReminderKind, ReminderLog
from reminders.tests import QUERIES_PER_EMAIL

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_run_at_once")]

ASKS = "A new version of “Customer Service Code” asks for your acknowledgement by"


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the block and then what it deferred to its commit: the signals, their receivers, the tasks."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def writer(support):
    """A person who may edit versions but not approve them."""
    profile = StaffProfileFactory(user__username="wanda", department=support)
    profile.user.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_codeversion", "view_codeversion"])
    )
    return profile


def addressees(mailoutbox, subject_start: str = "") -> list[str]:
    return sorted(address for email in mailoutbox if email.subject.startswith(subject_start) for address in email.to)


def told(*people) -> list[str]:
    return sorted(person.user.email for person in people)


def notified(**filters) -> list[str]:
    return sorted(Notification.objects.filter(**filters).values_list("recipient__email", flat=True))


def test_a_submitted_version_tells_the_managers_who_may_approve_it_and_not_its_author(
    draft, manager, second_manager, writer, agent, compliance_officer, mailoutbox, on_commit
) -> None:
    with on_commit():
        code_services.version_submit(version=draft, actor=manager.user)

    assert addressees(mailoutbox) == told(second_manager)
    assert mailoutbox[0].subject == "Please review version 1 of “Customer Service Code”"
    assert "Maria" in mailoutbox[0].body
    assert f"/codes/customer-service/v{draft.number}/" in mailoutbox[0].body
    assert notified(message__startswith="Please review") == told(second_manager)


def test_someone_who_may_approve_but_not_open_the_version_is_not_asked_to_review_it(
    draft, manager, second_manager, support, mailoutbox, on_commit
) -> None:
    approver_only = StaffProfileFactory(user__username="anca", department=support)
    approver_only.user.user_permissions.add(Permission.objects.get(codename="approve_codeversion"))

    with on_commit():
        code_services.version_submit(version=draft, actor=manager.user)

    assert addressees(mailoutbox) == told(second_manager)


def test_a_manager_who_edited_the_version_is_not_asked_to_review_it(
    draft, manager, second_manager, mailoutbox, on_commit
) -> None:
    section = draft.sections.first()
    code_services.section_update(
        section=section, actor=second_manager.user, category=section.category, title=section.title, body="Edited."
    )

    with on_commit():
        code_services.version_submit(version=draft, actor=manager.user)

    assert mailoutbox == []
    assert not Notification.objects.exists()


def test_an_approved_version_tells_its_author(draft, manager, second_manager, mailoutbox, on_commit) -> None:
    code_services.version_submit(version=draft, actor=manager.user)

    with on_commit():
        code_services.version_approve(version=draft, actor=second_manager.user)

    assert addressees(mailoutbox) == told(manager)
    assert mailoutbox[0].subject == "Version 1 of “Customer Service Code” is approved"


def test_a_first_approval_of_two_tells_nobody_yet(draft, manager, second_manager, settings, mailoutbox, on_commit):
    settings.CODES_REQUIRED_APPROVALS = 2
    code_services.version_submit(version=draft, actor=manager.user)

    with on_commit():
        code_services.version_approve(version=draft, actor=second_manager.user)

    assert mailoutbox == []


def test_changes_requested_tell_the_author_with_the_comment(
    draft, manager, second_manager, mailoutbox, on_commit
) -> None:
    code_services.version_submit(version=draft, actor=manager.user)

    with on_commit():
        code_services.version_request_changes(version=draft, actor=second_manager.user, comment="Shorter, please.")

    assert addressees(mailoutbox) == told(manager)
    assert mailoutbox[0].subject == "Changes requested on version 1 of “Customer Service Code”"
    assert "Shorter, please." in mailoutbox[0].body


def test_a_version_withdrawn_from_review_tells_those_asked_to_review_it(
    draft, manager, second_manager, mailoutbox, on_commit
) -> None:
    code_services.version_submit(version=draft, actor=manager.user)

    with on_commit():
        code_services.version_withdraw(version=draft, actor=manager.user)

    assert addressees(mailoutbox) == told(second_manager)
    assert mailoutbox[0].subject == "Version 1 of “Customer Service Code” was taken back from review"


def test_a_version_submitted_again_asks_for_review_again(draft, manager, second_manager, mailoutbox, on_commit):
    with on_commit():
        code_services.version_submit(version=draft, actor=manager.user)
        code_services.version_withdraw(version=draft, actor=manager.user)
        code_services.version_submit(version=draft, actor=manager.user)

    assert [email.subject for email in mailoutbox].count("Please review version 1 of “Customer Service Code”") == 2


def test_a_review_step_notified_twice_tells_each_person_once(draft, manager, second_manager, mailoutbox, on_commit):
    with on_commit():
        code_services.version_submit(version=draft, actor=manager.user)
    log = ReminderLog.objects.get(kind=ReminderKind.VERSION_REVIEW)

    tasks.notify_review_step.apply(args=[draft.pk, log.stage, log.object_id, manager.user.pk])

    assert addressees(mailoutbox) == told(second_manager)
    assert Notification.objects.count() == 1


def test_a_publication_asks_its_audience_by_the_due_date_with_a_link_to_sign(
    draft, manager, second_manager, agent, settings, mailoutbox, on_commit
) -> None:
    settings.PORTAL_BASE_URL = "https://conduct.example.com"
    with on_commit():
        version = publish(draft, author=manager.user, approver=second_manager.user)

    ask = AcknowledgementRequest.objects.get(person=agent, version=version)
    assert addressees(mailoutbox, ASKS) == told(manager, second_manager, agent)
    email = next(email for email in mailoutbox if email.to == [agent.user.email])
    assert email.subject == f"{ASKS} {date_format(ask.due_date)}"
    assert f"https://conduct.example.com/acknowledgements/{ask.pk}/" in email.body
    assert "compare" not in email.body  # nothing signed before
    assert Notification.objects.get(recipient=agent.user).url == f"/acknowledgements/{ask.pk}/"


def test_a_publication_notified_twice_tells_each_person_once(published, agent, mailoutbox) -> None:
    acknowledgement_services.requests_create_for_version(version=published)

    tasks.notify_publication.apply(args=[published.pk])
    tasks.notify_publication.apply(args=[published.pk])

    assert addressees(mailoutbox, ASKS).count(agent.user.email) == 1
    assert Notification.objects.filter(recipient=agent.user).count() == 1
    assert set(ReminderLog.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_everyone_told_of_a_publication_in_one_batch_reads_their_own_name_and_link(
    published, agent, support, mailoutbox
) -> None:
    # The batch renders the notice once for all of them: each name and link is put in after, escaped in the HTML.
    nelu = StaffProfileFactory(user__username="nelu", user__first_name="Nelu <b>&</b>", department=support)
    acknowledgement_services.requests_create_for_version(version=published)

    tasks.notify_publication.apply(args=[published.pk])

    for person, html_name in ((agent, "Ana"), (nelu, "Nelu &lt;b&gt;&amp;&lt;/b&gt;")):
        (email,) = [email for email in mailoutbox if email.to == [person.user.email]]
        ask = AcknowledgementRequest.objects.get(person=person, version=published)
        html = email.alternatives[0][0]
        assert f"Hello {person.user.first_name}," in email.body
        assert f"Hello {html_name}," in html
        assert f"/acknowledgements/{ask.pk}/" in email.body
        assert f'href="http://127.0.0.1:8000/acknowledgements/{ask.pk}/"' in html
        assert "\ue000" not in email.body + html


def test_a_person_who_joins_the_audience_later_is_asked_once_as_those_asked_at_publication_were(
    draft, manager, second_manager, agent, support, mailoutbox, on_commit
) -> None:
    with on_commit():
        version = publish(draft, author=manager.user, approver=second_manager.user)
    joiner = StaffProfileFactory(user__username="jo", department=support)
    mailoutbox.clear()

    with on_commit():
        acknowledgement_services.requests_sync_for_people(person_ids=[joiner.pk, agent.pk])

    ask = AcknowledgementRequest.objects.get(person=joiner, version=version)
    assert addressees(mailoutbox) == told(joiner)
    assert mailoutbox[0].subject == f"{ASKS} {date_format(ask.due_date)}"


def test_a_joiner_is_told_alone_even_about_a_version_whose_audience_was_never_told(
    published, agent, support, mailoutbox, on_commit
) -> None:
    # Published before the portal told audiences: its people pending have no notice claimed.
    acknowledgement_services.requests_create_for_version(version=published)
    joiner = StaffProfileFactory(user__username="jo", department=support)

    with on_commit():
        acknowledgement_services.requests_sync_for_people(person_ids=[joiner.pk])

    assert addressees(mailoutbox) == told(joiner)


def test_a_broker_that_is_down_fails_no_publication_and_the_sweep_tells_the_audience_later(
    draft, manager, second_manager, agent, mailoutbox, on_commit, monkeypatch
) -> None:
    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("no broker on 127.0.0.1:6379")

    monkeypatch.setattr(tasks.notify_publication, "delay", broker_down)
    with on_commit():
        version = publish(draft, author=manager.user, approver=second_manager.user)
    assert addressees(mailoutbox, ASKS) == []

    services.sweep_now()

    assert addressees(mailoutbox, ASKS) == told(manager, second_manager, agent)
    assert version.status == "published"


def test_the_publishers_request_leaves_telling_the_audience_to_the_worker(
    draft, manager, second_manager, agent, mailoutbox, on_commit, monkeypatch
) -> None:
    enqueued = []
    monkeypatch.setattr(tasks.notify_publication, "delay", lambda *args: enqueued.append(args))
    with on_commit():
        version = publish(draft, author=manager.user, approver=second_manager.user)

    # No notice claimed per person while the publisher waits (at 100,000 people, a third of publishing's time).
    assert not ReminderLog.objects.filter(kind=ReminderKind.PUBLICATION).exists()
    assert enqueued == [(version.pk, None)]

    tasks.notify_publication.apply(args=enqueued[0])

    assert addressees(mailoutbox, ASKS) == told(manager, second_manager, agent)


def test_a_publication_whose_task_the_broker_lost_is_told_by_the_next_sweep_once(
    draft, manager, second_manager, agent, mailoutbox, on_commit, monkeypatch
) -> None:
    monkeypatch.setattr(tasks.notify_publication, "delay", lambda *args: None)  # accepted, then lost
    with on_commit():
        version = publish(draft, author=manager.user, approver=second_manager.user)

    services.sweep_now()
    services.sweep_now()
    tasks.notify_publication.apply(args=[version.pk])  # delivered after all, late

    assert addressees(mailoutbox, ASKS) == told(manager, second_manager, agent)
    assert Notification.objects.filter(message__startswith="A new version of").count() == 3


def test_a_new_major_version_links_those_who_signed_before_and_may_open_it_to_what_changed(
    published, manager, second_manager, agent, compliance_officer, mailoutbox, on_commit
) -> None:
    acknowledgement_services.requests_create_for_version(version=published)
    for person in (agent, compliance_officer):
        ask = AcknowledgementRequest.objects.get(person=person, version=published)
        acknowledgement_services.signature_create(ack_request=ask, actor=person.user, typed_name=person.full_name)
    revision = start_revision(published.document, actor=manager.user)

    with on_commit():
        publish(revision, author=manager.user, approver=second_manager.user)

    by_person = {email.to[0]: email.body for email in mailoutbox if email.subject.startswith(ASKS)}
    assert "/codes/customer-service/compare/?old=1&new=2" in by_person[compliance_officer.user.email]
    # An agent sees only the published version, so a comparison with the superseded one is not theirs to open.
    assert "compare" not in by_person[agent.user.email]


def test_a_minor_version_tells_only_those_it_asks_to_sign(
    published, manager, second_manager, agent, mailoutbox, on_commit
) -> None:
    acknowledgement_services.requests_create_for_version(version=published)
    ask = AcknowledgementRequest.objects.get(person=agent, version=published)
    acknowledgement_services.signature_create(ack_request=ask, actor=agent.user, typed_name=agent.full_name)
    revision = start_revision(published.document, actor=manager.user)

    with on_commit():
        publish(revision, author=manager.user, approver=second_manager.user, is_major=False)

    # The managers had not signed version 1, so version 2 asks them; Ana signed it, and is not asked again.
    assert addressees(mailoutbox, ASKS) == told(manager, second_manager)
    assert not Notification.objects.filter(recipient=agent.user).exists()


def test_a_retired_document_tells_those_who_had_it_pending(
    published, manager, agent, compliance_officer, mailoutbox, on_commit
) -> None:
    acknowledgement_services.requests_create_for_version(version=published)
    ask = AcknowledgementRequest.objects.get(person=compliance_officer, version=published)
    acknowledgement_services.signature_create(
        ack_request=ask, actor=compliance_officer.user, typed_name=compliance_officer.full_name
    )

    with on_commit():
        code_services.document_retire(document=published.document, actor=manager.user, reason="Merged")

    retired = "“Customer Service Code” is retired: you no longer need to acknowledge it"
    assert compliance_officer.user.email not in addressees(mailoutbox, retired)
    assert agent.user.email in addressees(mailoutbox, retired)
    assert notified(message=retired) == addressees(mailoutbox, retired)


def test_the_email_is_written_in_the_recipients_language(draft, manager, second_manager, mailoutbox, on_commit):
    second_manager.preferred_language = "ro"
    second_manager.save(update_fields=["preferred_language"])

    with on_commit():
        code_services.version_submit(version=draft, actor=manager.user)

    html, _type = mailoutbox[0].alternatives[0]
    assert '<html lang="ro">' in html


def test_a_portal_only_choice_sends_no_email_but_a_notification(
    draft, manager, second_manager, mailoutbox, on_commit
) -> None:
    NotificationPreference.objects.create(
        user=second_manager.user, kind=NotificationKind.REVIEW_REQUESTED, by_email=False
    )

    with on_commit():
        code_services.version_submit(version=draft, actor=manager.user)

    assert mailoutbox == []
    assert notified() == told(second_manager)
    assert ReminderLog.objects.get().status == DeliveryStatus.SENT


def test_a_request_to_sign_emails_those_who_chose_the_portal_only_for_everything_else(
    published, agent, mailoutbox
) -> None:
    NotificationPreference.objects.bulk_create(
        NotificationPreference(user=agent.user, kind=kind, by_email=False)
        for kind in NotificationKind
        if kind != NotificationKind.REQUEST_TO_SIGN
    )
    acknowledgement_services.requests_create_for_version(version=published)

    tasks.notify_publication.apply(args=[published.pk])

    assert agent.user.email in addressees(mailoutbox, ASKS)


def test_a_person_who_signs_at_a_kiosk_is_told_in_the_portal_only(published, support, agent, mailoutbox) -> None:
    worker = KioskPersonFactory(department=support)
    acknowledgement_services.requests_create_for_version(version=published)

    tasks.notify_publication.apply(args=[published.pk])

    assert "" not in addressees(mailoutbox)
    assert agent.user.email in addressees(mailoutbox, ASKS)
    assert Notification.objects.filter(recipient=worker.user).count() == 1
    log = ReminderLog.objects.get(recipient=worker.user)
    assert log.status == DeliveryStatus.SENT


def _queries_to_notify(version) -> int:
    """The queries of telling the audience of `version`, besides each email's own (QUERIES_PER_EMAIL)."""
    # Claim (one INSERT … SELECT), the audience no longer to tell (one DELETE: the publisher's request left the
    # claim to this task), the pending ids (one batch), then the delivery of the batch: holding it, the pending
    # rows with their recipients, the recipients' staff profiles, the pending requests, who may compare, the
    # versions, the earlier signatures, the languages, commits not waiting for the disk and back, letting the
    # batch go.
    with CaptureQueriesContext(connection) as queries:
        tasks.notify_publication.apply(args=[version.pk])
    told = ReminderLog.objects.filter(kind=ReminderKind.PUBLICATION, object_id=version.pk).count()
    besides_each_email = len(queries) - QUERIES_PER_EMAIL * told
    assert besides_each_email == 14, [query["sql"] for query in queries]
    return besides_each_email


def test_notifying_an_audience_takes_as_many_queries_for_twenty_people_as_for_three(
    published, agent, support, mailoutbox
) -> None:
    # Maria, Radu and Ana are asked to sign the first document; they and twenty more, a second one.
    from codes.tests.factories import CodeDocumentFactory, DraftFactory, SectionFactory

    acknowledgement_services.requests_create_for_version(version=published)
    three = _queries_to_notify(published)

    StaffProfileFactory.create_batch(20, department=support)
    other = DraftFactory(document=CodeDocumentFactory(slug="privacy"), number=1, author=published.author)
    SectionFactory(version=other, position=1)
    second = publish(other, author=published.author, approver=published.approver)
    acknowledgement_services.requests_create_for_version(version=second)
    twenty = _queries_to_notify(second)

    assert AcknowledgementRequest.objects.filter(version=second).count() >= 20
    assert twenty == three


def _taken_back_from_review(draft, manager) -> int:
    """Send the draft for review and take it back: the id of the audit event of taking it back."""
    code_services.version_submit(version=draft, actor=manager.user)
    code_services.version_withdraw(version=draft, actor=manager.user)
    return AuditEvent.objects.get(action="codes.version.withdraw").pk


def test_a_notice_claimed_about_a_draft_discarded_since_is_skipped(draft, manager, second_manager, mailoutbox):
    event_id = _taken_back_from_review(draft, manager)
    services.notices_claim_review_step(version_id=draft.pk, step="withdrawn", event_id=event_id, actor_id=None)
    code_services.version_discard(version=draft, actor=manager.user)

    tasks.deliver.apply(args=[list(ReminderLog.objects.values_list("pk", flat=True))])

    assert mailoutbox == []
    assert ReminderLog.objects.get().status == DeliveryStatus.SKIPPED


def test_a_review_step_of_a_draft_discarded_since_tells_nobody(draft, manager, second_manager, mailoutbox):
    event_id = _taken_back_from_review(draft, manager)
    version_id = draft.pk
    code_services.version_discard(version=draft, actor=manager.user)

    tasks.notify_review_step.apply(args=[version_id, "withdrawn", event_id, manager.user.pk])

    assert mailoutbox == []
    assert not ReminderLog.objects.exists()


def _queries_to_ask_for_review(draft, manager) -> int:
    code_services.version_submit(version=draft, actor=manager.user)
    event_id = AuditEvent.objects.filter(action="codes.version.submit").latest("pk").pk
    with CaptureQueriesContext(connection) as queries:
        tasks.notify_review_step.apply(args=[draft.pk, "submitted", event_id, manager.user.pk])
    asked = ReminderLog.objects.filter(kind=ReminderKind.VERSION_REVIEW, object_id=event_id).count()
    code_services.version_withdraw(version=draft, actor=manager.user)
    return len(queries) - QUERIES_PER_EMAIL * asked


def test_asking_twenty_managers_for_review_takes_as_many_queries_as_asking_one(
    draft, manager, second_manager, support, mailoutbox
) -> None:
    one = _queries_to_ask_for_review(draft, manager)
    StaffProfileFactory.create_batch(20, department=support, user__roles=["Manager"])

    twenty = _queries_to_ask_for_review(draft, manager)

    assert len(mailoutbox) == 1 + 21
    assert twenty == one

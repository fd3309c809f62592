"""The person page: one person's acknowledgements, waivers, training, reminders and audit trail, each part
shown only to a viewer who may read it in the app that owns it."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404

from acknowledgements import selectors as acknowledgement_selectors
from acknowledgements.models import AcknowledgementRequest, RequestStatus, Signature
from audit import selectors as audit_selectors
from audit.models import AuditEvent
from cases import selectors as case_selectors
from cases.models import Case
from people import selectors as people_selectors
from people.models import StaffProfile
from reminders import selectors as reminder_selectors
from reminders.models import ReminderLog
from training import selectors as training_selectors
from training.models import Assignment, Completion, Enrolment

Viewer = User | AnonymousUser


def get_person_for_user(user: Viewer, pk: int) -> StaffProfile:
    """A person whose page the user may open (`people.selectors.overseen_by`); 404 for anybody else."""
    return get_object_or_404(people_selectors.overseen_by(user), pk=pk)


def requests(person: StaffProfile, viewer: Viewer) -> QuerySet[AcknowledgementRequest]:
    return acknowledgement_selectors.requests_of(person, viewer=viewer)


def waivers(person: StaffProfile, viewer: Viewer) -> QuerySet[AcknowledgementRequest]:
    return requests(person, viewer).filter(status=RequestStatus.WAIVED)


def sees_training_of(viewer: Viewer, person: StaffProfile) -> bool:
    """Training is shown to those who may see it in training: compliance, or the person's manager."""
    return training_selectors.sees_all_training(viewer) or people_selectors.is_manager_of(viewer, person)


def sees_reminders_of(viewer: Viewer, person: StaffProfile) -> bool:
    """Those who read the reminder log, and the manager, who is sent the escalations about the person anyway."""
    return viewer.has_perm("reminders.view_reminderlog") or people_selectors.is_manager_of(viewer, person)


def sees_cases_of(viewer: Viewer, person: StaffProfile) -> bool:
    return case_selectors.may_see_cases_of(viewer, person)


def cases(person: StaffProfile, viewer: Viewer) -> QuerySet[Case]:
    return case_selectors.cases_of(person, viewer)


def reminders(person: StaffProfile) -> QuerySet[ReminderLog]:
    return reminder_selectors.reminders_sent_to(person.user_id)


def audit_events(person: StaffProfile) -> QuerySet[AuditEvent]:
    """The events about the person: their profile and account, and their requests, signatures, assignments,
    completions, enrolments and breach cases."""
    about: dict[type[Model], QuerySet] = {
        StaffProfile: StaffProfile.objects.filter(pk=person.pk),
        get_user_model(): get_user_model().objects.filter(pk=person.user_id),
    }
    for model in (AcknowledgementRequest, Signature, Assignment, Completion, Enrolment, Case):
        about[model] = model._default_manager.filter(person=person)
    return audit_selectors.events_about(about)

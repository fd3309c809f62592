"""Writing an HR import's plan in bulk, for `people.services.people_import` only (which checks, locks in its
transaction, and announces): one insert or update per thousand rows, never one per person."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import User

from audit.services import event_record, events_record
from people import audit_actions, rights
from people.models import StaffProfile

from .planning import Person, Plan


def hires_create(plan: Plan) -> list[StaffProfile]:
    """Create the new people's accounts and staff records, a level of the reporting chain at a time, so that
    each is created with its manager (who may be new too) in one insert per level."""
    hired: list[StaffProfile] = []
    remaining = plan.created
    while remaining:
        ready = [p for p in remaining if not p.manager_employee_id or p.manager_employee_id in plan.profile_ids]
        remaining = [p for p in remaining if p.manager_employee_id and p.manager_employee_id not in plan.profile_ids]
        users = User.objects.bulk_create(
            [
                User(
                    username=person.email.lower(),
                    email=person.email,
                    first_name=person.first_name,
                    last_name=person.last_name,
                    is_active=person.active,
                    # No password: they sign in through the organisation's provider or reset one by email.
                    password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
                )
                for person in ready
            ],
            batch_size=2000,
        )
        level = StaffProfile.objects.bulk_create(
            [
                StaffProfile(
                    user=user,
                    employee_id=person.employee_id,
                    department_id=person.department_id,
                    manager_id=plan.profile_ids.get(person.manager_employee_id),
                    job_title=person.job_title,
                    preferred_language=person.language or settings.LANGUAGE_CODE,
                )
                for person, user in zip(ready, users, strict=True)
            ],
            batch_size=2000,
        )
        plan.profile_ids.update({profile.employee_id: profile.pk for profile in level})
        hired.extend(level)
    return hired


def changes_save(plan: Plan) -> dict[str, StaffProfile]:
    """Write what changes for the people already on the staff; their records, as now saved, by employee id."""
    people: dict[str, StaffProfile] = {}
    for person in (*plan.changed, *plan.moved, *plan.deactivated, *plan.reactivated):
        old = person.stored
        assert old is not None
        user = User(
            pk=old.user_id,
            username=old.username,
            first_name=person.first_name,
            last_name=person.last_name,
            email=person.email,
            is_active=person.active,
        )
        people[person.employee_id] = StaffProfile(
            pk=old.profile_id,
            user=user,
            employee_id=person.employee_id,
            department_id=person.department_id,
            manager_id=plan.profile_ids.get(person.manager_employee_id),
            job_title=person.job_title,
            preferred_language=person.language or old.preferred_language,
        )
    accounts = {p.employee_id for p in (*plan.changed, *plan.deactivated, *plan.reactivated)}
    User.objects.bulk_update(
        [people[employee_id].user for employee_id in accounts],
        ["first_name", "last_name", "email", "is_active"],
        batch_size=1000,
    )
    records = {p.employee_id for p in (*plan.changed, *plan.moved)}
    StaffProfile.objects.bulk_update(
        [people[employee_id] for employee_id in records],
        ["department", "manager", "job_title", "preferred_language"],
        batch_size=1000,
    )
    return people


def events_write(
    plan: Plan, hired: list[StaffProfile], people: dict[str, StaffProfile], actor: rights.Actor | None
) -> None:
    employee_ids = {pk: employee_id for employee_id, pk in plan.profile_ids.items()}

    def manager_name(employee_id: str | None) -> str:
        return plan.names.get(employee_id, "") if employee_id else ""

    def move_details(person: Person) -> dict[str, object]:
        old = person.stored
        assert old is not None
        old_manager = employee_ids.get(old.manager_id) if old.manager_id is not None else None
        details: dict[str, object] = {}
        if old.department_id != person.department_id:
            details["department"] = [
                plan.department_names[old.department_id],
                plan.department_names[person.department_id],
            ]
        if (old_manager or "") != person.manager_employee_id:
            details["manager"] = [manager_name(old_manager), manager_name(person.manager_employee_id)]
        return details

    new_people = {person.employee_id: person for person in plan.created}
    events_record(
        actor=actor,
        action=audit_actions.PERSON_HIRE,
        targets=[
            (
                profile,
                {
                    "department": plan.department_names[profile.department_id],
                    "manager": manager_name(new_people[profile.employee_id].manager_employee_id),
                },
            )
            for profile in hired
        ],
    )
    events_record(
        actor=actor,
        action=audit_actions.PERSON_MOVE,
        targets=[(people[person.employee_id], move_details(person)) for person in plan.moved],
    )
    for action, leavers_or_returners in (
        (audit_actions.PERSON_DEACTIVATE, plan.deactivated),
        (audit_actions.PERSON_REACTIVATE, plan.reactivated),
    ):
        events_record(
            actor=actor, action=action, targets=[(people[p.employee_id].user, {}) for p in leavers_or_returners]
        )
    event_record(
        actor=actor, action=audit_actions.PEOPLE_IMPORT, target=None, details={**plan.counts(), "sha256": plan.digest}
    )

"""What a SCIM client may do to people, in the people services' terms.

Every change goes through `people.services` with the system as actor (the token is no person's
session, and its owner may have left since making it), and each is recorded once more as
`scim.user.provision`, naming the token, so the audit log tells which client asked. A client's
mistake raises a scim2-models exception, which the views answer with a SCIM error.
"""

from __future__ import annotations

import re
from typing import Any

import scim2_models as scim
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.services import event_record
from common.errors import DomainError
from people import services as people
from people.models import Department, StaffProfile

from . import audit_actions
from .models import ScimAccount, ScimDepartment, ScimToken
from .wire import GroupData, PersonData, row_id


def _record(
    *, target: User | Department, token: ScimToken, operation: str, details: dict[str, Any] | None = None
) -> None:
    event_record(
        actor=None,
        action=audit_actions.USER_PROVISION if isinstance(target, User) else audit_actions.GROUP_PROVISION,
        target=target,
        details={"operation": operation, "token": str(token), "token_id": token.pk, **(details or {})},
    )


def _department(name: str | None, *, current: Department | None) -> Department:
    """The department a client names (by name or short code); its default or the current one when it names none."""
    if not name:
        if current is not None:
            return current
        name = settings.SCIM_DEFAULT_DEPARTMENT
        if not name:
            raise scim.InvalidValueException(detail="A department is required: no default department is set.")
    found = Department.objects.filter(Q(name__iexact=name) | Q(code=name)).first()
    if found is None:
        raise scim.InvalidValueException(detail=f"No department is named {name!r}.")
    return found


def _manager(user_id: str | None) -> StaffProfile | None:
    if not user_id:
        return None
    pk = row_id(user_id)
    manager = StaffProfile.objects.filter(user_id=pk).first() if pk is not None else None
    if manager is None:
        raise scim.InvalidValueException(detail=f"No person has the id {user_id!r} given as manager.")
    return manager


def _refuse_taken(data: PersonData, *, user: User | None) -> None:
    others = User.objects.exclude(pk=user.pk) if user is not None else User.objects.all()
    if others.filter(username__iexact=data.username).exists():
        raise scim.UniquenessException(detail=f"The userName {data.username!r} is already taken.")
    if data.employee_id and StaffProfile.objects.exclude(user=user).filter(employee_id=data.employee_id).exists():
        raise scim.UniquenessException(detail=f"The employeeNumber {data.employee_id!r} is already taken.")


def _account_fields(data: PersonData) -> dict[str, str]:
    return {"username": data.username, "first_name": data.first_name, "last_name": data.last_name, "email": data.email}


@transaction.atomic
def user_create(*, data: PersonData, token: ScimToken) -> StaffProfile:
    """Provision a person: an account without a password (they sign in through the identity provider)
    and a staff record, hired through the people services; deactivated at once when `active` is false."""
    _refuse_taken(data, user=None)
    department = _department(data.department, current=None)
    manager = _manager(data.manager_id)
    try:
        user = User(**_account_fields(data))
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        people.account_create(user=user, actor=None)
        ScimAccount.objects.create(user=user, external_id=data.external_id)
        profile = StaffProfile(
            user=user,
            department=department,
            manager=manager,
            # A client that sends no employee number still gets a unique one the HR record can replace.
            employee_id=data.employee_id or f"SCIM-{user.pk}",
            job_title=data.job_title,
            preferred_language=data.language or settings.LANGUAGE_CODE,
        )
        people.person_hire(profile=profile, actor=None)
        if not data.active:
            people.person_deactivate(user=user, actor=None)
    except DomainError as refused:
        raise scim.InvalidValueException(detail=str(refused)) from refused
    except ValidationError as invalid:
        raise scim.InvalidValueException(detail=" ".join(invalid.messages)) from invalid
    _record(target=user, token=token, operation="create")
    return profile


@transaction.atomic
def user_replace(*, person: StaffProfile, data: PersonData, token: ScimToken, operation: str) -> None:
    """Bring a person in line with what the client sends (PUT, or PATCH once applied): account details,
    staff record details, a move (which asks for what now applies), deactivation or reactivation.

    A department or employee number the client leaves out stays as it is: a person always has both.
    """
    user = person.user
    _refuse_taken(data, user=user)
    department = _department(data.department, current=person.department)
    manager = _manager(data.manager_id)
    try:
        people.account_update(user=user, changes=_account_fields(data), actor=None)
        person.employee_id = data.employee_id or person.employee_id
        person.job_title = data.job_title
        person.preferred_language = data.language or person.preferred_language
        person.full_clean(exclude=["user", "department", "manager"])
        people.profile_update(profile=person, actor=None)
        people.person_move(person=person, department=department, manager=manager, actor=None)
        if data.active and not user.is_active:
            people.person_reactivate(user=user, actor=None)
        elif not data.active and user.is_active:
            people.person_deactivate(user=user, actor=None)
    except DomainError as refused:
        raise scim.InvalidValueException(detail=str(refused)) from refused
    except ValidationError as invalid:
        raise scim.InvalidValueException(detail=" ".join(invalid.messages)) from invalid
    ScimAccount.objects.update_or_create(user=user, defaults={"external_id": data.external_id})
    _record(target=user, token=token, operation=operation)


@transaction.atomic
def user_delete(*, person: StaffProfile, token: ScimToken) -> None:
    """A SCIM DELETE: the person is deactivated (sessions ended, open requests left) and gone for SCIM;
    their records stay."""
    people.person_deactivate(user=person.user, actor=None)
    ScimAccount.objects.update_or_create(user=person.user, defaults={"deleted_at": timezone.now()})
    _record(target=person.user, token=token, operation="delete")


def _code_for(name: str) -> str:
    """A short code for a department a client names, unique among the departments: its name's
    capitals and digits (SALES-EMEA), numbered when taken."""
    stem = re.sub(r"[^A-Z0-9]+", "-", name.upper()).strip("-")[:12] or "GROUP"
    taken = set(Department.objects.filter(code__startswith=stem).values_list("code", flat=True))
    code, number = stem, 1
    while code in taken:
        number += 1
        code = f"{stem}-{number}"
    return code


def _refuse_taken_name(data: GroupData, *, department: Department | None) -> None:
    others = Department.objects.exclude(pk=department.pk) if department is not None else Department.objects.all()
    if others.filter(name__iexact=data.name).exists():
        raise scim.UniquenessException(detail=f"The displayName {data.name!r} is already a department.")


def _set_members(department: Department, member_ids: list[str]) -> None:
    """Move the people listed into the department, and those no longer listed to the default one: a
    person always belongs to exactly one department."""
    wanted = {pk for pk in map(row_id, member_ids) if pk is not None}
    people_in = {person.user_id: person for person in StaffProfile.objects.filter(user_id__in=wanted)}
    if len(people_in) != len(set(member_ids)):
        unknown = sorted(set(member_ids) - {str(pk) for pk in people_in})
        raise scim.InvalidValueException(detail=f"No person has the id {', '.join(unknown)}.")
    leaving = list(StaffProfile.objects.filter(department=department).exclude(user_id__in=wanted))
    if leaving:
        default = _department(None, current=None)
        if default == department:
            raise scim.InvalidValueException(detail="People cannot leave the default department: move them elsewhere.")
        for person in leaving:
            people.person_move(person=person, department=default, manager=person.manager, actor=None)
    for person in people_in.values():
        people.person_move(person=person, department=department, manager=person.manager, actor=None)


@transaction.atomic
def group_create(*, data: GroupData, token: ScimToken) -> Department:
    """A client's new Group: a department, with the people it lists moved into it."""
    _refuse_taken_name(data, department=None)
    try:
        department = people.department_create(name=data.name, code=_code_for(data.name), actor=None)
        ScimDepartment.objects.create(department=department, external_id=data.external_id)
        _set_members(department, data.member_ids)
    except DomainError as refused:
        raise scim.InvalidValueException(detail=str(refused)) from refused
    _record(target=department, token=token, operation="create")
    return department


@transaction.atomic
def group_replace(*, department: Department, data: GroupData, token: ScimToken, operation: str) -> None:
    """Rename a department and set who is in it, as a client's PUT (or PATCH once applied) says."""
    _refuse_taken_name(data, department=department)
    try:
        people.department_rename(department=department, name=data.name, actor=None)
        _set_members(department, data.member_ids)
    except DomainError as refused:
        raise scim.InvalidValueException(detail=str(refused)) from refused
    ScimDepartment.objects.update_or_create(department=department, defaults={"external_id": data.external_id})
    _record(target=department, token=token, operation=operation)


@transaction.atomic
def group_delete(*, department: Department, token: ScimToken) -> None:
    """Delete a department nothing refers to any more (`people.services.department_delete`)."""
    _record(target=department, token=token, operation="delete")
    try:
        people.department_delete(department=department, actor=None)
    except DomainError as refused:
        raise scim.MutabilityException(detail=str(refused)) from refused

"""Departments and people written: users, their roles, and staff profiles with their managers."""

from __future__ import annotations

import datetime
import re
from array import array
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from people.models import Department, StaffProfile

from .loading import ids_reserve
from .organisation import Organisation, PlannedPerson
from .run import ScaleRun

ROOT_CODE_RE = re.compile(r"^SC([0-9]+)$")


@dataclass(frozen=True)
class Staff:
    """The primary keys of the people written, at their index in the plan."""

    user_pks: array[int]
    profile_pks: array[int]


def existing_batches() -> list[int]:
    """The batch numbers of organisations seeded before (their head office's code is SC<n>)."""
    batches = []
    for code in Department.objects.filter(code__startswith="SC").values_list("code", flat=True):
        match = ROOT_CODE_RE.match(code)
        if match:
            batches.append(int(match.group(1)))
    return sorted(batches)


def departments_write(run: ScaleRun, org: Organisation) -> list[int]:
    """The planned departments, parents first; their primary keys in the plan's order."""
    department_pks: list[int] = []
    for planned in org.departments:
        parent = department_pks[planned.parent] if planned.parent is not None else None
        department = Department.objects.create(
            name=f"{planned.name}{run.name_suffix}", code=f"SC{run.batch}{planned.code_suffix}", parent_id=parent
        )
        department_pks.append(department.pk)
    run.summary.departments = len(org.departments)
    run.done(f"{len(org.departments)} departments")
    return department_pks


def staff_write(run: ScaleRun, org: Organisation, department_pks: list[int], *, password: str) -> Staff:
    """Everyone's account, role and profile, each table in one COPY, with the primary keys chosen here: a
    person's user and profile are the first key reserved plus their index in the plan, so managers and
    later rows refer to them without reading anything back."""
    count = len(org.people)
    first_user = ids_reserve(get_user_model(), count)
    first_profile = ids_reserve(StaffProfile, count)
    user_pks = array("q", range(first_user, first_user + count))
    profile_pks = array("q", range(first_profile, first_profile + count))
    _users_write(run, org, user_pks, password)
    _roles_write(run, org, user_pks)
    _profiles_write(run, org, user_pks, profile_pks, department_pks)
    run.summary.people = count
    run.summary.managers = org.managers
    for index, person in enumerate(org.people):
        if person.username_suffix and person.role not in run.summary.usernames:
            run.summary.usernames[person.role] = _username(run, index, person)
    run.done(f"{count} people ({org.managers} managers), sharing one password hash")
    return Staff(user_pks=user_pks, profile_pks=profile_pks)


def _username(run: ScaleRun, index: int, person: PlannedPerson) -> str:
    return f"{run.tag}-{person.username_suffix or f'{index:06d}'}"


def _employee_id(run: ScaleRun, index: int) -> str:
    return f"{run.tag.upper()}-{index:06d}"


def _users_write(run: ScaleRun, org: Organisation, user_pks: array[int], password: str) -> None:
    # One hash for everyone: hashing 100,000 passwords would take most of a day.
    password_hash = make_password(password)
    joined_before = run.now - datetime.timedelta(days=400)
    users = run.rows(
        get_user_model(),
        ["id", "username", "first_name", "last_name", "email", "password", "is_active", "is_staff", "date_joined"],
    )
    for index, person in enumerate(org.people):
        username = _username(run, index, person)
        users.add(
            (
                user_pks[index],
                username,
                person.first_name,
                person.last_name,
                f"{username}@scale.example.com",
                password_hash,
                True,
                person.role == "Administrator",
                joined_before - datetime.timedelta(days=index % 2000),
            )
        )
    users.flush()


def _roles_write(run: ScaleRun, org: Organisation, user_pks: array[int]) -> None:
    """Each person in the group of their role."""
    groups = dict(Group.objects.values_list("name", "pk"))
    membership = run.rows(get_user_model().groups.through, ["user_id", "group_id"])
    membership.extend((user_pks[index], groups[person.role]) for index, person in enumerate(org.people))
    membership.flush()


def _profiles_write(
    run: ScaleRun, org: Organisation, user_pks: array[int], profile_pks: array[int], department_pks: list[int]
) -> None:
    """Everyone's profile, in one pass: a manager's key is known before their row is written, and the foreign
    keys are checked once the load is over (loading.checked_after_loading)."""
    columns = ["id", "user_id", "department_id", "manager_id", "employee_id", "job_title", "preferred_language"]
    profiles = run.rows(StaffProfile, columns)
    for index, person in enumerate(org.people):
        profiles.add(
            (
                profile_pks[index],
                user_pks[index],
                department_pks[person.department],
                profile_pks[person.manager] if person.manager is not None else None,
                _employee_id(run, index),
                person.job_title,
                person.language,
            )
        )
    profiles.flush()

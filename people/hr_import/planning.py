"""Checking an HR file against itself and the staff as stored, and what applying it would change.

Set-based on purpose, so that a file of 100,000 rows is checked in seconds: the departments, the staff
records and the accounts are read in one query each into dictionaries, and every row is checked
against those, never with a query of its own.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from people import rights
from people.models import Department, StaffProfile

from .reading import Problem, Row, read_rows

TRUE_VALUES = {"", "true", "yes", "y", "1"}
FALSE_VALUES = {"false", "no", "n", "0"}
USER_FIELDS = ("first_name", "last_name", "email")


@dataclass
class Stored:
    """A person as stored, in the shape the import compares with a row."""

    profile_id: int
    user_id: int
    username: str
    first_name: str
    last_name: str
    email: str
    is_active: bool
    department_id: int
    manager_id: int | None
    job_title: str
    preferred_language: str


@dataclass
class Person:
    """A valid row: what HR says about one person, resolved against the departments."""

    line: int
    employee_id: str
    first_name: str
    last_name: str
    email: str
    department_id: int
    manager_employee_id: str
    job_title: str
    language: str  # "" keeps the language stored (or the portal's default, for a new person)
    active: bool
    stored: Stored | None = None


@dataclass(frozen=True)
class Entry:
    """One line of the preview: who, and what changes for them."""

    line: int
    employee_id: str
    name: str
    description: str


@dataclass
class Plan:
    """What the file would change, or why it is refused (`problems`: then nothing is applied)."""

    digest: str
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    created: list[Person] = field(default_factory=list)
    # Existing people by what changes for them; one person may be in several.
    changed: list[Person] = field(default_factory=list)
    moved: list[Person] = field(default_factory=list)
    deactivated: list[Person] = field(default_factory=list)
    reactivated: list[Person] = field(default_factory=list)
    entries: dict[str, list[Entry]] = field(default_factory=dict)
    # Department names and the name of every person a row may name as manager, for the preview and the audit.
    department_names: dict[int, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    profile_ids: dict[str, int] = field(default_factory=dict)

    @property
    def unchanged(self) -> int:
        touched = {p.employee_id for p in (*self.changed, *self.moved, *self.deactivated, *self.reactivated)}
        return self.rows - len(self.created) - len(touched)

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "created": len(self.created),
            "changed": len(self.changed),
            "moved": len(self.moved),
            "deactivated": len(self.deactivated),
            "reactivated": len(self.reactivated),
            "unchanged": self.unchanged,
        }


def person_label(first_name: str, last_name: str, username: str, employee_id: str) -> str:
    """How a person is named in the preview and the audit log: as `str(StaffProfile)` names them."""
    full_name = f"{first_name} {last_name}".strip() or username
    return f"{full_name} ({employee_id})"


def import_plan(content: bytes, *, actor: rights.Actor | None) -> Plan:
    """Check the file and compare it with the staff as stored. Nothing is written.

    `actor` (None for the system) is asked, through `people.rights`, whether they may change each
    existing account the file changes: a row they may not apply is refused like a bad one.
    """
    plan = Plan(digest=hashlib.sha256(content).hexdigest())
    reading = read_rows(content)
    plan.rows = len(reading.rows)
    plan.problems.extend(reading.problems)
    departments = {code: (pk, name) for pk, code, name in Department.objects.values_list("pk", "code", "name")}
    plan.department_names = dict(departments.values())
    stored = _stored_people()
    accounts = list(User.objects.values_list("pk", "username", "email"))
    people = _check_rows(reading.rows, plan, departments, stored, accounts)
    _check_managers(people, plan, stored)
    if not plan.problems:
        _compare(people, plan, stored)
        if actor is not None:
            _check_rights(plan, actor)
    plan.problems.sort(key=lambda problem: problem.line)
    return plan


def _stored_people() -> dict[str, Stored]:
    fields = (
        "employee_id",
        "pk",
        "user_id",
        "user__username",
        "user__first_name",
        "user__last_name",
        "user__email",
        "user__is_active",
        "department_id",
        "manager_id",
        "job_title",
        "preferred_language",
    )
    return {row[0]: Stored(*row[1:]) for row in StaffProfile.objects.values_list(*fields)}


def _check_rows(
    rows: list[Row],
    plan: Plan,
    departments: dict[str, tuple[int, str]],
    stored: dict[str, Stored],
    accounts: list[tuple[int, str, str]],
) -> list[Person]:
    """The rows that pass every check of their own and of duplicates; the others' problems go to the plan."""
    owners: dict[str, set[int]] = {}
    for pk, username, email in accounts:
        for address in {username.lower(), email.lower()} - {""}:
            owners.setdefault(address, set()).add(pk)
    languages = {code for code, _name in settings.LANGUAGES}
    file_ids = {row.values["employee_id"] for row in rows}
    longest_id: int = StaffProfile._meta.get_field("employee_id").max_length  # type: ignore[assignment]
    lines_of_ids: dict[str, int] = {}
    lines_of_emails: dict[str, int] = {}
    people: list[Person] = []
    for row in rows:
        values = row.values
        problems: list[str] = []
        employee_id, email = values["employee_id"], values["email"]
        missing = [column for column in ("employee_id", "email", "department_code") if not values[column]]
        if not values["first_name"] and not values["last_name"]:
            missing.append("first_name/last_name")
        if missing:
            problems.append(_("missing %(columns)s.") % {"columns": ", ".join(missing)})
        if employee_id in lines_of_ids:
            problems.append(
                _("employee id %(id)s is also on line %(line)d.")
                % {"id": employee_id, "line": lines_of_ids[employee_id]}
            )
        elif employee_id:
            lines_of_ids[employee_id] = row.line
        if len(employee_id) > longest_id:
            problems.append(
                ngettext(
                    "employee id %(id)s is longer than %(max)d character.",
                    "employee id %(id)s is longer than %(max)d characters.",
                    longest_id,
                )
                % {"id": employee_id, "max": longest_id}
            )
        if email:
            problems.extend(_email_problems(email, employee_id, lines_of_emails, owners, stored, row.line))
        department = departments.get(values["department_code"])
        if values["department_code"] and department is None:
            problems.append(_("unknown department %(code)s.") % {"code": values["department_code"]})
        manager = values["manager_employee_id"]
        if manager and manager not in stored and manager not in file_ids:
            problems.append(_("manager %(id)s is neither in the file nor on the staff.") % {"id": manager})
        if values["language"] and values["language"] not in languages:
            problems.append(
                _("unknown language %(language)s (use one of %(languages)s).")
                % {"language": values["language"], "languages": ", ".join(sorted(languages))}
            )
        active = values["active"].lower()
        if active not in TRUE_VALUES | FALSE_VALUES:
            problems.append(_("active must be true or false, not %(value)s.") % {"value": values["active"]})
        plan.problems.extend(Problem(row.line, problem) for problem in problems)
        if not problems and department is not None:
            people.append(
                Person(
                    line=row.line,
                    employee_id=employee_id,
                    first_name=values["first_name"],
                    last_name=values["last_name"],
                    email=email,
                    department_id=department[0],
                    manager_employee_id=manager,
                    job_title=values["job_title"],
                    language=values["language"],
                    active=active in TRUE_VALUES,
                    stored=stored.get(employee_id),
                )
            )
    return people


def _email_problems(
    email: str,
    employee_id: str,
    lines_of_emails: dict[str, int],
    owners: dict[str, set[int]],
    stored: dict[str, Stored],
    line: int,
) -> list[str]:
    try:
        validate_email(email)
    except ValidationError:
        return [_("%(email)s is not an email address.") % {"email": email}]
    address = email.lower()
    if address in lines_of_emails:
        return [_("email %(email)s is also on line %(line)d.") % {"email": email, "line": lines_of_emails[address]}]
    lines_of_emails[address] = line
    person = stored.get(employee_id)
    if owners.get(address, set()) - ({person.user_id} if person is not None else set()):
        return [_("email %(email)s belongs to another account.") % {"email": email}]
    return []


def _check_managers(people: list[Person], plan: Plan, stored: dict[str, Stored]) -> None:
    """Refuse every row whose person would end up reporting to themselves, directly or through others.

    The chains are followed as they would be after the import: a row's manager replaces the stored
    one, so a cycle made across several rows (A under B in one, B under A in another) is found.
    """
    employee_ids = {person.profile_id: employee_id for employee_id, person in stored.items()}
    manager_of: dict[str, str | None] = {
        employee_id: employee_ids.get(person.manager_id) if person.manager_id is not None else None
        for employee_id, person in stored.items()
    }
    manager_of.update({person.employee_id: person.manager_employee_id or None for person in people})
    line_of = {person.employee_id: person.line for person in people}
    # Each person has at most one manager, so a walk up the chain either ends or runs into a loop.
    done: set[str] = set()
    for start in line_of:
        path: list[str] = []
        on_path: dict[str, int] = {}
        node: str | None = start
        while node is not None and node not in done and node not in on_path:
            on_path[node] = len(path)
            path.append(node)
            node = manager_of.get(node)
        if node is not None and node in on_path:
            cycle = path[on_path[node] :]
            chain = " → ".join([*cycle, cycle[0]])
            plan.problems.extend(
                Problem(line_of[member], _("manager cycle: %(chain)s.") % {"chain": chain})
                for member in cycle
                if member in line_of
            )
        done.update(path)


def _compare(people: list[Person], plan: Plan, stored: dict[str, Stored]) -> None:
    """Sort the valid rows into new people, and what changes for the others; fill the preview."""
    employee_ids = {person.profile_id: employee_id for employee_id, person in stored.items()}
    plan.names = {
        employee_id: person_label(person.first_name, person.last_name, person.username, employee_id)
        for employee_id, person in stored.items()
    }
    plan.names.update(
        {p.employee_id: person_label(p.first_name, p.last_name, p.email.lower(), p.employee_id) for p in people}
    )
    plan.profile_ids = {employee_id: person.profile_id for employee_id, person in stored.items()}
    # Translated once, not once a row: where a person sits, before and after.
    place = _("%(department)s, manager: %(manager)s")
    entries: dict[str, list[Entry]] = {
        kind: [] for kind in ("created", "changed", "moved", "deactivated", "reactivated")
    }

    def add(kind: str, person: Person, description: str) -> None:
        getattr(plan, kind).append(person)
        entries[kind].append(Entry(person.line, person.employee_id, plan.names[person.employee_id], description))

    for person in people:
        old = person.stored
        if old is None:
            add("created", person, _move_description(plan, place, None, None, person))
            continue
        old_manager = employee_ids.get(old.manager_id) if old.manager_id is not None else None
        if (old.department_id, old_manager or "") != (person.department_id, person.manager_employee_id):
            add("moved", person, _move_description(plan, place, old.department_id, old_manager, person))
        changed = [name for name in USER_FIELDS if getattr(old, name) != getattr(person, name)]
        if old.job_title != person.job_title:
            changed.append("job_title")
        if person.language and old.preferred_language != person.language:
            changed.append("language")
        if changed:
            add("changed", person, ", ".join(changed))
        if old.is_active and not person.active:
            add("deactivated", person, "")
        elif person.active and not old.is_active:
            add("reactivated", person, "")
    plan.entries = entries


def _move_description(
    plan: Plan, place: str, old_department: int | None, old_manager: str | None, person: Person
) -> str:
    new = place % {
        "department": plan.department_names[person.department_id],
        "manager": plan.names.get(person.manager_employee_id, "—") if person.manager_employee_id else "—",
    }
    if old_department is None:
        return new
    old = place % {
        "department": plan.department_names[old_department],
        "manager": plan.names.get(old_manager, "—") if old_manager else "—",
    }
    return f"{old} → {new}"


def _check_rights(plan: Plan, actor: rights.Actor) -> None:
    """Refuse the rows that change an account the actor may not change (`people.rights`, asked per account
    the file changes: the rows that change nothing cost nothing)."""
    changes = [
        *((person, rights.AccountChange.DETAILS) for person in (*plan.changed, *plan.moved)),
        *((person, rights.AccountChange.ACTIVITY) for person in (*plan.deactivated, *plan.reactivated)),
    ]
    users = User.objects.in_bulk({person.stored.user_id for person, _change in changes if person.stored})
    refused: set[int] = set()
    for person, change in changes:
        assert person.stored is not None
        refusal = rights.change_refusal(actor, users[person.stored.user_id], change)
        if refusal is not None and person.line not in refused:
            refused.add(person.line)
            plan.problems.append(Problem(person.line, refusal))

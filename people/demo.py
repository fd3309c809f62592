"""Demo organisation for `manage.py seed_demo`: departments, about forty staff, one account per role.

Everything is keyed by a stable natural key (department code, username), so
seeding again finds what is there and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from .models import Department, StaffProfile
from .services import account_create, account_set_rights, person_hire

# (code, name, parent code)
DEPARTMENTS = [
    ("OPS", "Customer Operations", None),
    ("SUP", "Support", "OPS"),
    ("BIL", "Billing", "OPS"),
    ("SAL", "Sales", None),
    ("CSM", "Customer Success", "SAL"),
    ("QA", "Quality Assurance", None),
    ("CMP", "Compliance", None),
    ("HR", "People and HR", None),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    first_name: str
    last_name: str
    role: str
    department: str
    job_title: str
    manager: str | None
    language: str = "en"
    is_staff: bool = False


# The accounts printed for people trying the portal. "reviewer" is a second
# manager, so that a draft written by one manager can be approved by another.
DEMO_ACCOUNTS = [
    DemoAccount("manager", "demo-manager-pass", "Maria", "Ionescu", "Manager", "SUP", "Head of Support", None),
    DemoAccount("reviewer", "demo-reviewer-pass", "Radu", "Marin", "Manager", "OPS", "Head of Operations", None),
    DemoAccount("agent", "demo-agent-pass", "Ana", "Popescu", "Agent", "SUP", "Support agent", "manager"),
    DemoAccount(
        "compliance", "demo-compliance-pass", "Cora", "Dumitru", "Compliance officer", "CMP", "Compliance officer", None
    ),
    DemoAccount(
        "admin", "demo-admin-pass", "Alex", "Stan", "Administrator", "HR", "Portal administrator", None, is_staff=True
    ),
]

# Heads of the other departments; each leads the agents seeded in it.
DEPARTMENT_HEADS = {
    "BIL": ("Bogdan", "Georgescu", "Head of Billing"),
    "SAL": ("Sofia", "Rusu", "Head of Sales"),
    "CSM": ("Cristian", "Lazar", "Head of Customer Success"),
    "QA": ("Ioana", "Matei", "Quality lead"),
    "HR": ("Elena", "Stoica", "Head of People"),
}

FIRST_NAMES = [
    "Andrei",
    "Bianca",
    "Călin",
    "Daria",
    "Emil",
    "Florina",
    "George",
    "Irina",
    "Ionuț",
    "Larisa",
    "Mihai",
    "Nicoleta",
    "Ovidiu",
    "Paula",
    "Răzvan",
    "Simona",
    "Ștefan",
    "Teodora",
    "Vlad",
    "Zoe",
    "James",
    "Olivia",
    "Tom",
    "Grace",
    "Sam",
    "Hannah",
    "Ben",
    "Chloe",
    "Dan",
    "Ella",
]
LAST_NAMES = [
    "Avram",
    "Barbu",
    "Ciobanu",
    "Dobre",
    "Enache",
    "Florea",
    "Gheorghe",
    "Ilie",
    "Neagu",
    "Oprea",
    "Preda",
    "Sandu",
    "Toma",
    "Tudor",
    "Vasile",
    "Brown",
    "Clarke",
    "Evans",
    "Hughes",
    "Walker",
]

# How many agents each department gets besides its head: 40 staff in all.
AGENTS_PER_DEPARTMENT = {"SUP": 12, "BIL": 6, "SAL": 5, "CSM": 4, "QA": 3, "HR": 1}
AGENT_TITLES = {
    "SUP": "Support agent",
    "BIL": "Billing specialist",
    "SAL": "Sales representative",
    "CSM": "Customer success manager",
    "QA": "Quality analyst",
    "HR": "HR partner",
}


@dataclass
class SeedSummary:
    departments_created: int = 0
    people_created: int = 0


@transaction.atomic
def seed_people() -> SeedSummary:
    summary = SeedSummary()
    departments = _seed_departments(summary)
    profiles: dict[str, StaffProfile] = {}

    for account in DEMO_ACCOUNTS:
        manager = profiles.get(account.manager) if account.manager else None
        profiles[account.username] = _seed_person(
            summary,
            username=account.username,
            first_name=account.first_name,
            last_name=account.last_name,
            department=departments[account.department],
            job_title=account.job_title,
            manager=manager,
            role=account.role,
            password=account.password,
            is_staff=account.is_staff,
        )

    heads = {"SUP": profiles["manager"], "OPS": profiles["reviewer"]}
    for code, (first_name, last_name, title) in DEPARTMENT_HEADS.items():
        heads[code] = _seed_person(
            summary,
            username=f"{first_name}.{last_name}".lower(),
            first_name=first_name,
            last_name=last_name,
            department=departments[code],
            job_title=title,
            manager=profiles["reviewer"] if departments[code].parent_id else None,
            role="Manager",
        )

    number = 0
    for code, count in AGENTS_PER_DEPARTMENT.items():
        for _ in range(count):
            first_name = FIRST_NAMES[number % len(FIRST_NAMES)]
            last_name = LAST_NAMES[(number * 7) % len(LAST_NAMES)]
            number += 1
            _seed_person(
                summary,
                username=f"staff{number:03d}",
                first_name=first_name,
                last_name=last_name,
                department=departments[code],
                job_title=AGENT_TITLES[code],
                manager=heads[code],
                role="Agent",
                language="ro" if number % 3 == 0 else "en",
            )
    return summary


def _seed_departments(summary: SeedSummary) -> dict[str, Department]:
    departments: dict[str, Department] = {}
    for code, name, parent_code in DEPARTMENTS:
        department, created = Department.objects.get_or_create(
            code=code, defaults={"name": name, "parent": departments.get(parent_code) if parent_code else None}
        )
        summary.departments_created += created
        departments[code] = department
    return departments


def _seed_person(
    summary: SeedSummary,
    *,
    username: str,
    first_name: str,
    last_name: str,
    department: Department,
    job_title: str,
    manager: StaffProfile | None,
    role: str,
    password: str | None = None,
    is_staff: bool = False,
    language: str = "en",
) -> StaffProfile:
    """Find the person by username, or create them with their profile and role."""
    existing = StaffProfile.objects.filter(user__username=username).select_related("user").first()
    if existing is not None:
        return existing

    # Made as an administrator would make the account, by the system: audited like theirs.
    user = get_user_model()(
        username=username, email=f"{username}@example.com", first_name=first_name, last_name=last_name
    )
    user.set_password(password)  # None: no password sign-in, as create_user does
    account_create(user=user, actor=None)
    account_set_rights(user=user, actor=None, roles=[Group.objects.get(name=role)], is_staff=is_staff)
    summary.people_created += 1
    record = StaffProfile(
        user=user,
        department=department,
        manager=manager,
        employee_id=f"E{user.pk:05d}",
        job_title=job_title,
        preferred_language=language,
    )
    # Hired by the system, as an HR import would: audited, and asked what is already published.
    return person_hire(profile=record, actor=None)

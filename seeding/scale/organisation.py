"""The organisation planned in memory: departments in a tree, and people with who reports to whom."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from .options import ScaleOptions

DIVISIONS = [
    "Contact Centre",
    "Digital Channels",
    "Field Service",
    "Retail Stores",
    "Collections",
    "Partner Support",
    "Back Office",
]

FIRST_NAMES = [
    "Adela", "Adrian", "Alexandra", "Alina", "Ana", "Andrei", "Bianca", "Bogdan", "Carmen", "Catalin",
    "Claudia", "Cosmin", "Cristina", "Dan", "Daria", "Diana", "Dragos", "Elena", "Emil", "Florin",
    "Gabriel", "George", "Ioana", "Ion", "Irina", "Iulia", "Larisa", "Laura", "Liviu", "Lucian",
    "Madalina", "Marius", "Mihai", "Mihaela", "Monica", "Nicoleta", "Oana", "Ovidiu", "Paul", "Petra",
    "Radu", "Raluca", "Razvan", "Roxana", "Sabina", "Sergiu", "Simona", "Sorin", "Stefan", "Teodora",
    "Tudor", "Valentin", "Vlad", "Amelia", "Oliver", "Grace", "Harry", "Sophie", "Jack", "Chloe",
]  # fmt: skip

LAST_NAMES = [
    "Popescu", "Ionescu", "Popa", "Pop", "Nita", "Constantin", "Stan", "Dumitru", "Dima", "Gheorghe",
    "Stoica", "Munteanu", "Matei", "Ciobanu", "Rusu", "Marin", "Tudor", "Florea", "Ilie", "Serban",
    "Mocanu", "Lazar", "Toma", "Moldovan", "Barbu", "Ene", "Radu", "Sandu", "Cristea", "Neagu",
    "Georgescu", "Nistor", "Dinu", "Manole", "Preda", "Vasile", "Oprea", "Voicu", "Badea", "Craciun",
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Evans", "Thomas",
    "Roberts", "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes", "Edwards", "Green", "Hall",
]  # fmt: skip


@dataclass(slots=True)
class PlannedPerson:
    role: str  # a group name: Agent, Manager, Compliance officer, Administrator
    department: int  # index into Organisation.departments
    manager: int | None  # index into Organisation.people
    layer: int  # 0 reports to nobody; layer n reports to someone in layer n-1 or earlier
    first_name: str
    last_name: str
    language: str
    username_suffix: str = ""  # a readable name instead of the number, for the few role accounts
    job_title: str = "Customer service agent"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True, slots=True)
class PlannedDepartment:
    name: str
    code_suffix: str  # appended to the batch's code, e.g. "-T03"
    parent: int | None  # index into Organisation.departments


@dataclass
class Organisation:
    departments: list[PlannedDepartment]
    people: list[PlannedPerson]

    @property
    def managers(self) -> int:
        return sum(1 for person in self.people if person.role == "Manager")


def department_count(people: int) -> int:
    return max(4, min(50, people // 200))


def plan_organisation(options: ScaleOptions, rng: random.Random) -> Organisation:
    """Departments and people, with who reports to whom; nothing is written."""
    departments, divisions = _plan_departments(options.people)
    hiring = _Hiring(rng)
    division_heads = _hire_head_office(hiring, departments, divisions, options.people)
    teams = len(departments) - 1 - divisions
    sizes = _split(options.people - len(hiring.people), teams, rng, minimum=2)
    for team, size in enumerate(sizes):
        _hire_team(hiring, department=1 + divisions + team, size=size, division_head=division_heads[team % divisions])
    return Organisation(departments=departments, people=hiring.people)


def _plan_departments(people: int) -> tuple[list[PlannedDepartment], int]:
    """The head office, its divisions, then the teams dealt out to the divisions; and how many divisions."""
    total_departments = department_count(people)
    divisions = max(1, round((total_departments - 1) / 7))
    teams = total_departments - 1 - divisions
    departments = [PlannedDepartment("Head Office", "", None)]
    for division in range(divisions):
        name = DIVISIONS[division % len(DIVISIONS)]
        if division >= len(DIVISIONS):
            name = f"{name} {division // len(DIVISIONS) + 1}"
        departments.append(PlannedDepartment(name, f"-D{division + 1}", 0))
    for team in range(teams):
        division = team % divisions
        parent = departments[1 + division]
        departments.append(PlannedDepartment(f"{parent.name} · Team {team + 1:02d}", f"-T{team + 1:02d}", 1 + division))
    return departments, divisions


@dataclass
class _Hiring:
    """The people planned so far; each new one's name and language drawn from the run's generator."""

    rng: random.Random
    people: list[PlannedPerson] = field(default_factory=list)

    def hire(self, role: str, department: int, manager: int | None, layer: int, title: str, suffix: str = "") -> int:
        """Plan one person; their index in the organisation's people."""
        self.people.append(
            PlannedPerson(
                role=role,
                department=department,
                manager=manager,
                layer=layer,
                first_name=self.rng.choice(FIRST_NAMES),
                last_name=self.rng.choice(LAST_NAMES),
                language="ro" if self.rng.random() < 0.15 else "en",
                username_suffix=suffix,
                job_title=title,
            )
        )
        return len(self.people) - 1


def _hire_head_office(hiring: _Hiring, departments: list[PlannedDepartment], divisions: int, people: int) -> list[int]:
    """The chief executive, a head per division, compliance officers and an administrator; the heads' indexes."""
    chief = hiring.hire("Manager", 0, None, 0, "Chief executive")
    division_heads = [
        hiring.hire("Manager", 1 + division, chief, 1, f"Head of {departments[1 + division].name}")
        for division in range(divisions)
    ]
    compliance_officers = max(1, min(20, people // 5000))
    for number in range(1, compliance_officers + 1):
        hiring.hire("Compliance officer", 0, chief, 1, "Compliance officer", suffix=f"compliance-{number}")
    hiring.hire("Administrator", 0, chief, 1, "Portal administrator", suffix="admin")
    return division_heads


def _hire_team(hiring: _Hiring, *, department: int, size: int, division_head: int) -> None:
    """A team of `size`: its head, about one team lead for every 12 people, and agents under the leads."""
    head = hiring.hire("Manager", department, division_head, 2, "Team head")
    managers = max(1, round(size / 12))
    leads = [hiring.hire("Manager", department, head, 3, "Team lead") for _lead in range(managers - 1)]
    supervisors = leads or [head]
    for agent in range(size - managers):
        hiring.hire("Agent", department, supervisors[agent % len(supervisors)], 4, "Customer service agent")


def _split(total: int, parts: int, rng: random.Random, minimum: int) -> list[int]:
    """`total` split into `parts` uneven shares of at least `minimum` each (largest remainder)."""
    weights = [rng.uniform(0.6, 1.4) for _ in range(parts)]
    spare = total - minimum * parts
    exact = [spare * weight / sum(weights) for weight in weights]
    shares = [math.floor(value) for value in exact]
    by_remainder = sorted(range(parts), key=lambda index: exact[index] - shares[index], reverse=True)
    for index in by_remainder[: spare - sum(shares)]:
        shares[index] += 1
    return [minimum + share for share in shares]

"""A large, realistic organisation for benchmarks: what `manage.py seed_scale` builds.

The shape, for 100,000 people (every figure follows --people):

- about 50 departments in a tree: a head office, 7 divisions, the teams under them;
- about one manager for every 12 people: a head per team and team leads under the head, who
  report to their division's head, who reports to the chief executive; a few compliance
  officers and an administrator at the head office;
- code documents with their versions (the last published, the earlier ones superseded), about
  10 sections each, the content hashes computed by `codes.content` as publishing does;
- one acknowledgement request per person for each published version: signed, pending (asked
  lately, due within two weeks) or overdue (past the version's due date);
- a signature for every signed request, chained and MAC-ed as `acknowledgements.chain.seal` does it, in
  the order of `signed_at`, so `verify_signatures` passes; signatures are built here and
  inserted in batches, not through the signing service, which would take hours for millions;
- training: courses with a yearly refresher, completions over the last thirteen months with
  their open refresher, and initial assignments for those who have not completed a course;
- the reminder history: every reminder due today counts as sent already, as in a portal whose
  daily sweep has been running, so that the next sweep sends only what becomes due after.

Everything is drawn from one seeded random generator, so the same options give the same
organisation. All rows are written in one transaction: a failure leaves nothing behind (which
matters, since signatures can never be deleted). Like `seed_demo`, this module sits above every
app: it is a command's helper, not part of the portal's layers.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import math
import random
import re
import time
import uuid
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, NamedTuple, TypeVar

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, models, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone, translation

from acknowledgements.chain import GENESIS, HASHED_FIELDS, checkpoint_key, hash_of_fields, mac_of_record_hash
from acknowledgements.models import AcknowledgementRequest, RequestStatus, Signature
from acknowledgements.services import attestation_statement
from audit.services import event_record
from codes.content import content_hash
from codes.models import CodeDocument, CodeVersion, Section, SectionCategory, VersionStatus
from people.models import Department, StaffProfile
from reminders.models import DeliveryStatus, ReminderLog
from reminders.rules import all_rules
from training.models import Assignment, AssignmentReason, AssignmentStatus, Completion, Course

T = TypeVar("T")

BATCH_SIZE = 5000
# Rows per COPY statement on PostgreSQL.
COPY_BATCH_SIZE = 50_000
# Share of people who completed a course at least once.
COMPLETED_SHARE = 0.85
SECTIONS_PER_VERSION = 10
DAYS_TO_ACKNOWLEDGE = 14
# Months between two versions of a document.
VERSION_INTERVAL_DAYS = 120
REFRESHER_MONTHS = 12
MIN_PEOPLE = 20
DEFAULT_PASSWORD = "scale-seed-password"  # noqa: S105 - a benchmark organisation's shared, printed password

ROOT_CODE_RE = re.compile(r"^SC([0-9]+)$")


# ---------------------------------------------------------------------------
# Options, plan and summary
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ScaleOptions:
    people: int = 100_000
    documents: int = 20
    versions: int = 5
    signed_fraction: float = 0.75
    overdue_fraction: float = 0.10
    courses: int = 3
    seed: int = 1
    reminder_history: bool = True

    @property
    def pending_fraction(self) -> float:
        return 1 - self.signed_fraction - self.overdue_fraction

    def problems(self) -> list[str]:
        """What is wrong with these options, in words for the person who typed them."""
        problems = []
        if self.people < MIN_PEOPLE:
            problems.append(f"--people must be at least {MIN_PEOPLE} (an organisation needs managers and teams).")
        if self.documents < 1:
            problems.append("--documents must be at least 1.")
        if self.versions < 1:
            problems.append("--versions must be at least 1.")
        if not 0 <= self.signed_fraction <= 1:
            problems.append("--signed-fraction must be between 0 and 1.")
        if not 0 <= self.overdue_fraction <= 1:
            problems.append("--overdue-fraction must be between 0 and 1.")
        if self.signed_fraction + self.overdue_fraction > 1 + 1e-9:
            problems.append("--signed-fraction and --overdue-fraction add up to more than 1.")
        if self.courses < 0:
            problems.append("--courses cannot be negative.")
        return problems


@dataclass
class ScaleSummary:
    batch: int = 1
    departments: int = 0
    people: int = 0
    managers: int = 0
    documents: int = 0
    versions: int = 0
    sections: int = 0
    requests: int = 0
    signed: int = 0
    pending: int = 0
    overdue: int = 0
    signatures: int = 0
    courses: int = 0
    completions: int = 0
    assignments: int = 0
    reminders: int = 0
    seconds: float = 0.0
    usernames: dict[str, str] = field(default_factory=dict)


def expected_summary(options: ScaleOptions) -> ScaleSummary:
    """What a run with these options creates: exact for the organisation, expected values for the draws."""
    org = plan_organisation(options, random.Random(options.seed))  # noqa: S311 - not for security
    requests = options.people * options.documents
    signed = round(requests * options.signed_fraction)
    overdue = round(requests * options.overdue_fraction)
    completions = round(options.people * options.courses * COMPLETED_SHARE)
    return ScaleSummary(
        departments=len(org.departments),
        people=options.people,
        managers=org.managers,
        documents=options.documents,
        versions=options.documents * options.versions,
        sections=options.documents * options.versions * SECTIONS_PER_VERSION,
        requests=requests,
        signed=signed,
        overdue=overdue,
        pending=requests - signed - overdue,
        signatures=signed,
        courses=options.courses,
        completions=completions,
        assignments=options.people * options.courses,
    )


def existing_batches() -> list[int]:
    """The batch numbers of organisations seeded before (their head office's code is SC<n>)."""
    batches = []
    for code in Department.objects.filter(code__startswith="SC").values_list("code", flat=True):
        match = ROOT_CODE_RE.match(code)
        if match:
            batches.append(int(match.group(1)))
    return sorted(batches)


# ---------------------------------------------------------------------------
# The organisation, planned in memory
# ---------------------------------------------------------------------------

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

USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
]


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


def plan_organisation(options: ScaleOptions, rng: random.Random) -> Organisation:
    """Departments and people, with who reports to whom; nothing is written."""
    total_departments = department_count(options.people)
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

    def person(role: str, department: int, manager: int | None, layer: int, title: str, suffix: str = "") -> None:
        people.append(
            PlannedPerson(
                role=role,
                department=department,
                manager=manager,
                layer=layer,
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                language="ro" if rng.random() < 0.15 else "en",
                username_suffix=suffix,
                job_title=title,
            )
        )

    people: list[PlannedPerson] = []
    person("Manager", 0, None, 0, "Chief executive")
    division_heads = []
    for division in range(divisions):
        division_heads.append(len(people))
        person("Manager", 1 + division, 0, 1, f"Head of {departments[1 + division].name}")
    compliance_officers = max(1, min(20, options.people // 5000))
    for number in range(1, compliance_officers + 1):
        person("Compliance officer", 0, 0, 1, "Compliance officer", suffix=f"compliance-{number}")
    person("Administrator", 0, 0, 1, "Portal administrator", suffix="admin")

    sizes = _split(options.people - len(people), teams, rng, minimum=2)
    for team, size in enumerate(sizes):
        department = 1 + divisions + team
        head = len(people)
        person("Manager", department, division_heads[team % divisions], 2, "Team head")
        managers = max(1, round(size / 12))
        leads = [len(people) + lead for lead in range(managers - 1)]
        for _lead in leads:
            person("Manager", department, head, 3, "Team lead")
        supervisors = leads or [head]
        for agent in range(size - managers):
            person("Agent", department, supervisors[agent % len(supervisors)], 4, "Customer service agent")
    return Organisation(departments=departments, people=people)


# ---------------------------------------------------------------------------
# Code documents
# ---------------------------------------------------------------------------

DOCUMENT_TITLES = [
    "Customer Service Code of Conduct",
    "Data Protection and Privacy Code",
    "Gifts, Hospitality and Anti-Bribery",
    "Complaint Handling Standard",
    "Communication Standards",
    "Fair Treatment of Customers",
    "Social Media Guidelines",
    "Information Security Code",
    "Conflicts of Interest",
    "Respect at Work",
    "Health and Safety at Work",
    "Remote Working Code",
    "Vulnerable Customers Guide",
    "Responsible Sales Practices",
    "Speaking Up (Whistleblowing)",
    "Records Management Code",
    "Accessibility Commitments",
    "Escalation Procedures",
    "Quality Assurance Standard",
    "Service Delivery Protocols",
]

SENTENCES = [
    "Greet every customer by name and introduce yourself and your team.",
    "Stay calm and courteous, even when a customer is not.",
    "Never promise a refund, discount or date you are not authorised to give.",
    "Verify the customer's identity before you discuss their account.",
    "Customer data is used only to help the customer in front of us.",
    "Report a suspected data breach to the privacy team within one hour.",
    "Answer chats within two minutes and emails within one working day.",
    "If a case needs longer, say when the customer will hear from us next, and keep that promise.",
    "Every customer receives the same respect, whatever their age, origin, religion or language.",
    "Gifts worth more than 50 EUR are declined politely and recorded.",
    "Explain decisions in plain words and check that the customer understood them.",
    "Escalate a complaint you cannot resolve to your team lead the same day.",
    "Keep your product knowledge current: take the monthly briefing.",
    "Record every call outcome in the case notes before you close the case.",
    "Speak up when you see something that breaks this code; nobody is punished for asking.",
    "Managers coach their teams on this code at least once a quarter.",
]

CATEGORIES = [choice.value for choice in SectionCategory if choice != SectionCategory.OTHER]


class PlannedSection(NamedTuple):
    key: uuid.UUID
    category: str
    title: str
    body: str


def _section_body(rng: random.Random) -> str:
    intro = rng.choice(SENTENCES)
    bullets = "\n".join(f"- {sentence}" for sentence in rng.sample(SENTENCES, 3))
    return f"{intro}\n\n{bullets}"


def _document_title(index: int) -> str:
    title = DOCUMENT_TITLES[index % len(DOCUMENT_TITLES)]
    return title if index < len(DOCUMENT_TITLES) else f"{title} (part {index // len(DOCUMENT_TITLES) + 1})"


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


def _batches(items: Iterable[T], size: int = BATCH_SIZE) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
DAY_US = 86_400 * 1_000_000


def _microseconds(moment: datetime.datetime) -> int:
    return (moment - EPOCH) // datetime.timedelta(microseconds=1)


def _moment(microseconds: int) -> datetime.datetime:
    return EPOCH + datetime.timedelta(microseconds=microseconds)


_NEEDS_ESCAPE = re.compile(r"[\\\t\n\r]")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: Any) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        # translate() is slow on long text; most values have nothing to escape.
        return value.translate(_COPY_ESCAPES) if _NEEDS_ESCAPE.search(value) else value
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.date):  # dates and aware datetimes alike
        return value.isoformat()
    return str(value)


class Rows:
    """Plain rows (tuples in `columns` order) for one model's table, written in large batches.

    On PostgreSQL they go in with COPY, about twenty times faster than building model instances
    for bulk_create, which is what SQLite gets (a tiny test run). Columns not given take their
    model default (or `now`, for the automatic timestamps); nullable ones are left NULL. COPY,
    like bulk_create, sends no signals and calls no save(): these are seed rows, written as the
    services would have left them.
    """

    def __init__(self, model: type[models.Model], columns: Sequence[str], *, now: datetime.datetime) -> None:
        self.model = model
        self.columns = list(columns)
        self.defaults: dict[str, Any] = {}
        for model_field in model._meta.concrete_fields:
            if model_field.primary_key or model_field.attname in self.columns:
                continue
            if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
                self.defaults[model_field.attname] = now
            elif model_field.has_default() or not model_field.null:
                # Without a default of its own a text field's is "" (what a form would save).
                self.defaults[model_field.attname] = model_field.get_default()
                if self.defaults[model_field.attname] is None:
                    raise ValueError(f"{model.__name__}.{model_field.attname} needs a value.")
        self.pending: list[Sequence[Any]] = []
        self.written = 0

    def add(self, row: Sequence[Any]) -> None:
        self.pending.append(row)
        if len(self.pending) >= COPY_BATCH_SIZE:
            self.flush()

    def extend(self, rows: Iterable[Sequence[Any]]) -> None:
        for row in rows:
            self.add(row)

    def flush(self) -> None:
        if not self.pending:
            return
        if connection.vendor == "postgresql":
            self._copy()
        else:
            names = [*self.columns, *self.defaults]
            defaults = list(self.defaults.values())
            self.model._default_manager.bulk_create(
                [self.model(**dict(zip(names, [*row, *defaults], strict=True))) for row in self.pending],
                batch_size=BATCH_SIZE,
            )
        self.written += len(self.pending)
        self.pending = []

    def _copy(self) -> None:
        meta = self.model._meta
        quote = connection.ops.quote_name
        names = ", ".join(quote(_column(meta, name)) for name in [*self.columns, *self.defaults])
        tail = "".join("\t" + _copy_text(value) for value in self.defaults.values()) + "\n"
        buffer = io.StringIO()
        for row in self.pending:
            buffer.write("\t".join([_copy_text(value) for value in row]))
            buffer.write(tail)
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.copy_expert(f"COPY {quote(meta.db_table)} ({names}) FROM STDIN", buffer)


class Seeder:
    """Writes one organisation. `log` receives a line per step, with its time."""

    def __init__(self, options: ScaleOptions, *, password: str, log: Callable[[str], None]) -> None:
        self.options = options
        self.rng = random.Random(options.seed)  # noqa: S311 - not for security
        self.log = log
        self.password = password
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.summary = ScaleSummary()
        self.step_started = time.perf_counter()

    def _done(self, what: str) -> None:
        now = time.perf_counter()
        self.log(f"  {what} ({now - self.step_started:.1f} s)")
        self.step_started = now

    def _rows(self, model: type[models.Model], columns: Sequence[str]) -> Rows:
        return Rows(model, columns, now=self.now)

    # -- the whole run -------------------------------------------------------

    def run(self) -> ScaleSummary:
        started = time.perf_counter()
        batches = existing_batches()
        self.batch = (batches[-1] + 1) if batches else 1
        self.summary.batch = self.batch
        self.tag = f"sc{self.batch}"
        with transaction.atomic():
            org = plan_organisation(self.options, self.rng)
            self._departments(org)
            self._people(org)
            self._documents(org)
            with (
                _checked_after_loading(AcknowledgementRequest, Completion, Assignment),
                _checked_after_loading(Signature, indexes=True),
            ):
                self._requests(org)
                self._signatures(org)
                self._training(org)
            self._done("foreign keys and indexes rebuilt")
            if self.options.reminder_history:
                self._reminder_history()
            event_record(
                actor=None,
                action="people.seed_scale",
                target=None,
                details={"batch": self.batch, "people": self.summary.people, "signatures": self.summary.signatures},
            )
        self._done("committed")
        self._analyse()
        self.summary.seconds = time.perf_counter() - started
        return self.summary

    # -- departments and people ---------------------------------------------

    def _departments(self, org: Organisation) -> None:
        code = f"SC{self.batch}"
        suffix = "" if self.batch == 1 else f" ({self.batch})"
        self.department_pks: list[int] = []
        for planned in org.departments:
            parent = self.department_pks[planned.parent] if planned.parent is not None else None
            department = Department.objects.create(
                name=f"{planned.name}{suffix}", code=f"{code}{planned.code_suffix}", parent_id=parent
            )
            self.department_pks.append(department.pk)
        self.summary.departments = len(org.departments)
        self._done(f"{len(org.departments)} departments")

    def _username(self, index: int, person: PlannedPerson) -> str:
        return f"{self.tag}-{person.username_suffix or f'{index:06d}'}"

    def _employee_id(self, index: int) -> str:
        return f"{self.tag.upper()}-{index:06d}"

    def _people(self, org: Organisation) -> None:
        user_model = get_user_model()
        # One hash for everyone: hashing 100,000 passwords would take most of a day.
        password_hash = make_password(self.password)
        joined_before = self.now - datetime.timedelta(days=400)
        users = self._rows(
            user_model,
            ["username", "first_name", "last_name", "email", "password", "is_active", "is_staff", "date_joined"],
        )
        for index, person in enumerate(org.people):
            username = self._username(index, person)
            users.add(
                (
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
        by_username = dict(user_model.objects.filter(username__startswith=f"{self.tag}-").values_list("username", "pk"))
        self.user_pks = array("q", (by_username[self._username(i, p)] for i, p in enumerate(org.people)))

        groups = dict(Group.objects.values_list("name", "pk"))
        membership = self._rows(user_model.groups.through, ["user_id", "group_id"])
        membership.extend((self.user_pks[index], groups[person.role]) for index, person in enumerate(org.people))
        membership.flush()

        # Profiles layer by layer, so that every manager's row exists before their reports'.
        self.profile_pks = array("q", [0] * len(org.people))
        columns = ["user_id", "department_id", "manager_id", "employee_id", "job_title", "preferred_language"]
        for layer in range(5):
            profiles = self._rows(StaffProfile, columns)
            for index, person in enumerate(org.people):
                if person.layer == layer:
                    profiles.add(
                        (
                            self.user_pks[index],
                            self.department_pks[person.department],
                            self.profile_pks[person.manager] if person.manager is not None else None,
                            self._employee_id(index),
                            person.job_title,
                            person.language,
                        )
                    )
            profiles.flush()
            prefix = f"{self.tag.upper()}-"
            for employee_id, pk in StaffProfile.objects.filter(employee_id__startswith=prefix).values_list(
                "employee_id", "pk"
            ):
                self.profile_pks[int(employee_id[len(prefix) :])] = pk
        self.summary.people = len(org.people)
        self.summary.managers = org.managers
        for index, person in enumerate(org.people):
            if person.username_suffix and person.role not in self.summary.usernames:
                self.summary.usernames[person.role] = self._username(index, person)
        self._done(f"{len(org.people)} people ({org.managers} managers), sharing one password hash")

    # -- documents, versions, sections --------------------------------------

    def _documents(self, org: Organisation) -> None:
        heads = [index for index, person in enumerate(org.people) if person.layer == 1 and person.role == "Manager"]
        self.published: list[CodeVersion] = []
        self.published_at: list[datetime.datetime] = []
        self.version_due: list[datetime.date] = []
        for number in range(self.options.documents):
            owner_pk = self.user_pks[heads[number % len(heads)]]
            # Four eyes: another head approves, or the chief executive when there is one division.
            approver_pk = self.user_pks[heads[(number + 1) % len(heads)]] if len(heads) > 1 else self.user_pks[0]
            title = _document_title(number)
            slug_stem = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
            # Published versions spread over the last months, three days apart: the newest
            # 15 days ago, so that every published version has people overdue.
            published_at = self.now - datetime.timedelta(days=15 + 3 * number, hours=number % 9)
            document = CodeDocument.objects.create(
                title=title,
                slug=f"scale-{self.batch}-{slug_stem}"[:80],
                summary=f"{title}: what every member of staff agrees to.",
                owner_id=owner_pk,
                review_interval_months=12,
                next_review_due=timezone.localdate(published_at) + relativedelta(months=12),
            )
            sections: list[PlannedSection] = []
            versions = self.options.versions
            for version_number in range(1, versions + 1):
                sections = self._next_sections(sections)
                when = published_at - datetime.timedelta(days=VERSION_INTERVAL_DAYS * (versions - version_number))
                version = self._version(document, version_number, title, sections, when, owner_pk, approver_pk)
                self.summary.versions += 1
                self.summary.sections += len(sections)
            self.published.append(version)
            self.published_at.append(published_at)
            self.version_due.append(timezone.localdate(published_at) + datetime.timedelta(days=DAYS_TO_ACKNOWLEDGE))
            self.summary.documents += 1
        self._done(
            f"{self.summary.documents} documents, {self.summary.versions} versions, {self.summary.sections} sections"
        )

    def _next_sections(self, previous: list[PlannedSection]) -> list[PlannedSection]:
        """The first version's sections, or the previous version's with a few of them rewritten."""
        if not previous:
            return [
                PlannedSection(
                    uuid.UUID(int=self.rng.getrandbits(128)),
                    category,
                    str(SectionCategory(category).label),
                    _section_body(self.rng),
                )
                for category in CATEGORIES[:SECTIONS_PER_VERSION]
            ]
        changed = set(self.rng.sample(range(len(previous)), min(3, len(previous))))
        return [
            section._replace(body=_section_body(self.rng)) if position in changed else section
            for position, section in enumerate(previous)
        ]

    def _version(
        self,
        document: CodeDocument,
        number: int,
        title: str,
        sections: list[PlannedSection],
        published_at: datetime.datetime,
        author_pk: int,
        approver_pk: int,
    ) -> CodeVersion:
        # Written as a draft, because the sections of a published version are frozen (by the
        # models, and on PostgreSQL by a trigger), then published in one update.
        version = CodeVersion.objects.create(
            document=document,
            number=number,
            title=title,
            author_id=author_pk,
            change_summary="First version." if number == 1 else "Sections rewritten after the yearly review.",
        )
        Section.objects.bulk_create(
            Section(version=version, key=s.key, position=position, category=s.category, title=s.title, body=s.body)
            for position, s in enumerate(sections, start=1)
        )
        status = VersionStatus.PUBLISHED if number == self.options.versions else VersionStatus.SUPERSEDED
        CodeVersion.objects.filter(pk=version.pk).update(
            status=status,
            content_hash=content_hash(version),
            approver_id=approver_pk,
            publisher_id=author_pk,
            created_at=published_at - datetime.timedelta(days=10),
            submitted_at=published_at - datetime.timedelta(days=5),
            approved_at=published_at - datetime.timedelta(days=2),
            published_at=published_at,
            effective_date=timezone.localdate(published_at),
            days_to_acknowledge=DAYS_TO_ACKNOWLEDGE,
            is_major=True,
            applies_to_all_staff=True,
        )
        version.refresh_from_db()
        return version

    # -- requests and signatures ----------------------------------------------

    def _requests(self, org: Organisation) -> None:
        """One request per person and published version; remembers the signed ones for the chain."""
        now_us = _microseconds(self.now)
        # Each signed request as one sortable integer: when it was signed (microseconds), then its
        # row in the arrays below. Sorting them gives the order of the chain.
        self.signed_keys: list[int] = []
        self.signed_request = array("q")
        self.signed_person = array("l")
        self.signed_document = array("h")
        columns = ["person_id", "version_id", "status", "due_date", "first_opened_at", "resolved_at"]
        for document_index, version in enumerate(self.published):
            published_us = _microseconds(self.published_at[document_index])
            window_us = now_us - published_us
            requests = self._rows(AcknowledgementRequest, columns)
            signed: list[tuple[int, int]] = []  # (signed at, person index)
            for person_index in range(len(org.people)):
                status, due, opened_us, signed_us = self._request_fate(published_us, window_us, document_index)
                if signed_us:
                    signed.append((signed_us, person_index))
                    opened_us = signed_us - _reading_time(person_index, document_index)
                requests.add(
                    (
                        self.profile_pks[person_index],
                        version.pk,
                        status,
                        due,
                        _moment(opened_us) if opened_us else None,
                        _moment(signed_us) if signed_us else None,
                    )
                )
            requests.flush()
            self.summary.requests += requests.written
            request_of = dict(
                AcknowledgementRequest.objects.filter(version=version, status=RequestStatus.SIGNED).values_list(
                    "person_id", "pk"
                )
            )
            for signed_us, person_index in signed:
                self.signed_keys.append((signed_us << 32) | len(self.signed_request))
                self.signed_request.append(request_of[self.profile_pks[person_index]])
                self.signed_person.append(person_index)
                self.signed_document.append(document_index)
        self._done(
            f"{self.summary.requests} acknowledgement requests ({self.summary.signed} signed, "
            f"{self.summary.pending} pending, {self.summary.overdue} overdue)"
        )

    def _request_fate(
        self, published_us: int, window_us: int, document_index: int
    ) -> tuple[str, datetime.date, int, int]:
        """(status, due date, first opened, signed at) of one request; times in microseconds, 0 for none."""
        options = self.options
        draw = self.rng.random()
        if draw < options.signed_fraction:
            # Most sign in the first days, a few much later; never after now.
            delay = int(self.rng.expovariate(1 / (3 * DAY_US)))
            signed_us = published_us + min(delay, window_us - 2_000_000) + self.rng.randrange(1_000_000)
            self.summary.signed += 1
            return RequestStatus.SIGNED, self.version_due[document_index], 0, signed_us
        opened_us = 0
        if draw < options.signed_fraction + options.overdue_fraction:
            # Still pending, past the version's due date.
            self.summary.overdue += 1
            if self.rng.random() < 0.3:
                opened_us = published_us + self.rng.randrange(window_us)
            return RequestStatus.PENDING, self.version_due[document_index], opened_us, 0
        # Asked lately (a new joiner, a move): due within the next two weeks.
        self.summary.pending += 1
        due = self.today + datetime.timedelta(days=self.rng.randint(1, DAYS_TO_ACKNOWLEDGE))
        if self.rng.random() < 0.4:
            opened_us = published_us + self.rng.randrange(window_us)
        return RequestStatus.PENDING, due, opened_us, 0

    def _signatures(self, org: Organisation) -> None:
        """The chain, in the order the signatures were made, continuing any chain already there."""
        self.signed_keys.sort()
        last = Signature.objects.aggregate(sequence=Max("sequence"))["sequence"] or 0
        previous_hash = Signature.objects.get(sequence=last).record_hash if last else GENESIS
        statements = self._statements()
        signatures = self._rows(Signature, [*HASHED_FIELDS, "record_hash", "record_mac"])
        mac_key = checkpoint_key()
        for key in self.signed_keys:
            row = key & 0xFFFFFFFF
            signed_us = key >> 32
            person_index = self.signed_person[row]
            document_index = self.signed_document[row]
            person = org.people[person_index]
            version = self.published[document_index]
            last += 1
            fields = (
                last,
                self.signed_request[row],
                self.profile_pks[person_index],
                version.pk,
                _moment(signed_us),
                statements[document_index, person.language],
                person.full_name,
                f"10.{person.department % 250}.{(person_index >> 8) % 256}.{person_index % 256}",
                USER_AGENTS[(person_index + document_index) % len(USER_AGENTS)],
                version.content_hash,
                _moment(signed_us - _reading_time(person_index, document_index)),
                previous_hash,
            )
            previous_hash = hash_of_fields(*fields)
            signatures.add((*fields, previous_hash, mac_of_record_hash(previous_hash, key=mac_key)))
        signatures.flush()
        self.summary.signatures = signatures.written
        self._done(f"{self.summary.signatures} signatures, chained in the order they were signed")

    def _statements(self) -> dict[tuple[int, str], str]:
        """The attestation each signer agreed to, in their own language, per published version."""
        statements = {}
        for document_index, version in enumerate(self.published):
            for language, _name in settings.LANGUAGES:
                with translation.override(language):
                    statements[document_index, language] = attestation_statement(version)
        return statements

    # -- training ---------------------------------------------------------------

    def _training(self, org: Organisation) -> None:
        if not self.options.courses:
            return
        recorder_pk = self.user_pks[next(i for i, p in enumerate(org.people) if p.role == "Compliance officer")]
        suffix = "" if self.batch == 1 else f" ({self.batch})"
        topics = ["Code of conduct refresher", "Protecting customer data", "Resolving complaints well"]
        first = self.published[0]
        section_pks = list(first.sections.order_by("position").values_list("pk", flat=True))
        completions = self._rows(
            Completion, ["person_id", "course_id", "completed_on", "score", "evidence_note", "recorded_by_id"]
        )
        assignments = self._rows(Assignment, ["person_id", "course_id", "reason", "due_date", "status"])
        for number in range(self.options.courses):
            topic = topics[number % len(topics)]
            title = topic if number < len(topics) else f"{topic} {number // len(topics) + 1}"
            course = Course.objects.create(
                title=f"{title}{suffix}",
                description="Yearly training on the code of conduct, with a short test.",
                document=first.document,
                refresher_interval_months=REFRESHER_MONTHS,
                is_mandatory=True,
            )
            course.sections.set(section_pks[number * 3 : number * 3 + 3])
            self.summary.courses += 1
            for person_index in range(len(org.people)):
                person_pk = self.profile_pks[person_index]
                if self.rng.random() < COMPLETED_SHARE:
                    # Completed within the last thirteen months: some refreshers fall due soon, a few are overdue.
                    completed_on = self.today - datetime.timedelta(days=self.rng.randint(0, 395))
                    completions.add(
                        (
                            person_pk,
                            course.pk,
                            completed_on,
                            self.rng.randint(60, 100),
                            "Online test passed.",
                            recorder_pk,
                        )
                    )
                    reason = AssignmentReason.REFRESHER
                    due = completed_on + relativedelta(months=REFRESHER_MONTHS)
                else:
                    reason = AssignmentReason.INITIAL
                    due = self.today + datetime.timedelta(days=self.rng.randint(-20, 30))
                assignments.add((person_pk, course.pk, reason, due, AssignmentStatus.OPEN))
        completions.flush()
        assignments.flush()
        self.summary.completions = completions.written
        self.summary.assignments = assignments.written
        self._done(
            f"{self.summary.courses} courses, {self.summary.completions} completions, "
            f"{self.summary.assignments} open assignments"
        )

    # -- reminder history -----------------------------------------------------

    def _reminder_history(self) -> None:
        """Every reminder the rules find due today, recorded as sent: the daily sweep has been running."""
        for rule in all_rules():
            pairs = rule.pairs(self.today)
            if connection.vendor == "postgresql" and isinstance(pairs, QuerySet):
                self.summary.reminders += self._claim_in_sql(rule.kind, rule.stage, pairs)
                continue
            for batch in _batches(pairs):
                ReminderLog.objects.bulk_create(
                    [
                        ReminderLog(
                            kind=rule.kind,
                            object_id=object_id,
                            recipient_id=recipient_id,
                            stage=rule.stage,
                            status=DeliveryStatus.SENT,
                            attempts=1,
                            sent_at=self.now,
                        )
                        for object_id, recipient_id in batch
                    ],
                    ignore_conflicts=True,
                )
                self.summary.reminders += len(batch)
        self._done(f"{self.summary.reminders} reminders recorded as sent already")

    def _claim_in_sql(self, kind: str, stage: str, pairs: QuerySet) -> int:
        """INSERT … SELECT of one rule's (object, recipient) pairs: no row travels through Python."""
        select, params = pairs.query.sql_with_params()
        # The table name is our own and the rule's query is compiled by the ORM.
        table = connection.ops.quote_name(ReminderLog._meta.db_table)
        sql = (
            f"INSERT INTO {table} (kind, object_id, recipient_id, stage, status, attempts, last_error, created_at,"  # noqa: S608
            f" sent_at) SELECT %s, due.object_id, due.recipient_id, %s, %s, 1, '', %s, %s"
            f" FROM ({select}) AS due (object_id, recipient_id) ON CONFLICT DO NOTHING"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [kind, stage, DeliveryStatus.SENT, self.now, self.now, *params])
            return cursor.rowcount

    # -- statistics -----------------------------------------------------------

    def _analyse(self) -> None:
        """Fresh planner statistics (and, outside a transaction, a vacuum) for the tables just filled."""
        if connection.vendor != "postgresql":
            return
        filled = [
            get_user_model(),
            StaffProfile,
            AcknowledgementRequest,
            Signature,
            Completion,
            Assignment,
            ReminderLog,
        ]
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            for model in filled:
                cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")  # type: ignore[attr-defined]
        self._done(f"{command} of {len(filled)} tables")


@contextmanager
def _checked_after_loading(*loaded: type[models.Model], indexes: bool = False) -> Iterator[None]:
    """On PostgreSQL, drop the tables' foreign keys (and with `indexes`, their unique constraints and
    indexes) for a bulk load, and put them back afterwards, as pg_restore does.

    Checked row by row, the foreign keys of a few million rows cost minutes at commit, and random
    keys such as record hashes make every insert touch a different index page; added back, each is
    one validating query or one sorted index build. All of it happens inside the seed's transaction,
    so a failure restores them as they were, and nobody else sees the tables meanwhile.
    """
    if connection.vendor != "postgresql":
        yield
        return
    tables = [model._meta.db_table for model in loaded]
    kinds = ["f", "u"] if indexes else ["f"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = ANY(%s::regclass[]) AND contype = ANY(%s) ORDER BY contype DESC, conname",
            [tables, kinds],
        )
        constraints = cursor.fetchall()
        plain_indexes: list[tuple[str, str]] = []
        if indexes:
            cursor.execute(
                "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index"
                " WHERE indrelid = ANY(%s::regclass[]) AND NOT indisprimary"
                " AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = indexrelid)",
                [tables],
            )
            plain_indexes = cursor.fetchall()
        # Django's foreign keys are deferred; a table with checks still queued cannot be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, _definition in constraints:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
        for name, _definition in plain_indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for _name, definition in plain_indexes:
            cursor.execute(definition)
        # In the order read: unique constraints, then foreign keys.
        for table, name, definition in constraints:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}")


def _reading_time(person_index: int, document_index: int) -> int:
    """How long (in microseconds) between opening a version and signing it: one to thirty minutes."""
    digest = hashlib.blake2b(f"{person_index}:{document_index}".encode(), digest_size=4).digest()
    return (60 + int.from_bytes(digest, "big") % 1740) * 1_000_000


def seed(options: ScaleOptions, *, password: str = DEFAULT_PASSWORD, log: Callable[[str], None]) -> ScaleSummary:
    """Build one organisation in the default database; see the module's docstring for its shape."""
    return Seeder(options, password=password, log=log).run()


def _column(meta: Any, name: str) -> str:
    """The database column of a concrete field."""
    field = meta.get_field(name)
    return str(field.column)

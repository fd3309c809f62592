"""Code documents with their versions (the last published, the earlier superseded) and their sections."""

from __future__ import annotations

import datetime
import random
import re
import uuid
from array import array
from dataclasses import dataclass
from typing import NamedTuple

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from codes.content import content_hash
from codes.models import CodeDocument, CodeVersion, Section, SectionCategory, VersionStatus

from .options import DAYS_TO_ACKNOWLEDGE, SECTIONS_PER_VERSION
from .organisation import Organisation
from .run import ScaleRun

# Days between two versions of a document.
VERSION_INTERVAL_DAYS = 120

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


@dataclass(frozen=True)
class Published:
    """A document's published version, when it was published, and when its requests fall due."""

    version: CodeVersion
    published_at: datetime.datetime
    due: datetime.date


def documents_write(run: ScaleRun, org: Organisation, user_pks: array[int]) -> list[Published]:
    """The documents, owned by the division heads in turn; each one's published version."""
    heads = [index for index, person in enumerate(org.people) if person.layer == 1 and person.role == "Manager"]
    published = []
    for number in range(run.options.documents):
        owner_pk = user_pks[heads[number % len(heads)]]
        # Four eyes: another head approves, or the chief executive when there is one division.
        approver_pk = user_pks[heads[(number + 1) % len(heads)]] if len(heads) > 1 else user_pks[0]
        published.append(_document_write(run, number, owner_pk, approver_pk))
    run.done(f"{run.summary.documents} documents, {run.summary.versions} versions, {run.summary.sections} sections")
    return published


def _document_write(run: ScaleRun, number: int, owner_pk: int, approver_pk: int) -> Published:
    title = _document_title(number)
    slug_stem = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    # Published versions spread over the last months, three days apart: the newest
    # 15 days ago, so that every published version has people overdue.
    published_at = run.now - datetime.timedelta(days=15 + 3 * number, hours=number % 9)
    document = CodeDocument.objects.create(
        title=title,
        slug=f"scale-{run.batch}-{slug_stem}"[:80],
        summary=f"{title}: what every member of staff agrees to.",
        owner_id=owner_pk,
        review_interval_months=12,
        next_review_due=timezone.localdate(published_at) + relativedelta(months=12),
    )
    sections: list[PlannedSection] = []
    versions = run.options.versions
    for version_number in range(1, versions + 1):
        sections = _next_sections(run.rng, sections)
        when = published_at - datetime.timedelta(days=VERSION_INTERVAL_DAYS * (versions - version_number))
        version = _version_write(run, document, version_number, title, sections, when, owner_pk, approver_pk)
        run.summary.versions += 1
        run.summary.sections += len(sections)
    run.summary.documents += 1
    due = timezone.localdate(published_at) + datetime.timedelta(days=DAYS_TO_ACKNOWLEDGE)
    return Published(version=version, published_at=published_at, due=due)


def _document_title(index: int) -> str:
    title = DOCUMENT_TITLES[index % len(DOCUMENT_TITLES)]
    return title if index < len(DOCUMENT_TITLES) else f"{title} (part {index // len(DOCUMENT_TITLES) + 1})"


def _next_sections(rng: random.Random, previous: list[PlannedSection]) -> list[PlannedSection]:
    """The first version's sections, or the previous version's with a few of them rewritten."""
    if not previous:
        return [
            PlannedSection(
                uuid.UUID(int=rng.getrandbits(128)),
                category,
                str(SectionCategory(category).label),
                _section_body(rng),
            )
            for category in CATEGORIES[:SECTIONS_PER_VERSION]
        ]
    changed = set(rng.sample(range(len(previous)), min(3, len(previous))))
    return [
        section._replace(body=_section_body(rng)) if position in changed else section
        for position, section in enumerate(previous)
    ]


def _section_body(rng: random.Random) -> str:
    intro = rng.choice(SENTENCES)
    bullets = "\n".join(f"- {sentence}" for sentence in rng.sample(SENTENCES, 3))
    return f"{intro}\n\n{bullets}"


def _version_write(
    run: ScaleRun,
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
    status = VersionStatus.PUBLISHED if number == run.options.versions else VersionStatus.SUPERSEDED
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

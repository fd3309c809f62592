"""Acknowledgement requests (signed, pending or overdue) and the signature chain of the signed ones."""

from __future__ import annotations

import datetime
import hashlib
from array import array
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Max
from django.utils import translation

from acknowledgements.chain import GENESIS, HASHED_FIELDS, checkpoint_key, hash_of_fields, mac_of_record_hash
from acknowledgements.chain_format import COMMITTED_FIELDS, commitment, hashed_timestamp
from acknowledgements.commitments import commitment_key
from acknowledgements.models import AcknowledgementRequest, RequestStatus, Signature
from acknowledgements.services import attestation_statement

from .documents import Published
from .loading import ids_reserve
from .options import DAYS_TO_ACKNOWLEDGE
from .organisation import Organisation
from .run import ScaleRun

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
DAY_US = 86_400 * 1_000_000

USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
]


@dataclass
class SignedRequests:
    """The signed requests, remembered for the chain.

    Each one is a sortable integer in `keys`: when it was signed (microseconds), then its row in the
    arrays and lists below. Sorting the keys gives the order of the chain. The requests' primary keys were
    chosen when they were written: the first key reserved, then a document's people in order, document by
    document. The moments are kept as the requests were written with them, which the chain hashes: written
    once, not again for the signatures (at a million people, formatting them cost more than keeping them).
    """

    keys: list[int] = field(default_factory=list)
    person: array[int] = field(default_factory=lambda: array("l"))
    document: array[int] = field(default_factory=lambda: array("h"))
    signed_at: list[str] = field(default_factory=list)
    first_opened_at: list[str] = field(default_factory=list)
    first_request_pk: int = 0
    people: int = 0

    def add(self, signed_us: int, person_index: int, document_index: int, signed_at: str, opened_at: str) -> None:
        self.keys.append((signed_us << 32) | len(self.person))
        self.person.append(person_index)
        self.document.append(document_index)
        self.signed_at.append(signed_at)
        self.first_opened_at.append(opened_at)

    def request_pk(self, row: int) -> int:
        return self.first_request_pk + self.document[row] * self.people + self.person[row]


def requests_write(
    run: ScaleRun, org: Organisation, profile_pks: array[int], published: list[Published]
) -> SignedRequests:
    """One request per person and published version; the signed ones, for the chain."""
    people = len(org.people)
    first_pk = ids_reserve(AcknowledgementRequest, people * len(published))
    signed = SignedRequests(first_request_pk=first_pk, people=people)
    for document_index, publication in enumerate(published):
        _version_requests_write(run, profile_pks, publication, document_index, signed)
    run.done(
        f"{run.summary.requests} acknowledgement requests ({run.summary.signed} signed, "
        f"{run.summary.pending} pending, {run.summary.overdue} overdue)"
    )
    return signed


def _version_requests_write(
    run: ScaleRun, profile_pks: array[int], publication: Published, document_index: int, signed: SignedRequests
) -> None:
    """Everyone's request for one published version, with its key; the signed ones added to `signed`."""
    first_pk = signed.first_request_pk + document_index * len(profile_pks)
    published_us = _microseconds(publication.published_at)
    window_us = _microseconds(run.now) - published_us
    columns = ["id", "person_id", "version_id", "status", "due_date", "first_opened_at", "resolved_at"]
    requests = run.rows(AcknowledgementRequest, columns)
    for person_index, person_pk in enumerate(profile_pks):
        status, due, opened_us, signed_us = _request_fate(run, published_us, window_us, publication.due)
        opened_at = signed_at = None
        if signed_us:
            signed_at = _timestamp(signed_us)
            opened_at = _timestamp(signed_us - _reading_time(person_index, document_index))
            signed.add(signed_us, person_index, document_index, signed_at, opened_at)
        elif opened_us:
            opened_at = _timestamp(opened_us)
        requests.add((first_pk + person_index, person_pk, publication.version.pk, status, due, opened_at, signed_at))
    requests.flush()
    run.summary.requests += requests.written


def _request_fate(
    run: ScaleRun, published_us: int, window_us: int, version_due: datetime.date
) -> tuple[str, datetime.date, int, int]:
    """(status, due date, first opened, signed at) of one request; times in microseconds, 0 for none."""
    options, rng = run.options, run.rng
    draw = rng.random()
    if draw < options.signed_fraction:
        # Most sign in the first days, a few much later; never after now.
        delay = int(rng.expovariate(1 / (3 * DAY_US)))
        signed_us = published_us + min(delay, window_us - 2_000_000) + rng.randrange(1_000_000)
        run.summary.signed += 1
        return RequestStatus.SIGNED, version_due, 0, signed_us
    opened_us = 0
    if draw < options.signed_fraction + options.overdue_fraction:
        # Still pending, past the version's due date.
        run.summary.overdue += 1
        if rng.random() < 0.3:
            opened_us = published_us + rng.randrange(window_us)
        return RequestStatus.PENDING, version_due, opened_us, 0
    # Asked lately (a new joiner, a move): due within the next two weeks.
    run.summary.pending += 1
    due = run.today + datetime.timedelta(days=rng.randint(1, DAYS_TO_ACKNOWLEDGE))
    if rng.random() < 0.4:
        opened_us = published_us + rng.randrange(window_us)
    return RequestStatus.PENDING, due, opened_us, 0


def signatures_write(
    run: ScaleRun, org: Organisation, profile_pks: array[int], published: list[Published], signed: SignedRequests
) -> None:
    """The chain, in the order the signatures were made, continuing any chain already there."""
    last = Signature.objects.aggregate(sequence=Max("sequence"))["sequence"] or 0
    previous_hash = Signature.objects.get(sequence=last).record_hash if last else GENESIS
    statements = _statements(published)
    # Everyone seeded reads the version's own text, in its language.
    signatures = run.rows(Signature, [*HASHED_FIELDS, *COMMITTED_FIELDS, "record_hash", "record_mac", "language"])
    mac_key, personal_key = checkpoint_key(), commitment_key()
    name_field, address_field, browser_field = COMMITTED_FIELDS
    # A name (about 3,600 of them) or a browser (four) is committed to once, not once per signature.
    name_commitments: dict[str, str] = {}
    browser_commitments = [commitment(personal_key, browser_field, browser) for browser in USER_AGENTS]
    signed.keys.sort()
    for key in signed.keys:
        row = key & 0xFFFFFFFF
        person_index = signed.person[row]
        document_index = signed.document[row]
        person = org.people[person_index]
        version = published[document_index].version
        last += 1
        name = person.full_name
        name_commitment = name_commitments.get(name)
        if name_commitment is None:
            name_commitment = name_commitments[name] = commitment(personal_key, name_field, name)
        address = f"10.{person.department % 250}.{(person_index >> 8) % 256}.{person_index % 256}"
        browser = (person_index + document_index) % len(USER_AGENTS)
        fields = (
            last,
            signed.request_pk(row),
            profile_pks[person_index],
            version.pk,
            signed.signed_at[row],
            statements[document_index, person.language],
            name_commitment,
            commitment(personal_key, address_field, address),
            browser_commitments[browser],
            version.content_hash,
            signed.first_opened_at[row],
            previous_hash,
        )
        previous_hash = hash_of_fields(*fields)
        mac = mac_of_record_hash(previous_hash, key=mac_key)
        signatures.add((*fields, name, address, USER_AGENTS[browser], previous_hash, mac, version.language))
    signatures.flush()
    run.summary.signatures = signatures.written
    run.done(f"{run.summary.signatures} signatures, chained in the order they were signed")


def _statements(published: list[Published]) -> dict[tuple[int, str], str]:
    """The attestation each signer agreed to, in their own language, per published version."""
    statements = {}
    for document_index, publication in enumerate(published):
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                statements[document_index, language] = attestation_statement(publication.version)
    return statements


def _reading_time(person_index: int, document_index: int) -> int:
    """How long (in microseconds) between opening a version and signing it: one to thirty minutes."""
    digest = hashlib.blake2b(f"{person_index}:{document_index}".encode(), digest_size=4).digest()
    return (60 + int.from_bytes(digest, "big") % 1740) * 1_000_000


def _microseconds(moment: datetime.datetime) -> int:
    return (moment - EPOCH) // datetime.timedelta(microseconds=1)


def _timestamp(microseconds: int) -> str:
    """A moment as the chain hashes it (chain_format.hashed_timestamp), which PostgreSQL reads as it is:
    written once, for the hash and for the row."""
    return hashed_timestamp(EPOCH + datetime.timedelta(microseconds=microseconds))  # type: ignore[return-value]

"""The content hash of a version: SHA-256 over a canonical serialisation of its text.

Canonical means: the version title, then each section in position order as
(category, title, body), as compact JSON in UTF-8 with line endings normalised
to \\n. The same text always gives the same hash, on any machine, so a
signature or a receipt can be checked against the text that was shown.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from .models import CodeVersion, Section


def canonical_text(title: str, sections: Iterable[Section]) -> bytes:
    def normalise(text: str) -> str:
        return text.replace("\r\n", "\n").replace("\r", "\n")

    payload = {
        "title": normalise(title),
        "sections": [[s.category, normalise(s.title), normalise(s.body)] for s in sections],
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def content_hash(version: CodeVersion) -> str:
    """The hash of the version's text as it stands in the database now."""
    sections = version.sections.order_by("position")
    return hashlib.sha256(canonical_text(version.title, sections)).hexdigest()


def verify_content_hash(version: CodeVersion) -> bool:
    """Whether a published version's text still matches the hash stored when it was published."""
    return bool(version.content_hash) and content_hash(version) == version.content_hash

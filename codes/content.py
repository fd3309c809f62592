"""The content hash of a version: SHA-256 over a canonical serialisation of its text.

Canonical means: the version title, then each section in position order as
(category, title, body), as compact JSON in UTF-8 with line endings normalised
to \\n. The same text always gives the same hash, on any machine, so a
signature or a receipt can be checked against the text that was shown.

A translation's text is serialised the same way, with its language added: the
hash then names the language read as well as the words, and a translation that
still holds the source's words never passes for the source.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from .models import CodeVersion, Section, VersionTranslation

# A section's text as hashed: (category, title, body).
SectionText = tuple[str, str, str]


def canonical_text(title: str, sections: Iterable[Section | SectionText], *, language: str | None = None) -> bytes:
    def normalise(text: str) -> str:
        return text.replace("\r\n", "\n").replace("\r", "\n")

    texts = [(s.category, s.title, s.body) if isinstance(s, Section) else s for s in sections]
    payload: dict[str, object] = {
        "title": normalise(title),
        "sections": [[category, normalise(heading), normalise(body)] for category, heading, body in texts],
    }
    if language is not None:
        payload["language"] = language
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def content_hash(version: CodeVersion) -> str:
    """The hash of the version's text as it stands in the database now."""
    sections = version.sections.order_by("position")
    return hashlib.sha256(canonical_text(version.title, sections)).hexdigest()


def verify_content_hash(version: CodeVersion) -> bool:
    """Whether a published version's text still matches the hash stored when it was published."""
    return bool(version.content_hash) and content_hash(version) == version.content_hash


def translation_content_hash(translation: VersionTranslation) -> str:
    """The hash of a translation's text as it stands in the database now: its title, its sections in the
    source's order (each with the source section's category) and its language."""
    sections = translation.sections.select_related("section").order_by("section__position")
    texts = [(each.section.category, each.title, each.body) for each in sections]
    return hashlib.sha256(canonical_text(translation.title, texts, language=translation.language)).hexdigest()

"""Category guessing: the SectionCategory a section's title suggests, from keywords in English and Romanian."""

from __future__ import annotations

import functools
import re
import unicodedata

from codes.importing.lines import DASHES
from codes.models import SectionCategory

# Keywords in English and Romanian, written naturally; they are compared without case or
# diacritics. A keyword ending in "*" also matches longer words ("complaint*" → "complaints");
# the others must be whole words. When several keywords start at the same place, the longest wins.
CATEGORY_KEYWORDS: dict[str, tuple[str, ...]] = {
    SectionCategory.PROFESSIONALISM.value: (
        "professional*",
        "profesional*",
        "dress code",
        "appearance",
        "ținută*",
        "punctual*",
    ),
    SectionCategory.INTEGRITY.value: (
        "integrit*",
        "honest*",
        "onest*",
        "cinst*",
        "transparen*",
        "fraud*",
    ),
    SectionCategory.RESPONSIVENESS.value: (
        "responsive*",
        "response time*",
        "response",
        "responses",
        "promptitudine*",
        "promptness",
        "receptivitat*",
        "timeliness",
        "timp de răspuns",
        "timpi de răspuns",
        "timpul de răspuns",
        "availability",
        "disponibilitat*",
    ),
    SectionCategory.PRIVACY.value: (
        "privacy",
        "confidential*",
        "confidențial*",
        "data protection",
        "personal data",
        "gdpr",
        "protecția datelor",
        "date personale",
        "datele personale",
        "datelor personale",
        "date cu caracter personal",
        "information security",
        "securitatea informațiilor",
    ),
    SectionCategory.FAIRNESS.value: (
        "fair*",
        "unfair*",
        "non-discrimin*",
        "nondiscrimin*",
        "nediscrimin*",
        "discrimin*",
        "equal*",
        "equit*",
        "echitat*",
        "egal*",
        "tratament egal",
        "inclusion",
        "inclusive",
        "incluziun*",
        "diversit*",
    ),
    SectionCategory.CONFLICT_RESOLUTION.value: (
        "conflict*",
        "rezolvarea conflictelor",
        "disput*",
        "de-escalat*",
        "dezescalad*",
        "difficult customer*",
        "clienți dificili",
        "clienții dificili",
        "mediation",
        "medier*",
    ),
    SectionCategory.PRODUCT_KNOWLEDGE.value: (
        "product*",
        "knowledge",
        "service knowledge",
        "cunoașter*",
        "cunoștinț*",
        "produs*",
        "expertise",
    ),
    SectionCategory.COMMUNICATION.value: (
        "communic*",
        "comunic*",
        "tone",
        "tone of voice",
        "tonul",
        "language",
        "limbaj*",
        "etiquette",
        "etichet*",
        "correspondence",
        "corespondenț*",
        "telephone*",
        "telefon*",
    ),
    SectionCategory.CONTINUOUS_IMPROVEMENT.value: (
        "continuous improvement",
        "improv*",
        "feedback",
        "îmbunătățir*",
        "lessons learned",
        "lecții învățate",
    ),
    SectionCategory.ACCOUNTABILITY.value: (
        "accountab*",
        "responsib*",
        "responsabil*",
        "ownership",
        "răspunder*",
        "asumar*",
    ),
    SectionCategory.ETHICS.value: (
        "ethic*",
        "etic*",
        "conflict of interest*",
        "conflicts of interest*",
        "conflict de interese",
        "conflictul de interese",
        "conflicte de interese",
        "conflictele de interese",
        "gift*",
        "cadou*",
        "brib*",
        "mită",
        "corrupt*",
        "corup*",
    ),
    SectionCategory.BEHAVIOUR.value: (
        "behaviour*",
        "behavior*",
        "conduct expectations",
        "expected conduct",
        "personal conduct",
        "comportament*",
        "conduit*",
        "harass*",
        "hărțuir*",
        "bullying",
        "respect",
        "respectul",
    ),
    SectionCategory.SERVICE_DELIVERY.value: (
        "service delivery",
        "service standard*",
        "service level*",
        "sla",
        "slas",
        "delivery",
        "livrar*",
        "furniz*",
        "prestar*",
        "calitatea servici*",
        "quality of service",
        "customer experience",
        "experiența client*",
    ),
    SectionCategory.COMPLAINT_HANDLING.value: (
        "complaint*",
        "reclamați*",
        "plânger*",
        "grievance*",
        "escalat*",
        "sesizăr*",
    ),
    SectionCategory.TRAINING.value: (
        "training*",
        "development",
        "professional development",
        "learning",
        "onboarding",
        "instruir*",
        "formar*",
        "dezvoltar*",
        "coaching",
        "mentor*",
        "induction",
    ),
    SectionCategory.PERFORMANCE.value: (
        "performan*",
        "metric*",
        "kpi*",
        "indicator*",
        "target*",
        "productiv*",
        "quality assurance",
        "evaluar*",
        "appraisal*",
        "measur*",
    ),
}


def _fold(text: str) -> str:
    """Lower case, without diacritics ("Confidențialitate" → "confidentialitate"), single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(character for character in decomposed if not unicodedata.combining(character))
    return " ".join(bare.casefold().translate(DASHES).split())


def _build_keyword_index() -> tuple[re.Pattern[str], dict[str, str]]:
    category_of: dict[str, str] = {}
    alternatives: list[tuple[str, str]] = []
    for category, keywords in CATEGORY_KEYWORDS.items():
        for keyword in keywords:
            prefix = keyword.endswith("*")
            folded = _fold(keyword.rstrip("*"))
            category_of[folded] = category
            alternatives.append((folded, re.escape(folded) + ("" if prefix else r"\b")))
    alternatives.sort(key=lambda item: len(item[0]), reverse=True)
    pattern = re.compile(r"\b(?:" + "|".join(regex for _folded, regex in alternatives) + ")")
    return pattern, category_of


_KEYWORD_PATTERN, _KEYWORD_CATEGORY = _build_keyword_index()


@functools.lru_cache(maxsize=1024)
def guess_category(title: str) -> str:
    """The SectionCategory value a section title suggests, or "other".

    Keywords in English and Romanian are matched without regard to case or diacritics; when a
    title names two subjects, the keyword that comes first in the title decides.
    """
    match = _KEYWORD_PATTERN.search(_fold(title))
    if match is None:
        return SectionCategory.OTHER.value
    return _KEYWORD_CATEGORY[match[0]]

"""Guessing a section's category from its title. No database needed."""

from __future__ import annotations

import pytest

from codes.importing.categories import CATEGORY_KEYWORDS, guess_category
from codes.models import SectionCategory
from codes.tests.importing.helpers import parse

# ---------------------------------------------------------------------------
# Categories
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "category"),
    [
        ("Professional standards", "professionalism"),
        ("Honesty with customers", "integrity"),
        ("Response times", "responsiveness"),
        ("GDPR and data protection", "privacy"),
        ("Equal treatment", "fairness"),
        ("Non-discrimination", "fairness"),
        ("Handling disputes", "conflict_resolution"),
        ("Product knowledge", "product_knowledge"),
        ("Tone of voice", "communication"),
        ("Feedback from customers", "continuous_improvement"),
        ("Personal responsibility", "accountability"),
        ("Ethical selling", "ethics"),
        ("Conflicts of interest", "ethics"),
        ("Behavior on social media", "behaviour"),
        ("Service delivery standards", "service_delivery"),
        ("Complaints", "complaint_handling"),
        ("Professional development", "training"),
        ("KPIs we track", "performance"),
    ],
)
def test_guess_category_matches_english_keywords(title, category):
    assert guess_category(title) == category


@pytest.mark.parametrize(
    ("title", "category"),
    [
        ("Profesionalism", "professionalism"),
        ("Integritate și onestitate", "integrity"),
        ("Promptitudine", "responsiveness"),
        ("Confidențialitatea datelor", "privacy"),
        ("Confidentialitatea datelor", "privacy"),
        ("Confidenţialitatea datelor", "privacy"),
        ("Protecția datelor", "privacy"),
        ("Echitate și nediscriminare", "fairness"),
        ("Rezolvarea conflictelor", "conflict_resolution"),
        ("Cunoașterea produselor", "product_knowledge"),
        ("Comunicare", "communication"),
        ("Îmbunătățire continuă", "continuous_improvement"),
        ("Responsabilitate", "accountability"),
        ("Etică", "ethics"),
        ("Comportament", "behaviour"),
        ("Livrarea serviciilor", "service_delivery"),
        ("Furnizarea serviciilor", "service_delivery"),
        ("Reclamații", "complaint_handling"),
        ("Plângeri", "complaint_handling"),
        ("Instruire", "training"),
        ("Formare profesională", "training"),
        ("Indicatori de performanță", "performance"),
        ("PERFORMANTA", "performance"),
    ],
)
def test_guess_category_matches_romanian_keywords_with_or_without_diacritics(title, category):
    assert guess_category(title) == category


@pytest.mark.parametrize(
    ("title", "category"),
    [
        ("Complaint handling and conflict resolution", "complaint_handling"),
        ("Conflict resolution and complaint handling", "conflict_resolution"),
        ("Tratarea reclamațiilor și rezolvarea conflictelor", "complaint_handling"),
        ("Conflict of interest and gifts", "ethics"),
    ],
)
def test_guess_category_picks_the_keyword_that_comes_first_in_the_title(title, category):
    assert guess_category(title) == category


@pytest.mark.parametrize("category", [choice for choice in SectionCategory if choice != SectionCategory.OTHER])
def test_guess_category_recognises_every_category_label(category):
    assert guess_category(str(category.label)) == category.value


@pytest.mark.parametrize("title", ["Introduction", "Scope", "Domeniu de aplicare", "Milestones", ""])
def test_guess_category_is_other_without_a_keyword(title):
    assert guess_category(title) == "other"


def test_every_keyword_belongs_to_one_category_and_every_category_exists():
    keywords = [keyword.rstrip("*") for words in CATEGORY_KEYWORDS.values() for keyword in words]

    assert len(keywords) == len(set(keywords))
    assert set(CATEGORY_KEYWORDS) == set(SectionCategory.values) - {"other"}


def test_sections_get_guessed_categories_and_the_introduction_is_other():
    sections = parse("Why this matters: customers trust us.\n\n1. Privacy\n\nLock your screen.\n")

    assert [(section.title, section.category) for section in sections] == [
        ("Introduction", "other"),
        ("Privacy", "privacy"),
    ]

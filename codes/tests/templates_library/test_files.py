"""The built-in templates' files: each one valid, in English and Romanian, and the checks that refuse a bad one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codes.models import SectionCategory
from codes.templates_library.files import BUILTIN_DIRECTORY, TemplateFileError, builtin_templates, read_template_file

BUILTIN_FILES = sorted(BUILTIN_DIRECTORY.glob("*.json"))


def test_the_library_has_the_three_templates() -> None:
    assert [path.stem for path in BUILTIN_FILES] == [
        "acceptable-use-policy",
        "code-of-practice",
        "customer-service-code",
    ]


@pytest.mark.parametrize("path", BUILTIN_FILES, ids=lambda path: path.stem)
def test_each_builtin_template_is_valid_in_english_and_romanian(path: Path) -> None:
    templates = {template.language: template for template in read_template_file(path)}

    assert set(templates) == {"en", "ro"}
    english, romanian = templates["en"], templates["ro"]
    assert len(english.sections) == len(romanian.sections) >= 5
    assert all(section.category in SectionCategory.values for section in english.sections + romanian.sections)
    assert english.name != romanian.name
    # A few sentences an organisation can start from, not a placeholder.
    assert all(len(section.body) >= 200 for section in english.sections + romanian.sections)


def test_the_customer_service_code_has_the_ten_sections_of_such_a_code() -> None:
    code = read_template_file(BUILTIN_DIRECTORY / "customer-service-code.json")[0]

    assert [section.category for section in code.sections] == [
        "professionalism",
        "integrity",
        "responsiveness",
        "privacy",
        "fairness",
        "conflict_resolution",
        "product_knowledge",
        "communication",
        "continuous_improvement",
        "accountability",
    ]


def test_the_code_of_practice_is_built_on_the_seven_components() -> None:
    code = read_template_file(BUILTIN_DIRECTORY / "code-of-practice.json")[0]

    assert [section.category for section in code.sections] == [
        "ethics",
        "communication",
        "behaviour",
        "service_delivery",
        "complaint_handling",
        "training",
        "performance",
    ]


def test_the_romanian_texts_are_written_with_romanian_letters_and_the_comma_below() -> None:
    romanian = " ".join(
        f"{template.name} {template.description} " + " ".join(f"{s.title} {s.body}" for s in template.sections)
        for template in builtin_templates()
        if template.language == "ro"
    )

    assert set("ășțâîȘȚĂÂÎ") & set(romanian) >= set("ășțâî")
    # ş and ţ with a cedilla are the Turkish letters that old keyboards typed in their place.
    assert not set("şţŞŢ") & set(romanian)


def write(directory: Path, key: str, languages: dict) -> Path:
    path = directory / f"{key}.json"
    path.write_text(json.dumps({"key": key, "languages": languages}), encoding="utf-8")
    return path


def text(*categories: str) -> dict:
    return {
        "name": "Rules",
        "description": "A few rules.",
        "sections": [{"category": category, "title": category.title(), "body": "Be kind."} for category in categories],
    }


def test_a_file_is_read_once_per_language(tmp_path: Path) -> None:
    path = write(tmp_path, "rules", {"en": text("privacy", "other"), "ro": text("privacy", "other")})

    templates = read_template_file(path)

    assert [(t.key, t.language, len(t.sections)) for t in templates] == [("rules", "en", 2), ("rules", "ro", 2)]


def test_a_section_of_an_unknown_category_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "rules", {"en": text("privacy", "kindness")})

    with pytest.raises(TemplateFileError, match=r"rules.json, en, section 2: the category 'kindness' is not one of"):
        read_template_file(path)


def test_languages_with_different_sections_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "rules", {"en": text("privacy", "other"), "ro": text("privacy")})

    with pytest.raises(TemplateFileError, match="its languages must have the same sections"):
        read_template_file(path)


def test_a_language_the_portal_does_not_speak_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "rules", {"en": text("privacy"), "de": text("privacy")})

    with pytest.raises(TemplateFileError, match=r"rules\.json, de: not one of the portal's languages"):
        read_template_file(path)


def test_a_file_whose_key_is_not_its_name_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "rules.json"
    path.write_text(json.dumps({"key": "other", "languages": {"en": text("privacy")}}), encoding="utf-8")

    with pytest.raises(TemplateFileError, match='its "key" must be its file name'):
        read_template_file(path)


def test_an_empty_body_is_refused(tmp_path: Path) -> None:
    languages = {"en": text("privacy")}
    languages["en"]["sections"][0]["body"] = "  "
    path = write(tmp_path, "rules", languages)

    with pytest.raises(TemplateFileError, match="section 1, body: must be a text that is not empty"):
        read_template_file(path)


def test_a_file_that_is_not_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "rules.json"
    path.write_text("{not json", encoding="utf-8")

    with pytest.raises(TemplateFileError, match="not a UTF-8 JSON file"):
        read_template_file(path)

"""The built-in templates, as files in ``builtin/``: read and checked, never written.

Each file ``<key>.json`` holds one template in each of its languages::

    {"key": "<key>",
     "languages": {"en": {"name": "…", "description": "…",
                          "sections": [{"category": "privacy", "title": "…", "body": "Markdown…"}, …]},
                   "ro": {…}}}

A file is refused, naming itself and what is wrong, when its key is not its file name, a language is
not one of the portal's (settings.LANGUAGES), a name or section title is empty or too long for its
column, a body is empty, a category is not a SectionCategory, or its languages do not have the same
sections: a translation keeps the number, order and categories of the sections.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from codes.models import CodeTemplate, Section, SectionCategory

BUILTIN_DIRECTORY = Path(__file__).resolve().parent / "builtin"


class TemplateFileError(ValueError):
    """A built-in template's file is not a valid template; the message names the file and the fault."""


@dataclass(frozen=True)
class TemplateSection:
    category: str  # a SectionCategory value
    title: str
    body: str  # Markdown

    def as_json(self) -> dict[str, str]:
        return {"category": self.category, "title": self.title, "body": self.body}


@dataclass(frozen=True)
class BuiltinTemplate:
    key: str
    language: str
    name: str
    description: str
    sections: tuple[TemplateSection, ...]


def _text(value: Any, where: str, *, max_length: int | None = None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise TemplateFileError(f"{where}: must be a text that is not empty")
    if max_length is not None and len(value) > max_length:
        raise TemplateFileError(f"{where}: longer than {max_length} characters")
    return value.strip()


def _section(raw: Any, where: str) -> TemplateSection:
    if not isinstance(raw, dict):
        raise TemplateFileError(f"{where}: must be an object with a category, a title and a body")
    category = raw.get("category")
    if category not in SectionCategory.values:
        raise TemplateFileError(f"{where}: the category {category!r} is not one of {', '.join(SectionCategory.values)}")
    title_length = Section._meta.get_field("title").max_length
    return TemplateSection(
        category=category,
        title=_text(raw.get("title"), f"{where}, title", max_length=title_length),
        body=_text(raw.get("body"), f"{where}, body"),
    )


def read_template_file(path: Path) -> list[BuiltinTemplate]:
    """The template in `path`, once per language it is written in; TemplateFileError when it is not valid."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise TemplateFileError(f"{path.name}: not a UTF-8 JSON file ({error})") from None
    if not isinstance(data, dict) or data.get("key") != path.stem:
        raise TemplateFileError(f'{path.name}: its "key" must be its file name without .json, {path.stem!r}')
    languages = data.get("languages")
    if not isinstance(languages, dict) or not languages:
        raise TemplateFileError(f'{path.name}: "languages" must hold the template\'s text in at least one language')
    known = dict(settings.LANGUAGES)
    name_length = CodeTemplate._meta.get_field("name").max_length
    found = []
    for language, text in languages.items():
        where = f"{path.name}, {language}"
        if language not in known:
            raise TemplateFileError(f"{where}: not one of the portal's languages ({', '.join(known)})")
        if not isinstance(text, dict) or not isinstance(text.get("sections"), list) or not text["sections"]:
            raise TemplateFileError(f"{where}: must have a name, a description and a list of sections")
        found.append(
            BuiltinTemplate(
                key=path.stem,
                language=language,
                name=_text(text.get("name"), f"{where}, name", max_length=name_length),
                description=_text(text.get("description"), f"{where}, description"),
                sections=tuple(
                    _section(raw, f"{where}, section {number}") for number, raw in enumerate(text["sections"], 1)
                ),
            )
        )
    categories = {template.language: [s.category for s in template.sections] for template in found}
    if len({tuple(listed) for listed in categories.values()}) > 1:
        raise TemplateFileError(
            f"{path.name}: its languages must have the same sections, in the same order and with the same "
            f"categories; found {categories}"
        )
    return found


def builtin_templates(directory: Path = BUILTIN_DIRECTORY) -> list[BuiltinTemplate]:
    """Every built-in template in every language, file by file in the order of their names."""
    return [template for path in sorted(directory.glob("*.json")) for template in read_template_file(path)]

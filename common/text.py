"""Finding a piece of text in free text whatever its case, as people type names."""

from __future__ import annotations

import json
import re

from django.db import connection


def spellings(text: str, mention: str) -> list[str]:
    """Each way `text` writes `mention`, whatever its case ("ZENOBIA QUILLFEATHER", "zenobia quillfeather"), once."""
    return list(dict.fromkeys(re.findall(re.escape(mention), text, flags=re.IGNORECASE)))


def replace_any_case(text: str, mention: str, replacement: str) -> str:
    """`text` with every spelling of `mention`, whatever its case, replaced."""
    return re.sub(re.escape(mention), lambda _match: replacement, text, flags=re.IGNORECASE)


def as_in_json_column(value: str) -> str:
    """How a JSON column cast to text in this database writes `value` inside a string: PostgreSQL's jsonb as
    UTF-8, Django's JSON text on SQLite with every character beyond ASCII escaped."""
    return json.dumps(value, ensure_ascii=connection.vendor != "postgresql")[1:-1]


def replace_in_json(value: object, mention: str, replacement: str) -> object:
    """A JSON value (a webhook's data, an audit event's details) with `mention` replaced, whatever its case, in
    every string and key it holds."""
    text = json.dumps(value, ensure_ascii=False)
    return json.loads(replace_any_case(text, json.dumps(mention, ensure_ascii=False)[1:-1], replacement))

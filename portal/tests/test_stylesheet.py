"""The portal's stylesheet styles only what the pages use: a rule that no template or script names is dead."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from codes.diff import ChangeKind

ROOT = Path(settings.BASE_DIR)


def _stylesheet_classes() -> set[str]:
    css = re.sub(r"/\*.*?\*/", "", (ROOT / "static/css/portal.css").read_text(), flags=re.S)
    return set(re.findall(r"\.([a-zA-Z][\w-]*)", css))


def _pages_and_scripts() -> str:
    files = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("templates/**/*.txt"), *ROOT.glob("static/js/**/*.js")]
    # Classes a template builds from a value: `diff-{{ change.kind }}`.
    built = " ".join(f"diff-{kind}" for kind in ChangeKind)
    return "\n".join([built, *(path.read_text() for path in files)])


def test_every_class_the_stylesheet_styles_is_used_by_a_page_or_script() -> None:
    used = _pages_and_scripts()

    unused = {name for name in _stylesheet_classes() if not re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", used)}

    assert unused == set()

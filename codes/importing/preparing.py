"""Before splitting: the text's lines, with front matter skipped, page numbers dropped and fenced code marked.

* A YAML front-matter block at the very top (``---`` … ``key: value`` … ``---``) is skipped.
* Page numbers (``Page 3 of 7``, ``Pagina 3 din 7``, ``- 3 -``) are dropped, and trailing spaces.
* Fenced code blocks (```` ``` ````, ``~~~``) that are closed again are marked, so that nothing
  inside them starts a section; a fence that is never closed is not a fence.
"""

from __future__ import annotations

import re

from codes.importing.lines import is_page_number

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")


def prepare_lines(text: str) -> tuple[list[str], list[bool]]:
    """Lines without trailing spaces and without page numbers, and for each whether it is fenced code."""
    raw_lines = [raw.rstrip() for raw in text.split("\n")]
    raw_lines = raw_lines[_front_matter_end(raw_lines) :]
    closable = _closable_fences(raw_lines)
    lines: list[str] = []
    fenced: list[bool] = []
    fence: str | None = None  # the fence of the code block the line is in, if it is in one
    for index, line in enumerate(raw_lines):
        if fence is not None:
            in_code = True
            if line.strip().startswith(fence) and line.strip().strip(fence[0]) == "":
                fence = None
        elif (opening := _fence_opening(line)) is not None and closable[index] >= len(opening):
            fence, in_code = opening, True
        elif is_page_number(line):
            continue
        else:
            in_code = False
        lines.append(line)
        fenced.append(in_code)
    return lines, fenced


def _front_matter_end(lines: list[str]) -> int:
    """Where the text starts after a YAML front-matter block ("---", "key: value" lines, "---"), if any."""
    if not lines or lines[0] != "---":
        return 0
    for index in range(1, min(len(lines), 100)):
        line = lines[index]
        if line in ("---", "..."):
            return index + 1 if index > 1 else 0
        if line and ":" not in line and line[0] not in " \t-#":
            return 0
    return 0


def _fence_opening(line: str) -> str | None:
    """The fence ("```", "~~~~", …) a line opens, if it has the shape of an opening fence."""
    if line[:4].lstrip(" ")[:1] not in ("`", "~"):
        return None
    opening = _FENCE.match(line)
    if not opening or (opening[1][0] == "`" and "`" in line[opening.end() :]):
        return None
    return opening[1]


def _closable_fences(lines: list[str]) -> list[int]:
    """For each line, the longest closing fence of its own character that comes after it (0 if none).

    A fence that is never closed is not a fence: a line of "~~~~~" under a title in a text file
    must not turn the rest of the document into code.
    """
    longest_after = {"`": 0, "~": 0}
    closable = [0] * len(lines)
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        fence = _fence_opening(line)
        if fence is None:
            continue
        closable[index] = longest_after[fence[0]]
        stripped = line.strip()
        if not stripped.strip(fence[0]):
            longest_after[fence[0]] = max(longest_after[fence[0]], len(stripped))
    return closable

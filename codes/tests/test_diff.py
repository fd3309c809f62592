"""Comparing two versions of a code: which sections changed, and which words."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import Any

import pytest

from codes.diff import (
    ChangeKind,
    SectionChange,
    VersionDiff,
    WordChange,
    diff_rendered,
    diff_summary,
    diff_versions,
    diff_words,
    render_changes,
    same_text,
    word_changes,
)
from common.tests.timing import growth


@dataclass(frozen=True)
class S:
    key: Any
    position: int
    category: str
    title: str
    body: str


def section(title: str, body: str = "", *, position: int = 0, category: str = "conduct", key: Any = None) -> S:
    return S(key=key or uuid.uuid4(), position=position, category=category, title=title, body=body)


def renumbered(sections: list[S]) -> list[S]:
    """The sections in this order, positions 1, 2, 3…"""
    return [replace(item, position=index) for index, item in enumerate(sections, start=1)]


def kinds(diff: VersionDiff) -> list[tuple[str, str]]:
    return [(change.kind.value, (change.new or change.old).title) for change in diff.changes]


def only(diff: VersionDiff, kind: ChangeKind) -> SectionChange:
    [change] = [change for change in diff.changes if change.kind is kind]
    return change


@pytest.fixture
def old() -> list[S]:
    return renumbered(
        [
            section("Respect", "We treat everyone with respect.\n\nNo insults, no shouting."),
            section("Confidentiality", "Customer data stays inside the company."),
            section("Gifts", "Gifts above 50 lei are declared.", category="integrity"),
            section("Reporting", "Report concerns to your manager or to the ethics line."),
        ]
    )


# --- versions ------------------------------------------------------------------


def test_identical_versions_have_no_changes(old):
    diff = diff_versions(old, list(old))

    assert [change.kind for change in diff.changes] == [ChangeKind.UNCHANGED] * 4
    assert not diff.has_changes
    assert (diff.added, diff.removed, diff.changed, diff.moved) == (0, 0, 0, 0)
    assert diff.changes[0].body_html == "We treat everyone with respect.\n\nNo insults, no shouting."
    assert diff.changes[0].title_html == "Respect"


def test_line_endings_and_trailing_spaces_alone_are_no_change(old):
    new = list(old)
    new[0] = replace(old[0], body="We treat everyone with respect.   \r\n\r\nNo insults, no shouting.\t")

    diff = diff_versions(old, new)

    assert not diff.has_changes
    assert diff.changes[0].body_html == "We treat everyone with respect.\n\nNo insults, no shouting."


def test_changed_word_is_marked_in_place_and_the_rest_left_alone(old):
    new = list(old)
    new[1] = replace(old[1], body="Customer data stays inside the group.")

    diff = diff_versions(old, new)

    change = diff.changes[1]
    assert change.kind is ChangeKind.CHANGED
    assert change.old is old[1]
    assert change.new is new[1]
    assert change.body_html == "Customer data stays inside the <del>company</del><ins>group</ins>."
    assert not change.title_changed
    assert not change.category_changed
    assert not change.moved
    assert change.title_html == "Confidentiality"
    assert [c.kind for c in diff.changes] == [ChangeKind.UNCHANGED, ChangeKind.CHANGED] + [ChangeKind.UNCHANGED] * 2


def test_section_added_in_the_middle_moves_nobody(old):
    new = renumbered([old[0], old[1], section("Social media", "Speak for yourself, not for the company."), *old[2:]])

    diff = diff_versions(old, new)

    assert kinds(diff) == [
        ("unchanged", "Respect"),
        ("unchanged", "Confidentiality"),
        ("added", "Social media"),
        ("unchanged", "Gifts"),
        ("unchanged", "Reporting"),
    ]
    added = only(diff, ChangeKind.ADDED)
    assert added.old is None
    assert added.title_html == "<ins>Social media</ins>"
    assert added.body_html == "<ins>Speak for yourself, not for the company.</ins>"
    assert diff.moved == 0
    assert diff.has_changes


def test_removed_section_is_placed_where_it_stood(old):
    new = renumbered([old[0], old[1], old[3]])

    diff = diff_versions(old, new)

    assert kinds(diff) == [
        ("unchanged", "Respect"),
        ("unchanged", "Confidentiality"),
        ("removed", "Gifts"),
        ("unchanged", "Reporting"),
    ]
    removed = only(diff, ChangeKind.REMOVED)
    assert removed.new is None
    assert removed.title_html == "<del>Gifts</del>"
    assert removed.body_html == "<del>Gifts above 50 lei are declared.</del>"
    assert diff.moved == 0


def test_removed_first_section_opens_the_list(old):
    diff = diff_versions(old, renumbered(old[1:]))

    assert kinds(diff)[0] == ("removed", "Respect")
    assert diff.moved == 0


def test_two_swapped_sections_report_exactly_one_move(old):
    new = renumbered([old[0], old[2], old[1], old[3]])

    diff = diff_versions(old, new)

    assert [change.new.title for change in diff.changes] == ["Respect", "Gifts", "Confidentiality", "Reporting"]
    assert all(change.kind is ChangeKind.UNCHANGED for change in diff.changes)
    assert diff.moved == 1
    assert sum(change.moved for change in diff.changes) == 1
    assert diff.has_changes


def test_section_moved_to_the_end_is_the_only_one_moved(old):
    new = renumbered([old[1], old[2], old[3], old[0]])

    diff = diff_versions(old, new)

    assert [(change.new.title, change.moved) for change in diff.changes] == [
        ("Confidentiality", False),
        ("Gifts", False),
        ("Reporting", False),
        ("Respect", True),
    ]


def test_section_moved_and_changed(old):
    moved = replace(old[3], body="Report concerns to your manager or to the ethics hotline.")
    new = renumbered([moved, old[0], old[1], old[2]])

    diff = diff_versions(old, new)

    first = diff.changes[0]
    assert first.kind is ChangeKind.CHANGED
    assert first.moved
    assert first.body_html.endswith("the ethics <del>line</del><ins>hotline</ins>.")
    assert [change.moved for change in diff.changes[1:]] == [False, False, False]
    assert (diff.changed, diff.moved) == (1, 1)


def test_renamed_section_keeps_its_key_and_shows_the_new_title(old):
    new = list(old)
    new[3] = replace(old[3], title="Reporting concerns")

    diff = diff_versions(old, new)

    change = diff.changes[3]
    assert change.kind is ChangeKind.CHANGED
    assert change.title_changed
    assert not change.category_changed
    assert change.title_html == "Reporting<ins> concerns</ins>"
    assert change.body_html == "Report concerns to your manager or to the ethics line."
    assert diff.added == diff.removed == 0


def test_category_change_alone(old):
    new = list(old)
    new[2] = replace(old[2], category="conflicts")

    diff = diff_versions(old, new)

    change = diff.changes[2]
    assert change.kind is ChangeKind.CHANGED
    assert change.category_changed
    assert not change.title_changed
    assert change.title_html == "Gifts"
    assert change.body_html == "Gifts above 50 lei are declared."
    assert "<ins>" not in change.body_html
    assert "<del>" not in change.body_html


def test_imported_draft_with_fresh_keys_is_matched_by_title(old):
    imported = renumbered(
        [
            section("  RESPECT ", old[0].body),
            section("Confidentiality", "Customer data stays inside the company and its partners."),
            section("Gifts", old[2].body, category="integrity"),
            section("Whistleblowing", "You are protected when you report in good faith."),
        ]
    )

    diff = diff_versions(old, imported)

    assert kinds(diff) == [
        ("changed", "  RESPECT "),
        ("changed", "Confidentiality"),
        ("unchanged", "Gifts"),
        ("removed", "Reporting"),
        ("added", "Whistleblowing"),
    ]
    respect = diff.changes[0]
    assert respect.old is old[0]
    assert respect.title_changed
    assert respect.body_html == old[0].body
    assert diff.changes[1].body_html == ("Customer data stays inside the company<ins> and its partners</ins>.")
    assert (diff.added, diff.removed, diff.changed, diff.moved) == (1, 1, 2, 0)


def test_key_given_as_text_matches_the_same_uuid(old):
    new = [replace(item, key=str(item.key)) for item in old]

    assert not diff_versions(old, new).has_changes


def test_key_wins_over_title(old):
    # The old "Gifts" section was renamed; a brand-new section took its old title.
    new = renumbered([*old[:2], replace(old[2], title="Presents"), old[3], section("Gifts", "A new rule.")])

    diff = diff_versions(old, new)

    assert kinds(diff) == [
        ("unchanged", "Respect"),
        ("unchanged", "Confidentiality"),
        ("changed", "Presents"),
        ("unchanged", "Reporting"),
        ("added", "Gifts"),
    ]


def test_sections_are_taken_in_position_order(old):
    shuffled_input = [old[2], old[0], old[3], old[1]]

    diff = diff_versions(old, shuffled_input)

    assert [change.new.title for change in diff.changes] == ["Respect", "Confidentiality", "Gifts", "Reporting"]
    assert not diff.has_changes


def test_html_in_bodies_and_titles_is_escaped():
    key = uuid.uuid4()
    old = [section("Tags & <b>bold</b>", "Never paste <script>alert(1)</script> here.", key=key)]
    new = [section("Tags & <i>bold</i>", "Never paste <script>alert(2)</script> here.", key=key)]

    change = diff_versions(old, new).changes[0]

    assert "<script>" not in change.body_html
    assert change.body_html == ("Never paste &lt;script&gt;alert(<del>1</del><ins>2</ins>)&lt;/script&gt; here.")
    assert change.title_html == "Tags &amp; &lt;<del>b</del><ins>i</ins>&gt;bold&lt;/<del>b</del><ins>i</ins>&gt;"


def test_html_is_escaped_in_added_removed_and_unchanged_sections():
    kept = section("<kept>", "a < b")
    diff = diff_versions([kept, section("<gone>", "x & y", position=1)], [kept, section("<new>", '"q"', position=2)])

    assert [(change.title_html, change.body_html) for change in diff.changes] == [
        ("&lt;kept&gt;", "a &lt; b"),
        ("<del>&lt;gone&gt;</del>", "<del>x &amp; y</del>"),
        ("<ins>&lt;new&gt;</ins>", "<ins>&quot;q&quot;</ins>"),
    ]


def test_romanian_diacritics_are_kept_exactly():
    key = uuid.uuid4()
    old = [section("Conduită și integritate", "Tratăm pe toți colegii cu respect și bună-credință.", key=key)]
    new = [
        section("Conduită și integritate", "Tratăm pe toți colegii cu respect, onestitate și bună-credință.", key=key)
    ]

    change = diff_versions(old, new).changes[0]

    assert change.title_html == "Conduită și integritate"
    assert change.body_html == "Tratăm pe toți colegii cu respect<ins>, onestitate</ins> și bună-credință."


def test_cedilla_and_comma_below_are_different_letters():
    # "ş" (s with cedilla, U+015F) and "ș" (s with comma below, U+0219) look alike but are not the same.
    assert diff_words("şi", "și") == "<del>şi</del><ins>și</ins>"


def test_newlines_are_kept_inside_a_body_diff():
    key = uuid.uuid4()
    old = [section("Meetings", "Be on time.\n\n- Listen.\n- Do not interrupt.", key=key)]
    new = [section("Meetings", "Be on time.\n\n- Listen carefully.\n- Do not interrupt.\n- Take notes.", key=key)]

    change = diff_versions(old, new).changes[0]

    assert change.body_html == (
        "Be on time.\n\n- Listen<ins> carefully</ins>.\n- Do not interrupt.<ins>\n- Take notes.</ins>"
    )


def test_counts_add_up(old):
    new = renumbered(
        [
            replace(old[3], body="Report concerns to the ethics line."),  # moved and changed
            old[0],
            replace(old[2], title="Gifts and hospitality"),  # changed
            section("Social media", "Speak for yourself."),  # added
        ]
    )  # "Confidentiality" removed

    diff = diff_versions(old, new)

    assert (diff.added, diff.removed, diff.changed, diff.moved) == (1, 1, 2, 1)
    assert diff.has_changes
    assert len(diff.changes) == 5


def test_empty_versions():
    diff = diff_versions([], [])

    assert diff.changes == []
    assert not diff.has_changes


def test_added_section_with_empty_body_has_no_empty_markup():
    change = diff_versions([], [section("Placeholder")]).changes[0]

    assert change.body_html == ""
    assert change.title_html == "<ins>Placeholder</ins>"


def test_change_kinds_are_strings():
    assert ChangeKind.ADDED == "added"
    assert f"{ChangeKind.REMOVED}" == "removed"


# --- words -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("same text", "same text", "same text"),
        ("a b c", "a x c", "a <del>b</del><ins>x</ins> c"),
        ("keep this", "keep", "keep<del> this</del>"),
        ("keep", "keep this", "keep<ins> this</ins>"),
        ("", "new", "<ins>new</ins>"),
        ("old", "", "<del>old</del>"),
        ("the quick brown fox", "a slow red fox", "<del>the quick brown</del><ins>a slow red</ins> fox"),
        ("one\n\ntwo", "uno\n\ndos", "<del>one</del><ins>uno</ins>\n\n<del>two</del><ins>dos</ins>"),
    ],
)
def test_diff_words(old, new, expected):
    assert diff_words(old, new) == expected


def test_diff_words_never_emits_empty_markup():
    samples = ["", " ", "\n", "a", "a b", "a  b", "a\nb", "b a", "a b c d", "x\n\ny"]

    for old in samples:
        for new in samples:
            html = diff_words(old, new)
            assert "<ins></ins>" not in html
            assert "<del></del>" not in html


# --- speed -----------------------------------------------------------------------


def _body(seed: int, size: int = 2000) -> str:
    words = ["conduită", "respect", "colegi", "clienți", "date", "raportăm", "și", "the", "team", "<b>", "&"]
    out: list[str] = []
    index = seed
    length = 0
    while length < size:
        line = " ".join(words[(index * 7 + n * 3 + n * n) % len(words)] + str(n % 13) for n in range(12))
        out.append(line + ".")
        index += 1
        length += len(line) + 2
    return "\n".join(out)


def reworked(count: int) -> tuple[list, list]:
    """`count` sections of two kilobytes; in the new version a third are rewritten, a third edited, and
    every section is in reverse order."""
    old = [section(f"Section {n}", _body(n), position=n) for n in range(count)]
    new = []
    for n, item in enumerate(old):
        if n % 3 == 0:
            item = replace(item, body=_body(n + 1000))  # rewritten
        elif n % 3 == 1:
            item = replace(item, body=item.body.replace("colegi", "colege").replace("team", "echipa"))
        new.append(replace(item, position=count - n))
    return old, new


def test_fifty_reworked_sections_of_two_kilobytes_are_compared_section_by_section():
    old, new = reworked(50)
    assert sum(len(item.body) for item in old) > 100_000

    diff = diff_versions(old, new)

    assert len(diff.changes) == 50
    assert diff.changed == 34
    assert diff.moved == 49


def test_comparing_reworked_sections_takes_time_that_grows_linearly_with_their_number():
    quarter, whole = reworked(12), reworked(48)

    # Four times the sections: about four times the time when linear, sixteen when quadratic.
    assert growth(lambda: diff_versions(*quarter), lambda: diff_versions(*whole)) < 8


# --- the short diff of an audit event, and "the same text" -------------------


def test_the_summary_shows_only_what_changed_in_word_diff_notation() -> None:
    summary = diff_summary("Stay calm and courteous. Verify identity.", "Stay calm and kind. Verify identity twice.")

    assert summary == "[-courteous-]{+kind+} … {+twice+}"


def test_the_summary_of_nothing_changed_is_empty() -> None:
    assert diff_summary("Same text.", "Same text.") == ""


def test_the_summary_is_cut_at_its_limit() -> None:
    summary = diff_summary("", "word " * 100, limit=40)

    assert len(summary) == 40
    assert summary.startswith("{+word word")
    assert summary.endswith("…")


def test_the_same_titles_and_bodies_in_the_same_order_are_the_same_text() -> None:
    old = [section("Privacy", "Verify identity.\r\n", position=1), section("Gifts", "Refuse them.", position=2)]
    new = [
        section(" Privacy ", "Verify identity.  \n\n", position=1, category="other"),
        section("Gifts", "Refuse them.", position=2),
    ]

    assert same_text(old, new)


@pytest.mark.parametrize(
    "new",
    [
        renumbered([section("Gifts", "Refuse them."), section("Privacy", "Verify identity.")]),
        renumbered([section("Privacy", "Verify identity twice."), section("Gifts", "Refuse them.")]),
        renumbered([section("Confidentiality", "Verify identity."), section("Gifts", "Refuse them.")]),
        renumbered([section("Privacy", "Verify identity.")]),
    ],
    ids=["reordered", "body", "title", "removed"],
)
def test_a_change_of_order_body_title_or_sections_is_not_the_same_text(new) -> None:
    old = renumbered([section("Privacy", "Verify identity."), section("Gifts", "Refuse them.")])

    assert not same_text(old, new)


# --- punctuation is a token of its own ----------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # A changed word before a full stop: the word changed, the full stop did not.
        ("Serve our customers.", "Serve our clients.", "Serve our <del>customers</del><ins>clients</ins>."),
        # A comma added after a word, or taken away: only the comma.
        ("Be calm and kind.", "Be calm, and kind.", "Be calm<ins>,</ins> and kind."),
        ("Be calm, and kind.", "Be calm and kind.", "Be calm<del>,</del> and kind."),
        ("Is it done.", "Is it done?", "Is it done<del>.</del><ins>?</ins>"),
        ("(see below)", "(see above)", "(see <del>below</del><ins>above</ins>)"),
        ("e-mail", "email", "<del>e-mail</del><ins>email</ins>"),
        ("Version 1.2 applies", "Version 1.3 applies", "Version 1.<del>2</del><ins>3</ins> applies"),
    ],
)
def test_only_the_punctuation_or_the_word_that_changed_is_marked(old, new, expected):
    assert diff_words(old, new) == expected


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("Își asumă răspunderea, întâi.", "Își asumă răspunderea întâi.", "Își asumă răspunderea<del>,</del> întâi."),
        ("Ne pasă de clienți.", "Ne pasă de clienți, de colegi.", "Ne pasă de clienți<ins>, de colegi</ins>."),
        ("Înțelegem regulile.", "Înțelegem regulile!", "Înțelegem regulile<del>.</del><ins>!</ins>"),
        ("Tratăm colegii.", "Tratăm colegele.", "Tratăm <del>colegii</del><ins>colegele</ins>."),
        # A letter written as a base letter and a combining mark (s + U+0326) stays inside its word.
        ("s\u0327i", "s\u0326i", "<del>s\u0327i</del><ins>s\u0326i</ins>"),
        ("s\u0326i, apoi", "s\u0326i apoi", "s\u0326i<del>,</del> apoi"),
    ],
)
def test_romanian_letters_are_part_of_their_words(old, new, expected):
    assert diff_words(old, new) == expected


def test_markdown_markup_is_compared_apart_from_the_words_it_marks():
    assert diff_words("Be **calm**.", "Be **calm**, always.") == "Be **calm**<ins>, always</ins>."
    assert diff_words("Be *calm*.", "Be **calm**.") == "Be *<ins>*</ins>calm*<ins>*</ins>."
    assert diff_words("See [the code](/a).", "See [the code](/b).") == "See [the code](/<del>a</del><ins>b</ins>)."


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("Serve our customers.", "Serve our clients.", "<p>Serve our <del>customers</del><ins>clients</ins>.</p>\n"),
        ("Be **calm** and kind.", "Be **calm**, and kind.", "<p>Be <strong>calm</strong><ins>,</ins> and kind.</p>\n"),
        ("Ne pasă de clienți.", "Ne pasă de clienți!", "<p>Ne pasă de clienți<del>.</del><ins>!</ins></p>\n"),
        # An escaped character stays one token: a change beside it never cuts "&amp;" or "&lt;" in two.
        ("Tom & Jerry.", "Tom & Jerry!", "<p>Tom &amp; Jerry<del>.</del><ins>!</ins></p>\n"),
        ("A & B", "A and B", "<p>A <del>&amp;</del><ins>and</ins> B</p>\n"),
        # A sentence added after the last: the addition ends at its own full stop, not before the old one.
        (
            "Listen. Do not interrupt.",
            "Listen carefully. Do not interrupt. Take notes.",
            "<p>Listen<ins> carefully</ins>. Do not interrupt.<ins> Take notes.</ins></p>\n",
        ),
        ("x < y", "x <= y", "<p>x &lt;<ins>=</ins> y</p>\n"),
        (
            "Never <b>bold</b>.",
            "Never <i>bold</i>.",
            "<p>Never &lt;<del>b</del><ins>i</ins>&gt;bold&lt;/<del>b</del><ins>i</ins>&gt;.</p>\n",
        ),
    ],
)
def test_the_rendered_diff_marks_only_the_punctuation_that_changed(old, new, expected):
    assert diff_rendered(old, new) == expected


def test_the_pieces_rebuild_both_texts_whatever_the_punctuation():
    samples = [
        "",
        "a.",
        "a, b.",
        "a b.",
        "a.\nb.",
        "(a) b!",
        "**a**, b.",
        "și, ță.",
        "s\u0326i.",
        "a. b. c.",
        "..",
        ". a",
    ]

    for old in samples:
        for new in samples:
            changes = word_changes(old, new)
            assert "".join(change.unchanged + change.deleted for change in changes) == old
            assert "".join(change.unchanged + change.inserted for change in changes) == new


def test_the_rendered_diff_of_punctuation_stays_sanitised():
    html = diff_rendered("Click.", "Click<script>alert(1)</script>!")

    assert "<script>" not in html
    assert html == "<p>Click<del>.</del><ins>&lt;script&gt;alert(1)&lt;/script&gt;!</ins></p>\n"


# --- the same changes as pieces (what the API gives programs) ------------------


def test_word_changes_rebuild_both_texts_and_render_as_the_markup():
    old, new = "Gifts above 50 lei are declared.\nAsk first.", "Gifts above 100 lei are declared at once.\nAsk first."

    changes = word_changes(old, new)

    assert "".join(change.unchanged + change.deleted for change in changes) == old
    assert "".join(change.unchanged + change.inserted for change in changes) == new
    assert WordChange(deleted="50", inserted="100") in changes
    assert render_changes(changes) == diff_words(old, new)


def test_a_section_change_keeps_its_pieces_beside_its_markup(old):
    new = [*old[:3], section("Speaking up", "Raise it early.", position=5)]

    diff = diff_versions(old, new)

    added = only(diff, ChangeKind.ADDED)
    assert added.body_changes == [WordChange(inserted="Raise it early.")]
    assert added.body_html == "<ins>Raise it early.</ins>"
    assert only(diff, ChangeKind.REMOVED).title_changes == [WordChange(deleted="Reporting")]

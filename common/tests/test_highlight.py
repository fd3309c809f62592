from __future__ import annotations

from common.highlight import MATCH_END, MATCH_START, excerpt_around_matches, marked_html


def test_it_escapes_the_text_and_marks_the_matches():
    assert (
        marked_html(f"<b>{MATCH_START}gifts{MATCH_END}</b> & more")
        == "&lt;b&gt;<mark>gifts</mark>&lt;/b&gt; &amp; more"
    )


def test_a_stray_marker_typed_into_the_text_leaves_no_element_open():
    assert marked_html(f"a {MATCH_START}b") == "a <mark>b</mark>"


def test_the_excerpt_marks_every_word_case_insensitively_around_the_first_match():
    text = "x" * 200 + " Gifts and <i>gifts</i> " + "y" * 200

    excerpt = excerpt_around_matches(text, ["gifts"], context=20)

    assert excerpt == "…" + "x" * 19 + " <mark>Gifts</mark> and &lt;i&gt;<mark>gifts</mark>&lt;/i&gt; yy…"

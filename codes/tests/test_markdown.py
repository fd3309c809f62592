"""render_markdown: ordinary Markdown renders as expected, and hostile input never becomes live markup.

The safety checks parse the output rather than grepping it whole: text outside tags is escaped, so a body that
*mentions* ``javascript:`` or ``onclick=`` legitimately shows those words as text. What must never happen is a tag
or attribute outside the allow-list, an event handler, or a link whose scheme (as a browser parses it) is not
http, https or mailto.
"""

from __future__ import annotations

import html as html_lib
import re
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt

from codes.markdown import render_markdown, sanitise_html

# Written out again here, not imported, so the tests are an independent statement of what is allowed.
ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
FORBIDDEN_TAG_OPENINGS = (
    "<script", "<iframe", "<object", "<embed", "<svg", "<img", "<style", "<form", "<input", "<meta", "<link",
    "<math", "<base",
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "rel"}, "ol": {"start"}}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "content"}
EVENT_HANDLER = re.compile(r"\son\w+\s*=", re.IGNORECASE)
DANGEROUS_SCHEME = re.compile(r"^(javascript|vbscript|data|livescript):", re.IGNORECASE)
URL_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
ALLOWED_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer nofollow"


class _Elements(HTMLParser):
    """Every start tag in a fragment: its name, its (unescaped) attributes and its source text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str]], str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        source = self.get_starttag_text() or ""
        self.found.append((tag, [(name, value or "") for name, value in attrs], source))


def elements(fragment: str) -> list[tuple[str, list[tuple[str, str]], str]]:
    parser = _Elements()
    parser.feed(fragment)
    parser.close()
    return parser.found


def as_browser_reads_url(value: str) -> str:
    """An attribute value as a browser's URL parser sees it (WHATWG URL spec), lower-cased.

    Entities are decoded, leading/trailing controls and spaces are trimmed and tabs/newlines anywhere are removed:
    that is how ``jav&#x09;ascript:`` in raw HTML becomes ``javascript:``. Percent-escapes are *not* decoded before
    the scheme is read, so ``jav%09ascript:`` is a harmless relative path, not a script URL.
    """
    decoded = html_lib.unescape(value).strip("".join(map(chr, range(0x21))))
    return re.sub(r"[\t\n\r]", "", decoded).lower()


def assert_safe(output: str) -> None:
    lowered = output.lower()
    # Text outside tags is always escaped (``&lt;``), so any of these openings would be a real element.
    for opening in FORBIDDEN_TAG_OPENINGS:
        assert opening not in lowered, f"{opening} in {output!r}"

    for tag, attrs, source in elements(output):
        assert tag in ALLOWED_TAGS, f"<{tag}> in {output!r}"
        # Quoted values blanked, so a link title that merely says "onmouseover=" is not mistaken for a handler.
        attribute_names_only = re.sub(r'"[^"]*"', '""', source)
        assert not EVENT_HANDLER.search(attribute_names_only), f"event handler in {source!r}"
        assert "style=" not in attribute_names_only.lower(), f"style in {source!r}"
        for name, value in attrs:
            assert not name.lower().startswith("on"), f"{name} in {source!r}"
            assert name not in {"style", "class", "id", "src"}, f"{name} in {source!r}"
            assert name in ALLOWED_ATTRIBUTES.get(tag, set()), f"{name} in {source!r}"
            if name in URL_ATTRIBUTES:
                url = as_browser_reads_url(value)
                assert not DANGEROUS_SCHEME.match(url), f"{name}={value!r} in {source!r}"
                scheme = URL_SCHEME.match(url)
                assert scheme is None or scheme[1] in ALLOWED_SCHEMES, f"{name}={value!r} in {source!r}"


HOSTILE_INPUTS = [
    pytest.param("<script>alert(1)</script>", id="raw-script"),
    pytest.param("<SCRIPT SRC=https://evil.example/x.js></SCRIPT>", id="raw-script-uppercase-src"),
    pytest.param("<img src=x onerror=alert(1)>", id="img-onerror"),
    pytest.param("[x](javascript:alert(1))", id="md-link-javascript"),
    pytest.param("[x](JAVASCRIPT:alert(1))", id="md-link-javascript-uppercase"),
    pytest.param("[x](JaVaScRiPt:alert(1))", id="md-link-javascript-mixed-case"),
    pytest.param("[x](jav&#x09;ascript:alert(1))", id="md-link-javascript-tab-entity"),
    pytest.param("[x](&#106;avascript:alert(1))", id="md-link-javascript-decimal-entity"),
    pytest.param("[x](<javascript:alert(1)>)", id="md-link-javascript-angle-destination"),
    pytest.param("[x](%20javascript:alert(1))", id="md-link-javascript-leading-encoded-space"),
    pytest.param("[x](data:text/html;base64,PHNjcmlwdD4=)", id="md-link-data-html"),
    pytest.param("[x](vbscript:msgbox)", id="md-link-vbscript"),
    pytest.param('<a href="javascript:alert(1)">x</a>', id="raw-anchor-javascript"),
    pytest.param('<a href="jav&#x09;ascript:alert(1)">x</a>', id="raw-anchor-javascript-tab-entity"),
    pytest.param("<svg onload=alert(1)>", id="svg-onload"),
    pytest.param('<iframe src="https://evil">', id="iframe"),
    pytest.param('<div style="background:url(javascript:alert(1))">', id="div-style-javascript"),
    pytest.param('<p onclick="x()">hi</p>', id="p-onclick"),
    pytest.param("![img](javascript:alert(1))", id="md-image-javascript"),
    pytest.param("![img](https://example.com/a.png)", id="md-image-https"),
    pytest.param("![img](data:image/png;base64,iVBORw0KGgo=)", id="md-image-data-png"),
    pytest.param('<math><mi xlink:href="javascript:alert(1)">x</mi></math>', id="mathml-xlink"),
    pytest.param('<object data="x">', id="object"),
    pytest.param('<embed src="https://evil/x.swf">', id="embed"),
    pytest.param('<form action="https://evil"><input name=a></form>', id="form-input"),
    pytest.param('<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', id="meta-refresh"),
    pytest.param('<link rel="stylesheet" href="https://evil/x.css">', id="link-stylesheet"),
    pytest.param("[x][1]\n\n[1]: javascript:alert(1)", id="md-reference-link-javascript"),
    pytest.param('[x][1]\n\n[1]: https://ok.example "t" onmouseover="alert(1)"', id="md-reference-title-breakout"),
    pytest.param('[x](https://ok.example "t\\" onmouseover=\\"alert(1)")', id="md-link-title-breakout"),
    pytest.param("<javascript:alert(1)>", id="autolink-javascript"),
    pytest.param("<style>body{background:url(javascript:alert(1))}</style>", id="style-block"),
    pytest.param("<!-- <script>alert(1)</script> -->", id="comment-hiding-script"),
    pytest.param("<!--><script>alert(1)</script>-->", id="comment-early-close"),
    pytest.param("<scr<script>ipt>alert(1)</script>", id="nested-script"),
    pytest.param("<script>alert(1)", id="unclosed-script"),
    pytest.param('<a href="x" <script>alert(1)</script>>y</a>', id="tag-inside-tag"),
    pytest.param("```html\n<script>alert(1)</script>\n```", id="fenced-code-script"),
    pytest.param("    <script>alert(1)</script>", id="indented-code-script"),
    pytest.param("`<img src=x onerror=alert(1)>`", id="inline-code-img"),
    pytest.param("| a |\n|---|\n| <script>alert(1)</script> |", id="table-cell-script"),
    pytest.param("- <img src=x onerror=alert(1)>\n- [x](javascript:alert(1))", id="list-items"),
    pytest.param("<base href=javascript:/>", id="base-href"),
]


@pytest.mark.parametrize("source", HOSTILE_INPUTS)
def test_hostile_markdown_renders_to_safe_html(source: str) -> None:
    assert_safe(render_markdown(source))


# If someone ever turns raw HTML on in the renderer, nh3 must still hold on its own.
_RAW_HTML_RENDERER = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


@pytest.mark.parametrize("source", HOSTILE_INPUTS)
def test_sanitiser_alone_makes_raw_html_rendering_safe(source: str) -> None:
    assert_safe(sanitise_html(_RAW_HTML_RENDERER.render(source)))


def test_the_safety_check_itself_catches_live_markup() -> None:
    for unsafe in (
        '<a href="jav&#x09;ascript:alert(1)">x</a>',
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<a href="data:text/html,x">x</a>',
        '<p onclick="x()">x</p>',
        '<p style="color:red">x</p>',
        "<img src=x>",
        "<script>x</script>",
    ):
        with pytest.raises(AssertionError):
            assert_safe(unsafe)


def test_raw_html_is_shown_as_escaped_text_not_live_markup() -> None:
    output = render_markdown("<b onclick=x>bold</b>")

    assert "onclick" not in {name for _, attrs, _ in elements(output) for name, _ in attrs}
    assert "<b" not in output
    assert "&lt;b onclick=x&gt;bold&lt;/b&gt;" in output


def test_raw_html_through_the_sanitiser_keeps_text_and_drops_handlers() -> None:
    output = sanitise_html("<b onclick=x>bold</b>")

    assert "onclick" not in output
    assert output == "bold"


def test_it_drops_script_tags_with_their_content() -> None:
    assert sanitise_html("<p>before</p><script>alert(1)</script><p>after</p>") == "<p>before</p><p>after</p>"


def test_a_markdown_link_to_javascript_stays_plain_text() -> None:
    output = render_markdown("[click](javascript:alert(1))")

    assert "<a" not in output
    assert output == "<p>[click](javascript:alert(1))</p>\n"


def test_an_entity_smuggled_tab_in_a_markdown_link_becomes_a_harmless_relative_url() -> None:
    # markdown-it decodes &#x09; to a tab and then percent-encodes it, so the scheme never reads "javascript".
    output = render_markdown("[x](jav&#x09;ascript:alert(1))")

    assert output == f'<p><a href="jav%09ascript:alert(1)" rel="{LINK_REL}">x</a></p>\n'


def test_a_percent_encoded_space_before_javascript_is_a_harmless_relative_url() -> None:
    # Browsers read the scheme before decoding %-escapes: this resolves to a path on our own site, no script runs.
    output = render_markdown("[x](%20javascript:alert(1))")

    assert output == f'<p><a href="%20javascript:alert(1)" rel="{LINK_REL}">x</a></p>\n'


def test_an_entity_smuggled_tab_in_a_raw_html_link_loses_its_href() -> None:
    assert sanitise_html('<a href="jav&#x09;ascript:alert(1)">x</a>') == f'<a rel="{LINK_REL}">x</a>'


def test_an_image_produces_no_img_element() -> None:
    output = render_markdown("Logo: ![company logo](https://example.com/logo.png)")

    assert "<img" not in output
    assert output == "<p>Logo: </p>\n"


def test_bullets_stay_a_list() -> None:
    assert render_markdown("- Be kind\n- Be on time\n") == "<ul>\n<li>Be kind</li>\n<li>Be on time</li>\n</ul>\n"


def test_bold_and_emphasis_render() -> None:
    assert render_markdown("**Always** be *polite*") == "<p><strong>Always</strong> be <em>polite</em></p>\n"


def test_strikethrough_renders() -> None:
    assert render_markdown("~~old rule~~") == "<p><s>old rule</s></p>\n"


def test_a_numbered_list_keeps_its_numbering() -> None:
    assert render_markdown("1. First\n2. Second\n") == "<ol>\n<li>First</li>\n<li>Second</li>\n</ol>\n"
    assert render_markdown("3. Third\n4. Fourth\n").startswith('<ol start="3">\n<li>Third</li>')


def test_a_table_renders_without_inline_styles() -> None:
    output = render_markdown("| Rule | Applies |\n|:-----|--------:|\n| Dress code | Everyone |\n")

    assert output == (
        "<table>\n<thead>\n<tr>\n<th>Rule</th>\n<th>Applies</th>\n</tr>\n</thead>\n"
        "<tbody>\n<tr>\n<td>Dress code</td>\n<td>Everyone</td>\n</tr>\n</tbody>\n</table>\n"
    )


def test_headings_are_kept_at_their_level() -> None:
    assert render_markdown("# Title\n\n###### Small") == "<h1>Title</h1>\n<h6>Small</h6>\n"


def test_quotes_rules_and_line_breaks_render() -> None:
    assert render_markdown("a  \nb\n\n---\n\n> quoted") == (
        "<p>a<br>\nb</p>\n<hr>\n<blockquote>\n<p>quoted</p>\n</blockquote>\n"
    )


def test_code_blocks_escape_their_content_and_lose_the_language_class() -> None:
    output = render_markdown("```html\n<b>x</b>\n```")

    assert output == "<pre><code>&lt;b&gt;x&lt;/b&gt;\n</code></pre>\n"


def test_an_https_link_keeps_its_href_and_gets_a_safe_rel() -> None:
    output = render_markdown('[HR policy](https://intranet.example.com/hr?a=1&b=2 "Policy")')

    assert output == (
        f'<p><a href="https://intranet.example.com/hr?a=1&amp;b=2" title="Policy" rel="{LINK_REL}">HR policy</a></p>\n'
    )


def test_an_autolink_and_a_mailto_link_are_kept() -> None:
    assert render_markdown("<https://example.com>") == (
        f'<p><a href="https://example.com" rel="{LINK_REL}">https://example.com</a></p>\n'
    )
    assert render_markdown("[HR](mailto:hr@example.com)") == (
        f'<p><a href="mailto:hr@example.com" rel="{LINK_REL}">HR</a></p>\n'
    )


def test_a_link_with_a_scheme_outside_the_allow_list_loses_its_href() -> None:
    assert render_markdown("[files](ftp://example.com/x)") == f'<p><a rel="{LINK_REL}">files</a></p>\n'


def test_bare_urls_are_not_linkified() -> None:
    assert render_markdown("see www.example.com") == "<p>see www.example.com</p>\n"


def test_romanian_diacritics_survive_exactly() -> None:
    text = "Șeful de tură și colegii: ă â î ș ț Ă Â Î Ș Ț"

    assert render_markdown(text) == f"<p>{text}</p>\n"


def test_it_returns_a_plain_str_not_a_safe_string() -> None:
    assert type(render_markdown("hello")) is str


def test_empty_input_renders_empty() -> None:
    assert render_markdown("") == ""

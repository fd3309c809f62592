"""What the browser journeys share: signing in, screenshots, the watch on each page, and axe-core."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any

from django.conf import settings
from playwright.sync_api import ConsoleMessage, Page, Request, Response, Route, expect

from codes import services as code_services
from codes.models import CodeVersion
from people.models import StaffProfile

# The factories' password, by name: mypy leaves the apps' test code out (see pyproject.toml), and a
# plain import would make it follow into people/tests/ and check them after all.
TEST_PASSWORD: str = import_module("people.tests.factories").TEST_PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
# Flags without which Chromium on a closed network spends its time on refused connections
# to Google's services (see ECOSYSTEM.md, "Browser tests").
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "e2e"
AXE_SCRIPT = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# axe-core is served from the page's own origin: the CSP (script-src 'self') refuses the inline
# <script> that page.add_script_tag(path=...) would write, and so it should.
AXE_URL_PATH = "/static/__axe.js"


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot as test-artifacts/e2e/<name>.png, for people to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


def sign_in(page: Page, profile: StaffProfile) -> None:
    """Sign in through the real login form, as a person would, and land on the home page."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(profile.user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"Welcome, "))
    assert_assets_loaded(page)


def sign_in_at_provider(page: Page, login: str) -> None:
    """Sign in on the local OpenID provider's own login page (it takes any password)."""
    page.get_by_placeholder("Enter any login").fill(login)
    page.get_by_placeholder("and password").fill("any password: the local provider checks none")
    page.get_by_role("button", name="Sign-in").click()


def assert_fits_the_screen(page: Page) -> None:
    """Nothing on the page is wider than the browser's window: no sideways scrolling on a phone."""
    # Measured once the stylesheets have taken effect: before, a table is as wide as its raw text.
    page.wait_for_load_state("load")
    width = page.viewport_size["width"] if page.viewport_size else 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def assert_nothing_scrolls_sideways(page: Page) -> None:
    """The page fits the screen, and so does every table in it: none is wider than its .table-responsive box,
    where what sticks out (a row's button) would be out of sight until the person scrolled that box."""
    assert_fits_the_screen(page)
    scrolled = page.evaluate(SCROLLED_SIDEWAYS)
    assert scrolled == [], f"{page.url}: {'; '.join(scrolled)}"


SCROLLED_SIDEWAYS = """() => [...document.querySelectorAll("body *")]
    .filter((element) => ["auto", "scroll"].includes(getComputedStyle(element).overflowX)
        && element.scrollWidth > element.clientWidth + 1)
    .map((element) => `<${element.tagName.toLowerCase()} class="${element.className}">: `
        + `${element.scrollWidth} px in ${element.clientWidth}, ${element.textContent.trim().slice(0, 50)}`)"""


def assert_assets_loaded(page: Page) -> None:
    """Bootstrap's CSS and JS, our CSS and htmx arrived from our own origin and took effect."""
    # The heading can show before the deferred scripts have run, when the browser fetches them
    # again rather than from its cache (as it does when the server's clock is not the browser's:
    # `pytest --clock`): wait for the page to have loaded.
    page.wait_for_load_state("load")
    loaded = page.evaluate(
        """() => ({
            bootstrapCss: getComputedStyle(document.body).display === "flex",
            portalCss: [...document.styleSheets].some((sheet) => (sheet.href || "").endsWith("/css/portal.css")),
            bootstrapJs: typeof window.bootstrap === "object",
            htmx: typeof window.htmx === "object",
        })"""
    )
    assert loaded == {"bootstrapCss": True, "portalCss": True, "bootstrapJs": True, "htmx": True}, loaded


@dataclass
class PageWatch:
    """Collects what should never happen on a page: CSP refusals, script errors, broken assets."""

    problems: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> Page:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        page.on("response", self._on_response)
        page.on("requestfailed", self._on_request_failed)
        return page

    def _on_console(self, message: ConsoleMessage) -> None:
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.problems.append(f"CSP: {text}")

    def _on_response(self, response: Response) -> None:
        # A page may answer 400 on purpose (a form with errors); what it loads may not fail.
        if response.status >= 400 and response.request.resource_type != "document":
            self.problems.append(f"{response.status} for {response.url}")

    def _on_request_failed(self, request: Request) -> None:
        # A link that turns into a download aborts its navigation; that is not a failure. Nor is a
        # request the browser itself abandoned (ERR_ABORTED) because the page moved on, such as
        # the favicon fetched again when its cached copy is stale (as under `pytest --clock`):
        # an asset that is missing or refused still fails as a status or a CSP report.
        if request.resource_type != "document" and request.failure != "net::ERR_ABORTED":
            self.problems.append(f"failed to load {request.url}: {request.failure}")


def serve_axe(page: Page) -> Page:
    """Let the page load axe-core from its own origin, the only place the CSP lets a script come from."""

    def fulfil(route: Route) -> None:
        route.fulfill(path=AXE_SCRIPT, content_type="text/javascript; charset=utf-8")

    page.route(f"**{AXE_URL_PATH}", fulfil)
    return page


def run_axe(page: Page) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is now (served by serve_axe); return its violations."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(url=AXE_URL_PATH)
    return page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")


def serious(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [violation for violation in violations if violation.get("impact") in ("serious", "critical")]


def describe(found: dict[str, list[dict[str, Any]]]) -> str:
    """Violations as a person reads them: each rule and element once, with the pages it is on."""
    grouped: dict[tuple[str, str], tuple[dict[str, Any], dict[str, Any], list[str]]] = {}
    for where, violations in found.items():
        for violation in violations:
            for node in violation["nodes"]:
                key = (violation["id"], node["html"])
                grouped.setdefault(key, (violation, node, []))[2].append(where)
    lines = []
    for violation, node, pages in grouped.values():
        summary = " ".join((node.get("failureSummary") or "").split())
        lines += [
            f"[{violation['impact']}] {violation['id']}: {violation['help']}",
            f"    element: {' '.join(map(str, node['target']))}  {' '.join(node['html'].split())[:160]}",
            f"    on: {', '.join(pages)}",
            f"    {summary[:400]}",
            f"    see {violation['helpUrl']}",
        ]
    return "\n".join(lines)


def publish_with_privacy_check(draft: CodeVersion, *, author: StaffProfile, approver: StaffProfile) -> CodeVersion:
    """Publish the draft with a question on its section 2 (Privacy), whose check must be passed with every answer
    right before signing. Questions asked of the draft before this stay in the check."""
    code_factories = import_module("codes.tests.factories")
    code_factories.ask(
        draft.sections.get(position=2),
        actor=author.user,
        text="Before sharing account details?",
        right=["Verify identity"],
        wrong=["Share at once"],
        explanation="Identity comes first.",
    )
    code_services.version_check_update(version=draft, actor=author.user, pass_mark=100, requires_pass=True)
    return code_factories.publish(draft, author=author.user, approver=approver.user)

"""Browser journeys against Django's live server, in Debian's Chromium (never a downloaded browser).

The live server runs in a thread of this process, on the test database; the tests make their data
through the app's services and factories, then act through the pages as people do.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from playwright.sync_api import BrowserContext, Page, Playwright, Route

from acknowledgements.models import AcknowledgementRequest
from codes.models import CodeVersion
from people.models import StaffProfile
from sso.config import provider_origins
from sso.tests.oidc import RunningProvider, running_provider

from .helpers import CHROMIUM, CHROMIUM_ARGS, PageWatch, serve_axe, sign_in

# Playwright's sync API keeps an event loop running in the test's thread, and Django refuses ORM
# calls from a thread with a running loop unless told that it is safe. It is here: the loop only
# waits for the browser, it never runs Django code concurrently with the test.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(
        reason=f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium); not installed here"
    )
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    # pytest-playwright would look for a browser it downloaded itself; this machine has Debian's.
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def _serialized_databases(django_db_setup: None) -> dict[str, str]:
    """The test databases' contents as Django serialized them for serialized_rollback."""
    return {
        connection.alias: connection._test_serialized_contents
        for connection in connections.all()
        if hasattr(connection, "_test_serialized_contents")
    }


@pytest.fixture(scope="session")
def playwright(_serialized_databases: dict[str, str], playwright: Playwright) -> Iterator[Playwright]:
    # Playwright's sync API leaves its asyncio loop running in this thread between calls, and while
    # a loop runs, Django keeps the thread's database connections in another (context-local)
    # storage: from here on, this thread gets new connection objects. Django put what
    # serialized_rollback restores (the roles, made by data migrations) on the old ones when it
    # created the test database, before the loop ran; without it on the new ones, the first
    # transactional test after the others would flush the roles for good.
    for alias, contents in _serialized_databases.items():
        connections[alias]._test_serialized_contents = contents  # type: ignore[attr-defined]
    yield playwright
    # The new connections would otherwise stay open, and PostgreSQL refuses to drop a database
    # that somebody is still connected to.
    for connection in connections.all(initialized_only=True):
        connection.close()


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any], live_server: Any) -> dict[str, Any]:
    return {
        **browser_context_args,
        "base_url": live_server.url,
        "locale": "en-GB",
        "viewport": {"width": 1280, "height": 900},
    }


@pytest.fixture
def page_watch() -> Iterator[PageWatch]:
    """Fails the test when any page it opened broke the CSP, threw a script error or lost an asset."""
    watch = PageWatch()
    yield watch
    assert watch.problems == [], "the pages had problems:\n" + "\n".join(watch.problems)


@pytest.fixture
def browser_as(new_context: Callable[..., BrowserContext], page_watch: PageWatch) -> Callable[[StaffProfile], Page]:
    """A browser of their own (own cookies) for each person, signed in through the login form."""

    def open_as(profile: StaffProfile) -> Page:
        page = page_watch.watch(new_context().new_page())
        sign_in(page, profile)
        return page

    return open_as


@pytest.fixture
def anonymous_page(new_context: Callable[..., BrowserContext], page_watch: PageWatch) -> Page:
    return page_watch.watch(new_context().new_page())


@pytest.fixture
def asked(agent: StaffProfile, published: CodeVersion) -> AcknowledgementRequest:
    """The agent's request to acknowledge version 1 (published to all staff, so to Support too).

    The agent is on the staff before version 1 is published: the publication asks them."""
    return AcknowledgementRequest.objects.select_related("version").get(version=published, person=agent)


@pytest.fixture(scope="session")
def browser_oidc_provider(live_server: Any) -> Iterator[RunningProvider]:
    """The real OpenID provider (sso/tests/oidc.py), with the live server registered as the portal's address."""
    with running_provider([live_server.url]) as provider:
        yield provider


@pytest.fixture
def sso_page(
    settings: Any,
    browser_oidc_provider: RunningProvider,
    new_context: Callable[..., BrowserContext],
    page_watch: PageWatch,
) -> Page:
    """A browser of its own, on a portal configured to sign in through the provider."""
    apps = browser_oidc_provider.settings()
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": apps}}
    # As settings.py allows each configured provider's origin as a form target.
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] += provider_origins(apps)
    settings.CONTENT_SECURITY_POLICY = policy
    page = serve_axe(page_watch.watch(new_context().new_page()))
    # The provider's built-in pages import a web font from Google, which this closed machine cannot
    # reach: answer with an empty style sheet so that the page watch sees only the portal's problems.
    page.route("https://fonts.googleapis.com/**", lambda route: _empty_css(route))
    return page


def _empty_css(route: Route) -> None:
    route.fulfill(status=200, content_type="text/css", body="")

"""Every link a person is shown opens for that person.

For each demo role the crawler starts at home and follows every internal `<a href>` of every page it
reaches, and fails on any link that answers 403, 404, 405 or 5xx. Links are GETs, which change
nothing (signing out is a form, so it is never followed). To stay fast it opens at most a few pages of
each kind: pages of one kind share one view and differ only in which object they show.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from people.demo import DEMO_ACCOUNTS
from people.tests.factories import StaffProfileFactory

pytestmark = pytest.mark.django_db

# How many pages of one kind (one view, one set of query parameters) the crawler opens, and how many
# of one view in all (the admin's lists combine their filters into thousands of addresses).
PAGES_OF_A_KIND = 3
PAGES_OF_A_VIEW = 10
# Downloads (PDF, CSV, XLSX) are slow to build; one of each kind tells whether the link works.
DOWNLOADS_OF_A_KIND = 1
NOT_FOLLOWED = ("/static/", "/media/", "/accounts/logout/", "/admin/logout/")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def links_on(html: str, base: str) -> list[str]:
    """The internal pages `html` links to, as paths with their query (fragments dropped)."""
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        url = urlsplit(urljoin(base, href))
        if url.scheme not in ("http", "https", "") or url.netloc not in ("", "testserver"):
            continue
        if url.path.startswith(NOT_FOLLOWED):
            continue
        found.append(url.path + (f"?{url.query}" if url.query else ""))
    return found


def kind_of(url: str) -> tuple[str, frozenset[str]]:
    parts = urlsplit(url)
    try:
        view = resolve(parts.path).view_name
    except Resolver404:
        view = parts.path
    return view, frozenset(name for name, _value in parse_qsl(parts.query))


@dataclass(frozen=True)
class DeadLink:
    url: str
    shown_on: str
    status: int


def crawl(client: Client) -> tuple[list[DeadLink], int]:
    """Follow links breadth-first from home; return the dead ones and how many pages were opened."""
    queue: deque[tuple[str, str]] = deque([("/", "(start)")])
    seen: set[str] = set()
    opened: Counter[tuple[str, frozenset[str]]] = Counter()
    opened_by_view: Counter[str] = Counter()
    dead = []
    while queue:
        url, shown_on = queue.popleft()
        kind = kind_of(url)
        if url in seen or opened[kind] >= PAGES_OF_A_KIND or opened_by_view[kind[0]] >= PAGES_OF_A_VIEW:
            continue
        seen.add(url)
        response = client.get(url)
        if response.streaming:
            # Downloaded to its end, as a browser does: the test client then closes the response, and with it
            # its file (an XLSX is built in a spooled file).
            b"".join(response.streaming_content)
        opened[kind] += 1
        opened_by_view[kind[0]] += 1
        if response.status_code in (301, 302, 303, 307, 308):
            queue.append((response["Location"], url))
            continue
        if response.status_code >= 400:
            dead.append(DeadLink(url, shown_on, response.status_code))
            continue
        if not response["Content-Type"].startswith("text/html"):
            opened[kind] = max(opened[kind], PAGES_OF_A_KIND - DOWNLOADS_OF_A_KIND + 1)
            continue
        queue.extend((link, url) for link in links_on(response.content.decode(), url))
    return dead, len(seen)


@pytest.mark.parametrize("username", [account.username for account in DEMO_ACCOUNTS])
def test_every_link_a_demo_account_is_shown_opens(client, demo_organisation, django_user_model, username) -> None:
    client.force_login(django_user_model.objects.get(username=username))

    dead, opened = crawl(client)

    assert opened > 10, "the crawler found too few pages to prove anything"
    assert dead == []


def test_every_link_shown_to_someone_without_a_role_opens(client, demo_organisation) -> None:
    client.force_login(StaffProfileFactory(user__username="norole").user)

    dead, _opened = crawl(client)

    assert dead == []

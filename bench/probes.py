"""What the steps measure with, inside a child process where Django is set up."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

# Django is imported inside the functions: the conductor imports the step modules without setting it up.
if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.test import Client


class QueryCounter:
    """Counts every query the default connection runs (CaptureQueriesContext keeps only the last 9,000)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


# One statement as the portal ran it: its SQL, its parameters, and whether it ran once per set of them.
Statement = tuple[str, Any, bool]


class QueryRecorder(QueryCounter):
    """Counts every query, and keeps each as run (`Statement`): to run them again alone, as their floor."""

    def __init__(self, keep: Callable[[str], bool] = lambda sql: True) -> None:
        super().__init__()
        self.keep = keep
        self.statements: list[Statement] = []

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict) -> Any:
        if self.keep(sql):
            self.statements.append((sql, params, many))
        return super().__call__(execute, sql, params, many, context)


@contextmanager
def counting_queries() -> Iterator[QueryCounter]:
    with _wrapped(QueryCounter()) as counter:
        yield counter


@contextmanager
def recording_queries(keep: Callable[[str], bool] = lambda sql: True) -> Iterator[QueryRecorder]:
    """Count every query; keep those whose SQL `keep` accepts (every one by default)."""
    with _wrapped(QueryRecorder(keep)) as recorder:
        yield recorder


Wrapper = TypeVar("Wrapper", bound=QueryCounter)


@contextmanager
def _wrapped(wrapper: Wrapper) -> Iterator[Wrapper]:
    from django.db import connection

    with connection.execute_wrapper(wrapper):
        yield wrapper


def run_raw(statements: Sequence[Statement]) -> tuple[float, int]:
    """Run `statements` again on the database driver's own cursor, reading every row they give, with no ORM or
    portal code around them; the seconds that took, and the rows they changed or gave. A floor: what the
    database alone takes for the very statements the portal ran. In the caller's transaction."""
    from django.db import connection

    connection.ensure_connection()
    rows = 0
    with connection.connection.cursor() as cursor:
        started = time.perf_counter()
        for sql, params, many in statements:
            if many:
                cursor.executemany(sql, params)
            else:
                cursor.execute(sql, params)
            rows += len(cursor.fetchall()) if cursor.description is not None else max(cursor.rowcount, 0)
        return time.perf_counter() - started, rows


def compliance_officer() -> User:
    """The first compliance officer: the role that sees every request, as the dashboard and exports are used."""
    from django.contrib.auth import get_user_model

    officer = get_user_model().objects.filter(groups__name="Compliance officer").order_by("pk").first()
    assert officer is not None, "the seeded organisation has no compliance officer"
    return officer


def signed_in_client(user: User) -> Client:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client

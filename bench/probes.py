"""What the steps measure with, inside a child process where Django is set up."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

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


@contextmanager
def counting_queries() -> Iterator[QueryCounter]:
    from django.db import connection

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        yield counter


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

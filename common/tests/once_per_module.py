"""Data made once for all the tests of a module, for module-scoped fixtures."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from django.db import transaction
from django.test import override_settings

Made = TypeVar("Made")

# Real hashers take ~0.3 s per sign-in; what they protect is not under test here.
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def made_once_for_the_module(django_db_blocker: Any, make: Callable[[], Made]) -> Iterator[Made]:
    """What `make()` makes, in a transaction that stays open for the module's tests and is rolled back after the
    last one: `yield from` it in a module-scoped fixture. Each test's own transaction nests in it as a savepoint,
    so what a test changes is gone before the next one, as with data it made itself. The data stays until the
    module's last test, seen by every test of the module: only for modules whose every test works on it."""
    with django_db_blocker.unblock(), transaction.atomic():
        # The test's autouse settings are not in force yet at module scope: the fast hasher, as they set it.
        with override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS):
            made = make()
        yield made
        transaction.set_rollback(True)

"""Cutting a long stream into batches, so that no sweep or loader holds the whole population at once."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

T = TypeVar("T")


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """`items` in lists of `size` (the last one shorter), read lazily: Python 3.12's `itertools.batched`,
    which we cannot use yet on 3.11."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch

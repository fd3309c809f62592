from __future__ import annotations

from common.chunks import batched


def test_it_cuts_a_stream_into_batches_the_last_one_shorter() -> None:
    assert list(batched(iter(range(7)), 3)) == [[0, 1, 2], [3, 4, 5], [6]]


def test_it_yields_nothing_for_nothing() -> None:
    assert list(batched([], 3)) == []

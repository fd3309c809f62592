"""Speed claims in tests, as ratios to a floor measured in the same test, never as seconds.

A bound in seconds fails whenever the machine is busy (other test runs, a CI neighbour). The CPU time
of this process, compared with the same work on a smaller input measured a moment before, says what
the test means, "it grows with its input no faster than it should", whatever else the machine does.
"""

from __future__ import annotations

import time
from collections.abc import Callable


def cpu_seconds(call: Callable[[], object]) -> float:
    """The CPU time this process spends in `call` (threads included, other processes not)."""
    started = time.process_time()
    call()
    return time.process_time() - started


def growth(small: Callable[[], object], large: Callable[[], object]) -> float:
    """How many times the CPU time of `large` is that of `small` (the floor, measured first).

    Each is run once beforehand, so that imports, caches and compiled patterns are not counted in
    either; a floor too short to measure counts as one millisecond.
    """
    small()
    large()
    floor = max(cpu_seconds(small), 0.001)
    return cpu_seconds(large) / floor

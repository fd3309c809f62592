"""For tests of what happens when several people (or workers) act at the same moment."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from celery._state import _set_task_join_will_block, task_join_will_block
from django.db import connections


def run_at_once(calls: Sequence[Callable[[], object]], *, timeout: float = 30) -> None:
    """Run each call in a thread of its own, all released together, and wait for them all.

    A barrier holds every thread until all have started, so the calls really overlap; each thread
    talks to the database on a connection of its own, closed when it ends (an open one would keep
    the test database from being dropped). A call records its own outcome; `timeout` is the wait
    for each thread, in seconds.
    """
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            call()
        finally:
            connections.close_all()

    # Celery's eager apply() sets a process-wide "a task is running" flag and puts back the value it found:
    # two threads interleaving leave it set, and every later result.get() in the process is refused ("Never
    # call result.get() within a task!"). The threads are gone when this returns: the flag is put back.
    join_blocked_before = task_join_will_block()
    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    _set_task_join_will_block(join_blocked_before)

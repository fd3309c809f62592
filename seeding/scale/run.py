"""One scale run's shared state: its options, the one random generator, the clock, the batch, the summary."""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone

from .loading import Rows
from .options import ScaleOptions, ScaleSummary


@dataclass
class ScaleRun:
    """What every step of a run reads and adds to. `log` receives a line per step, with its time.

    Every draw comes from `rng`, in the order the steps run, so the same options give the same organisation.
    """

    options: ScaleOptions
    log: Callable[[str], None]
    rng: random.Random
    now: datetime.datetime
    today: datetime.date
    # The run's number among the organisations in the database: its keys are SC<batch>-… and sc<batch>-….
    batch: int = 1
    summary: ScaleSummary = field(default_factory=ScaleSummary)
    step_started: float = field(default_factory=time.perf_counter)

    @classmethod
    def start(cls, options: ScaleOptions, *, log: Callable[[str], None]) -> ScaleRun:
        now = timezone.now()
        rng = random.Random(options.seed)  # noqa: S311 - not for security
        return cls(options=options, log=log, rng=rng, now=now, today=timezone.localdate(now))

    @property
    def tag(self) -> str:
        """The prefix of the batch's usernames; upper case, of its employee ids."""
        return f"sc{self.batch}"

    @property
    def name_suffix(self) -> str:
        """Appended to the names of a later batch's departments and courses, which must differ from the first's."""
        return "" if self.batch == 1 else f" ({self.batch})"

    def done(self, what: str) -> None:
        now = time.perf_counter()
        self.log(f"  {what} ({now - self.step_started:.1f} s)")
        self.step_started = now

    def rows(self, model: type[models.Model], columns: Sequence[str]) -> Rows:
        return Rows(model, columns, now=self.now)

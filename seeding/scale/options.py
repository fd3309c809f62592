"""What a scale run builds (its options and their limits), and the summary of what it built."""

from __future__ import annotations

from dataclasses import dataclass, field

# Share of people who completed a course at least once.
COMPLETED_SHARE = 0.85
SECTIONS_PER_VERSION = 10
DAYS_TO_ACKNOWLEDGE = 14
MIN_PEOPLE = 20
DEFAULT_PASSWORD = "scale-seed-password"  # noqa: S105 - a benchmark organisation's shared, printed password


@dataclass(frozen=True)
class ScaleOptions:
    people: int = 100_000
    documents: int = 20
    versions: int = 5
    signed_fraction: float = 0.75
    overdue_fraction: float = 0.10
    courses: int = 3
    seed: int = 1
    reminder_history: bool = True

    def problems(self) -> list[str]:
        """What is wrong with these options, in words for the person who typed them."""
        problems = []
        if self.people < MIN_PEOPLE:
            problems.append(f"--people must be at least {MIN_PEOPLE} (an organisation needs managers and teams).")
        if self.documents < 1:
            problems.append("--documents must be at least 1.")
        if self.versions < 1:
            problems.append("--versions must be at least 1.")
        if not 0 <= self.signed_fraction <= 1:
            problems.append("--signed-fraction must be between 0 and 1.")
        if not 0 <= self.overdue_fraction <= 1:
            problems.append("--overdue-fraction must be between 0 and 1.")
        if self.signed_fraction + self.overdue_fraction > 1 + 1e-9:
            problems.append("--signed-fraction and --overdue-fraction add up to more than 1.")
        if self.courses < 0:
            problems.append("--courses cannot be negative.")
        return problems


@dataclass
class ScaleSummary:
    batch: int = 1
    departments: int = 0
    people: int = 0
    managers: int = 0
    documents: int = 0
    versions: int = 0
    sections: int = 0
    requests: int = 0
    signed: int = 0
    pending: int = 0
    overdue: int = 0
    signatures: int = 0
    courses: int = 0
    completions: int = 0
    assignments: int = 0
    reminders: int = 0
    seconds: float = 0.0
    usernames: dict[str, str] = field(default_factory=dict)

"""The conductor's plumbing: its environment, its children, psql, and what it gathers for the table."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.report import Row

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_SERVER = "postgres://conduct_portal:conduct_portal@127.0.0.1:5432"

Result = dict[str, Any]


@dataclass
class Child:
    """A step's result, and the peak memory of the process that ran it."""

    result: Result
    peak_mb: float


@dataclass
class Bench:
    args: argparse.Namespace
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Wrong results, as opposed to slow ones: these fail a --smoke run too.
    problems: list[str] = field(default_factory=list)
    # Every child's step, its parameters and what it gave, in order: bench/run --curve reads its figures here.
    children: list[tuple[str, Result, Child]] = field(default_factory=list)
    # How long seed_scale took (bench.database), for the curve's record; None with --reuse.
    seed_seconds: float | None = None

    def __post_init__(self) -> None:
        self.server_url = os.environ.get("BENCH_POSTGRES_URL", DEFAULT_SERVER).rstrip("/")
        self.database_url = f"{self.server_url}/{self.args.database}"
        self.var_dir = Path(tempfile.gettempdir()) / f"{self.args.database}-var"
        # Without the caller's PGOPTIONS: a shell set up for the tests (synchronous_commit off) would
        # measure the portal with commits that do not wait for the disk, as no deployment runs.
        inherited = {name: value for name, value in os.environ.items() if name != "PGOPTIONS"}
        self.env = {
            **inherited,
            "DATABASE_URL": self.database_url,
            "DJANGO_SETTINGS_MODULE": "conduct_portal.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "bench-only-secret-key-for-a-throwaway-database",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_LOG_LEVEL": "WARNING",
            "CONDUCT_PORTAL_VAR_DIR": str(self.var_dir),
            "EMAIL_URL": "memorymail://",
            "CELERY_BROKER_URL": "memory://",
            # Nothing reads a task's result here; the settings' default, a folder under the var
            # directory, exists only with their default broker.
            "CELERY_RESULT_BACKEND": "cache+memory://",
            "PYTHONUNBUFFERED": "1",
        }

    def say(self, text: str) -> None:
        print(f"[bench {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)

    def run(self, command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.run(command, cwd=ROOT, env=self.env, check=True, text=True, **kwargs)  # noqa: S603

    def manage(self, *arguments: str) -> None:
        self.run([PYTHON, "manage.py", *arguments])

    def psql(self, *arguments: str) -> subprocess.CompletedProcess[str]:
        return self.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", *arguments], capture_output=True)

    def child(self, step: str, **params: Any) -> Child:
        """Run one step in a process of its own; its result, and its own peak memory from wait4()."""
        with tempfile.TemporaryFile("w+") as output:
            process = subprocess.Popen(  # noqa: S603
                [PYTHON, "-m", "bench", "--step", step, "--params", json.dumps(params)],
                cwd=ROOT,
                env=self.env,
                stdout=output,
                text=True,
            )
            _pid, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
            output.seek(0)
            text = output.read()
        if process.returncode != 0:
            raise SystemExit(f"bench: step {step} failed (exit {process.returncode}):\n{text[-3000:]}")
        # The last line of a child's stdout is its result (bench.steps.run_step).
        result = json.loads(text.strip().splitlines()[-1])
        outcome = Child(result=result, peak_mb=usage.ru_maxrss / 1024)
        self.children.append((step, params, outcome))
        return outcome

"""bench/run's command line, with the sizes that --smoke and --quick stand for."""

from __future__ import annotations

import argparse

DEFAULT_DATABASE = "conduct_portal_bench"
MEASUREMENTS = (
    "dashboard",
    "campaign",
    "search",
    "exports",
    "api",
    "publish",
    "sweep",
    "signing",
    "verify",
    "pack",
    "hr-import",
)


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    args = _parser().parse_args(argv)
    if args.smoke:
        _apply_smoke(args)
    if args.curve:
        _apply_curve(args)
    if args.cluster and not any(argument.startswith("--people") for argument in argv):
        args.people = 10_000
    if args.quick:
        args.people = min(args.people, 10_000)
        args.seconds = min(args.seconds, 10)
        args.fast_signatures = min(args.fast_signatures, 2000)
    return args


def _apply_smoke(args: argparse.Namespace) -> None:
    """CI's sizes, and a database of its own so that a smoke run never drops a kept full-size one."""
    args.people, args.documents, args.versions = 2000, 4, 2
    # Ten seconds of signing load, not fewer: a signature checks the password with the production
    # hasher, and on a busy two-core machine one check alone can take several seconds; a shorter
    # window then ends before the first signature returns and the run reports "0 signed".
    args.seconds, args.slow_signatures, args.fast_signatures = 10, 10, 300
    if args.database == DEFAULT_DATABASE:
        args.database = f"{DEFAULT_DATABASE}_smoke"


# The curve's shape per person, the same at every size: 2 documents and 1 course, so 2 requests, about 1.5
# signatures and 2 training rows a person. The defaults (20 documents, 3 courses) make 20,000,000 requests,
# 15,000,000 signatures (about 20 GB) and 5,500,000 training rows at a million staff, which cannot be seeded
# in 20 minutes on two shared cores; the growth, not the volume, is measured.
CURVE_DOCUMENTS = 2
CURVE_COURSES = 1
CURVE_SIZES = "10000,100000,1000000"
# The key paths; the signing load and the evidence pack are left out (minutes each at a million staff,
# and the signing load's rate does not depend on the organisation's size), and the API's listing walks
# the same rows as the CSV export does.
CURVE_MEASUREMENTS = "dashboard,campaign,search,exports,publish,sweep,verify"
# The exports' smaller window (its CSV peak memory and the XLSX), the same at every size.
CURVE_SMALL_ROWS = 10_000


def _apply_curve(args: argparse.Namespace) -> None:
    args.curve_sizes = [int(size) for size in args.curve_sizes.split(",")]
    args.documents, args.courses = CURVE_DOCUMENTS, CURVE_COURSES
    args.only = args.only or CURVE_MEASUREMENTS
    args.small_rows = args.small_rows or CURVE_SMALL_ROWS
    args.skip_signing = True


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bench/run", description="Conduct Portal's performance benchmark.")
    _add_size_arguments(parser)
    _add_database_arguments(parser)
    _add_load_arguments(parser)
    _add_curve_arguments(parser)
    _add_cluster_arguments(parser)
    parser.add_argument(
        "--only", default="", help=f"Comma-separated measurements to run, of: {','.join(MEASUREMENTS)} (default all)."
    )
    # How the conductor starts a child (bench.steps); not for people.
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--params", default="{}", help=argparse.SUPPRESS)
    return parser


def _add_size_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--people", type=int, default=100_000, help="Staff to seed (default 100000).")
    parser.add_argument("--quick", action="store_true", help="A fast sanity run: 10,000 people, shorter load.")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="CI's run: 2,000 people, short loads, its own database; fails on wrong results, not on slow ones.",
    )
    parser.add_argument("--documents", type=int, default=20, help="Code documents to seed (default 20).")
    parser.add_argument("--versions", type=int, default=5, help="Versions per document (default 5).")
    parser.add_argument("--courses", type=int, default=3, help="Training courses to seed (default 3).")


def _add_database_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database", default=DEFAULT_DATABASE, help=f"Database to (re)create ({DEFAULT_DATABASE}).")
    parser.add_argument("--reuse", action="store_true", help="Measure the database as it is: no drop, no seed.")
    parser.add_argument("--keep", action="store_true", help="Keep the database at the end (it is dropped otherwise).")
    parser.add_argument("--small-rows", type=int, default=0, help="Rows of the smaller exports (default: --people).")


def _add_load_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--skip-signing", action="store_true", help="Leave out the signing load (gunicorn and wrk).")
    parser.add_argument("--seconds", type=int, default=20, help="Longest each signing load runs (default 20).")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers for the signing load (default 4).")
    parser.add_argument(
        "--connections", type=int, default=8, help="wrk connections for the fast-hasher signing load (default 8)."
    )
    parser.add_argument("--slow-signatures", type=int, default=200, help="Most signatures with the real hasher.")
    parser.add_argument("--fast-signatures", type=int, default=5000, help="Most signatures with the fast hasher.")


def _add_curve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--curve",
        action="store_true",
        help=f"Measure the key paths at each of --curve-sizes people ({CURVE_DOCUMENTS} documents each), a "
        "database each (--database with the size appended, dropped unless --keep); print how each grows.",
    )
    parser.add_argument("--curve-sizes", default=CURVE_SIZES, help=f"People at each size (default {CURVE_SIZES}).")
    parser.add_argument(
        "--curve-json",
        default="docs/performance-curve.json",
        help="The curve's figures by size, kept between runs (a run replaces its own sizes); the plot goes "
        "beside it, with .svg (default docs/performance-curve.json).",
    )


def _add_cluster_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--cluster",
        action="store_true",
        help="The scale-out proof instead of the measurements (bench/cluster.py): a replica, two web nodes "
        "behind HAProxy, two Celery workers and beat, one node and one worker killed (default 10,000 people).",
    )
    parser.add_argument(
        "--redis",
        default="redis://127.0.0.1:6379/15",
        help="The Redis database --cluster's broker and cache use; emptied at its start and end (default %(default)s).",
    )

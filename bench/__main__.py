"""`python -m bench`: the conductor, or with --step one measurement in a child process (see bench/run)."""

from __future__ import annotations

import sys

from bench.cluster import conduct_cluster
from bench.conductor import conduct, conduct_curve
from bench.options import parse_arguments
from bench.plumbing import Bench
from bench.steps import run_step


def main(argv: list[str]) -> int:
    args = parse_arguments(argv)
    if args.step:
        run_step(args.step, args.params)
        return 0
    if args.curve:
        return conduct_curve(args)
    if args.cluster:
        return conduct_cluster(Bench(args))
    return conduct(Bench(args))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Conduct Portal's performance benchmark, run by `bench/run` (read its usage first).

`python -m bench` is the conductor (`bench.conductor`): it creates the benchmark database, seeds
it, runs each measurement in a child process of its own (`python -m bench --step NAME`, which
prints one JSON line; `bench.steps`), starts gunicorn and wrk for the signing load, and prints the
table. A child per measurement keeps one measurement's memory and caches out of the next, and lets
the conductor read each child's own peak memory (os.wait4) for the exports.

One module per subject holds both sides of it: the step the child runs with Django set up, and
what the conductor makes of its result (`database`, `dashboard`, `exports`, `api_listing`, `publishing`,
`sweep`, `signing`, `verification`). `bench/run --cluster` runs `bench.cluster` instead: the scale-out
proof on 127.0.0.1 (a replica, two web nodes behind HAProxy, `bench.balancer`, two Celery workers and
beat), with a node and a worker killed. This package is the top layer: it may import any app and
`seeding`, and nothing imports it.
"""

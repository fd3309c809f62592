"""bench/run --curve: how the key paths grow from one size of organisation to the next.

Each size's run (bench.conductor.conduct_curve) leaves its children's results in `Bench.children`;
`size_figures` picks each path's time and the rows it handled out of them. The figures of every size
measured so far are kept in a JSON file, by size, so that a long size can be measured in a run of its
own and the table and the plot made again from the file (`growth_report`).

A page must stay flat: its time at the largest size at most PAGE_BOUND times its time at the smallest
(it shows a page of rows and counts in the database, whatever the organisation's size). A path that
handles every row must stay linear: its time per row at the largest size at most LINEAR_BOUND times
the lowest of the smaller sizes' (a fixed cost makes small sizes dearer per row, so the smallest
size alone would hide a rise from the middle one).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.plumbing import Bench, Result

PAGE_BOUND = 2.0
LINEAR_BOUND = 1.5


@dataclass(frozen=True)
class CurvePath:
    """One measured path: how to find its child's result in a run, its seconds there, and the rows it handled."""

    key: str
    label: str
    step: str
    seconds: Callable[[Result], float]
    # None for a page: it is judged flat, not per row.
    rows: Callable[[Result], int] | None = None
    params: tuple[tuple[str, object], ...] = ()


def _page_seconds(result: Result) -> float:
    return float(result["median_ms"]) / 1000


def _seconds(result: Result) -> float:
    return float(result["seconds"])


PATHS = (
    CurvePath("dashboard", "dashboard of a version (page)", "dashboard", _page_seconds),
    CurvePath("campaign", "campaign page of a version (page)", "campaign", _page_seconds),
    CurvePath("search-codes", "search the codes (page)", "search-sections", _page_seconds),
    CurvePath("search-people", "search people by surname (page)", "search-people", _page_seconds),
    CurvePath(
        "csv",
        "CSV export of every signature",
        "export",
        _seconds,
        rows=lambda result: int(result["lines"]) - 1,
        params=(("format", "csv"), ("filters", {})),
    ),
    CurvePath(
        "publish", "publish a version to everyone", "publish", _seconds, rows=lambda result: int(result["requests"])
    ),
    CurvePath("sweep", "reminder sweep of a version", "sweep", _seconds, rows=lambda result: int(result["people"])),
    CurvePath(
        "verify", "verify_signatures, the whole chain", "verify", _seconds, rows=lambda result: int(result["rows"])
    ),
)


def size_figures(bench: Bench) -> dict[str, dict[str, float]]:
    """Each measured path's seconds (and rows) in this run, from its children's results."""
    figures = {}
    for path in PATHS:
        for step, params, child in bench.children:
            if step == path.step and all(params.get(name) == value for name, value in path.params):
                figure = {"seconds": path.seconds(child.result)}
                if path.rows:
                    figure["rows"] = path.rows(child.result)
                figures[path.key] = figure
    return figures


def record_size(output: Path, people: int, entry: Result) -> dict[int, Result]:
    """This size's entry saved in the JSON file beside the sizes measured before; every size's entries."""
    sizes = load_sizes(output)
    sizes[people] = entry
    output.write_text(json.dumps({str(n): sizes[n] for n in sorted(sizes)}, indent=2) + "\n")
    return sizes


def load_sizes(output: Path) -> dict[int, Result]:
    return {int(n): entry for n, entry in json.loads(output.read_text()).items()} if output.exists() else {}


def growth_report(sizes: dict[int, Result], svg: Path) -> tuple[list[str], bool]:
    """The growth table's lines (Markdown), whether every path kept its bound, and the plot written to `svg`."""
    people = sorted(sizes)
    lines = [
        "| path | " + " | ".join(f"{n:,} staff" for n in people) + " | growth | per row or person | verdict |",
        "| --- | " + " | ".join("---:" for _ in people) + " | ---: | --- | --- |",
    ]
    kept = True
    for path in PATHS:
        # A size may lack a path that was left out there (--only); the growth is over the sizes that have it.
        figures = [sizes[n]["figures"].get(path.key) for n in people]
        measured = [figure for figure in figures if figure]
        if len(measured) < 2:
            continue
        first, last = measured[0], measured[-1]
        growth = last["seconds"] / first["seconds"]
        if path.rows is None:
            per = "(a page)"
            passed = growth <= PAGE_BOUND
            bound = f"flat: ≤ {PAGE_BOUND:.0f}×"
        else:
            per_row = [figure["seconds"] / figure["rows"] * 1e6 for figure in measured]
            per = " → ".join(f"{us:,.1f}" for us in per_row) + " µs"
            passed = per_row[-1] <= LINEAR_BOUND * min(per_row[:-1])
            bound = f"per row ≤ {LINEAR_BOUND}× the smaller sizes' lowest"
        kept = kept and passed
        times = " | ".join(_duration(figure["seconds"]) if figure else "—" for figure in figures)
        verdict = f"{'PASS' if passed else 'MISS'} ({bound})"
        lines.append(f"| {path.label} | {times} | {growth:.1f}× | {per} | {verdict} |")
    svg.write_text(growth_svg(sizes))
    return lines, kept


def _duration(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.1f} s"


# The plot: log-log axes, the people across and the seconds up, one line per path.
WIDTH, HEIGHT = 760, 460
LEFT, RIGHT, TOP, BOTTOM = 70, 250, 30, 50
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf")


def growth_svg(sizes: dict[int, Result]) -> str:
    """An SVG of every path's time against the organisation's size, on log-log axes, written by hand."""
    people = sorted(sizes)
    series = [
        (path, [(n, sizes[n]["figures"][path.key]["seconds"]) for n in people if path.key in sizes[n]["figures"]])
        for path in PATHS
    ]
    times = [seconds for _path, points in series for _n, seconds in points]
    x_decades = (math.floor(math.log10(people[0])), math.ceil(math.log10(people[-1])))
    y_decades = (math.floor(math.log10(min(times))), math.ceil(math.log10(max(times))))
    x_decades = (x_decades[0], max(x_decades[1], x_decades[0] + 1))
    y_decades = (y_decades[0], max(y_decades[1], y_decades[0] + 1))

    def x(n: float) -> float:
        share = (math.log10(n) - x_decades[0]) / (x_decades[1] - x_decades[0])
        return LEFT + share * (WIDTH - LEFT - RIGHT)

    def y(seconds: float) -> float:
        share = (math.log10(seconds) - y_decades[0]) / (y_decades[1] - y_decades[0])
        return HEIGHT - BOTTOM - share * (HEIGHT - TOP - BOTTOM)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'font-family="sans-serif" font-size="12">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        f'<text x="{LEFT}" y="18" font-size="14">Time per path against staff (log-log)</text>',
    ]
    for decade in range(x_decades[0], x_decades[1] + 1):
        at = x(10**decade)
        parts.append(f'<line x1="{at:.1f}" y1="{TOP}" x2="{at:.1f}" y2="{HEIGHT - BOTTOM}" stroke="#ddd"/>')
        parts.append(f'<text x="{at:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle">{10**decade:,}</text>')
    for decade in range(y_decades[0], y_decades[1] + 1):
        at = y(10.0**decade)
        parts.append(f'<line x1="{LEFT}" y1="{at:.1f}" x2="{WIDTH - RIGHT}" y2="{at:.1f}" stroke="#ddd"/>')
        label = f"{10.0**decade * 1000:.0f} ms" if decade < 0 else f"{10**decade:,} s"
        parts.append(f'<text x="{LEFT - 6}" y="{at + 4:.1f}" text-anchor="end">{label}</text>')
    parts.append(
        f'<text x="{(LEFT + WIDTH - RIGHT) / 2}" y="{HEIGHT - 12}" text-anchor="middle">staff (people seeded)</text>'
    )
    for index, (path, points) in enumerate(series):
        colour = COLOURS[index % len(COLOURS)]
        dashes = ' stroke-dasharray="5 3"' if path.rows is None else ""
        coordinates = " ".join(f"{x(n):.1f},{y(seconds):.1f}" for n, seconds in points)
        parts.append(f'<polyline points="{coordinates}" fill="none" stroke="{colour}" stroke-width="2"{dashes}/>')
        parts.extend(f'<circle cx="{x(n):.1f}" cy="{y(seconds):.1f}" r="3" fill="{colour}"/>' for n, seconds in points)
        legend_y = TOP + 10 + 20 * index
        parts.append(
            f'<line x1="{WIDTH - RIGHT + 15}" y1="{legend_y}" x2="{WIDTH - RIGHT + 40}" y2="{legend_y}" '
            f'stroke="{colour}" stroke-width="2"{dashes}/>'
        )
        parts.append(f'<text x="{WIDTH - RIGHT + 46}" y="{legend_y + 4}">{path.label}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"

"""`make bench`: every figure of issue 11 in one run, written to docs/benchmarks.md.

Seeds partnerships of 3, 50 and 400 partners (cached in bench/.cache), times every page and
export with one client, compares pages with the bare baseline, loads the service on SQLite and
PostgreSQL, and writes the figures beside issue 11's targets.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shlex
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import psycopg
import sqlalchemy as sa

from app.core.paths import PROJECT_DIR
from bench import baseline, load, pages
from bench.harness import Timing, ms
from bench.seed import CACHE_DIR

T = TypeVar("T")
PARTS = ("pages", "baseline", "load")
OUTPUT = PROJECT_DIR / "docs" / "benchmarks.md"
# What must not change between the commit named in the report and what was measured.
MEASURED_PATHS = ("app", "templates", "migrations", "roadmap")
FLAT_RATIO, PAGE_LIMIT, READINESS_LIMIT, READINESS_GOAL = 1.2, 0.3, 0.1, 0.05
BARE_RATIO, BARE_GOAL = 2.0, 1.5
PDF_LIMITS = {50: 2.0, 400: 10.0}
OTHER_EXPORT_LIMIT = 1.0
REPEAT_SHARE = 0.25  # the same document again: within this share over building its content
LOAD_P95, LOAD_RATE = 0.5, 50.0


@dataclass(frozen=True)
class Plan:
    """How much to measure."""

    partners: list[int]
    page_runs: int
    page_budget: float  # seconds of timed runs per page before stopping at MIN_RUNS
    export_runs: int
    baseline_runs: int
    duration: float
    parts: list[str]
    postgres: str | None


@dataclass
class Results:
    sizes: list[pages.SizeResult] = field(default_factory=list)
    baseline: list[baseline.Comparison] = field(default_factory=list)
    loads: list[load.LoadResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what could not be measured, and why
    seconds: float = 0.0

    def size(self, partners: int) -> pages.SizeResult | None:
        return next((s for s in self.sizes if s.partners == partners), None)


@dataclass(frozen=True)
class Check:
    """One of issue 11's figures against its target; `met` is None when not measured."""

    figure: str
    target: str
    measured: str
    met: bool | None


def parse(argv: Sequence[str]) -> tuple[Plan, Path]:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="3 and 50 partners only, fewer runs, 15 s of load (for iterating)",
    )
    parser.add_argument("--only", help=f"comma-separated parts to run: {', '.join(PARTS)}")
    parser.add_argument("--partners", help="partner counts for the page timings, e.g. 3,50")
    parser.add_argument("--duration", type=float, help="seconds of load per database")
    parser.add_argument(
        "--postgres",
        default=load.POSTGRES_URL,
        help="PostgreSQL URL for the load (a bench_* database, created and dropped), "
        "or 'none' (default: %(default)s)",
    )
    parser.add_argument("--output", type=Path, default=OUTPUT, help="default: docs/benchmarks.md")
    args = parser.parse_args(argv)
    parts = [p.strip() for p in args.only.split(",")] if args.only else list(PARTS)
    if unknown := set(parts) - set(PARTS):
        parser.error(f"unknown part(s): {', '.join(sorted(unknown))}")
    partners = [int(n) for n in args.partners.split(",")] if args.partners else None
    plan = Plan(
        partners=partners or ([3, 50] if args.quick else [3, 50, 400]),
        page_runs=3 if args.quick else 7,
        page_budget=15 if args.quick else 60,
        export_runs=2 if args.quick else 3,
        baseline_runs=10 if args.quick else 30,
        duration=args.duration or (15 if args.quick else 60),
        parts=parts,
        postgres=None if args.postgres == "none" else args.postgres,
    )
    return plan, args.output


def _attempt(
    results: Results, name: str, step: Callable[..., T], *args: Any, **kwargs: Any
) -> T | None:
    """Run one part; when it fails, note why and go on (the other parts' figures still count)."""
    print(f"== {name}", flush=True)
    try:
        return step(*args, **kwargs)
    except Exception as exc:
        results.notes.append(f"{name} failed: {type(exc).__name__}: {str(exc).splitlines()[0]}")
        print(f"!! {name} failed: {exc!r}", flush=True)
        return None


def measure(plan: Plan, workdir: Path) -> Results:
    """Run the parts of the plan in order."""
    results = Results()
    started = time.perf_counter()
    if "pages" in plan.parts:
        for n in plan.partners:
            size = _attempt(
                results,
                f"pages at {n} partners",
                pages.measure,
                n,
                workdir,
                runs=plan.page_runs,
                export_runs=plan.export_runs,
                budget=plan.page_budget,
            )
            if size:
                results.sizes.append(size)
                results.notes += size.problems
    if "baseline" in plan.parts:
        compared = _attempt(
            results, "bare baseline", baseline.compare, workdir, runs=plan.baseline_runs
        )
        results.baseline = compared or []
    if "load" in plan.parts:
        loads = [_attempt(results, "load on SQLite", load.on_sqlite, workdir, plan.duration)]
        if plan.postgres:
            loads.append(
                _attempt(
                    results,
                    "load on PostgreSQL",
                    load.on_postgres,
                    workdir,
                    plan.duration,
                    plan.postgres,
                )
            )
        else:
            results.notes.append("The load on PostgreSQL was not run (`--postgres none`).")
        results.loads = [r for r in loads if r]
    results.seconds = time.perf_counter() - started
    return results


# --- Checking against issue 11's targets ---------------------------------------------------


def _yes(met: bool | None) -> str:
    return {True: "yes", False: "**no**", None: "not measured"}[met]


def _page_checks(results: Results) -> list[Check]:
    small, large = results.size(3), results.size(400)
    found = []
    for page in (p for p in pages.PAGES if p.flat):
        a = small.page(page.name) if small else None
        b = large.page(page.name) if large else None
        ratio = b.timing.median / a.timing.median if a and b else None
        found.append(
            Check(
                f"{page.name}: 400 partners against 3",
                f"within {FLAT_RATIO}x",
                f"{ratio:.1f}x ({ms(a.timing.median)} → {ms(b.timing.median)})"
                if a and b and ratio
                else "-",
                None if ratio is None else ratio <= FLAT_RATIO,
            )
        )
    if large and large.pages:
        slowest = max(large.pages, key=lambda r: r.timing.median)
        over = [r for r in large.pages if r.timing.median > PAGE_LIMIT]
        found.append(
            Check(
                "every page at 400 partners",
                f"within {ms(PAGE_LIMIT)}",
                f"{len(over)} of {len(large.pages)} over; slowest {slowest.page.name} "
                f"{ms(slowest.timing.median)}",
                not over,
            )
        )
        api = large.page("API readiness")
        if api:
            found.append(
                Check(
                    "readiness API at 400 partners",
                    f"within {ms(READINESS_LIMIT)} (goal {ms(READINESS_GOAL)})",
                    ms(api.timing.median),
                    api.timing.median <= READINESS_LIMIT,
                )
            )
    else:
        found.append(Check("every page at 400 partners", f"within {ms(PAGE_LIMIT)}", "-", None))
    return found


def _baseline_checks(results: Results) -> list[Check]:
    found = []
    for name in baseline.TARGET_PAGES:
        c = next((c for c in results.baseline if c.page.name == name), None)
        found.append(
            Check(
                f"{name} at 3 partners against the bare app",
                f"within {BARE_RATIO}x (goal {BARE_GOAL}x)",
                f"{c.ratio:.1f}x ({ms(c.real.median)} against {ms(c.bare.median)})" if c else "-",
                None if c is None else c.ratio <= BARE_RATIO,
            )
        )
    return found


def _export_checks(results: Results) -> list[Check]:
    found = []
    limits = [("pdf", n, limit) for n, limit in PDF_LIMITS.items()]
    limits += [(fmt, 400, OTHER_EXPORT_LIMIT) for fmt in ("json", "docx", "odt")]
    for fmt, partners, limit in limits:
        size = results.size(partners)
        e = size.export(fmt) if size else None
        found.append(
            Check(
                f"{fmt.upper()} export at {partners} partners",
                f"within {ms(limit)}",
                ms(e.fresh.median) if e else "-",
                None if e is None else e.fresh.median <= limit,
            )
        )
    largest = max((s for s in results.sizes if s.exports), key=lambda s: s.partners, default=None)
    built = largest.export("json") if largest else None
    if largest and built:
        # A document asked for again is not rendered again, but its content is still built
        # to find its digest: that is the JSON export's cost. So a repeat within 25% of the
        # JSON export's time was answered from the cache; a render would add its own time.
        docs = [e for e in largest.exports if e.fmt != "json"]
        found.append(
            Check(
                f"the same document again at once ({largest.partners} partners)",
                f"not rendered again: within {REPEAT_SHARE:.0%} of building the content "
                f"(the JSON export, {ms(built.fresh.median)})",
                ", ".join(
                    f"{e.fmt} {ms(e.repeat.median)} (fresh {ms(e.fresh.median)})" for e in docs
                ),
                all(e.repeat.median <= built.fresh.median * (1 + REPEAT_SHARE) for e in docs),
            )
        )
    return found


def _load_checks(results: Results) -> list[Check]:
    found = []
    for r in results.loads:
        logged = sum(r.log_counts.values())
        found += [
            Check(
                f"{r.database}: errors under load",
                "0 (and nothing locked or timed out in the log)",
                f"{r.errors} errors; {logged} log lines",
                r.errors == 0 and logged == 0,
            ),
            Check(
                f"{r.database}: p95 under load",
                f"within {ms(LOAD_P95)}",
                ms(r.latency(95)),
                r.latency(95) <= LOAD_P95,
            ),
            Check(
                f"{r.database}: throughput",
                f"at least {LOAD_RATE:.0f} requests/s",
                f"{r.rate:.1f} requests/s",
                r.rate >= LOAD_RATE,
            ),
            Check(
                f"{r.database}: {load.SIGNATORIES} signatures at once",
                f"{load.SIGNATORIES} of {load.SIGNATORIES} succeed",
                f"{r.signatures.get(201, 0)} of {load.SIGNATORIES}",
                r.signatures.get(201, 0) == load.SIGNATORIES,
            ),
        ]
    return found


def checks(results: Results) -> list[Check]:
    return (
        _page_checks(results)
        + _baseline_checks(results)
        + _export_checks(results)
        + _load_checks(results)
    )


# --- The report ----------------------------------------------------------------------------


def _run(command: Sequence[str]) -> str:
    try:
        return subprocess.run(  # noqa: S603 - fixed commands
            list(command), cwd=PROJECT_DIR, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _postgres_version(url: str | None) -> str:
    if url is None:
        return "not used"
    admin = sa.engine.make_url(url).set(drivername="postgresql", database="postgres")
    try:
        with psycopg.connect(
            admin.render_as_string(hide_password=False), connect_timeout=5
        ) as conn:
            row = conn.execute("SHOW server_version").fetchone()
    except psycopg.Error:
        return "not reachable"
    return str(row[0]) if row else "unknown"


def machine(plan: Plan) -> list[tuple[str, str]]:
    """What the figures were measured on."""
    cpuinfo = Path("/proc/cpuinfo")
    models = [
        line.split(":", 1)[1].strip()
        for line in (cpuinfo.read_text().splitlines() if cpuinfo.exists() else [])
        if line.startswith("model name")
    ]
    dirty = _run(["git", "status", "--porcelain", "--", *MEASURED_PATHS])
    commit = _run(["git", "rev-parse", "HEAD"])
    return [
        ("date", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")),
        (
            "commit",
            f"`{commit}`" + (" with uncommitted changes to the code measured" if dirty else ""),
        ),
        ("CPU", f"{models[0] if models else platform.processor()}"),
        ("cores", str(os.cpu_count())),
        ("Python", platform.python_version()),
        ("SQLite", sqlite3.sqlite_version),
        ("PostgreSQL", _postgres_version(plan.postgres)),
        ("system", platform.platform()),
    ]


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def _kib(size: int) -> str:
    return f"{size / 1024:,.0f} KiB" if size >= 10 * 1024 else f"{size / 1024:.1f} KiB"


def _timing(t: Timing) -> str:
    return f"{ms(t.median)} (p90 {ms(t.p90)}, min {ms(t.minimum)}, {t.runs} runs)"


def _pages_section(results: Results) -> list[str]:
    sizes = [s for s in results.sizes if s.pages]
    if not sizes:
        return []
    first, last = sizes[0], sizes[-1]
    header = ["page", *(f"{s.partners} partners" for s in sizes)]
    if len(sizes) > 1:
        header += [
            f"{last.partners} ÷ {first.partners}",
            f"body at {first.partners} → {last.partners}",
        ]
    rows = []
    for page in pages.PAGES:
        found = [s.page(page.name) for s in sizes]
        row = [f"{page.name}{' (flat)' if page.flat else ''}"]
        row += [
            ms(r.timing.median) + ("" if r.status == 200 else f" **{r.status}**") if r else "-"
            for r in found
        ]
        a, b = found[0], found[-1]
        if len(sizes) > 1 and a and b:
            row += [f"{b.timing.median / a.timing.median:.1f}x", f"{_kib(a.size)} → {_kib(b.size)}"]
        rows.append(row)
    lines = [
        "## Pages, one client",
        "",
        "The median time of each page, from sending the request to the last byte of the body, "
        "one request at a time on one keep-alive connection, after one request to warm up. "
        "Pages marked *flat* show the same HTML whatever the number of partners (issue 11 wants "
        f"them within {FLAT_RATIO}x at 400 partners of 3). The p90, the minimum and the number of "
        "runs are in the last section.",
        "",
        *_table(header, rows),
    ]
    seeded = [f"{s.partners} partners {s.seed_seconds:.0f} s" for s in sizes]
    lines += ["", f"Seeding through the project's services took: {', '.join(seeded)} (SQLite)."]
    return lines


def _baseline_section(results: Results) -> list[str]:
    if not results.baseline:
        return []
    rows = [
        [
            c.page.name + (" (target)" if c.page.name in baseline.TARGET_PAGES else ""),
            ms(c.real.median),
            ms(c.bare.median),
            f"{c.ratio:.1f}x",
            _kib(c.real_size)
            if c.real_size == c.bare_size
            else f"{_kib(c.real_size)} / {_kib(c.bare_size)}",
        ]
        for c in results.baseline
    ]
    runs = results.baseline[0].real.runs
    return [
        f"## Against the bare baseline ({baseline.PARTNERS} partners)",
        "",
        "A bare FastAPI app (`bench/baseline.py`), served by the same uvicorn with the same "
        "settings as `roadmap serve`, renders through a Jinja template the exact body the "
        "service returned for each page. The two are requested alternately, each going first "
        f"in turn, {runs} times each after a warm-up; medians. Issue 11 wants the task list and "
        f"the stage page within {BARE_RATIO}x (goal {BARE_GOAL}x).",
        "",
        *_table(["page", "service", "bare app", "ratio", "body"], rows),
    ]


def _exports_section(results: Results) -> list[str]:
    rows = [
        [
            e.fmt.upper(),
            str(s.partners),
            _timing(e.fresh),
            ms(e.repeat.median),
            f"{e.repeat.median / e.fresh.median:.0%}",
            _kib(e.size),
        ]
        + ([] if e.status == 200 else [f"status {e.status}"])
        for s in results.sizes
        for e in s.exports
    ]
    if not rows:
        return []
    return [
        "## Exports",
        "",
        "Each fresh export follows a change to one shared answer through the API (so that no "
        "cache can answer it); the repeat asks for the same content again at once.",
        "",
        *_table(["format", "partners", "fresh", "repeat", "repeat ÷ fresh", "size"], rows),
    ]


def _outcomes(r: load.LoadResult) -> str:
    return ", ".join(f"{k}: {v}" for k, v in sorted(r.outcomes.items(), key=lambda kv: str(kv[0])))


def _load_section(results: Results) -> list[str]:
    if not results.loads:
        return []
    loads = results.loads
    rows: list[tuple[str, Callable[[load.LoadResult], str]]] = [
        (
            "requests (reads + saves)",
            lambda r: f"{len(r.samples)} ({r.count('read')} + {r.count('write')})",
        ),
        ("time, first request to last answer", lambda r: f"{r.seconds:.0f} s"),
        ("requests per second", lambda r: f"{r.rate:.1f}"),
        (
            "latency p50 / p95 / p99",
            lambda r: f"{ms(r.latency(50))} / {ms(r.latency(95))} / {ms(r.latency(99))}",
        ),
        ("reads p50 / p95", lambda r: f"{ms(r.latency(50, 'read'))} / {ms(r.latency(95, 'read'))}"),
        (
            "saves p50 / p95",
            lambda r: f"{ms(r.latency(50, 'write'))} / {ms(r.latency(95, 'write'))}",
        ),
        ("statuses", _outcomes),
        ("errors (5xx, other 4xx, no answer)", lambda r: str(r.errors)),
        ("conflicts (a save against a stale version: not an error)", lambda r: str(r.conflicts)),
        *(
            (f'log lines mentioning "{pattern}"', lambda r, p=pattern: str(r.log_counts.get(p, 0)))
            for pattern in loads[0].log_counts
        ),
        (
            f"{load.SIGNATORIES} signatures at once: statuses",
            lambda r: ", ".join(f"{k}: {v}" for k, v in sorted(r.signatures.items(), key=str)),
        ),
        ("slowest of those signatures", lambda r: ms(r.signing_seconds)),
    ]
    return [
        "## Under load",
        "",
        f"`roadmap serve --workers {load.WORKERS}` on the {load.PARTNERS}-partner partnership. "
        f"{load.USERS} officers of {load.USERS} partners, each signed in through the form with its "
        "own session, send requests back to back (no pause between them) for the duration: "
        f"{1 - load.WRITE_SHARE:.0%} reads, half pages and half API GETs, and "
        f"{load.WRITE_SHARE:.0%} answer saves, half through the stage page's htmx form and half "
        "through the JSON API, each with the version its user last saw. Then "
        f"{load.SIGNATORIES} signatories of {load.SIGNATORIES} partners sign "
        "the same stage at the same moment. The client runs on the same cores as the server. "
        "A request that got no answer is named by its exception: `ReadError` and "
        "`RemoteProtocolError` when the server closed the connection without answering, "
        "`ReadTimeout` after 120 s.",
        "",
        *_table(
            ["", *(r.database for r in loads)], [[name, *(f(r) for r in loads)] for name, f in rows]
        ),
    ]


def _detail_section(results: Results) -> list[str]:
    rows = [
        [
            r.page.name,
            str(s.partners),
            _timing(r.timing),
            _kib(r.size),
            str(r.status),
            f"`{r.page.path}`",
        ]
        for s in results.sizes
        for r in s.pages
    ]
    if not rows:
        return []
    return [
        "## Every page timing",
        "",
        *_table(["page", "partners", "median", "body", "status", "path"], rows),
    ]


HOW_TO = """## How to re-run

```sh
make bench                         # everything: 3, 50 and 400 partners, 60 s of load per database
make bench BENCH_ARGS=--quick      # 3 and 50 partners, fewer runs, 15 s of load (for iterating)
.venv/bin/python -m bench.run --only pages --partners 3,50
.venv/bin/python -m bench.run --only baseline,load --duration 30 --postgres none
.venv/bin/python -m bench.run --help
# a seeded database to look at, and sign in to with `roadmap serve`:
.venv/bin/python -m bench.seed --partners 50 --url sqlite:///./data/bench.db
```

Seeded SQLite databases are cached in `bench/.cache/`, keyed by the partner count and a hash of
`migrations/`, `roadmap/` and `bench/seed.py` (delete the folder to seed again); every part works on
a copy. The PostgreSQL load seeds a fresh `bench_load` database and drops it afterwards. The
servers' logs of the last run are kept in `bench/.cache/run/`. Run it on an otherwise idle machine:
other work on the same cores shows in every figure.

How it measures: the service runs as `roadmap serve` with `ENVIRONMENT=production` (as deployed;
the client sends its Secure cookies to 127.0.0.1 as browsers do) and `MAIL_POLL_SECONDS=0` (no
mail server). Seeding goes through the project's own services (`bench/seed.py`): every partner is
an organisation with an officer, a signatory, a CEO and a CFO; every shared question, partner
question and readiness statement of every stage is answered and scores are submitted; the
funding formula is proposed with every partner's figures; a fixed number of risks and comments;
a few stage and funding signatures."""


def report(plan: Plan, results: Results, argv: Sequence[str]) -> str:
    """docs/benchmarks.md."""
    command = " ".join(["python -m bench.run", *map(shlex.quote, argv)])
    found = checks(results)
    met = sum(1 for c in found if c.met)
    measured = sum(1 for c in found if c.met is not None)
    lines = [
        "# Benchmarks",
        "",
        f"Written by `{command}` (`bench/run.py`) in {results.seconds / 60:.0f} minutes. Issue 11 "
        f"sets the targets; {met} of the {measured} measured are met.",
        "",
        *_table(["", ""], machine(plan)),
        "",
        *(f"- {note}" for note in results.notes),
        *([""] if results.notes else []),
        "## Issue 11's targets",
        "",
        "Each figure is explained, with the others measured, in the sections below.",
        "",
        *_table(
            ["figure", "target", "measured", "met"],
            [[c.figure, c.target, c.measured, _yes(c.met)] for c in found],
        ),
        "",
    ]
    for section in (
        _pages_section,
        _baseline_section,
        _exports_section,
        _load_section,
        _detail_section,
    ):
        body = section(results)
        if body:
            lines += [*body, ""]
    return "\n".join([*lines, HOW_TO, ""])


def main(argv: Sequence[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    plan, output = parse(argv)
    workdir = CACHE_DIR / "run"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    try:
        results = measure(plan, workdir)
    finally:
        for database in workdir.glob("*.db*"):  # copies of the cache; the logs stay
            database.unlink()
    output.write_text(report(plan, results, argv))
    print(f"wrote {output}")


if __name__ == "__main__":
    main()

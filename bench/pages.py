"""One client, one page at a time: how long every page type and export takes, by partners.

Each page is requested once to warm up, then timed several times on one keep-alive connection
(the time includes reading the whole body). Exports are timed fresh, after a change to one
answer so that nothing cached can answer, and again straight after for the same content.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.harness import Timing, client, csrf_headers, serve_app, sign_in
from bench.seed import SeedInfo, cached_sqlite

MIN_RUNS = 3
# Changed before each fresh export: a shared answer of a stage the seed has nobody sign.
CHANGE_STAGE, CHANGE_KEY = "infrastructure", "legacy-migration"
EXPORT_FORMATS = ("json", "pdf", "docx", "odt")
STAGE = "business-scope"


@dataclass(frozen=True)
class Page:
    """A page type, its path and who looks at it."""

    name: str
    path: str  # with {pid}, {stage} and {rid}
    flat: bool = False  # its HTML does not grow with partners (issue 11: within 1.2x at 400)
    signatory: bool = False  # seen by the lead partner's signatory rather than the lead

    def url(self, info: SeedInfo) -> str:
        return self.path.format(pid=info.partnership_id, stage=STAGE, rid=info.risk_ids[0])


# Every page a member of a partnership reads (app/*/views.py), then the API's reads (app/*/api.py).
PAGES = (
    Page("start page", "/", flat=True),
    Page("your partnerships", "/partnerships"),
    Page("partnership home", "/partnerships/{pid}", flat=True),
    Page("people", "/partnerships/{pid}/people"),
    Page("task list", "/partnerships/{pid}/roadmap"),
    Page("stage page", "/partnerships/{pid}/stages/{stage}"),
    Page("check your answers", "/partnerships/{pid}/stages/{stage}/check"),
    Page("stage history", "/partnerships/{pid}/stages/{stage}/history"),
    Page("sign page", "/partnerships/{pid}/stages/{stage}/sign", signatory=True),
    Page("funding", "/partnerships/{pid}/funding"),
    Page("risks", "/partnerships/{pid}/risks", flat=True),
    Page("one risk", "/risks/{rid}", flat=True),
    Page("activity", "/partnerships/{pid}/activity", flat=True),
    Page("readiness", "/partnerships/{pid}/readiness"),
    Page("agreement page", "/partnerships/{pid}/agreement"),
    Page("notifications", "/notifications"),
    Page("API partnership", "/api/v1/partnerships/{pid}"),
    Page("API stages", "/api/v1/partnerships/{pid}/stages"),
    Page("API stage", "/api/v1/partnerships/{pid}/stages/{stage}"),
    Page("API sign-offs", "/api/v1/partnerships/{pid}/stages/{stage}/signoffs"),
    Page("API funding", "/api/v1/partnerships/{pid}/funding"),
    Page("API risks", "/api/v1/partnerships/{pid}/risks", flat=True),
    Page("API audit", "/api/v1/partnerships/{pid}/audit", flat=True),
    Page("API readiness", "/api/v1/partnerships/{pid}/readiness"),
    Page("API notifications", "/api/v1/me/notifications"),
)


@dataclass(frozen=True)
class PageResult:
    page: Page
    timing: Timing
    size: int  # bytes of the body
    status: int


@dataclass(frozen=True)
class ExportResult:
    fmt: str
    fresh: Timing  # rendered after a change
    repeat: Timing  # the same content asked for again at once
    size: int
    status: int


@dataclass
class SizeResult:
    """Everything measured on one partnership size."""

    partners: int
    seed_seconds: float
    pages: list[PageResult] = field(default_factory=list)
    exports: list[ExportResult] = field(default_factory=list)
    log_counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def page(self, name: str) -> PageResult | None:
        return next((r for r in self.pages if r.page.name == name), None)

    def export(self, fmt: str) -> ExportResult | None:
        return next((r for r in self.exports if r.fmt == fmt), None)


def timed_get(http: httpx.Client, url: str) -> tuple[float, httpx.Response]:
    """One GET, timed until the whole body has arrived."""
    start = time.perf_counter()
    response = http.get(url)
    return time.perf_counter() - start, response


def _time_page(
    http: httpx.Client, url: str, runs: int, budget: float
) -> tuple[Timing, httpx.Response]:
    """Warm up once, then time `runs` GETs (at least MIN_RUNS, fewer than `runs` past `budget`
    seconds, so that a page taking 20 s does not hold the run for minutes)."""
    _, response = timed_get(http, url)
    times: list[float] = []
    while len(times) < runs and (len(times) < MIN_RUNS or sum(times) < budget):
        seconds, response = timed_get(http, url)
        times.append(seconds)
    return Timing.of(times), response


def _change_answer(http: httpx.Client, token: str, info: SeedInfo) -> None:
    """Change one shared answer through the API as a client would: read its version, save."""
    url = f"/api/v1/partnerships/{info.partnership_id}/stages/{CHANGE_STAGE}"
    shared = http.get(url).raise_for_status().json()["shared_answers"]
    version = next(a["version"] for a in shared if a["key"] == CHANGE_KEY)
    value = f"Legacy systems move in phases; revision {version + 1} of the plan."
    http.put(
        f"{url}/answers/{CHANGE_KEY}",
        json={"value": value, "version": version},
        headers=csrf_headers(token),
    ).raise_for_status()


def _time_exports(http: httpx.Client, token: str, info: SeedInfo, runs: int) -> list[ExportResult]:
    results = []
    for fmt in EXPORT_FORMATS:
        url = f"/api/v1/partnerships/{info.partnership_id}/agreement.{fmt}"
        timed_get(http, url)  # warm-up: the first render loads fonts and libraries
        fresh, repeat = [], []
        for _ in range(runs):
            _change_answer(http, token, info)
            seconds, response = timed_get(http, url)
            fresh.append(seconds)
            repeat.append(timed_get(http, url)[0])
        results.append(
            ExportResult(
                fmt,
                Timing.of(fresh),
                Timing.of(repeat),
                len(response.content),
                response.status_code,
            )
        )
    return results


def measure(
    partners: int, workdir: Path, *, runs: int, export_runs: int, budget: float
) -> SizeResult:
    """Time every page and export of a seeded partnership of `partners` on SQLite."""
    cached, info = cached_sqlite(partners)
    database = workdir / f"pages-{partners}.db"
    shutil.copyfile(cached, database)  # pages and exports change answers: work on a copy
    result = SizeResult(partners, info.seconds)
    with (
        serve_app(f"sqlite:///{database}", log=workdir / f"pages-{partners}.log") as server,
        client(server.url) as lead,
        client(server.url) as signatory,
    ):
        token = sign_in(lead, info.lead, info.password)
        sign_in(signatory, info.partners[0].signatory, info.password)
        for page in PAGES:
            http = signatory if page.signatory else lead
            timing, response = _time_page(http, page.url(info), runs, budget)
            result.pages.append(
                PageResult(page, timing, len(response.content), response.status_code)
            )
            print(f"  {partners} partners, {page.name}: {timing.median * 1000:,.0f} ms", flush=True)
        if export_runs:
            try:
                result.exports = _time_exports(lead, token, info, export_runs)
            except httpx.HTTPStatusError as exc:  # keep the pages' figures, say why none follow
                result.problems.append(
                    f"exports at {partners} partners stopped: {exc.response.status_code} for "
                    f"{exc.request.method} {exc.request.url.path}"
                )
        result.log_counts = server.log_counts()
    return result

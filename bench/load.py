"""Many users at once: `roadmap serve --workers 2` on the 50-partner partnership.

50 officers of 50 partners, each signed in through the form with its own cookie session, send
requests back to back (no think time) for the given duration: 75% reads (pages and API GETs)
and 25% answer saves, half through the stage page's htmx form and half through the JSON API,
each with the version the user last saw. Then 20 signatories of 20 partners sign one stage at
the same moment. The client runs on the same two cores as the server.
"""

from __future__ import annotations

import asyncio
import random
import re
import shutil
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
import sqlalchemy as sa

from app.core.paths import ROADMAP_DIR
from app.wizard.definition import Question, QuestionType, Stage, Statement
from app.wizard.loader import load_roadmap
from bench.harness import (
    TIMEOUT,
    BrowserCookies,
    csrf_headers,
    percentile,
    serve_app,
    sign_in_async,
)
from bench.seed import SeedInfo, cached_sqlite, seed, valid_value

PARTNERS = 50
USERS = 50
SIGNATORIES = 20
WORKERS = 2
WRITE_SHARE = 0.25
POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_load"
CONFLICT_MARK = "app-item--conflict"  # the stage page's class for an item saved by someone else
PAGE_READS = (
    "/partnerships/{pid}",
    "/partnerships/{pid}/roadmap",
    "/partnerships/{pid}/stages/{stage}",
    "/partnerships/{pid}/stages/{stage}/check",
    "/partnerships/{pid}/funding",
    "/partnerships/{pid}/risks",
    "/partnerships/{pid}/activity",
    "/partnerships/{pid}/readiness",
    "/notifications",
)
API_READS = (
    "/api/v1/partnerships/{pid}/stages",
    "/api/v1/partnerships/{pid}/stages/{stage}",
    "/api/v1/partnerships/{pid}/funding",
    "/api/v1/partnerships/{pid}/risks",
    "/api/v1/partnerships/{pid}/readiness",
)


@dataclass(frozen=True)
class Sample:
    """One request: what it was, how it ended (a status, or the name of the exception)."""

    kind: str  # "read" or "write"
    outcome: int | str
    seconds: float
    conflict: bool = False

    @property
    def error(self) -> bool:
        """A failure: a 5xx, no answer, or a 4xx other than a save's conflict."""
        return isinstance(self.outcome, str) or (self.outcome >= 400 and not self.conflict)


@dataclass
class LoadResult:
    database: str
    users: int
    workers: int
    seconds: float  # from the first request to the last answer
    samples: list[Sample]
    signatures: Counter[int | str] = field(default_factory=Counter)
    signing_seconds: float = 0.0  # the slowest of the simultaneous signatures
    log_counts: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return len(self.samples) / self.seconds

    def latency(self, q: int, kind: str | None = None) -> float:
        return percentile(sorted(s.seconds for s in self.samples if kind in (None, s.kind)), q)

    def count(self, kind: str) -> int:
        return sum(1 for s in self.samples if s.kind == kind)

    @property
    def errors(self) -> int:
        return sum(1 for s in self.samples if s.error)

    @property
    def conflicts(self) -> int:
        return sum(1 for s in self.samples if s.conflict)

    @property
    def outcomes(self) -> Counter[int | str]:
        return Counter(s.outcome for s in self.samples)


def form_fields(item: Question | Statement, value: Any, version: int) -> dict[str, Any]:
    """The stage page's fields for an answer (app/wizard/forms.py names them)."""
    fields: dict[str, Any] = {f"v:{item.key}": str(version)}
    if isinstance(item, Statement):
        return fields | {
            f"score:{item.key}": str(value["score"]),
            f"evidence:{item.key}": value["evidence"],
            f"url:{item.key}": "",
        }
    if item.type is QuestionType.DATE:
        year, month, day = value.split("-")
        return fields | {
            f"{item.key}-day": day,
            f"{item.key}-month": month,
            f"{item.key}-year": year,
        }
    if item.type is QuestionType.MULTIPLE_CHOICE:
        return fields | {item.key: value}
    return fields | {item.key: str(value)}


class User:
    """One signed-in officer, reading and saving as fast as the service answers."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        token: str,
        info: SeedInfo,
        partner_id: str,
        stages: list[Stage],
        rng: random.Random,
    ) -> None:
        self.http, self.headers = http, csrf_headers(token)
        self.pid, self.partner_id, self.stages, self.rng = (
            info.partnership_id,
            partner_id,
            stages,
            rng,
        )
        # The version this user last saw of each answer; the seed saved every answer once.
        self.versions: dict[tuple[str, str, str], int] = {}

    async def step(self) -> Sample:
        stage = self.rng.choice(self.stages)
        if self.rng.random() >= WRITE_SHARE:
            paths = PAGE_READS if self.rng.random() < 0.5 else API_READS
            url = self.rng.choice(paths).format(pid=self.pid, stage=stage.key)
            return await self._timed("read", self.http.get(url))
        items: list[Question | Statement] = [*stage.questions, *stage.statements]
        item = self.rng.choice(items)
        scope = (
            "shared" if isinstance(item, Question) and item.scope == "shared" else self.partner_id
        )
        slot = (stage.key, item.key, scope)
        value, version = valid_value(item, self.rng), self.versions.get(slot, 1)
        base = f"/partnerships/{self.pid}/stages/{stage.key}"
        if self.rng.random() < 0.5:
            request = self.http.post(
                f"{base}/answers/{item.key}",
                data=form_fields(item, value, version),
                headers=self.headers | {"HX-Request": "true"},
            )
            sample, response = await self._send("write", request)
            if response is not None and response.status_code == 200:
                found = re.search(rf'name="v:{re.escape(item.key)}" value="(\d+)"', response.text)
                self.versions[slot] = int(found.group(1)) if found else version
                return Sample(
                    "write", sample.outcome, sample.seconds, CONFLICT_MARK in response.text
                )
            return sample
        request = self.http.put(
            f"/api/v1{base}/answers/{item.key}",
            json={"value": value, "version": version},
            headers=self.headers,
        )
        sample, response = await self._send("write", request)
        if response is not None and response.status_code in (200, 409):
            answer = response.json() if response.status_code == 200 else response.json()["current"]
            self.versions[slot] = answer["version"]
            return Sample("write", sample.outcome, sample.seconds, response.status_code == 409)
        return sample

    async def _timed(self, kind: str, request: Any) -> Sample:
        return (await self._send(kind, request))[0]

    async def _send(self, kind: str, request: Any) -> tuple[Sample, httpx.Response | None]:
        start = time.perf_counter()
        try:
            response = await request
        except httpx.HTTPError as exc:
            return Sample(kind, type(exc).__name__, time.perf_counter() - start), None
        return Sample(kind, response.status_code, time.perf_counter() - start), response


async def _signed_in(url: str, email: str, password: str) -> tuple[httpx.AsyncClient, str]:
    """A browser signed in as `email`, and its CSRF token.

    The browser goes on with a connection of its own: the one it signed in on may sit idle
    past the server's keep-alive time-out while the others sign in, and a request sent just as
    the server closes it would fail for reasons that have nothing to do with the service.
    """
    cookies = BrowserCookies()
    async with httpx.AsyncClient(base_url=url, auth=cookies, timeout=TIMEOUT) as http:
        token = await sign_in_async(http, email, password)
    return httpx.AsyncClient(base_url=url, auth=cookies, timeout=TIMEOUT), token


async def _load(url: str, info: SeedInfo, duration: float) -> tuple[list[Sample], float]:
    stages = load_roadmap(ROADMAP_DIR).stages
    users: list[User] = []
    try:
        for n, partner in enumerate(info.partners[:USERS]):
            http, token = await _signed_in(url, partner.officer, info.password)
            rng = random.Random(n)  # noqa: S311 - a repeatable mix of requests
            users.append(User(http, token, info, partner.partner_id, stages, rng))
        samples: list[Sample] = []
        start = time.perf_counter()
        deadline = start + duration

        async def run(user: User) -> None:
            while time.perf_counter() < deadline:
                samples.append(await user.step())

        await asyncio.gather(*(run(user) for user in users))
        return samples, time.perf_counter() - start
    finally:
        await asyncio.gather(*(user.http.aclose() for user in users))


async def _sign_at_once(url: str, info: SeedInfo) -> tuple[Counter[int | str], float]:
    """SIGNATORIES signatories, signed in first, sign the same stage at the same moment."""
    signed_in: list[tuple[httpx.AsyncClient, str]] = []
    try:
        for partner in info.partners[:SIGNATORIES]:
            signed_in.append(await _signed_in(url, partner.signatory, info.password))
        path = f"/api/v1/partnerships/{info.partnership_id}/stages/{info.unsigned_stage}/signoffs"
        start = time.perf_counter()
        results = await asyncio.gather(
            *(
                http.post(path, json={"password": info.password}, headers=csrf_headers(token))
                for http, token in signed_in
            ),
            return_exceptions=True,
        )
        seconds = time.perf_counter() - start
        return Counter(
            r.status_code if isinstance(r, httpx.Response) else type(r).__name__ for r in results
        ), seconds
    finally:
        await asyncio.gather(*(http.aclose() for http, _ in signed_in))


def run(database: str, database_url: str, info: SeedInfo, log: Path, duration: float) -> LoadResult:
    """Serve `database_url` with WORKERS workers, load it, then sign at once."""
    with serve_app(database_url, log=log, workers=WORKERS) as server:
        samples, seconds = asyncio.run(_load(server.url, info, duration))
        signatures, signing_seconds = asyncio.run(_sign_at_once(server.url, info))
        counts = server.log_counts()
    return LoadResult(
        database, USERS, WORKERS, seconds, samples, signatures, signing_seconds, counts
    )


def on_sqlite(workdir: Path, duration: float) -> LoadResult:
    cached, info = cached_sqlite(PARTNERS)
    database = workdir / "load.db"
    shutil.copyfile(cached, database)
    return run("SQLite", f"sqlite:///{database}", info, workdir / "load-sqlite.log", duration)


@contextmanager
def fresh_postgres(url: str) -> Iterator[None]:
    """The database at `url` created empty, and dropped afterwards."""
    target = sa.engine.make_url(url)
    admin = target.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )
    name = target.database
    if not (name or "").startswith("bench_"):
        raise ValueError(f"only bench_* databases are created and dropped, not {name}")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def on_postgres(workdir: Path, duration: float, url: str = POSTGRES_URL) -> LoadResult:
    with fresh_postgres(url):
        print(f"seeding {PARTNERS} partners into {url}", flush=True)
        info = seed(url, PARTNERS, progress=True)
        return run("PostgreSQL", url, info, workdir / "load-postgres.log", duration)

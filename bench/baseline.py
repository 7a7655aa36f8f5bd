"""The physical limit: a bare FastAPI + Jinja2 app, served by the same uvicorn with the same
settings as `roadmap serve`, that renders through a template the exact body the service
returned for each page at 3 partners; and the two measured side by side.

`python -m bench.baseline --port N` serves the pages captured in $BENCH_BASELINE_PAGES.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI, Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from starlette.responses import Response

from bench.harness import HOST, Timing, client, free_port, serve, serve_app, sign_in
from bench.pages import PAGES, Page, timed_get
from bench.seed import cached_sqlite

PAGES_ENV = "BENCH_BASELINE_PAGES"
MANIFEST = "pages.json"
PARTNERS = 3
WARM_UP = 3
# Issue 11's target is on these two: within 2x of the bare app (the goal is 1.5x).
TARGET_PAGES = ("task list", "stage page")


def _endpoint(
    templates: Jinja2Templates, name: str, media_type: str
) -> Callable[[Request], Response]:
    # A plain function, as the service's page routes are: FastAPI runs both in its thread pool.
    def page(request: Request) -> Response:
        return templates.TemplateResponse(request, name, media_type=media_type)

    return page


def create_app() -> FastAPI:
    """The bare app: each captured page at its own path, rendered from its own template."""
    directory = Path(os.environ[PAGES_ENV])
    manifest: dict[str, list[str]] = json.loads((directory / MANIFEST).read_text())
    # Compiled once and never re-checked, as a production deployment would configure Jinja.
    env = Environment(
        loader=FileSystemLoader(directory),
        autoescape=True,
        auto_reload=False,
        keep_trailing_newline=True,
    )
    templates = Jinja2Templates(env=env)
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.add_api_route("/healthz", lambda: {"status": "ok"}, methods=["GET"])
    for path, (template, media_type) in manifest.items():
        app.add_api_route(path, _endpoint(templates, template, media_type), methods=["GET"])
    return app


def main() -> None:
    """Serve the bare app exactly as app/cli.py's `serve` serves the service."""
    parser = argparse.ArgumentParser(description="Serve the bare baseline app.")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(
        "bench.baseline:create_app",
        factory=True,
        host=HOST,
        port=args.port,
        workers=1,
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
    )


@dataclass(frozen=True)
class Comparison:
    page: Page
    real: Timing
    bare: Timing
    real_size: int
    bare_size: int

    @property
    def ratio(self) -> float:
        return self.real.median / self.bare.median


def compare(workdir: Path, *, runs: int) -> list[Comparison]:
    """Every page at 3 partners, from the service and from the bare app, interleaved."""
    cached, info = cached_sqlite(PARTNERS)
    database = workdir / "baseline.db"
    shutil.copyfile(cached, database)
    pages_dir = workdir / "baseline-pages"
    pages_dir.mkdir(exist_ok=True)
    with (
        serve_app(f"sqlite:///{database}", log=workdir / "baseline-service.log") as real,
        client(real.url) as lead,
        client(real.url) as signatory,
    ):
        sign_in(lead, info.lead, info.password)
        sign_in(signatory, info.partners[0].signatory, info.password)
        clients = {page.name: signatory if page.signatory else lead for page in PAGES}
        manifest = {}
        for n, page in enumerate(PAGES):
            # The second answer: some pages change once seen (notifications are marked read).
            clients[page.name].get(page.url(info))
            response = clients[page.name].get(page.url(info)).raise_for_status()
            assert "{% endraw %}" not in response.text
            name = f"page-{n:02d}.html"
            (pages_dir / name).write_text("{% raw %}" + response.text + "{% endraw %}")
            manifest[page.url(info)] = [name, response.headers["content-type"]]
        (pages_dir / MANIFEST).write_text(json.dumps(manifest))
        port = free_port()
        with (
            serve(
                [sys.executable, "-m", "bench.baseline", "--port", str(port)],
                env={**os.environ, PAGES_ENV: str(pages_dir)},
                log=workdir / "baseline-bare.log",
                port=port,
            ) as bare_server,
            client(bare_server.url) as bare,
        ):
            return [
                _side_by_side(page, page.url(info), clients[page.name], bare, runs)
                for page in PAGES
            ]


def _side_by_side(
    page: Page, url: str, real: httpx.Client, bare: httpx.Client, runs: int
) -> Comparison:
    """Alternate real and bare requests (each going first in turn), after a warm-up of each."""
    pair = (real, bare)
    for _ in range(WARM_UP):
        for http in pair:
            timed_get(http, url)
    times: tuple[list[float], list[float]] = ([], [])
    sizes = [0, 0]
    for run in range(runs):
        for which in (0, 1) if run % 2 == 0 else (1, 0):
            seconds, response = timed_get(pair[which], url)
            times[which].append(seconds)
            sizes[which] = len(response.content)
    return Comparison(page, Timing.of(times[0]), Timing.of(times[1]), sizes[0], sizes[1])


if __name__ == "__main__":
    main()

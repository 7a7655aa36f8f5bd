"""The browser harness: Debian's Chromium driven by Playwright against a live uvicorn.

A missing browser fails the run (never a silent skip): install it with `make system-deps`.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from axe_playwright_python.sync_playwright import Axe
from fastapi import FastAPI
from playwright.sync_api import Page

from app.main import create_app
from tests.conftest import empty_tables, make_settings

CHROMIUM = Path("/usr/bin/chromium")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make system-deps` (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def live_app(database_url: str) -> Iterator[FastAPI]:
    app = create_app(make_settings(database_url))
    yield app
    app.state.engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_app: FastAPI) -> Iterator[str]:
    """The service on a free port of 127.0.0.1, in a thread, for the whole session."""
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(live_app, host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the live server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def base_url(live_server: str) -> str:
    """Playwright resolves relative URLs (page.goto("/")) against this."""
    return live_server


@pytest.fixture
def server(live_server: str, live_app: FastAPI) -> Iterator[str]:
    """The live server's URL; the test's data is deleted after it."""
    yield live_server
    empty_tables(live_app.state.engine)


@pytest.fixture
def outside_requests(page: Page, live_server: str) -> list[str]:
    """Every request the page makes to a host other than the live server."""
    seen: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(live_server) else seen.append(r.url))
    return seen


def assert_accessible(page: Page) -> None:
    """Zero axe-core violations of WCAG 2.2 A and AA on the page as it is now."""
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    violations = results.response["violations"]
    assert not violations, results.generate_report()

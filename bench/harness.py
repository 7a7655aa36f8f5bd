"""What every benchmark shares: serving the app (or the bare baseline) on a free port, signing
in through the real form, and summarising timings."""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Generator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from app.core.paths import PROJECT_DIR
from app.core.security import CSRF_HEADER

HOST = "127.0.0.1"
TIMEOUT = httpx.Timeout(120.0)  # the service takes tens of seconds for some pages today
READY_SECONDS = 120.0
BIN = Path(sys.executable).parent
CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')
# Looked for in the server's log after a run: SQLite's lock, the pool running dry, a time-out.
LOG_PATTERNS = ("database is locked", "QueuePool limit", "TimeoutError")


class _LoopbackPolicy(http.cookiejar.DefaultCookiePolicy):
    def return_ok_secure(self, cookie: http.cookiejar.Cookie, request: Any) -> bool:
        return True


class BrowserCookies(httpx.Auth):
    """A browser's cookies: Secure ones are sent to the loopback address over plain HTTP.

    The service runs with ENVIRONMENT=production, where its cookies are Secure. Browsers send
    those to 127.0.0.1; httpx's own cookie handling does not, whatever jar it is given.
    """

    def __init__(self) -> None:
        self.cookies = httpx.Cookies(http.cookiejar.CookieJar(policy=_LoopbackPolicy()))

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        self.cookies.set_cookie_header(request)
        response = yield request
        self.cookies.extract_cookies(response)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def service_env(database_url: str) -> dict[str, str]:
    """The environment the service runs with: production settings, the mail loop off (it would
    compete for the CPU and the write lock on a timer, and there is no mail server)."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "ENVIRONMENT": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "BASE_URL": "https://bench.invalid",
        "MAIL_POLL_SECONDS": "0",
    }


@dataclass
class Server:
    """A server process started by `serve`: its address and its log."""

    url: str
    log: Path

    def log_counts(self) -> dict[str, int]:
        """How many lines of the log mention each of LOG_PATTERNS (a traceback names its error
        on more than one line, so this counts lines, not errors)."""
        lines = self.log.read_text(errors="replace").splitlines()
        return {pattern: sum(pattern in line for line in lines) for pattern in LOG_PATTERNS}


@contextmanager
def serve(command: Sequence[str], *, env: dict[str, str], log: Path, port: int) -> Iterator[Server]:
    """Run `command` (a server listening on `port`) until the block ends; its output to `log`."""
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own command line
            list(command),
            cwd=PROJECT_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: workers are stopped with it
        )
    try:
        url = f"http://{HOST}:{port}"
        _wait_until_ready(process, url, log)
        yield Server(url, log)
    finally:
        _stop(process)


def serve_app(database_url: str, *, log: Path, workers: int = 1) -> Any:
    """The real service: `roadmap serve` on a free port."""
    port = free_port()
    command = [str(BIN / "roadmap"), "serve", "--port", str(port), "--workers", str(workers)]
    return serve(command, env=service_env(database_url), log=log, port=port)


def _wait_until_ready(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {READY_SECONDS:.0f} s; see {log}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server as Ctrl-C would; kill its process group if it does not stop."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def csrf_of(html: str) -> str:
    """The CSRF token of a page (its meta tag), as htmx reads it."""
    match = CSRF_META.search(html)
    if match is None:
        raise RuntimeError("the page has no CSRF token")
    return match.group(1)


def sign_in(client: httpx.Client, email: str, password: str) -> str:
    """Sign in through the sign-in form; return the CSRF token for the signed-in session."""
    token = csrf_of(client.get("/sign-in").text)
    response = client.post(
        "/sign-in", data={"email": email, "password": password, "csrf_token": token}
    )
    if response.status_code != 303:
        raise RuntimeError(f"signing in as {email}: {response.status_code}")
    # Signing in starts a new session with a new CSRF cookie: read the token again.
    return csrf_of(client.get("/").text)


async def sign_in_async(client: httpx.AsyncClient, email: str, password: str) -> str:
    """`sign_in`, for an asynchronous client."""
    token = csrf_of((await client.get("/sign-in")).text)
    response = await client.post(
        "/sign-in", data={"email": email, "password": password, "csrf_token": token}
    )
    if response.status_code != 303:
        raise RuntimeError(f"signing in as {email}: {response.status_code}")
    return csrf_of((await client.get("/")).text)


def client(base_url: str) -> httpx.Client:
    """One browser: keep-alive, its own cookies, redirects not followed."""
    return httpx.Client(base_url=base_url, auth=BrowserCookies(), timeout=TIMEOUT)


def csrf_headers(token: str) -> dict[str, str]:
    """Headers of a write made by the page's script (htmx) or a cookie-authenticated API call."""
    return {CSRF_HEADER: token}


@dataclass(frozen=True)
class Timing:
    """A summary of several timings, in seconds."""

    median: float
    p90: float
    minimum: float
    runs: int

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Timing:
        return cls(statistics.median(seconds), percentile(seconds, 90), min(seconds), len(seconds))


def percentile(seconds: Sequence[float], q: int) -> float:
    """The q-th percentile (1-99) of `seconds` (NaN when there are none)."""
    if len(seconds) < 2:
        return seconds[0] if seconds else float("nan")
    return statistics.quantiles(seconds, n=100, method="inclusive")[q - 1]


def ms(seconds: float) -> str:
    """A duration for the report: in milliseconds, or in seconds from ten seconds up."""
    if seconds != seconds:  # NaN: nothing measured
        return "-"
    if seconds >= 10:
        return f"{seconds:.1f} s"
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.1 else f"{seconds * 1000:.1f} ms"

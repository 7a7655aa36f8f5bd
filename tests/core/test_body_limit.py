"""The body limit, against a real uvicorn: a body over MAX_BODY_BYTES is answered 413 without
being read, whether it declares its length or streams in chunks, for JSON, forms and anonymous
callers alike.

The client sends over a raw socket so that it can keep sending while it waits for the answer:
the 413 must arrive long before the body is all sent, which is what "not read" looks like from
outside (a worker that buffered the body would answer only after the last byte).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn

from app.core.settings import Settings
from app.main import create_app
from tests.conftest import make_settings
from tests.pages import check_page

LIMIT = 100_000
HUGE = 200 * 1024 * 1024  # what the attacker claims, or tries to stream
CHUNK = 64 * 1024


@pytest.fixture(scope="module")
def live(database_url: str) -> Iterator[tuple[str, int]]:
    """The service, with a 100 kB limit, on a free port of 127.0.0.1."""
    app = create_app(make_settings(database_url, max_body_bytes=LIMIT))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    yield "127.0.0.1", port
    server.should_exit = True
    thread.join(timeout=10)
    app.state.engine.dispose()


def _read_response(sock: socket.socket) -> httpx.Response:
    sock.settimeout(20)
    data = b""
    while b"\r\n\r\n" not in data:
        got = sock.recv(65536)
        assert got, f"the connection closed before an answer: {data!r}"
        data += got
    head, body = data.split(b"\r\n\r\n", 1)
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = [(k, v) for k, v in (line.split(": ", 1) for line in lines)]
    length = int({k.lower(): v for k, v in headers}["content-length"])
    while len(body) < length:
        got = sock.recv(65536)
        assert got, "the connection closed inside the answer"
        body += got
    return httpx.Response(int(status_line.split()[1]), headers=headers, content=body[:length])


def _send(
    live: tuple[str, int], path: str, headers: dict[str, str], *, chunked: bool
) -> tuple[httpx.Response, int, float]:
    """Send a huge body while reading the answer: (answer, bytes sent by then, seconds)."""
    sock = socket.create_connection(live)
    framing = {"Transfer-Encoding": "chunked"} if chunked else {"Content-Length": str(HUGE)}
    head = "".join(f"{k}: {v}\r\n" for k, v in {"Host": "test", **headers, **framing}.items())
    sock.sendall(f"POST {path} HTTP/1.1\r\n{head}\r\n".encode())
    sent = 0
    answered = threading.Event()
    piece = b"a" * CHUNK
    frame = f"{CHUNK:x}\r\n".encode() + piece + b"\r\n" if chunked else piece

    def stream() -> None:
        nonlocal sent
        try:
            while sent < HUGE and not answered.is_set():
                sock.sendall(frame)
                sent += CHUNK
        except OSError:
            pass  # the server closed the connection after its answer

    sender = threading.Thread(target=stream, daemon=True)
    started = time.monotonic()
    sender.start()
    try:
        response = _read_response(sock)
        seconds = time.monotonic() - started
        answered.set()
        return response, sent, seconds
    finally:
        answered.set()
        sock.close()
        sender.join(timeout=10)


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_an_anonymous_json_body_over_the_limit_is_413_before_it_is_read(
    live: tuple[str, int], chunked: bool
) -> None:
    response, sent, seconds = _send(
        live, "/api/v1/partnerships", {"Content-Type": "application/json"}, chunked=chunked
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["max_bytes"] == LIMIT
    assert response.headers["connection"] == "close"
    # Answered while the client was still sending: a small part of 200 MB was sent (socket
    # buffers), so the worker neither waited for nor kept the rest.
    assert sent < HUGE // 10, sent
    assert seconds < 10


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_an_anonymous_form_over_the_limit_gets_a_page(live: tuple[str, int], chunked: bool) -> None:
    response, sent, _ = _send(
        live,
        "/sign-in",
        {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"},
        chunked=chunked,
    )
    page = check_page(response, 413)
    assert page.h1 is not None and "too large" in page.h1.get_text()
    assert sent < HUGE // 10, sent


def test_a_body_within_the_limit_is_read_as_before(live: tuple[str, int]) -> None:
    host, port = live
    with httpx.Client(base_url=f"http://{host}:{port}") as client:

        def chunks() -> Iterator[bytes]:
            yield b'{"name": '
            yield b'"' + b"x" * (LIMIT // 2) + b'"}'

        streamed = client.post(
            "/api/v1/partnerships", content=chunks(), headers={"Content-Type": "application/json"}
        )
        declared = client.post("/api/v1/partnerships", json={"name": "x" * (LIMIT // 2)})
    # Read in full, then refused for the reason it would be anyway: nobody is signed in.
    assert streamed.status_code == declared.status_code == 401


def test_the_limit_is_one_megabyte_unless_configured() -> None:
    assert Settings.model_fields["max_body_bytes"].default == 1024 * 1024

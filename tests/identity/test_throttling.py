"""Throttling that slows guessing and cannot be turned into a lock-out (issue 13, point 3).

Every request here comes through a reverse proxy at 10.0.0.1, named in TRUSTED_PROXIES, which
appends the address it saw to X-Forwarded-For: so each test can speak from any address.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.core.settings import ConfigurationError, Settings
from app.identity.flows import (
    ACCOUNT_FREE_FAILURES,
    ACCOUNT_MAX_WAIT,
    PAIR_FIRST_WAIT,
    PAIR_FREE_FAILURES,
    PAIR_MAX_WAIT,
)
from app.identity.models import SignInAttempt
from tests.conftest import make_settings
from tests.factories import PASSWORD, make_user, post_form
from tests.pages import check_page

EMAIL = "ada@northdale.example.org"
WRONG = "wrong password here"
PROXY = "10.0.0.1"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url, trusted_proxies="10.0.0.0/24")


def _browser(app: FastAPI, peer: str = PROXY) -> TestClient:
    return TestClient(app, client=(peer, 50000), raise_server_exceptions=False)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with _browser(app) as browser:
        yield browser


@pytest.fixture
def ada(db: Session) -> str:
    make_user(db, email=EMAIL, organisation="Northdale District Council", name="Ada")
    db.commit()
    return EMAIL


def _attempt(client: TestClient, email: str, password: str, *, forwarded: str = "198.51.100.7"):  # type: ignore[no-untyped-def]
    return post_form(
        client,
        "/sign-in",
        {"email": email, "password": password},
        headers={"X-Forwarded-For": forwarded},
    )


def _wait(db: Session, seconds: float) -> None:
    """Let `seconds` pass, as far as the throttle can tell."""
    db.rollback()
    for attempt in db.exec(select(SignInAttempt)):
        attempt.at -= timedelta(seconds=seconds)
    db.commit()


def test_the_right_password_passes_after_a_short_back_off(
    client: TestClient, ada: str, db: Session
) -> None:
    for _ in range(PAIR_FREE_FAILURES):
        assert _attempt(client, ada, WRONG).status_code == 400
    blocked = _attempt(client, ada, PASSWORD)
    soup = check_page(blocked, status=429)
    assert "Too many failed attempts" in soup.get_text()
    wait = int(blocked.headers["retry-after"])
    assert 0 < wait <= PAIR_FIRST_WAIT.total_seconds()  # a short delay, not fifteen minutes
    _wait(db, wait)
    assert _attempt(client, ada, PASSWORD).status_code == 303


def test_the_back_off_grows_with_each_failure_up_to_a_cap(
    client: TestClient, ada: str, db: Session
) -> None:
    waits = []
    for _ in range(PAIR_FREE_FAILURES):
        _attempt(client, ada, WRONG)
    for _ in range(3):
        blocked = _attempt(client, ada, WRONG)
        assert blocked.status_code == 429  # refused without checking or counting
        waits.append(int(blocked.headers["retry-after"]))
        _wait(db, waits[-1])
        assert _attempt(client, ada, WRONG).status_code == 400
    assert waits == sorted(waits) and waits[-1] > waits[0]
    db.add_all(SignInAttempt(email=ada, ip="198.51.100.7") for _ in range(40))
    db.commit()
    capped = int(_attempt(client, ada, PASSWORD).headers["retry-after"])
    assert 0 < capped <= PAIR_MAX_WAIT.total_seconds()


def test_failures_at_one_address_lock_out_nobody_else_there(client: TestClient, ada: str) -> None:
    """Behind NAT or a load balancer a whole council shares one address."""
    for n in range(25):
        assert _attempt(client, f"guess{n}@example.org", WRONG).status_code == 400
    assert _attempt(client, ada, PASSWORD).status_code == 303


def test_a_distributed_guess_slows_a_new_device_briefly_and_a_known_one_not_at_all(
    app: FastAPI, client: TestClient, ada: str, db: Session
) -> None:
    with _browser(app) as known:
        assert _attempt(known, ada, PASSWORD, forwarded="203.0.113.5").status_code == 303
        for n in range(ACCOUNT_FREE_FAILURES):  # a botnet: one guess from each of many addresses
            assert _attempt(client, ada, WRONG, forwarded=f"198.51.100.{n}").status_code == 400
        # ... and it goes on, each guess once the back-off allows, until the cap.
        db.add_all(SignInAttempt(email=ada, ip=f"198.51.101.{n}") for n in range(10))
        db.commit()
        assert _attempt(known, ada, PASSWORD, forwarded="203.0.113.5").status_code == 303
    with _browser(app) as new_device:
        blocked = _attempt(new_device, ada, PASSWORD, forwarded="203.0.113.6")
        assert blocked.status_code == 429
        wait = int(blocked.headers["retry-after"])
        assert 0 < wait <= ACCOUNT_MAX_WAIT.total_seconds()  # half a minute at most
        _wait(db, wait)
        assert _attempt(new_device, ada, PASSWORD, forwarded="203.0.113.6").status_code == 303


def test_a_rotating_forwarded_for_through_the_proxy_neither_bypasses_nor_is_recorded(
    client: TestClient, ada: str, db: Session
) -> None:
    """The proxy appends the address it saw; what the client put before it is its own say."""
    statuses = [
        _attempt(client, ada, WRONG, forwarded=f"192.0.2.{n}, 198.51.100.7").status_code
        for n in range(PAIR_FREE_FAILURES + 1)
    ]
    assert statuses == [400] * PAIR_FREE_FAILURES + [429]
    db.rollback()
    recorded = db.exec(select(AuditEvent.ip).where(AuditEvent.action == "sign_in.failed")).all()
    assert set(recorded) == {"198.51.100.7"}


def test_forwarded_for_from_a_peer_that_is_not_a_trusted_proxy_is_ignored(
    app: FastAPI, ada: str, db: Session
) -> None:
    with _browser(app, peer="192.0.2.50") as direct:
        for n in range(PAIR_FREE_FAILURES):
            _attempt(direct, ada, WRONG, forwarded=f"198.51.100.{n}")
        assert _attempt(direct, ada, PASSWORD, forwarded="198.51.100.99").status_code == 429
    db.rollback()
    recorded = db.exec(select(AuditEvent.ip).where(AuditEvent.action == "sign_in.failed")).all()
    assert set(recorded) == {"192.0.2.50"}


def test_token_sign_in_has_the_same_back_off(app: FastAPI, ada: str, db: Session) -> None:
    with _browser(app, peer="192.0.2.50") as api:
        for _ in range(PAIR_FREE_FAILURES):
            wrong = api.post("/api/v1/auth/token", json={"email": ada, "password": WRONG})
            assert wrong.status_code == 401
        blocked = api.post("/api/v1/auth/token", json={"email": ada, "password": PASSWORD})
        assert blocked.status_code == 429
        _wait(db, int(blocked.headers["retry-after"]))
        ok = api.post("/api/v1/auth/token", json={"email": ada, "password": PASSWORD})
        assert ok.status_code == 200


def test_trusted_proxies_are_the_local_host_by_default_and_checked() -> None:
    # CONTRACT.md: only a proxy on the same host is believed unless configured.
    [local] = Settings(_env_file=None).trusted_proxy_networks  # type: ignore[call-arg]
    assert str(local) == "127.0.0.1/32"
    assert (
        len(make_settings("sqlite://", trusted_proxies="10.0.0.1, fd00::/8").trusted_proxy_networks)
        == 2
    )
    with pytest.raises(ConfigurationError, match="TRUSTED_PROXIES"):
        make_settings("sqlite://", trusted_proxies="10.0.0.1, proxy.internal")

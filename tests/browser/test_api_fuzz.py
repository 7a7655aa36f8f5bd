"""schemathesis against the live service: every phase, every check, zero failures.

Run with the tokens of two partnerships' leads, so that each sees the API as an insider of one
partnership and an outsider of the other. `POST/DELETE /auth/token` are left out: fuzzing
DELETE would revoke the very token the run uses. (It sits beside the browser tests because it
needs the same live server.)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlmodel import Session

from tests.factories import make_world

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
SECONDS_PER_RUN = 40


@pytest.mark.parametrize("who", ["lead", "outsider"])
def test_schemathesis_finds_nothing(
    server: str, live_app: FastAPI, who: str, tmp_path: Path
) -> None:
    with Session(live_app.state.engine, expire_on_commit=False) as db:
        world = make_world(db)
    settings = live_app.state.settings
    limit, settings.api_writes_per_minute = settings.api_writes_per_minute, 1_000_000
    try:
        result = subprocess.run(
            [
                str(SCHEMATHESIS),
                "run",
                f"{server}/openapi.json",
                "--checks",
                "all",
                "--phases",
                "examples,coverage,fuzzing,stateful",
                "--max-time",
                str(SECONDS_PER_RUN),
                "--exclude-path",
                "/api/v1/auth/token",
                "-H",
                f"Authorization: Bearer {world.tokens[who]}",
                "--no-color",
            ],
            capture_output=True,
            text=True,
            timeout=SECONDS_PER_RUN * 6,
            check=False,
            cwd=tmp_path,
        )
    finally:
        settings.api_writes_per_minute = limit
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert " passed" in result.stdout

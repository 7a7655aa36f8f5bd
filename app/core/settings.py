"""Configuration from the environment (and a `.env` file), as CONTRACT.md lists it."""

from __future__ import annotations

import secrets
from enum import StrEnum
from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.core.paths import ROADMAP_DIR

DATA_DIR = Path("data")
DEV_SECRET_FILE = DATA_DIR / "secret_key"
MIN_SECRET_LENGTH = 32


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class ConfigurationError(Exception):
    """The configuration cannot be used; the message says what to set."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: Environment = Environment.DEVELOPMENT
    database_url: str = f"sqlite:///./{DATA_DIR}/roadmap.db"
    secret_key: str = Field(default="", repr=False)
    base_url: str = "http://127.0.0.1:8000"
    roadmap_dir: Path = ROADMAP_DIR
    service_name: str = "Shared service partnership roadmap"

    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = Field(default=None, repr=False)
    smtp_starttls: bool = False
    mail_from: str = "roadmap@localhost"
    # Where the accessibility statement tells people to write (the Regulations require a
    # contact); MAIL_FROM when unset.
    accessibility_contact: str | None = None

    mail_poll_seconds: float = Field(
        default=2.0, ge=0, description="How often unsent mail is tried; 0 turns delivery off."
    )

    reminder_days: int = Field(default=7, gt=0, description="Remind of sign-offs this overdue.")

    api_writes_per_minute: int = Field(default=120, gt=0, description="Per bearer token.")

    expensive_per_minute: int = Field(
        default=60,
        gt=0,
        description="Per person: units of expensive work a minute (an answer history page or "
        "a stored export 1, an export that must be rendered 10); 429 beyond.",
    )

    max_body_bytes: int = Field(
        default=1_048_576,
        ge=1024,
        description="The largest request body accepted (413 above it), however it is sent.",
    )

    database_pool_size: int = Field(
        default=20,
        ge=1,
        le=200,
        description="Database connections per worker; also how many requests it serves at once.",
    )

    template_reload: bool = Field(
        default=False, description="Re-read changed templates (`roadmap serve --reload` sets it)."
    )

    # CONTRACT.md: 127.0.0.1 by default, a proxy on the same host (the usual nginx in front).
    trusted_proxies: str = Field(
        default="127.0.0.1",
        description="Comma-separated addresses or CIDRs of the reverse proxies whose "
        "X-Forwarded-For is believed; 127.0.0.1 by default.",
    )

    session_idle_minutes: int = Field(default=30, gt=0)
    session_absolute_hours: int = Field(default=12, gt=0)

    @property
    def is_production(self) -> bool:
        return self.environment is Environment.PRODUCTION

    @property
    def trusted_proxy_networks(self) -> tuple[IPv4Network | IPv6Network, ...]:
        return _networks(self.trusted_proxies)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @model_validator(mode="after")
    def _safe_in_production(self) -> Settings:
        try:
            _networks(self.trusted_proxies)
        except ValueError as exc:
            raise ConfigurationError(
                f"TRUSTED_PROXIES must be comma-separated addresses or CIDRs: {exc}"
            ) from None
        if self.is_production:
            if len(self.secret_key) < MIN_SECRET_LENGTH:
                raise ConfigurationError(
                    "ENVIRONMENT=production needs SECRET_KEY set to a random value of at least "
                    f"{MIN_SECRET_LENGTH} characters, for example the output of "
                    '`python -c "import secrets; print(secrets.token_urlsafe(48))"`.'
                )
            if not self.base_url.startswith("https://"):
                raise ConfigurationError(
                    "ENVIRONMENT=production needs BASE_URL to start with https:// "
                    "(links in emails and exports are built from it)."
                )
        return self


def _networks(value: str) -> tuple[IPv4Network | IPv6Network, ...]:
    parts = (part.strip() for part in value.split(","))
    return tuple(ip_network(part, strict=False) for part in parts if part)


def _development_secret() -> str:
    """A secret generated on first use and kept under ./data, so sessions survive restarts."""
    if DEV_SECRET_FILE.exists():
        return DEV_SECRET_FILE.read_text(encoding="utf-8").strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    DEV_SECRET_FILE.write_text(secret, encoding="utf-8")
    DEV_SECRET_FILE.chmod(0o600)
    return secret


@lru_cache
def get_settings() -> Settings:
    """The settings in force, read once per process."""
    settings = Settings()
    if not settings.secret_key:
        settings.secret_key = _development_secret()
    return settings

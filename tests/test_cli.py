"""The `roadmap` command as CONTRACT.md lists it."""

import subprocess
import sys
from collections.abc import Iterator

import pytest
from sqlmodel import Session, col, func, select

from app.cli import main as cli
from app.core.database import make_engine
from app.core.settings import get_settings
from app.identity.models import User
from app.identity.passwords import verify_password
from app.partnerships.models import Partner, PartnerRole, Partnership, Role
from app.wizard.models import Answer
from tests.conftest import empty_tables


@pytest.fixture
def env_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point the command at the test database through DATABASE_URL, as a user would."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("ENVIRONMENT", "development")
    get_settings.cache_clear()
    yield database_url
    get_settings.cache_clear()
    engine = make_engine(database_url)
    empty_tables(engine)
    engine.dispose()


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["serve"],
        ["db"],
        ["db", "upgrade"],
        ["demo"],
        ["create-user"],
        ["roadmap"],
        ["roadmap", "check"],
        ["roadmap", "schema"],
    ],
)
def test_every_command_has_help(args: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", *args, "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: roadmap")


def test_db_upgrade_twice(env_database: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["db", "upgrade"]) == 0
    assert cli(["db", "upgrade"]) == 0
    assert "is up to date" in capsys.readouterr().out


def test_create_user(env_database: str, capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "create-user",
        "--email",
        " Ada@Example.ORG ",
        "--name",
        "Ada",
        "--organisation",
        "Northdale District Council",
        "--password",
        "correct horse battery",
        "--admin",
    ]
    assert cli(args) == 0
    assert "created site administrator ada@example.org" in capsys.readouterr().out
    assert cli(args) == 1
    assert "already exists" in capsys.readouterr().err
    engine = make_engine(env_database)
    with Session(engine) as db:
        user = db.exec(select(User).where(User.email == "ada@example.org")).one()
        assert user.is_admin
        assert user.password_hash
        assert user.password_hash.startswith("$argon2id$")
        assert verify_password(user.password_hash, "correct horse battery")
    engine.dispose()


def test_create_user_refuses_a_short_password(
    env_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [
        "create-user",
        "--email",
        "b@example.org",
        "--name",
        "B",
        "--organisation",
        "X",
        "--password",
        "short",
    ]
    assert cli(args) == 1
    assert "12 characters or more" in capsys.readouterr().err


def _counts(url: str) -> tuple[int, ...]:
    engine = make_engine(url)
    with Session(engine) as db:
        counts = tuple(
            db.exec(select(func.count()).select_from(model)).one()
            for model in (User, Partnership, Partner, PartnerRole, Answer)
        )
    engine.dispose()
    return counts


def test_demo_loads_three_councils_with_every_role_and_is_safe_twice(
    env_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(["demo"]) == 0
    out = capsys.readouterr().out
    assert "signatory@eastbrook.example.org" in out
    assert "password" in out
    first = _counts(env_database)
    assert cli(["demo"]) == 0
    assert _counts(env_database) == first
    _users, partnerships, partners, _, answers = first
    assert (partnerships, partners) == (1, 3)
    assert answers > 5
    engine = make_engine(env_database)
    with Session(engine) as db:
        for partner in db.exec(select(Partner)).all():
            roles = set(
                db.exec(select(PartnerRole.role).where(PartnerRole.partner_id == partner.id))
            )
            expected = set(Role) if partner.is_lead else set(Role) - {Role.LEAD}
            assert roles == expected
        assert db.exec(select(func.count()).where(col(Partner.is_lead))).one() == 1
    engine.dispose()


def test_demo_is_refused_in_production(
    env_database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    monkeypatch.setenv("BASE_URL", "https://roadmap.example.org")
    get_settings.cache_clear()
    assert cli(["demo"]) == 1
    assert "not loaded when ENVIRONMENT=production" in capsys.readouterr().err


def test_serve_refuses_a_production_config_without_a_secret(
    env_database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    get_settings.cache_clear()
    assert cli(["serve"]) == 1
    assert "SECRET_KEY" in capsys.readouterr().err

import pytest

from app.identity.passwords import (
    MAX_LENGTH,
    MIN_LENGTH,
    WeakPassword,
    check_strength,
    common_passwords,
    hash_password,
    needs_rehash,
    verify_password,
)


def test_argon2id_with_the_documented_parameters() -> None:
    hashed = hash_password("correct horse battery staple")
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert verify_password(hashed, "correct horse battery staple")
    assert not verify_password(hashed, "correct horse battery stapler")
    assert not needs_rehash(hashed)


def test_verify_never_raises_on_bad_input() -> None:
    assert not verify_password(None, "x")
    assert not verify_password("not a hash", "x")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("a" * (MIN_LENGTH - 1), "12 characters or more"),
        ("a" * (MAX_LENGTH + 1), "128 characters or fewer"),
        ("1qaz2wsx3edc", "most common passwords"),
        ("1QAZ2WSX3EDC", "most common passwords"),
    ],
)
def test_weak_passwords_are_refused(password: str, message: str) -> None:
    with pytest.raises(WeakPassword, match=message):
        check_strength(password)


@pytest.mark.parametrize("password", ["a" * MIN_LENGTH, "x" * MAX_LENGTH, "tram lemon quietly"])
def test_acceptable_passwords(password: str) -> None:
    check_strength(password)


def test_the_common_list_has_ten_thousand_entries() -> None:
    assert len(common_passwords()) == 10_000
    assert {"123456", "password", "qwerty"} <= common_passwords()

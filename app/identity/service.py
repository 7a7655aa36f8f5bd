"""Accounts and organisations: plain functions over a session; callers commit."""

from __future__ import annotations

from collections.abc import Collection

from sqlmodel import Session, col, select

from app.identity.models import Organisation, OrganisationKind, User
from app.identity.passwords import check_strength, hash_password


class DuplicateAccount(ValueError):
    """An account with this email address already exists."""


def normalise_email(email: str) -> str:
    """Emails are compared and stored trimmed and lower-cased."""
    return email.strip().lower()


def get_or_create_organisation(
    db: Session, *, name: str, kind: OrganisationKind = OrganisationKind.OTHER
) -> Organisation:
    """The organisation called `name`, created if it does not exist yet."""
    name = " ".join(name.split())
    organisation = db.exec(select(Organisation).where(Organisation.name == name)).first()
    if organisation is None:
        organisation = Organisation(name=name, kind=kind)
        db.add(organisation)
        db.flush()
    return organisation


def get_user_by_email(db: Session, *, email: str) -> User | None:
    """The account with this email address, if any."""
    return db.exec(select(User).where(User.email == normalise_email(email))).first()


def create_user(
    db: Session,
    *,
    email: str,
    name: str,
    organisation: Organisation,
    password: str | None,
    is_admin: bool = False,
) -> User:
    """A new account; raises DuplicateAccount or WeakPassword."""
    if get_user_by_email(db, email=email) is not None:
        raise DuplicateAccount(f"an account for {normalise_email(email)} already exists")
    if password is not None:
        check_strength(password)
    user = User(
        email=normalise_email(email),
        name=name.strip(),
        organisation_id=organisation.id,
        password_hash=hash_password(password) if password is not None else None,
        is_admin=is_admin,
    )
    db.add(user)
    db.flush()
    return user


def who(name: str, organisation: str) -> str:
    """A person as every list of actions names them: "Priya Shah (Eastbrook Borough Council)".
    Councils often have people with the same name; the organisation tells them apart."""
    return f"{name} ({organisation})"


def people_named(db: Session, user_ids: Collection[str]) -> dict[str, str]:
    """Each person, by id, named with their organisation (`who`)."""
    if not user_ids:
        return {}
    rows = db.exec(
        select(User.id, User.name, Organisation.name)
        .join(Organisation, col(Organisation.id) == User.organisation_id)
        .where(col(User.id).in_(list(user_ids)))
    )
    return {uid: who(name, organisation) for uid, name, organisation in rows}

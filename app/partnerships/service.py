"""Partnerships, partners and roles: plain functions over a session; callers commit."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from app.audit.service import Actor, record
from app.core.database import fetch, utcnow
from app.core.security import new_token, token_hash
from app.identity.models import Organisation, User
from app.identity.passwords import verify_password
from app.identity.service import (
    create_user,
    get_or_create_organisation,
    get_user_by_email,
    normalise_email,
)
from app.mail.service import queue
from app.notify import service as notify
from app.partnerships.models import (
    AUTHORITY_MAX_LENGTH,
    ROLE_LABELS,
    SIGNING_ROLES,
    Invitation,
    Partner,
    PartnerRole,
    Partnership,
    PartnerStatus,
    Role,
)


def create_partnership(
    db: Session, *, name: str, service: str, description: str, creator: User, roadmap_version: str
) -> tuple[Partnership, Partner]:
    """A partnership whose lead partner is the creator's organisation, led by the creator."""
    partnership = Partnership(
        name=name.strip(),
        service=service.strip(),
        description=description.strip(),
        roadmap_version=roadmap_version,
        created_by=creator.id,
    )
    db.add(partnership)
    db.flush()
    lead = Partner(
        partnership_id=partnership.id,
        organisation_id=creator.organisation_id,
        is_lead=True,
        status=PartnerStatus.ACTIVE,
        joined_at=utcnow(),
    )
    db.add(lead)
    db.flush()
    grant_role(db, partner=lead, user=creator, role=Role.LEAD, granted_by=creator)
    return partnership, lead


def add_partner(
    db: Session, *, partnership: Partnership, organisation: Organisation, active: bool
) -> Partner:
    """`organisation` as a partner of `partnership` (invited, or active at once)."""
    partner = Partner(
        partnership_id=partnership.id,
        organisation_id=organisation.id,
        status=PartnerStatus.ACTIVE if active else PartnerStatus.INVITED,
        joined_at=utcnow() if active else None,
    )
    db.add(partner)
    db.flush()
    return partner


class PartnershipProblem(ValueError):
    """A request that cannot be carried out; the message is written for the person asking."""


class SelfGrant(PartnershipProblem):
    """Someone tried to give themselves a signing role (answered 403)."""


class AuthorityRequired(PartnershipProblem):
    """A signing role was to be granted without naming its authority (answered 422)."""


def signing(roles: Iterable[Role]) -> list[Role]:
    """The signing roles among `roles`, in the usual order."""
    given = set(roles)
    return [r for r in Role if r in given and r in SIGNING_ROLES]


def role_words(roles: Iterable[Role]) -> str:
    """Roles in words within a sentence: "chief executive and finance director"."""
    words = [ROLE_LABELS[r].lower() for r in roles]
    return " and ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)


AUTHORITY_EXAMPLE = "like “Scheme of delegation 4.2” or “Cabinet minute 2026/114”"


def authorise(roles: Iterable[Role], *, to_oneself: bool, authority: str | None) -> str | None:
    """The authority on which `roles` are granted, trimmed; None when none of them is a
    signing role. Refuses a signing role given to oneself, or without an authority."""
    wanted = signing(roles)
    if not wanted:
        return None
    if to_oneself:
        raise SelfGrant(
            f"You cannot give yourself the {role_words(wanted)} role. Someone else who manages "
            "your organisation's people, or the partnership lead, must give it to you"
        )
    text = (authority or "").strip()
    if not text:
        raise AuthorityRequired(
            f"Enter the authority for the {role_words(wanted)} role, {AUTHORITY_EXAMPLE}"
        )
    if len(text) > AUTHORITY_MAX_LENGTH:
        raise AuthorityRequired(f"The authority must be {AUTHORITY_MAX_LENGTH} characters or fewer")
    return text


def grant_role(
    db: Session,
    *,
    partner: Partner,
    user: User,
    role: Role,
    granted_by: User | None = None,
    authority: str | None = None,
) -> PartnerRole:
    """Give `user` the `role` for `partner`; granting a role already held changes nothing.

    Every grant a person makes names them as `granted_by`, and a signing role also its
    `authority`. Only setup code (the demo aside: tests and benchmarks) grants with no grantor.
    """
    if user.organisation_id != partner.organisation_id:
        raise ValueError("a person can hold roles only for their own organisation's partner")
    existing = db.exec(
        select(PartnerRole).where(
            PartnerRole.partner_id == partner.id,
            PartnerRole.user_id == user.id,
            PartnerRole.role == role,
        )
    ).first()
    if existing is not None:
        return existing
    if granted_by is not None:
        authority = authorise([role], to_oneself=granted_by.id == user.id, authority=authority)
    grant = PartnerRole(
        partner_id=partner.id,
        user_id=user.id,
        role=role,
        granted_by=granted_by.id if granted_by is not None else None,
        authority=authority if role in SIGNING_ROLES else None,
    )
    db.add(grant)
    db.flush()
    return grant


INVITATION_LIFETIME = timedelta(days=14)
INVITABLE_ROLES = frozenset(Role) - {Role.LEAD}


def announce_grant(
    db: Session,
    *,
    partner: Partner,
    user: User,
    granted_by: User,
    roles: list[Role],
    authority: str,
    base_url: str,
) -> None:
    """Tell the partnership lead and the partner's people that someone now holds a signing
    role, who gave it and on what authority: a grant nobody hears of is a grant nobody checks."""
    organisation = fetch(db, Organisation, partner.organisation_id)
    message = (
        f"{granted_by.name} made {user.name} {role_words(roles)} for {organisation.name}, "
        f"on the authority of {authority}."
    )
    audience = {
        person.id: person
        for person in notify.people(db, partner.partnership_id, roles=[Role.LEAD])
        + notify.people(db, partner.partnership_id, partner_ids=[partner.id])
    }
    notify.tell(
        db,
        sorted(audience.values(), key=lambda person: person.email),
        partnership_id=partner.partnership_id,
        message=message if len(message) <= 500 else f"{message[:499]}…",
        link=f"/partnerships/{partner.partnership_id}/people",
        base_url=base_url,
    )


def start_partnership(
    db: Session,
    actor: Actor,
    *,
    creator: User,
    name: str,
    service: str,
    description: str,
    roadmap_version: str,
) -> Partnership:
    """Create a partnership (the creator's organisation leads it) and record it."""
    partnership, lead = create_partnership(
        db,
        name=name,
        service=service,
        description=description,
        creator=creator,
        roadmap_version=roadmap_version,
    )
    record(
        db,
        actor,
        "partnership.created",
        object_type="partnership",
        object_id=partnership.id,
        partnership_id=partnership.id,
        after={
            "name": partnership.name,
            "service": partnership.service,
            "lead_partner_id": lead.id,
            "roadmap_version": roadmap_version,
        },
    )
    return partnership


def _check_roles(roles: list[Role]) -> list[Role]:
    if not roles:
        raise PartnershipProblem("Select at least one role")
    if not set(roles) <= INVITABLE_ROLES:
        raise PartnershipProblem("The partnership lead role cannot be given by invitation")
    return sorted(set(roles), key=list(Role).index)


def _invite(
    db: Session,
    actor: Actor,
    *,
    partnership: Partnership,
    partner: Partner,
    organisation_name: str,
    inviter: User,
    email: str,
    roles: list[Role],
    authority: str | None,
    base_url: str,
) -> tuple[Invitation, str]:
    email = normalise_email(email)
    existing = get_user_by_email(db, email=email)
    if existing is not None and existing.organisation_id != partner.organisation_id:
        raise PartnershipProblem(
            f"{email} already has an account with another organisation; a person belongs to "
            "one organisation only"
        )
    roles = _check_roles(roles)
    # Inviting oneself is the same as granting oneself the roles; the acceptance checks again.
    authority = authorise(roles, to_oneself=email == inviter.email, authority=authority)
    token = new_token()
    invitation = Invitation(
        partnership_id=partnership.id,
        partner_id=partner.id,
        email=email,
        roles=[r.value for r in roles],
        token_hash=token_hash(token),
        invited_by=inviter.id,
        authority=authority,
        expires_at=utcnow() + INVITATION_LIFETIME,
    )
    db.add(invitation)
    db.flush()
    sent: dict[str, object] = {"email": email, "partner_id": partner.id, "roles": invitation.roles}
    if authority is not None:
        sent["authority"] = authority
    record(
        db,
        actor,
        "invitation.sent",
        object_type="invitation",
        object_id=invitation.id,
        partnership_id=partnership.id,
        after=sent,
    )
    _send_link(
        db,
        invitation,
        partnership=partnership,
        organisation_name=organisation_name,
        inviter=inviter,
        token=token,
        base_url=base_url,
    )
    return invitation, token


def _send_link(
    db: Session,
    invitation: Invitation,
    *,
    partnership: Partnership,
    organisation_name: str,
    inviter: User,
    token: str,
    base_url: str,
) -> None:
    """Email the invitation link: the only place the token ever goes."""
    queue(
        db,
        to=invitation.email,
        template="invitation",
        partnership_id=partnership.id,
        context={
            "partnership": partnership,
            "organisation_name": organisation_name,
            "inviter": inviter,
            "roles": [Role(r) for r in invitation.roles],
            "expires_at": invitation.expires_at,
        },
        secret_link=f"{base_url}/invitations/accept?token={token}",
    )


def invite_partner(
    db: Session,
    actor: Actor,
    *,
    partnership: Partnership,
    inviter: User,
    email: str,
    organisation_name: str,
    roles: list[Role],
    base_url: str,
    authority: str | None = None,
) -> tuple[Invitation, str]:
    """Invite a new partner organisation's first person (the partnership lead only); a signing
    role among `roles` needs the `authority` it rests on."""
    organisation = get_or_create_organisation(db, name=organisation_name)
    partner = db.exec(
        select(Partner).where(
            Partner.partnership_id == partnership.id, Partner.organisation_id == organisation.id
        )
    ).first()
    if partner is None:
        partner = add_partner(db, partnership=partnership, organisation=organisation, active=False)
        record(
            db,
            actor,
            "partner.invited",
            object_type="partner",
            object_id=partner.id,
            partnership_id=partnership.id,
            after={"organisation": organisation.name},
        )
    elif partner.status is PartnerStatus.ACTIVE:
        raise PartnershipProblem(f"{organisation.name} is already a partner")
    elif partner.status is PartnerStatus.WITHDRAWN:
        raise PartnershipProblem(f"{organisation.name} has withdrawn from this partnership")
    return _invite(
        db,
        actor,
        partnership=partnership,
        partner=partner,
        organisation_name=organisation.name,
        inviter=inviter,
        email=email,
        roles=roles,
        authority=authority,
        base_url=base_url,
    )


def invite_person(
    db: Session,
    actor: Actor,
    *,
    partner: Partner,
    inviter: User,
    email: str,
    roles: list[Role],
    base_url: str,
    authority: str | None = None,
) -> tuple[Invitation, str]:
    """Invite another person of a partner's organisation; a signing role among `roles` needs
    the `authority` it rests on."""
    partnership = fetch(db, Partnership, partner.partnership_id)
    organisation = fetch(db, Organisation, partner.organisation_id)
    if partner.status is PartnerStatus.WITHDRAWN:
        raise PartnershipProblem(f"{organisation.name} has withdrawn from this partnership")
    return _invite(
        db,
        actor,
        partnership=partnership,
        partner=partner,
        organisation_name=organisation.name,
        inviter=inviter,
        email=email,
        roles=roles,
        authority=authority,
        base_url=base_url,
    )


def open_invitation(db: Session, token: str) -> Invitation | None:
    """The invitation behind a link, if it can still be accepted."""
    invitation = db.exec(
        select(Invitation).where(Invitation.token_hash == token_hash(token))
    ).first()
    if (
        invitation is None
        or fetch(db, Partner, invitation.partner_id).status is PartnerStatus.WITHDRAWN
        or invitation.accepted_at is not None
        or invitation.revoked_at is not None
        or invitation.expires_at <= utcnow()
    ):
        return None
    return invitation


EXPIRED_LINK = (
    "This invitation link has expired, been withdrawn or already been used. Ask the person who "
    "invited you to send a new one."
)


def accept_invitation(
    db: Session, actor: Actor, *, token: str, name: str, password: str, base_url: str
) -> tuple[User, Invitation]:
    """Accept: create the account (or confirm the existing one) and join the partner.

    The roles are granted by the inviter, on the authority they stated: the acceptance is
    refused when the inviter is the person accepting (a signing role they would give
    themselves), or when a signing role comes with no authority (an invitation sent before
    authorities were recorded).
    """
    invitation = open_invitation(db, token)
    if invitation is None:
        raise PartnershipProblem(EXPIRED_LINK)
    partner = fetch(db, Partner, invitation.partner_id)
    if partner.status is PartnerStatus.WITHDRAWN:
        raise PartnershipProblem(EXPIRED_LINK)
    user = get_user_by_email(db, email=invitation.email)
    if user is None:
        organisation = fetch(db, Organisation, partner.organisation_id)
        user = create_user(
            db, email=invitation.email, name=name, organisation=organisation, password=password
        )
        record(
            db,
            actor,
            "user.created",
            object_type="user",
            object_id=user.id,
            partnership_id=invitation.partnership_id,
            after={"email": user.email, "name": user.name, "via": "invitation"},
        )
    elif user.organisation_id != partner.organisation_id:
        raise PartnershipProblem(
            f"{user.email} already has an account with another organisation; a person belongs "
            "to one organisation only. Ask the person who invited you to invite another address."
        )
    elif not verify_password(user.password_hash, password):
        raise PartnershipProblem("Enter the password of your existing account")
    inviter = fetch(db, User, invitation.invited_by)
    roles = [Role(r) for r in invitation.roles]
    new_signing = signing(set(roles) - held_roles(db, partner=partner, user=user))
    if new_signing and inviter.id == user.id:
        raise SelfGrant(
            f"You cannot accept your own invitation to the {role_words(new_signing)} role. "
            "Someone else who manages your organisation's people, or the partnership lead, "
            "must give it to you"
        )
    if new_signing and not (invitation.authority or "").strip():
        raise PartnershipProblem(
            f"This invitation gives the {role_words(new_signing)} role without saying on what "
            f"authority. Ask {inviter.name} to withdraw it and send a new one."
        )
    if partner.status is PartnerStatus.INVITED:
        partner.status, partner.joined_at = PartnerStatus.ACTIVE, utcnow()
        record(
            db,
            actor.with_user(user.id),
            "partner.joined",
            object_type="partner",
            object_id=partner.id,
            partnership_id=invitation.partnership_id,
            before={"status": "invited"},
            after={"status": "active"},
        )
    for role in roles:
        grant_role(
            db,
            partner=partner,
            user=user,
            role=role,
            granted_by=inviter,
            authority=invitation.authority,
        )
    invitation.accepted_at, invitation.accepted_by = utcnow(), user.id
    accepted: dict[str, object] = {"email": user.email, "roles": invitation.roles}
    if new_signing:
        accepted |= {
            "granted": [r.value for r in new_signing],
            "granted_by": inviter.id,
            "authority": invitation.authority,
        }
    record(
        db,
        actor.with_user(user.id),
        "invitation.accepted",
        object_type="invitation",
        object_id=invitation.id,
        partnership_id=invitation.partnership_id,
        after=accepted,
    )
    if new_signing:
        announce_grant(
            db,
            partner=partner,
            user=user,
            granted_by=inviter,
            roles=new_signing,
            authority=(invitation.authority or "").strip(),
            base_url=base_url,
        )
    return user, invitation


def revoke_invitation(db: Session, actor: Actor, invitation: Invitation) -> None:
    """Withdraw an invitation that has not been accepted."""
    if invitation.accepted_at is not None:
        raise PartnershipProblem("This invitation has already been accepted")
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        record(
            db,
            actor,
            "invitation.revoked",
            object_type="invitation",
            object_id=invitation.id,
            partnership_id=invitation.partnership_id,
            after={"email": invitation.email},
        )


def resend_invitation(
    db: Session, actor: Actor, *, invitation: Invitation, inviter: User, base_url: str
) -> str:
    """Send a fresh link (the old one stops working) with a new 14-day expiry."""
    if invitation.accepted_at is not None:
        raise PartnershipProblem("This invitation has already been accepted")
    partnership = fetch(db, Partnership, invitation.partnership_id)
    partner = fetch(db, Partner, invitation.partner_id)
    if partner.status is PartnerStatus.WITHDRAWN:
        raise PartnershipProblem("The partner has withdrawn: its invitations cannot be sent again")
    organisation = fetch(db, Organisation, partner.organisation_id)
    token = new_token()
    invitation.token_hash = token_hash(token)
    invitation.expires_at = utcnow() + INVITATION_LIFETIME
    invitation.revoked_at = None
    record(
        db,
        actor,
        "invitation.resent",
        object_type="invitation",
        object_id=invitation.id,
        partnership_id=invitation.partnership_id,
        after={"email": invitation.email},
    )
    _send_link(
        db,
        invitation,
        partnership=partnership,
        organisation_name=organisation.name,
        inviter=inviter,
        token=token,
        base_url=base_url,
    )
    return token


def withdraw_partner(db: Session, actor: Actor, *, partner: Partner, reason: str) -> None:
    """The lead withdraws a partner: its history stays; it no longer counts or acts."""
    reason = reason.strip()
    if not reason:
        raise PartnershipProblem("Enter the reason the partner is withdrawing")
    if partner.is_lead:
        raise PartnershipProblem("The lead partner cannot withdraw; hand the lead over first")
    if partner.status is PartnerStatus.WITHDRAWN:
        raise PartnershipProblem("This partner has already withdrawn")
    before = partner.status.value
    partner.status, partner.withdrawn_at, partner.withdrawal_reason = (
        PartnerStatus.WITHDRAWN,
        utcnow(),
        reason,
    )
    for invitation in db.exec(
        select(Invitation).where(
            Invitation.partner_id == partner.id,
            col(Invitation.accepted_at).is_(None),
            col(Invitation.revoked_at).is_(None),
        )
    ):
        invitation.revoked_at = utcnow()
    record(
        db,
        actor,
        "partner.withdrawn",
        object_type="partner",
        object_id=partner.id,
        partnership_id=partner.partnership_id,
        before={"status": before},
        after={"status": "withdrawn", "reason": reason},
    )


def held_roles(db: Session, *, partner: Partner, user: User) -> set[Role]:
    """The roles `user` holds for `partner`."""
    return {
        Role(role)
        for role in db.exec(
            select(PartnerRole.role).where(
                PartnerRole.partner_id == partner.id, PartnerRole.user_id == user.id
            )
        )
    }


def set_roles(
    db: Session,
    actor: Actor,
    *,
    partner: Partner,
    user: User,
    roles: list[Role],
    granted_by: User,
    base_url: str,
    authority: str | None = None,
) -> None:
    """Replace a person's roles for a partner (the partnership lead role is kept as it is).

    A signing role the person does not hold yet is granted by `granted_by`, never to
    themselves, on the `authority` given, and announced. Roles already held keep the authority
    they were granted on; taking a role away needs none.
    """
    if user.organisation_id != partner.organisation_id:
        raise PartnershipProblem("A person can hold roles only for their own organisation")
    wanted = set(roles) - {Role.LEAD}
    if not wanted <= INVITABLE_ROLES:
        raise PartnershipProblem("Unknown role")
    current = db.exec(
        select(PartnerRole).where(
            PartnerRole.partner_id == partner.id, PartnerRole.user_id == user.id
        )
    ).all()
    held = {Role(r.role) for r in current}
    new_signing = signing(wanted - held)
    authority = authorise(new_signing, to_oneself=granted_by.id == user.id, authority=authority)
    for grant in current:
        if grant.role is not Role.LEAD and grant.role not in wanted:
            db.delete(grant)
    for role in sorted(wanted - held, key=list(Role).index):
        grant_role(
            db, partner=partner, user=user, role=role, granted_by=granted_by, authority=authority
        )
    after: dict[str, object] = {"roles": sorted(r.value for r in wanted | (held & {Role.LEAD}))}
    if authority is not None:
        after |= {"granted": [r.value for r in new_signing], "authority": authority}
    record(
        db,
        actor,
        "roles.changed",
        object_type="user",
        object_id=user.id,
        partnership_id=partner.partnership_id,
        before={"roles": sorted(r.value for r in held)},
        after=after,
    )
    if authority is not None:
        announce_grant(
            db,
            partner=partner,
            user=user,
            granted_by=granted_by,
            roles=new_signing,
            authority=authority,
            base_url=base_url,
        )


def partnerships_of(db: Session, user: User) -> list[tuple[Partnership, Partner, list[Role]]]:
    """Every partnership the user holds a role in, newest first, with their partner and roles."""
    rows = db.exec(
        select(Partnership, Partner, PartnerRole.role)
        .join(Partner, col(Partner.partnership_id) == Partnership.id)
        .join(PartnerRole, col(PartnerRole.partner_id) == Partner.id)
        .where(PartnerRole.user_id == user.id, Partner.organisation_id == user.organisation_id)
        .order_by(col(Partnership.created_at).desc(), col(Partnership.id))
    ).all()
    grouped: dict[str, tuple[Partnership, Partner, list[Role]]] = {}
    for partnership, partner, role in rows:
        grouped.setdefault(partnership.id, (partnership, partner, []))[2].append(Role(role))
    return list(grouped.values())


@dataclass(frozen=True)
class Authority:
    """A signing role a person holds, who granted it, when, and on what authority.

    `authority` and `granted_by_name` are None for a grant made before grants recorded them
    (or by a setup command): the page says so rather than inventing one.
    """

    role: Role
    authority: str | None
    granted_by: str | None
    granted_by_name: str | None
    granted_at: datetime


@dataclass(frozen=True)
class Grant:
    """A signing role held in a partnership, as the agreement records it."""

    partner_id: str
    person: str
    organisation: str
    role: Role
    authority: str | None
    granted_by: str | None  # the grantor's name, None for a grant made by a setup command
    granted_at: datetime


def signing_grants(db: Session, partnership_id: str) -> list[Grant]:
    """Every signing role held in the partnership, with its authority, in one query."""
    grantor = aliased(User)
    rows = db.exec(
        select(PartnerRole, User.name, Organisation.name, grantor.name)
        .join(Partner, col(Partner.id) == PartnerRole.partner_id)
        .join(User, col(User.id) == PartnerRole.user_id)
        .join(Organisation, col(Organisation.id) == Partner.organisation_id)
        .join(grantor, col(grantor.id) == PartnerRole.granted_by, isouter=True)
        .where(
            Partner.partnership_id == partnership_id,
            col(PartnerRole.role).in_([r.value for r in SIGNING_ROLES]),
        )
        .order_by(col(Organisation.name), col(User.name), col(PartnerRole.role))
    ).all()
    return [
        Grant(
            grant.partner_id,
            person,
            organisation,
            Role(grant.role),
            grant.authority,
            granted_by,
            grant.created_at,
        )
        for grant, person, organisation, granted_by in rows
    ]


@dataclass(frozen=True)
class Person:
    user: User
    roles: list[Role]
    authorities: list[Authority] = field(default_factory=list)


@dataclass(frozen=True)
class PartnerView:
    """A partner with its organisation, its people and its open invitations."""

    partner: Partner
    organisation: Organisation
    people: list[Person]
    invitations: list[Invitation]


def invitation_status(invitation: Invitation) -> str:
    """accepted, revoked, expired or pending."""
    if invitation.accepted_at is not None:
        return "accepted"
    if invitation.revoked_at is not None:
        return "withdrawn"
    return "expired" if invitation.expires_at <= utcnow() else "pending"


def describe(db: Session, partnership: Partnership) -> list[PartnerView]:
    """Every partner of a partnership (lead first), in three queries whatever its size."""
    pairs = db.exec(
        select(Partner, Organisation)
        .join(Organisation, col(Organisation.id) == Partner.organisation_id)
        .where(Partner.partnership_id == partnership.id)
        .order_by(col(Partner.is_lead).desc(), col(Organisation.name))
    ).all()
    partner_ids = [p.id for p, _ in pairs]
    grantor = aliased(User)
    grants = db.exec(
        select(PartnerRole, User, grantor.name)
        .join(User, col(User.id) == PartnerRole.user_id)
        .join(grantor, col(grantor.id) == PartnerRole.granted_by, isouter=True)
        .where(col(PartnerRole.partner_id).in_(partner_ids))
        .order_by(col(User.name))
    ).all()
    invitations = db.exec(
        select(Invitation)
        .where(Invitation.partnership_id == partnership.id, col(Invitation.accepted_at).is_(None))
        .order_by(col(Invitation.created_at))
    ).all()
    people: dict[str, dict[str, Person]] = {pid: {} for pid in partner_ids}
    for grant, user, grantor_name in grants:
        person = people[grant.partner_id].setdefault(user.id, Person(user, []))
        person.roles.append(Role(grant.role))
        if grant.role in SIGNING_ROLES:
            person.authorities.append(
                Authority(
                    Role(grant.role),
                    grant.authority,
                    grant.granted_by,
                    grantor_name,
                    grant.created_at,
                )
            )
    for by_user in people.values():
        for person in by_user.values():
            person.roles.sort(key=list(Role).index)
            person.authorities.sort(key=lambda a: list(Role).index(a.role))
    return [
        PartnerView(
            partner,
            organisation,
            list(people[partner.id].values()),
            [i for i in invitations if i.partner_id == partner.id],
        )
        for partner, organisation in pairs
    ]


class PartnerName(NamedTuple):
    name: str
    status: PartnerStatus
    is_lead: bool


def partner_names(
    db: Session, partnership_id: str, partner_ids: Collection[str] | None = None
) -> dict[str, PartnerName]:
    """Partners' organisation names and statuses (of every partner, or of those given), in
    the order people read them: lead first, then by name."""
    query = (
        select(Partner.id, Organisation.name, Partner.status, Partner.is_lead)
        .join(Organisation, col(Organisation.id) == Partner.organisation_id)
        .where(Partner.partnership_id == partnership_id)
        .order_by(col(Partner.is_lead).desc(), col(Organisation.name))
    )
    if partner_ids is not None:
        query = query.where(col(Partner.id).in_(list(partner_ids)))
    return {
        pid: PartnerName(name, PartnerStatus(status), lead)
        for pid, name, status, lead in db.exec(query)
    }


@dataclass(frozen=True)
class Overview:
    """What a partnership's home page says of it, whatever its size."""

    lead_organisation: str
    active_partners: int
    your_organisation: str


def overview(db: Session, partnership: Partnership, partner: Partner) -> Overview:
    """The lead organisation, how many partners are active, and the caller's organisation."""
    lead = db.exec(
        select(Organisation.name)
        .join(Partner, col(Partner.organisation_id) == Organisation.id)
        .where(Partner.partnership_id == partnership.id, col(Partner.is_lead))
    ).first()
    active = db.exec(
        select(func.count())
        .select_from(Partner)
        .where(Partner.partnership_id == partnership.id, Partner.status == PartnerStatus.ACTIVE)
    ).one()
    own = fetch(db, Organisation, partner.organisation_id)
    return Overview(lead or "", active, own.name)


def acceptance_context(db: Session, invitation: Invitation) -> dict[str, object]:
    """What the acceptance page shows: the partnership, the organisation, the roles, and
    whether the invited address already has an account (then only its password is asked)."""
    partner = fetch(db, Partner, invitation.partner_id)
    return {
        "invitation": invitation,
        "partnership": fetch(db, Partnership, invitation.partnership_id),
        "organisation": fetch(db, Organisation, partner.organisation_id),
        "roles": [Role(r) for r in invitation.roles],
        "existing": get_user_by_email(db, email=invitation.email),
    }

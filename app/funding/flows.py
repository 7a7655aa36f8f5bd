"""Day 1 actions: proposing the formula, entering a partner's figures, CEO and CFO signatures.

Every change to the pool, the method, a partner's figures, the Day 1 terms or the set of
partners changes the content hash, so earlier signatures stop counting (rule 3); the ones
superseded by a change made here are marked, and their signers told.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from sqlmodel import Session

from app.audit.service import Actor, record
from app.core.database import utcnow
from app.funding.formula import Method
from app.funding.models import FundingInput, FundingProposal, FundingRole, FundingSignoff
from app.funding.permissions import INPUT_ROLES
from app.funding.service import FundingState, state
from app.identity.models import User
from app.identity.passwords import verify_password
from app.notify.service import people, tell
from app.partnerships.models import Partnership, Role
from app.partnerships.permissions import Membership
from app.wizard.definition import Roadmap

INPUT_FIELDS = ("population", "driver", "budget", "percentage")


class FundingProblem(ValueError):
    """A figure or action that cannot be accepted; `field` names the form field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class NotAllowed(FundingProblem):
    """This person may not do this: not their role, or the password re-entered is wrong."""


class NotNow(FundingProblem):
    """The formula's state stops it: nothing to sign yet, figures missing, already signed."""


class StaleProposal(Exception):
    """The proposal changed since it was read."""


def _decimal(data: dict[str, Any], name: str, label: str, *, required: bool) -> Decimal | None:
    raw = data.get(name)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            raise FundingProblem(name, f"Enter {label}")
        return None
    if isinstance(raw, bool | float):
        raise FundingProblem(name, f'Enter {label} as a decimal string, like "1250.50"')
    try:
        value = Decimal(str(raw).strip().replace(",", "").removeprefix("£"))
    except InvalidOperation:
        raise FundingProblem(name, f"Enter {label} as a number") from None
    if not value.is_finite() or value < 0:
        raise FundingProblem(name, f"Enter {label} as a number, 0 or more")
    if value >= Decimal("1e13"):
        raise FundingProblem(name, f"{label[0].upper()}{label[1:]} is too large")
    return value


def _money(data: dict[str, Any], name: str, label: str) -> Decimal:
    value = _decimal(data, name, label, required=True)
    assert value is not None  # noqa: S101 - required
    if value != value.quantize(Decimal("0.01")):
        raise FundingProblem(name, f"Enter {label} in pounds and pence, like 1250.50")
    return value.quantize(Decimal("0.01"))


def supersede_if_changed(
    db: Session,
    actor: Actor,
    *,
    before: FundingState,
    partnership: Partnership,
    roadmap: Roadmap,
    base_url: str,
) -> None:
    """Mark the signatures that counted before a change and no longer do, and tell signers."""
    after = state(db, partnership, roadmap)
    if after.content_hash == before.content_hash:
        return
    for signoff in before.signoffs:
        if signoff.superseded_at is None and signoff.content_hash == before.content_hash:
            signoff.superseded_at = utcnow()
            record(
                db,
                actor,
                "funding.superseded",
                object_type="funding_signoff",
                object_id=signoff.id,
                partnership_id=partnership.id,
            )
            signer = db.get(User, signoff.user_id)
            if signer is not None:
                tell(
                    db,
                    [signer],
                    partnership_id=partnership.id,
                    base_url=base_url,
                    link=f"/partnerships/{partnership.id}/funding",
                    message="The funding formula changed after you signed it, so your "
                    "signature no longer counts. Review it and sign again.",
                )


def proposal_values(data: dict[str, Any]) -> dict[str, Any]:
    """The proposal's fields from submitted data, checked (FundingProblem names the field)."""
    try:
        method = Method(str(data.get("method") or ""))
    except ValueError:
        raise FundingProblem("method", "Select how the costs are shared") from None
    years_raw = str(data.get("years") or "").strip()
    if not years_raw.isdigit() or not 1 <= int(years_raw) <= 50:
        raise FundingProblem("years", "Enter the term as a whole number of years from 1 to 50")
    values: dict[str, Any] = {
        "method": method,
        "one_off_cost": _money(data, "one_off_cost", "the one-off set-up cost"),
        "annual_cost": _money(data, "annual_cost", "the annual running cost"),
        "years": int(years_raw),
        "annual_uplift_percent": _decimal(
            data, "annual_uplift_percent", "the annual uplift", required=False
        )
        or Decimal(0),
        "base_share_percent": _decimal(
            data, "base_share_percent", "the base share", required=method is Method.HYBRID
        ),
        "driver_name": (str(data.get("driver_name") or "").strip() or None),
        "savings_method": (str(data.get("savings_method") or "").strip() or None),
        "exit_terms": (str(data.get("exit_terms") or "").strip() or None),
    }
    if method in (Method.DRIVER, Method.HYBRID) and not values["driver_name"]:
        raise FundingProblem("driver_name", "Name the driver, for example caseload or properties")
    return values


def propose(
    db: Session,
    actor: Actor,
    *,
    member: Membership,
    data: dict[str, Any],
    read_version: int,
    roadmap: Roadmap,
    base_url: str,
) -> FundingProposal:
    """The lead sets the cost pool and the method (checked; a stale version is refused)."""
    before = state(db, member.partnership, roadmap)
    values = proposal_values(data)
    current = before.proposal
    if (current.version if current else 0) != read_version:
        raise StaleProposal
    if current is None:
        current = FundingProposal.model_validate(
            {
                "partnership_id": member.partnership.id,
                "updated_by": member.principal.user.id,
                **values,
            }
        )
        db.add(current)
    else:
        for name, value in values.items():
            setattr(current, name, value)
        current.version += 1
        current.updated_by, current.updated_at = member.principal.user.id, utcnow()
    db.flush()
    record(
        db,
        actor,
        "funding.proposed",
        object_type="funding_proposal",
        object_id=current.id,
        partnership_id=member.partnership.id,
        after={k: str(v) if v is not None else None for k, v in values.items()},
    )
    supersede_if_changed(
        db, actor, before=before, partnership=member.partnership, roadmap=roadmap, base_url=base_url
    )
    return current


def enter_inputs(
    db: Session,
    actor: Actor,
    *,
    member: Membership,
    data: dict[str, Any],
    roadmap: Roadmap,
    base_url: str,
) -> FundingInput:
    """A partner enters its own figures (population, driver, budget, fixed percentage)."""
    if not member.active or not member.has(*INPUT_ROLES):
        raise NotAllowed("population", "Your role does not allow you to enter the figures")
    before = state(db, member.partnership, roadmap)
    values = {name: _decimal(data, name, f"the {name}", required=False) for name in INPUT_FIELDS}
    if values["percentage"] is not None and values["percentage"] > 100:
        raise FundingProblem("percentage", "Enter a percentage from 0 to 100")
    row = before.inputs.get(member.partner.id)
    if row is None:
        row = FundingInput.model_validate(
            {
                "partnership_id": member.partnership.id,
                "partner_id": member.partner.id,
                "updated_by": member.principal.user.id,
                **values,
            }
        )
        db.add(row)
    else:
        for name, value in values.items():
            setattr(row, name, value)
        row.updated_by, row.updated_at = member.principal.user.id, utcnow()
    db.flush()
    record(
        db,
        actor,
        "funding.inputs",
        object_type="funding_input",
        object_id=row.id,
        partnership_id=member.partnership.id,
        after={k: str(v) if v is not None else None for k, v in values.items()},
    )
    supersede_if_changed(
        db, actor, before=before, partnership=member.partnership, roadmap=roadmap, base_url=base_url
    )
    return row


def sign(
    db: Session,
    actor: Actor,
    *,
    member: Membership,
    role: FundingRole,
    password: str,
    roadmap: Roadmap,
    base_url: str,
) -> FundingSignoff:
    """A CEO or CFO signs the formula as it stands for their own partner."""
    if not member.active or not member.has(Role(role.value)):
        raise NotAllowed(
            "role", f"Only your organisation's {role.value.upper()} can sign in that role"
        )
    user = member.principal.user
    if not verify_password(user.password_hash, password):
        raise NotAllowed("password", "Your password is not correct")
    current = state(db, member.partnership, roadmap)
    if current.proposal is None:
        raise NotNow("role", "There is no funding proposal to sign yet")
    if current.problems:
        raise NotNow(
            "role",
            "The formula cannot be signed until every figure is in: "
            + "; ".join(p.message for p in current.problems),
        )
    if current.current(member.partner.id, role) is not None:
        raise NotNow(
            "role",
            f"Your organisation's {role.value.upper()} has already signed the formula as it stands",
        )
    other = FundingRole.CFO if role is FundingRole.CEO else FundingRole.CEO
    counterpart = current.current(member.partner.id, other)
    if counterpart is not None and counterpart.user_id == user.id:
        raise NotAllowed(
            "role", "The chief executive and the finance director must be two different people"
        )
    signoff = FundingSignoff(
        partnership_id=member.partnership.id,
        partner_id=member.partner.id,
        user_id=user.id,
        role=role,
        content=current.content,
        content_hash=current.content_hash,
    )
    db.add(signoff)
    db.flush()
    record(
        db,
        actor,
        "funding.signed",
        object_type="funding_signoff",
        object_id=signoff.id,
        partnership_id=member.partnership.id,
        after={
            "role": role.value,
            "partner_id": member.partner.id,
            "content_hash": signoff.content_hash,
        },
    )
    link = f"/partnerships/{member.partnership.id}/funding"
    tell(
        db,
        people(db, member.partnership.id, roles=[Role.LEAD]),
        partnership_id=member.partnership.id,
        link=link,
        base_url=base_url,
        message=f"{user.name} signed the funding formula as {role.value.upper()}.",
    )
    if state(db, member.partnership, roadmap).agreed:
        tell(
            db,
            people(db, member.partnership.id),
            partnership_id=member.partnership.id,
            link=link,
            base_url=base_url,
            message="The funding formula is agreed: every partner's chief executive and "
            "finance director have signed it.",
        )
    return signoff

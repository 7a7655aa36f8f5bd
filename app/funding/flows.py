"""Day 1 actions: proposing the formula, entering a partner's figures, CEO and CFO signatures.

Every change to the pool, the method, a partner's figures, the Day 1 terms or the set of
partners changes the content the CEOs and CFOs signed, so their signatures stop counting
(rule 3): `app.funding.signing` tells the signatures domain, which supersedes them and tells
their signers when the transaction commits.
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from app.audit.service import Actor, record
from app.core.database import utcnow
from app.funding.formula import Method
from app.funding.models import FundingInput, FundingProposal, FundingRole
from app.funding.permissions import INPUT_ROLES
from app.funding.service import day1_warnings
from app.funding.signing import FUNDING_SOURCE
from app.notify.service import Ask, people, tell
from app.partnerships.models import Partner, Partnership, PartnerStatus, Role
from app.partnerships.permissions import Membership
from app.signatures import flows as signatures
from app.signatures.models import FUNDING, Signature, SignRole

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
) -> FundingProposal:
    """The lead sets the cost pool and the method (checked; a stale version is refused)."""
    values = proposal_values(data)
    current = db.exec(
        select(FundingProposal).where(FundingProposal.partnership_id == member.partnership.id)
    ).first()
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
    else:
        for name, value in values.items():
            setattr(current, name, value)
        current.version += 1  # UPDATE ... WHERE version = read_version (the mapper's counter)
        current.updated_by, current.updated_at = member.principal.user.id, utcnow()
    try:
        with db.begin_nested():
            db.add(current)
    except (IntegrityError, StaleDataError):  # someone else proposed at the same moment
        raise StaleProposal from None
    record(
        db,
        actor,
        "funding.proposed",
        object_type="funding_proposal",
        object_id=current.id,
        partnership_id=member.partnership.id,
        after={k: str(v) if v is not None else None for k, v in values.items()},
    )
    if current.version == 1:  # the first proposal; a change tells those who signed (superseding)
        _ask_to_sign(db, member.partnership)
    return current


def _ask_to_sign(db: Session, partnership: Partnership) -> None:
    """Ask every partner's CEO and CFO, at once, to sign the formula just proposed."""
    tell(
        db,
        people(db, partnership.id, roles=[Role.CEO, Role.CFO]),
        partnership_id=partnership.id,
        message="The Day 1 funding formula is proposed: your organisation's chief executive "
        "and finance director each need to sign it.",
        link=FUNDING_SOURCE.sign_page(partnership.id, FUNDING),
        base_url=str(db.info.get("base_url", "")),
        ask=Ask(
            what="Review the funding formula and your organisation's share, and sign it in "
            "your role (chief executive or finance director).",
            due=None,  # the proposal carries no date to agree by
            partners=len(
                db.exec(
                    select(Partner.id).where(
                        Partner.partnership_id == partnership.id,
                        Partner.status == PartnerStatus.ACTIVE,
                    )
                ).all()
            ),
        ),
    )


def enter_inputs(
    db: Session,
    actor: Actor,
    *,
    member: Membership,
    data: dict[str, Any],
) -> FundingInput:
    """A partner enters its own figures (population, driver, budget, fixed percentage)."""
    if not member.active or not member.has(*INPUT_ROLES):
        raise NotAllowed("population", "Your role does not allow you to enter the figures")
    values = {name: _decimal(data, name, f"the {name}", required=False) for name in INPUT_FIELDS}
    if values["percentage"] is not None and values["percentage"] > 100:
        raise FundingProblem("percentage", "Enter a percentage from 0 to 100")
    row = db.exec(
        select(FundingInput).where(
            FundingInput.partnership_id == member.partnership.id,
            FundingInput.partner_id == member.partner.id,
        )
    ).first()
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
    return row


def sign(
    db: Session,
    actor: Actor,
    *,
    member: Membership,
    role: FundingRole,
    password: str,
    shown_hash: str | None = None,
    acknowledged: Collection[str] = (),
) -> Signature:
    """A CEO or CFO signs the formula as it stands (or as shown) for their own partner,
    acknowledging each open consistency warning on the Day 1 terms signed with it."""
    try:
        return signatures.sign(
            db,
            actor,
            member=member,
            subject=FUNDING,
            source=FUNDING_SOURCE,
            role=SignRole(role.value),
            password=password,
            shown_hash=shown_hash,
            warnings=day1_warnings(db, member.partnership.id),
            acknowledged=acknowledged,
        )
    except signatures.Unacknowledged as exc:
        many = len(exc.keys) > 1
        raise FundingProblem(
            "acknowledge",
            f"Confirm that you have read {'each' if many else 'the'} open warning on the Day 1 "
            "terms before signing",
        ) from None
    except signatures.ContentChanged as exc:
        raise NotNow("role", str(exc)) from None
    except signatures.WrongPassword as exc:
        raise NotAllowed("password", str(exc)) from None
    except signatures.NotAllowed as exc:
        raise NotAllowed("role", str(exc)) from None
    except signatures.NotNow as exc:
        raise NotNow("role", str(exc)) from None

"""Who may do what with the risk register, declared once as dependencies.

Every member reads the register. Any active member except a viewer adds and edits risks: risks
should be raised by whoever sees them. Only the partnership lead adopts common risks and
deletes (closing a risk, which anyone who edits may do, is the normal way to finish with one).
A route that names a risk resolves it, then the caller's membership of its partnership:
outsiders get 404 whether or not the risk exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException
from sqlmodel import Session

from app.core.deps import SessionDep
from app.core.permissions import permission
from app.identity.deps import CurrentPrincipal, Principal
from app.partnerships.models import Role
from app.partnerships.permissions import Member, Membership, acting, member_or_404
from app.risks.models import Risk

EDITOR_ROLES = tuple(r for r in Role if r is not Role.VIEWER)


@permission
def risk_editor(found: Member) -> Membership:
    """An active member with any role but viewer: adds risks to the register."""
    return acting(found, *EDITOR_ROLES)


@dataclass(frozen=True)
class RiskAccess:
    """The caller acting on one risk, as a member of its partnership."""

    membership: Membership
    risk: Risk


def _risk_access(db: Session, principal: Principal, rid: str, *roles: Role) -> RiskAccess:
    risk = db.get(Risk, rid)
    if risk is None:
        raise HTTPException(404)
    found = member_or_404(db, principal, risk.partnership_id)
    return RiskAccess(acting(found, *roles) if roles else found, risk)


@permission
def risk_of_member(rid: str, principal: CurrentPrincipal, db: SessionDep) -> RiskAccess:
    """Any member of the risk's partnership (viewers included) reads it."""
    return _risk_access(db, principal, rid)


@permission
def risk_of_editor(rid: str, principal: CurrentPrincipal, db: SessionDep) -> RiskAccess:
    """An active member of the risk's partnership with any role but viewer edits it."""
    return _risk_access(db, principal, rid, *EDITOR_ROLES)


@permission
def risk_of_lead(rid: str, principal: CurrentPrincipal, db: SessionDep) -> RiskAccess:
    """The partnership lead deletes a risk."""
    return _risk_access(db, principal, rid, Role.LEAD)


RiskEditor = Annotated[Membership, Depends(risk_editor)]
RiskOfMember = Annotated[RiskAccess, Depends(risk_of_member)]
RiskOfEditor = Annotated[RiskAccess, Depends(risk_of_editor)]
RiskOfLead = Annotated[RiskAccess, Depends(risk_of_lead)]

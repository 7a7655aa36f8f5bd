"""Who may read and change the funding formula: every member reads; the lead proposes; a
partner's own officers enter its figures; its CEO and CFO sign (for their own partner only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from app.core.permissions import permission
from app.partnerships.models import Role
from app.partnerships.permissions import Lead as FundingLead
from app.partnerships.permissions import Member as FundingMember
from app.partnerships.permissions import Membership, acting

INPUT_ROLES = (Role.LEAD, Role.PARTNER_LEAD, Role.OFFICER, Role.CFO)
SIGNING_ROLES = (Role.CEO, Role.CFO)


@permission
def figures_editor(found: FundingMember) -> Membership:
    """Officers, leads and the finance director of an active partner enter its figures."""
    return acting(found, *INPUT_ROLES)


@permission
def funding_signer(found: FundingMember) -> Membership:
    """A chief executive or finance director of an active partner."""
    return acting(found, *SIGNING_ROLES)


FiguresEditor = Annotated[Membership, Depends(figures_editor)]
FundingSigner = Annotated[Membership, Depends(funding_signer)]

__all__ = ["FiguresEditor", "FundingLead", "FundingMember", "FundingSigner"]

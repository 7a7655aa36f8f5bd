"""Who may sign: a signatory of an active partner, for their own partner only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException

from app.core.deps import SessionDep
from app.core.permissions import permission
from app.identity.deps import CurrentPrincipal
from app.partnerships.models import Role
from app.partnerships.permissions import Membership, member_or_404
from app.signoff.models import SignOff
from app.wizard.permissions import StageAccess, stage_reader


@permission
def stage_signatory(access: Annotated[StageAccess, Depends(stage_reader)]) -> StageAccess:
    """A signatory of an active partner signs or declines for that partner."""
    if not access.member.active or not access.member.has(Role.SIGNATORY):
        raise HTTPException(403, "Only a signatory of your organisation can sign or decline.")
    return access


@dataclass(frozen=True)
class SignOffAccess:
    member: Membership
    signoff: SignOff


@permission
def signoff_revoker(sid: str, principal: CurrentPrincipal, db: SessionDep) -> SignOffAccess:
    """The person who signed, or a signatory of the same partner (active)."""
    signoff = db.get(SignOff, sid)
    if signoff is None:
        raise HTTPException(404)
    found = member_or_404(db, principal, signoff.partnership_id)
    own = found.partner.id == signoff.partner_id
    if not (
        found.active and own and (signoff.user_id == principal.user.id or found.has(Role.SIGNATORY))
    ):
        raise HTTPException(
            403,
            "Only the person who signed, or their organisation's "
            "signatory, can revoke this sign-off.",
        )
    return SignOffAccess(found, signoff)


StageSignatory = Annotated[StageAccess, Depends(stage_signatory)]
SignOffRevoker = Annotated[SignOffAccess, Depends(signoff_revoker)]

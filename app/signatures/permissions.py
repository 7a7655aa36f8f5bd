"""Who may withdraw a signature: the person who gave it, or another holder of the same role
at the same partner (an active one)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException

from app.core.deps import SessionDep
from app.core.permissions import permission
from app.identity.deps import CurrentPrincipal
from app.partnerships.models import Role
from app.partnerships.permissions import Membership, member_or_404
from app.signatures.models import Signature


@dataclass(frozen=True)
class SignatureAccess:
    member: Membership
    signature: Signature


@permission
def signature_revoker(sid: str, principal: CurrentPrincipal, db: SessionDep) -> SignatureAccess:
    """The signer, or a holder of the signature's role at the same, active partner."""
    signature = db.get(Signature, sid)
    if signature is None:
        raise HTTPException(404)
    found = member_or_404(db, principal, signature.partnership_id)
    own = found.partner.id == signature.partner_id
    if not (
        found.active
        and own
        and (signature.user_id == principal.user.id or found.has(Role(signature.role.value)))
    ):
        raise HTTPException(
            403,
            "Only the person who signed, or another holder of the same role in their "
            "organisation, can revoke this signature.",
        )
    return SignatureAccess(found, signature)


SignatureRevoker = Annotated[SignatureAccess, Depends(signature_revoker)]

"""Who may read and change the roadmap's answers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException

from app.core.deps import SessionDep
from app.core.permissions import permission
from app.identity.deps import CurrentPrincipal
from app.partnerships.models import Role
from app.partnerships.permissions import Membership, member, member_or_404
from app.wizard.definition import Stage
from app.wizard.deps import RoadmapDep
from app.wizard.models import Comment

EDITING_ROLES = (Role.LEAD, Role.PARTNER_LEAD, Role.OFFICER)


def can_edit(found: Membership) -> bool:
    """Officers (and leads) of an active partner answer; signatories sign, viewers read."""
    return found.active and found.has(*EDITING_ROLES)


@dataclass(frozen=True)
class StageAccess:
    member: Membership
    stage: Stage

    @property
    def can_edit(self) -> bool:
        return can_edit(self.member)


@permission
def stage_reader(
    stage: str, found: Annotated[Membership, Depends(member)], roadmap: RoadmapDep
) -> StageAccess:
    """Any member reads any stage (an unknown stage is 404)."""
    definition = roadmap.stage(stage)
    if definition is None:
        raise HTTPException(404)
    return StageAccess(found, definition)


@permission
def stage_editor(access: Annotated[StageAccess, Depends(stage_reader)]) -> StageAccess:
    """Officers and leads of active partners change answers, scores and comments."""
    if not access.can_edit:
        raise HTTPException(403, "Your role does not allow you to change answers.")
    return access


@permission
def stage_signatory(access: Annotated[StageAccess, Depends(stage_reader)]) -> StageAccess:
    """A signatory of an active partner signs or declines a dimension for that partner."""
    if not access.member.active or not access.member.has(Role.SIGNATORY):
        raise HTTPException(403, "Only a signatory of your organisation can sign or decline.")
    if access.stage.kind != "dimension":
        raise HTTPException(404)  # Day 1 is signed as the funding formula, by CEOs and CFOs
    return access


@dataclass(frozen=True)
class CommentAccess:
    member: Membership
    comment: Comment


@permission
def comment_editor(cid: str, principal: CurrentPrincipal, db: SessionDep) -> CommentAccess:
    """Officers of any active partner in the comment's partnership may resolve it."""
    comment = db.get(Comment, cid)
    if comment is None:
        raise HTTPException(404)
    found = member_or_404(db, principal, comment.partnership_id)
    if not can_edit(found):
        raise HTTPException(403)
    return CommentAccess(found, comment)


StageReader = Annotated[StageAccess, Depends(stage_reader)]
StageEditor = Annotated[StageAccess, Depends(stage_editor)]
StageSignatory = Annotated[StageAccess, Depends(stage_signatory)]
CommentEditor = Annotated[CommentAccess, Depends(comment_editor)]

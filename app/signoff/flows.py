"""Signing, declining and revoking a stage; superseding sign-offs when their content changes;
and telling the right people at each step."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from app.audit.service import Actor, record
from app.core.database import utcnow
from app.identity.models import User
from app.identity.passwords import verify_password
from app.notify.service import people, tell
from app.partnerships.models import Partnership, Role
from app.partnerships.permissions import Membership
from app.signoff.models import Decision, SignOff, SignOffRequest
from app.signoff.service import agreement, hash_of, missing_required, signoffs_of, stage_content
from app.wizard.definition import Roadmap, Stage
from app.wizard.models import SHARED_SCOPE
from app.wizard.progress import StageState, stage_progress
from app.wizard.service import active_partners, answers_of, submissions_of


class SignOffProblem(ValueError):
    """The sign-off cannot be made; the message is written for the signatory.

    The base class is bad input (a blank reason); the two kinds below tell the API which
    status to answer with, so that no caller has to read the message.
    """


class NotAllowed(SignOffProblem):
    """This person may not do this: not a signatory, or the password re-entered is wrong."""


class NotNow(SignOffProblem):
    """The stage's state stops it: unanswered questions, already signed, no longer current."""


def _stage_link(partnership_id: str, stage: Stage) -> str:
    return f"/partnerships/{partnership_id}/stages/{stage.key}"


def _after_decision(
    db: Session, *, partnership: Partnership, stage: Stage, base_url: str, message: str
) -> None:
    """Tell the lead; and everyone, when this decision made the stage agreed."""
    link = _stage_link(partnership.id, stage)
    tell(
        db,
        people(db, partnership.id, roles=[Role.LEAD]),
        partnership_id=partnership.id,
        message=message,
        link=link,
        base_url=base_url,
    )
    partner_ids = [p.id for p, _ in active_partners(db, partnership.id)]
    if agreement(signoffs_of(db, partnership.id, stage.key), stage.key, partner_ids).agreed:
        record(
            db,
            Actor(user_id=None, request_id="system"),
            "stage.agreed",
            object_type="stage",
            object_id=stage.key,
            partnership_id=partnership.id,
        )
        tell(
            db,
            people(db, partnership.id),
            partnership_id=partnership.id,
            message=f"{stage.title} is agreed: every partner has signed it.",
            link=link,
            base_url=base_url,
        )


def _signatory(member: Membership) -> None:
    if not member.active or not member.has(Role.SIGNATORY):
        raise NotAllowed("Only a signatory of your organisation can sign or decline")


def sign(
    db: Session, actor: Actor, *, member: Membership, stage: Stage, password: str, base_url: str
) -> SignOff:
    """Sign the stage as it stands now, for the signatory's own partner (password re-entered)."""
    _signatory(member)
    user = member.principal.user
    if not verify_password(user.password_hash, password):
        raise NotAllowed("Your password is not correct")
    content = stage_content(
        member.partnership,
        stage,
        member.partner.id,
        answers_of(db, member.partnership.id, stage.key),
    )
    missing = missing_required(stage, content)
    if missing:
        raise NotNow(
            "Answer every required question before signing. Not yet answered: " + "; ".join(missing)
        )
    current = [
        s
        for s in signoffs_of(db, member.partnership.id, stage.key)
        if s.partner_id == member.partner.id and s.current
    ]
    if current:
        raise NotNow("Your organisation has already signed this stage as it stands")
    signoff = SignOff(
        partnership_id=member.partnership.id,
        stage_key=stage.key,
        partner_id=member.partner.id,
        user_id=user.id,
        decision=Decision.SIGNED,
        content=content,
        content_hash=hash_of(content),
        roadmap_version=member.partnership.roadmap_version,
    )
    db.add(signoff)
    db.flush()
    record(
        db,
        actor,
        "signoff.signed",
        object_type="sign_off",
        object_id=signoff.id,
        partnership_id=member.partnership.id,
        after={
            "stage": stage.key,
            "partner_id": member.partner.id,
            "content_hash": signoff.content_hash,
        },
    )
    _after_decision(
        db,
        partnership=member.partnership,
        stage=stage,
        base_url=base_url,
        message=f"{user.name} signed {stage.title} for their organisation.",
    )
    return signoff


def decline(
    db: Session, actor: Actor, *, member: Membership, stage: Stage, reason: str, base_url: str
) -> SignOff:
    """Decline to sign, with a reason the other partners will read."""
    _signatory(member)
    reason = reason.strip()
    if not reason:
        raise SignOffProblem("Enter the reason for declining")
    content = stage_content(
        member.partnership,
        stage,
        member.partner.id,
        answers_of(db, member.partnership.id, stage.key),
    )
    for previous in signoffs_of(db, member.partnership.id, stage.key):
        if previous.partner_id == member.partner.id and previous.current:
            previous.revoked_at, previous.revoked_by = utcnow(), member.principal.user.id
            previous.revoke_reason = f"Declined: {reason}"
    signoff = SignOff(
        partnership_id=member.partnership.id,
        stage_key=stage.key,
        partner_id=member.partner.id,
        user_id=member.principal.user.id,
        decision=Decision.DECLINED,
        reason=reason,
        content=content,
        content_hash=hash_of(content),
        roadmap_version=member.partnership.roadmap_version,
    )
    db.add(signoff)
    db.flush()
    record(
        db,
        actor,
        "signoff.declined",
        object_type="sign_off",
        object_id=signoff.id,
        partnership_id=member.partnership.id,
        after={"stage": stage.key, "partner_id": member.partner.id, "reason": reason},
    )
    _after_decision(
        db,
        partnership=member.partnership,
        stage=stage,
        base_url=base_url,
        message=f"{member.principal.user.name} declined to sign {stage.title}: {reason}",
    )
    return signoff


def revoke(db: Session, actor: Actor, *, member: Membership, signoff: SignOff, reason: str) -> None:
    """Withdraw a sign-off: by the person who signed, or their partner's signatory."""
    if signoff.partner_id != member.partner.id or not (
        signoff.user_id == member.principal.user.id or member.has(Role.SIGNATORY)
    ):
        raise NotAllowed(
            "Only the person who signed, or their organisation's signatory, "
            "can revoke this sign-off"
        )
    reason = reason.strip()
    if not reason:
        raise SignOffProblem("Enter the reason for revoking")
    if not signoff.current:
        raise NotNow("This sign-off no longer counts, so there is nothing to revoke")
    signoff.revoked_at, signoff.revoked_by, signoff.revoke_reason = (
        utcnow(),
        member.principal.user.id,
        reason,
    )
    record(
        db,
        actor,
        "signoff.revoked",
        object_type="sign_off",
        object_id=signoff.id,
        partnership_id=member.partnership.id,
        after={"reason": reason},
    )


def after_answer(
    db: Session,
    actor: Actor,
    *,
    partnership: Partnership,
    stage: Stage,
    roadmap: Roadmap,
    key: str,
    scope: str,
    changed_by: User,
    base_url: str,
) -> None:
    """An answer changed: supersede the sign-offs whose content it changed (rule 1), and ask
    the signatories once the stage becomes ready for sign-off."""
    answers = answers_of(db, partnership.id)
    for signoff in signoffs_of(db, partnership.id, stage.key):
        if not signoff.current or (scope != SHARED_SCOPE and signoff.partner_id != scope):
            continue
        if (
            hash_of(stage_content(partnership, stage, signoff.partner_id, answers))
            == signoff.content_hash
        ):
            continue
        signoff.superseded_at = utcnow()
        signoff.superseded_by = {
            "key": key,
            "scope": scope,
            "user_id": changed_by.id,
            "user_name": changed_by.name,
        }
        record(
            db,
            actor,
            "signoff.superseded",
            object_type="sign_off",
            object_id=signoff.id,
            partnership_id=partnership.id,
            after={"stage": stage.key, "changed": key, "changed_by": changed_by.id},
        )
        signer = db.get(User, signoff.user_id)
        if signer is not None:
            tell(
                db,
                [signer],
                partnership_id=partnership.id,
                base_url=base_url,
                link=f"{_stage_link(partnership.id, stage)}/sign",
                message=f"Your sign-off of {stage.title} no longer counts: {changed_by.name} "
                "changed an answer. Review what changed and sign again.",
            )
    ask_when_ready(db, partnership=partnership, stage=stage, roadmap=roadmap, base_url=base_url)


def ask_when_ready(
    db: Session, *, partnership: Partnership, stage: Stage, roadmap: Roadmap, base_url: str
) -> None:
    """Once a stage is ready for sign-off, tell each partner's signatories (once)."""
    partners = [p.id for p, _ in active_partners(db, partnership.id)]
    answers = answers_of(db, partnership.id)
    progress = next(
        p
        for p in stage_progress(
            roadmap,
            {k: a.value for k, a in answers.items()},
            partners,
            submissions_of(db, partnership.id),
        )
        if p.stage.key == stage.key
    )
    if progress.state is not StageState.READY:
        return
    asked = set(
        db.exec(
            select(SignOffRequest.partner_id).where(
                SignOffRequest.partnership_id == partnership.id,
                SignOffRequest.stage_key == stage.key,
            )
        )
    )
    for partner_id in partners:
        if partner_id in asked:
            continue
        db.add(
            SignOffRequest(
                partnership_id=partnership.id, stage_key=stage.key, partner_id=partner_id
            )
        )
        tell(
            db,
            people(db, partnership.id, roles=[Role.SIGNATORY], partner_ids=[partner_id]),
            partnership_id=partnership.id,
            base_url=base_url,
            link=f"{_stage_link(partnership.id, stage)}/sign",
            message=f"{stage.title} is ready for your organisation to sign off.",
        )
    db.flush()


def remind(db: Session, *, now: datetime, every: timedelta, base_url: str, roadmap: Roadmap) -> int:
    """Remind signatories of sign-offs outstanding longer than `every`, at most once per
    `every` for each partner and stage. Returns how many reminders went out."""
    sent = 0
    for request in db.exec(select(SignOffRequest)).all():
        last = request.reminded_at or request.requested_at
        if now - last < every:
            continue
        partners = [p.id for p, _ in active_partners(db, request.partnership_id)]
        if request.partner_id not in partners:
            continue
        status = agreement(
            signoffs_of(db, request.partnership_id, request.stage_key), request.stage_key, partners
        )
        if request.partner_id in status.signed:
            continue
        stage = roadmap.stage(request.stage_key)
        if stage is None:
            continue
        waiting = (now - request.requested_at).days
        tell(
            db,
            people(
                db, request.partnership_id, roles=[Role.SIGNATORY], partner_ids=[request.partner_id]
            ),
            partnership_id=request.partnership_id,
            base_url=base_url,
            link=f"{_stage_link(request.partnership_id, stage)}/sign",
            message=f"Reminder: {stage.title} has been waiting {waiting} days for your "
            "organisation's sign-off.",
        )
        request.reminded_at = now
        sent += 1
    return sent

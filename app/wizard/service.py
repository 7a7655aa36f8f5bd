"""Saving answers so that nothing is lost: every save names the version it read.

A save against a version that is no longer current is refused with StaleAnswer (the caller
shows both values), never applied. The check is a conditional UPDATE (`WHERE version = read`,
SQLAlchemy's version counter), so it holds on PostgreSQL under concurrent requests as well as
on SQLite.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from app.core.database import UTCDateTime, lock, utcnow
from app.identity.models import Organisation, User
from app.identity.service import who
from app.partnerships.models import Partner, PartnerStatus
from app.wizard.blind import may_see
from app.wizard.definition import Question, Roadmap, Stage, Statement
from app.wizard.models import (
    SHARED_SCOPE,
    Answer,
    AnswerRevision,
    Comment,
    PartnerStage,
    ScoreSubmission,
)
from app.wizard.progress import (
    AnswerMap,
    OwnProgress,
    StageProgress,
    figures,
    own_items,
    stage_progress,
)


def roadmap_of(db: Session) -> Roadmap:
    """The roadmap in force, for work done inside a session's transaction (such as keeping
    signatures true to their content at commit). The request's session carries it (`get_db`);
    commands and tests open theirs with `info={"roadmap": ...}`."""
    roadmap = db.info.get("roadmap")
    if not isinstance(roadmap, Roadmap):
        raise RuntimeError("this session was opened without the roadmap in its info")
    return roadmap


def refresh_figures(db: Session, *, partnership_id: str, stage_key: str, partner_id: str) -> None:
    """Recompute one partner's figures on one stage (`PartnerStage`) from its answers there.

    Called in the transaction of every save of a partner's own answer. The lock makes two saves
    by one partner at once take turns, so the second recomputes with the first's answer too.
    """
    roadmap = roadmap_of(db)
    stage = roadmap.stage(stage_key)
    if stage is None:
        return
    lock(db, f"figures:{partnership_id}:{stage_key}:{partner_id}")
    own = dict(
        db.exec(
            select(Answer.question_key, Answer.value).where(
                Answer.partnership_id == partnership_id,
                Answer.stage_key == stage_key,
                Answer.scope == partner_id,
            )
        ).all()
    )
    found = figures(stage, own, roadmap.readiness.action_below)
    row = db.exec(
        select(PartnerStage).where(
            PartnerStage.partnership_id == partnership_id,
            PartnerStage.stage_key == stage_key,
            PartnerStage.partner_id == partner_id,
        )
    ).first()
    if row is None:
        row = PartnerStage(
            partnership_id=partnership_id, stage_key=stage_key, partner_id=partner_id
        )
        db.add(row)
    row.given, row.required_given = found.given, found.required_given
    row.scored, row.weighted, row.weights = found.scored, found.weighted, found.weights
    row.low, row.evidence_until = found.low, found.evidence_until
    row.drivers = {k: list(v) for k, v in found.drivers.items()}
    db.flush()


def rebuild_figures(db: Session, partnership_id: str) -> int:
    """Recompute every partner's figures on every stage of a partnership (after a migration
    that adds what they are made of). Returns how many it wrote."""
    pairs = db.exec(
        select(Answer.stage_key, Answer.scope)
        .where(Answer.partnership_id == partnership_id, Answer.scope != SHARED_SCOPE)
        .distinct()
    ).all()
    for stage_key, scope in pairs:
        refresh_figures(db, partnership_id=partnership_id, stage_key=stage_key, partner_id=scope)
    return len(pairs)


def partnerships_without_figures(db: Session) -> list[str]:
    """Partnerships whose partners have answered but whose figures were never computed (they
    predate `PartnerStage`)."""
    return list(
        db.exec(
            select(Answer.partnership_id)
            .where(
                Answer.scope != SHARED_SCOPE,
                col(Answer.partnership_id).not_in(select(PartnerStage.partnership_id)),
            )
            .distinct()
        ).all()
    )


class StaleAnswer(Exception):
    """Someone else saved this answer since it was read; `current` is what they saved."""

    def __init__(self, current: Answer | None) -> None:
        super().__init__("the answer has changed since it was read")
        self.current = current


def answer_scope(item: Question | Statement, partner_id: str) -> str:
    """Where an answer lives: the partnership's shared scope, or the partner's own (its
    partner questions and its readiness scores)."""
    return SHARED_SCOPE if isinstance(item, Question) and item.scope == "shared" else partner_id


def _find(
    db: Session, partnership_id: str, stage_key: str, question_key: str, scope: str
) -> Answer | None:
    return db.exec(
        select(Answer).where(
            Answer.partnership_id == partnership_id,
            Answer.stage_key == stage_key,
            Answer.question_key == question_key,
            Answer.scope == scope,
        )
    ).first()


def save_answer(
    db: Session,
    *,
    partnership_id: str,
    stage_key: str,
    key: str,
    scope: str,
    value: Any,
    read_version: int,
    user_id: str,
) -> Answer:
    """Save a normalised `value` if the answer is still at `read_version` (0: never answered).

    Saving the same value again is not a change and writes no revision.
    """
    current = _find(db, partnership_id, stage_key, key, scope)
    if current is None:
        if read_version != 0:
            raise StaleAnswer(None)
        answer = Answer(
            partnership_id=partnership_id,
            stage_key=stage_key,
            question_key=key,
            scope=scope,
            partner_id=None if scope == SHARED_SCOPE else scope,
            value=value,
            version=1,
            updated_by=user_id,
            updated_at=utcnow(),
        )
        try:
            with db.begin_nested():
                db.add(answer)
        except IntegrityError:
            # Another first save won the race.
            raise StaleAnswer(_find(db, partnership_id, stage_key, key, scope)) from None
        db.add(
            AnswerRevision(
                answer_id=answer.id,
                version=1,
                old_value=None,
                new_value=value,
                changed_by=user_id,
                changed_at=answer.updated_at,
            )
        )
        db.flush()
        if scope != SHARED_SCOPE:
            refresh_figures(
                db, partnership_id=partnership_id, stage_key=stage_key, partner_id=scope
            )
        return answer

    if current.version != read_version:
        raise StaleAnswer(current)
    if current.value == value:
        return current
    old_value, now = current.value, utcnow()
    try:
        with db.begin_nested():
            # UPDATE ... WHERE version = read_version (the mapper's version counter).
            current.value, current.version = value, read_version + 1
            current.updated_by, current.updated_at = user_id, now
    except StaleDataError:
        db.refresh(current)
        raise StaleAnswer(current) from None
    db.add(
        AnswerRevision(
            answer_id=current.id,
            version=current.version,
            old_value=old_value,
            new_value=value,
            changed_by=user_id,
            changed_at=now,
        )
    )
    db.flush()
    if scope != SHARED_SCOPE:
        refresh_figures(db, partnership_id=partnership_id, stage_key=stage_key, partner_id=scope)
    return current


# Reading: each function is one query, whatever the number of partners or questions.


def answers_of(
    db: Session,
    partnership_id: str,
    stage_key: str | None = None,
    *,
    key: str | None = None,
    scope: str | None = None,
) -> dict[tuple[str, str, str], Answer]:
    """The current answers of a partnership (or of one stage, question or scope), keyed
    (stage, key, scope)."""
    query = select(Answer).where(Answer.partnership_id == partnership_id)
    if stage_key is not None:
        query = query.where(Answer.stage_key == stage_key)
    if key is not None:
        query = query.where(Answer.question_key == key)
    if scope is not None:
        query = query.where(Answer.scope == scope)
    return {(a.stage_key, a.question_key, a.scope): a for a in db.exec(query)}


# An answer that says something: not null, not an empty string, not an empty choice list.
# (JSON values are stored as their canonical text, so this reads the same on both databases.)
GIVEN = sa.and_(
    col(Answer.value).is_not(None),
    sa.cast(col(Answer.value), sa.Text).not_in(["null", '""', "[]"]),
)


def shared_answers(db: Session, partnership_id: str) -> AnswerMap:
    """Every shared answer's value, keyed (stage, key, "shared"): one answer per question."""
    rows = db.exec(
        select(Answer.stage_key, Answer.question_key, Answer.value).where(
            Answer.partnership_id == partnership_id, Answer.scope == SHARED_SCOPE
        )
    )
    return {(stage, key, SHARED_SCOPE): value for stage, key, value in rows}


def own_progress(
    db: Session, partnership_id: str, stage_key: str | None = None
) -> dict[tuple[str, str], OwnProgress]:
    """What every partner has answered of its own items, per stage (or on one stage): one
    small row each."""
    query = select(
        PartnerStage.stage_key,
        PartnerStage.partner_id,
        PartnerStage.required_given,
        PartnerStage.given,
    ).where(PartnerStage.partnership_id == partnership_id)
    if stage_key is not None:
        query = query.where(PartnerStage.stage_key == stage_key)
    rows = db.exec(query)
    return {(stage, partner): OwnProgress(req, given) for stage, partner, req, given in rows}


def ready_for_sign_off(db: Session, partnership_id: str, stage: Stage) -> bool:
    """Whether every active partner has submitted its scores and answered its own required
    items, and every required shared answer is given: counting queries, cheapest first (most
    of a stage's life some partner has not submitted yet), whatever the partnership's size."""
    active = select(Partner.id).where(
        Partner.partnership_id == partnership_id, Partner.status == PartnerStatus.ACTIVE
    )
    submitted = select(ScoreSubmission.partner_id).where(
        ScoreSubmission.partnership_id == partnership_id, ScoreSubmission.stage_key == stage.key
    )
    answered = select(PartnerStage.partner_id).where(
        PartnerStage.partnership_id == partnership_id,
        PartnerStage.stage_key == stage.key,
        PartnerStage.required_given >= len(own_items(stage)[1]),
    )
    if not db.exec(select(sa.func.count()).select_from(active.subquery())).one():
        return False
    waiting = active.where(
        sa.or_(col(Partner.id).not_in(submitted), col(Partner.id).not_in(answered))
    )
    if db.exec(select(sa.func.count()).select_from(waiting.subquery())).one():
        return False
    required_shared = [q.key for q in stage.questions if q.scope == "shared" and q.required]
    given_shared = db.exec(
        select(sa.func.count())
        .select_from(Answer)
        .where(
            Answer.partnership_id == partnership_id,
            Answer.stage_key == stage.key,
            Answer.scope == SHARED_SCOPE,
            col(Answer.question_key).in_(required_shared),
            GIVEN,
        )
    ).one()
    return bool(given_shared >= len(required_shared))


def progress_of(
    db: Session, partnership_id: str, roadmap: Roadmap, partner_ids: list[str]
) -> list[StageProgress]:
    """Where every stage stands on answering, in three narrow queries."""
    return stage_progress(
        roadmap,
        shared_answers(db, partnership_id),
        own_progress(db, partnership_id),
        partner_ids,
        submissions_of(db, partnership_id),
    )


def readiness_scores(
    db: Session, partnership_id: str, roadmap: Roadmap, partner_ids: Collection[str]
) -> list[tuple[str, str, str, Any]]:
    """Some partners' readiness scores, as (stage, statement, partner id, stored score): one
    query, only the columns it needs."""
    statements = [(stage.key, s.key) for stage in roadmap.stages for s in stage.statements]
    if not statements or not partner_ids:
        return []
    rows = db.exec(
        select(Answer.stage_key, Answer.question_key, Answer.scope, Answer.value).where(
            Answer.partnership_id == partnership_id,
            col(Answer.scope).in_(list(partner_ids)),
            sa.tuple_(col(Answer.stage_key), col(Answer.question_key)).in_(statements),
        )
    )
    return [(stage, key, scope, value) for stage, key, scope, value in rows]


def submissions_of(
    db: Session, partnership_id: str, partner_ids: Collection[str] | None = None
) -> set[tuple[str, str]]:
    """(stage key, partner id) for every partner (or each of `partner_ids`) that has submitted
    its scores for a stage (plain rows on the session's connection: no ORM needed)."""
    query = sa.select(col(ScoreSubmission.stage_key), col(ScoreSubmission.partner_id)).where(
        col(ScoreSubmission.partnership_id) == partnership_id
    )
    if partner_ids is not None:
        query = query.where(col(ScoreSubmission.partner_id).in_(list(partner_ids)))
    return {(stage, partner) for stage, partner in db.connection().execute(query)}


def active_partners(db: Session, partnership_id: str) -> list[tuple[Partner, Organisation]]:
    """The active partners with their organisations, lead first."""
    return list(
        db.exec(
            select(Partner, Organisation)
            .join(Organisation, col(Organisation.id) == Partner.organisation_id)
            .where(Partner.partnership_id == partnership_id, Partner.status == PartnerStatus.ACTIVE)
            .order_by(col(Partner.is_lead).desc(), col(Organisation.name))
        ).all()
    )


@dataclass(frozen=True)
class Revision:
    revision: AnswerRevision
    answer: Answer
    author: str
    organisation: str  # the author's

    @property
    def named(self) -> str:
        return who(self.author, self.organisation)


HISTORY_PAGE = 50
# A history page costs this many units of the reader's expensive-request budget
# (EXPENSIVE_PER_MINUTE): it reads every revision and diffs long text.
HISTORY_COST = 1


def revisions_of(
    db: Session,
    *,
    stage: Stage,
    partnership_id: str,
    reader_partner_id: str,
    key: str | None = None,
    after: str | None = None,
    limit: int = HISTORY_PAGE,
) -> tuple[list[Revision], str | None]:
    """The saves of a stage's answers (or one answer's) that a partner may see, newest first,
    with who made them: a page of `limit` after the revision `after`, and the id to ask for
    the next page with (None on the last page).

    A partner sees the shared answers, its own, and the other active partners' own answers;
    another partner's readiness scores only once both have submitted theirs (`blind.may_see`,
    here in SQL).
    """
    statements = [s.key for s in stage.statements]
    active = select(Partner.id).where(
        Partner.partnership_id == partnership_id, Partner.status == PartnerStatus.ACTIVE
    )
    submitted = select(ScoreSubmission.partner_id).where(
        ScoreSubmission.partnership_id == partnership_id, ScoreSubmission.stage_key == stage.key
    )
    reader_submitted = db.exec(
        submitted.where(ScoreSubmission.partner_id == reader_partner_id)
    ).first()
    open_scopes = [SHARED_SCOPE, reader_partner_id]
    query = (
        select(AnswerRevision, Answer, User.name, Organisation.name)
        .join(Answer, col(Answer.id) == AnswerRevision.answer_id)
        .join(User, col(User.id) == AnswerRevision.changed_by)
        .join(Organisation, col(Organisation.id) == User.organisation_id)
        .where(
            Answer.partnership_id == partnership_id,
            Answer.stage_key == stage.key,
            sa.or_(col(Answer.scope).in_(open_scopes), col(Answer.scope).in_(active)),
            sa.or_(
                col(Answer.scope).in_(open_scopes),
                col(Answer.question_key).not_in(statements),
                col(Answer.scope).in_(submitted) if reader_submitted else sa.false(),
            ),
        )
        .order_by(col(AnswerRevision.changed_at).desc(), col(AnswerRevision.id).desc())
        .limit(limit + 1)
    )
    if key is not None:
        query = query.where(Answer.question_key == key)
    if after is not None:
        mark = db.get(AnswerRevision, after)
        if mark is None:
            return [], None
        query = query.where(
            sa.tuple_(col(AnswerRevision.changed_at), col(AnswerRevision.id))
            < sa.tuple_(sa.literal(mark.changed_at, UTCDateTime()), sa.literal(mark.id))
        )
    rows = [Revision(r, a, name, org) for r, a, name, org in db.exec(query)]
    following = rows[limit - 1].revision.id if len(rows) > limit else None
    return rows[:limit], following


@dataclass(frozen=True)
class CommentView:
    comment: Comment
    author: str
    organisation: str


# The stage page shows the newest few comments of each question; older ones are a page away,
# so that a question with a thousand comments costs the stage page no more than one with twenty.
COMMENTS_SHOWN = 20
COMMENTS_PAGE = 50


@dataclass(frozen=True)
class Thread:
    """A question's comments as the stage page shows them."""

    comments: list[CommentView]  # the newest COMMENTS_SHOWN, oldest first
    older: int  # how many older comments are not among them
    open: int  # unresolved comments in the whole thread


def _comments(partnership_id: str, stage_key: str) -> Any:
    return (
        select(Comment, User.name, Organisation.name)
        .join(User, col(User.id) == Comment.author_id)
        .join(Organisation, col(Organisation.id) == User.organisation_id)
        .where(Comment.partnership_id == partnership_id, Comment.stage_key == stage_key)
    )


def comments_of(db: Session, partnership_id: str, stage_key: str) -> dict[str, Thread]:
    """A stage's comment threads by question key: each one's newest comments, and counts."""
    newest_first = (col(Comment.created_at).desc(), col(Comment.id).desc())
    ranked = (
        select(
            col(Comment.id).label("id"),
            sa.func.row_number()
            .over(partition_by=col(Comment.question_key), order_by=newest_first)
            .label("rank"),
        )
        .where(Comment.partnership_id == partnership_id, Comment.stage_key == stage_key)
        .subquery()
    )
    rows = db.exec(
        _comments(partnership_id, stage_key)
        .join(ranked, ranked.c.id == Comment.id)
        .where(ranked.c.rank <= COMMENTS_SHOWN)
        .order_by(col(Comment.created_at), col(Comment.id))
    )
    shown: dict[str, list[CommentView]] = {}
    for comment, author, organisation in rows:
        shown.setdefault(comment.question_key, []).append(
            CommentView(comment, author, organisation)
        )
    counts = db.exec(
        select(Comment.question_key, sa.func.count(), sa.func.count(col(Comment.resolved_at)))
        .where(Comment.partnership_id == partnership_id, Comment.stage_key == stage_key)
        .group_by(col(Comment.question_key))
    )
    return {
        key: Thread(shown.get(key, []), older=total - len(shown.get(key, [])), open=total - done)
        for key, total, done in counts
    }


def comments_page(
    db: Session,
    partnership_id: str,
    stage_key: str,
    *,
    key: str | None = None,
    after: str | None = None,
    limit: int = COMMENTS_PAGE,
) -> tuple[list[CommentView], str | None]:
    """A stage's comments (or one question's), newest first: a page of `limit` after the
    comment `after`, and the id to ask for the next page with (None on the last page)."""
    query = (
        _comments(partnership_id, stage_key)
        .order_by(col(Comment.created_at).desc(), col(Comment.id).desc())
        .limit(limit + 1)
    )
    if key is not None:
        query = query.where(Comment.question_key == key)
    if after is not None:
        mark = db.get(Comment, after)
        if mark is None or (mark.partnership_id, mark.stage_key) != (partnership_id, stage_key):
            return [], None
        query = query.where(
            sa.tuple_(col(Comment.created_at), col(Comment.id))
            < sa.tuple_(sa.literal(mark.created_at, UTCDateTime()), sa.literal(mark.id))
        )
    rows = [CommentView(c, author, org) for c, author, org in db.exec(query)]
    following = rows[limit - 1].comment.id if len(rows) > limit else None
    return rows[:limit], following


@dataclass(frozen=True)
class OtherPartner:
    partner: Partner
    organisation: Organisation
    answers: dict[str, Answer]  # its partner questions, and its scores once the caller may see them
    submitted: bool


@dataclass(frozen=True)
class StageView:
    """One stage as one member may see it (blind scoring applied)."""

    shared: dict[str, Answer]
    own: dict[str, Answer]
    others: list[OtherPartner]  # empty when `others_elsewhere`
    others_elsewhere: int  # how many other partners' answers are on a page of their own
    submitted: bool
    progress: StageProgress  # where the stage stands on answering
    partners: list[tuple[Partner, Organisation]]

    @property
    def can_see_scores(self) -> bool:
        """Partners score blind: the others' scores show once the caller's are submitted."""
        return self.submitted


def stage_view(
    db: Session,
    *,
    stage: Stage,
    partnership_id: str,
    partner_id: str,
    others_up_to: int | None = None,
) -> StageView:
    """Everything a stage page or the stage API shows: the shared answers (of every stage:
    consistency hints look across stages), the caller's own, and the other partners' unless
    there are more than `others_up_to` of them, with where the stage stands on answering."""
    partners = active_partners(db, partnership_id)
    submitted_ids = set(
        db.exec(
            select(ScoreSubmission.partner_id).where(
                ScoreSubmission.partnership_id == partnership_id,
                ScoreSubmission.stage_key == stage.key,
            )
        )
    )
    inline = others_up_to is None or len(partners) - 1 <= others_up_to
    scopes = sa.or_(
        col(Answer.scope) == SHARED_SCOPE,
        sa.and_(
            col(Answer.stage_key) == stage.key,
            sa.true() if inline else col(Answer.scope) == partner_id,
        ),
    )
    rows = db.exec(select(Answer).where(Answer.partnership_id == partnership_id, scopes))
    statement_keys = {s.key for s in stage.statements}
    submitted = partner_id in submitted_ids
    done = {(stage.key, pid) for pid in submitted_ids}
    shared: dict[tuple[str, str, str], Any] = {}
    by_scope: dict[str, dict[str, Answer]] = {}
    for a in rows:
        if a.scope == SHARED_SCOPE:
            shared[(a.stage_key, a.question_key, SHARED_SCOPE)] = a.value
        if a.stage_key == stage.key:
            by_scope.setdefault(a.scope, {})[a.question_key] = a
    others = [
        OtherPartner(
            partner,
            organisation,
            {
                k: a
                for k, a in by_scope.get(partner.id, {}).items()
                if k not in statement_keys or may_see(done, partner_id, stage.key, partner.id)
            },
            partner.id in submitted_ids,
        )
        for partner, organisation in partners
        if partner.id != partner_id and inline
    ]
    [progress] = stage_progress(
        roadmap_of(db),
        shared,
        own_progress(db, partnership_id, stage.key),
        [p.id for p, _ in partners],
        done,
        only=stage,
    )
    return StageView(
        shared=by_scope.get(SHARED_SCOPE, {}),
        own=by_scope.get(partner_id, {}),
        others=others,
        others_elsewhere=0 if inline else len(partners) - 1,
        submitted=submitted,
        progress=progress,
        partners=partners,
    )


def value_at(db: Session, answer_id: str, version: int) -> Any:
    """The value an answer had at `version` (what someone saw when they read it)."""
    revision = db.exec(
        select(AnswerRevision).where(
            AnswerRevision.answer_id == answer_id, AnswerRevision.version == version
        )
    ).first()
    return revision.new_value if revision else None

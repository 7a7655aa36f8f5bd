"""The risk register's rules, with figures checked by hand."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, col, select

from app.audit.models import AuditEvent
from app.audit.service import verify_chain
from app.partnerships.models import Partner
from app.partnerships.service import withdraw_partner
from app.risks import service
from app.risks.common import COMMON_BY_KEY, COMMON_RISKS
from app.risks.models import HIGH_RISK_SCORE, SCALE, Band, Risk, RiskStatus, band_of
from app.risks.service import RiskFields, RiskProblem, StaleRisk
from app.wizard.definition import Roadmap
from tests.factories import TEST_ACTOR, World
from tests.risks.factories import make_risk


@pytest.mark.parametrize(
    ("likelihood", "impact", "score", "high", "band"),
    [
        (1, 1, 1, False, Band.LOW),
        (1, 4, 4, False, Band.LOW),
        (1, 5, 5, False, Band.MEDIUM),
        (3, 4, 12, False, Band.MEDIUM),  # possible and major: the highest medium score
        (3, 5, 15, True, Band.HIGH),  # the threshold itself is high
        (4, 4, 16, True, Band.HIGH),
        (5, 5, 25, True, Band.HIGH),
    ],
)
def test_score_and_the_high_threshold(
    likelihood: int, impact: int, score: int, high: bool, band: Band
) -> None:
    risk = Risk(likelihood=likelihood, impact=impact)
    assert (risk.score, risk.high, risk.band) == (score, high, band)


def test_the_threshold_is_fifteen_and_splits_the_matrix_as_expected() -> None:
    assert HIGH_RISK_SCORE == 15
    high = sorted((li, im) for li in SCALE for im in SCALE if band_of(li * im) is Band.HIGH)
    # 15, 16, 20 and 25 are the only products of 1-5 that reach 15.
    assert high == [(3, 5), (4, 4), (4, 5), (5, 3), (5, 4), (5, 5)]


def test_the_register_is_ordered_by_score(db: Session, world: World, roadmap: Roadmap) -> None:
    for title, likelihood, impact in (("four", 2, 2), ("twenty", 5, 4), ("nine", 3, 3)):
        make_risk(db, world, roadmap, title=title, likelihood=likelihood, impact=impact)
    db.commit()
    risks = service.list_risks(db, partnership_id=world.partnership.id)
    assert [(r.title, r.score) for r in risks] == [("twenty", 20), ("nine", 9), ("four", 4)]


def test_the_heat_map_counts_open_risks_only(db: Session, world: World, roadmap: Roadmap) -> None:
    for likelihood, impact, status, mitigation in (
        (4, 5, RiskStatus.OPEN, ""),
        (4, 5, RiskStatus.OPEN, "A plan"),
        (4, 5, RiskStatus.CLOSED, ""),
        (1, 1, RiskStatus.OPEN, ""),
        (3, 4, RiskStatus.MITIGATED, "Done"),
        (2, 3, RiskStatus.OPEN, ""),
    ):
        make_risk(
            db,
            world,
            roadmap,
            likelihood=likelihood,
            impact=impact,
            status=status,
            mitigation=mitigation,
        )
    db.commit()
    heat = service.heat_map(db, partnership_id=world.partnership.id)
    assert heat.counts == {(4, 5): 2, (1, 1): 1, (2, 3): 1}
    assert heat.total == 4
    assert (heat.cell(4, 5).count, heat.cell(4, 5).score, heat.cell(4, 5).band) == (
        2,
        20,
        Band.HIGH,
    )
    assert (heat.cell(2, 3).count, heat.cell(2, 3).band) == (1, Band.MEDIUM)
    assert (heat.cell(3, 4).count, heat.cell(3, 4).band) == (0, Band.MEDIUM)  # mitigated
    cells = heat.cells()
    assert len(cells) == 25
    assert (cells[0].likelihood, cells[0].impact) == (5, 1)  # most likely row first
    assert sum(c.count for c in cells) == 4
    # Another partnership's register is not counted.
    assert service.heat_map(db, partnership_id="elsewhere").total == 0


def test_a_stale_version_is_refused_with_the_current_risk(
    db: Session, world: World, roadmap: Roadmap
) -> None:
    risk = make_risk(db, world, roadmap)
    db.commit()
    assert risk.version == 1
    mine = RiskFields.of(risk)
    service.update_risk(
        db,
        TEST_ACTOR,
        risk=risk,
        read_version=1,
        changes=RiskFields(**{**vars(mine), "title": "Theirs", "likelihood": 4}),
        roadmap=roadmap,
        user_id=world.users["other_officer"].id,
    )
    db.commit()
    assert (risk.version, risk.title, risk.score) == (2, "Theirs", 12)
    with pytest.raises(StaleRisk) as stale:
        service.update_risk(
            db,
            TEST_ACTOR,
            risk=risk,
            read_version=1,
            changes=RiskFields(**{**vars(mine), "title": "Mine"}),
            roadmap=roadmap,
            user_id=world.users["officer"].id,
        )
    assert stale.value.current is not None
    assert (stale.value.current.version, stale.value.current.title) == (2, "Theirs")
    # Saving what is already there is not a change: no new version.
    same = service.update_risk(
        db,
        TEST_ACTOR,
        risk=risk,
        read_version=2,
        changes=RiskFields.of(risk),
        roadmap=roadmap,
        user_id=world.users["officer"].id,
    )
    assert same.version == 2


def test_open_high_risks_without_mitigation(db: Session, world: World, roadmap: Roadmap) -> None:
    expected = {
        make_risk(db, world, roadmap, title="16, none", likelihood=4, impact=4).id,
        make_risk(db, world, roadmap, title="15, none", likelihood=3, impact=5).id,
    }
    make_risk(db, world, roadmap, title="16, mitigated", likelihood=4, impact=4, mitigation="Plan")
    make_risk(db, world, roadmap, title="12, none", likelihood=3, impact=4)
    make_risk(
        db, world, roadmap, title="25, closed", likelihood=5, impact=5, status=RiskStatus.CLOSED
    )
    db.commit()
    found = service.open_high_without_mitigation(db, partnership_id=world.partnership.id)
    assert {r.id for r in found} == expected
    assert [r.score for r in found] == [16, 15]


def test_every_problem_is_named_by_its_field(db: Session, world: World, roadmap: Roadmap) -> None:
    # A partner of the outsider's own partnership cannot own a risk in this one.
    elsewhere = db.exec(
        select(Partner).where(Partner.partnership_id != world.partnership.id)
    ).first()
    assert elsewhere is not None
    problems = service.problems(
        db,
        partnership_id=world.partnership.id,
        roadmap=roadmap,
        risk=RiskFields(
            title="  ",
            description="x" * 5001,
            likelihood=0,
            impact=6,
            stage_key="no-such-stage",
            owner_partner_id=elsewhere.id,
            status=RiskStatus.MITIGATED,
        ),
    )
    assert [p.field for p in problems] == [
        "title",
        "description",
        "likelihood",
        "impact",
        "stage_key",
        "owner_partner_id",
        "mitigation",
    ]
    with pytest.raises(RiskProblem) as raised:
        make_risk(db, world, roadmap, title="")
    assert raised.value.field == "title"


def test_a_withdrawn_owner_may_stay_but_not_be_chosen(
    db: Session, world: World, roadmap: Roadmap
) -> None:
    risk = make_risk(db, world, roadmap, owner_partner_id=world.other_partner.id)
    db.commit()
    withdraw_partner(db, TEST_ACTOR, partner=world.other_partner, reason="Leaving")
    db.commit()
    changes = RiskFields(**{**vars(RiskFields.of(risk)), "likelihood": 5})
    service.update_risk(
        db,
        TEST_ACTOR,
        risk=risk,
        read_version=1,
        changes=changes,
        roadmap=roadmap,
        user_id=world.users["officer"].id,
    )
    assert risk.owner_partner_id == world.other_partner.id
    with pytest.raises(RiskProblem) as raised:
        make_risk(db, world, roadmap, owner_partner_id=world.other_partner.id)
    assert raised.value.field == "owner_partner_id"


def test_adopting_a_common_risk_once(db: Session, world: World, roadmap: Roadmap) -> None:
    pid = world.partnership.id
    risk = service.adopt_common_risk(
        db,
        TEST_ACTOR,
        partnership_id=pid,
        roadmap=roadmap,
        common_key="scope-creep",
        user_id=world.users["lead"].id,
    )
    db.commit()
    common = COMMON_BY_KEY["scope-creep"]
    assert (risk.title, risk.stage_key, risk.score, risk.mitigation, risk.common_key) == (
        common.title,
        "business-scope",
        16,
        common.mitigation,
        "scope-creep",
    )
    with pytest.raises(service.AlreadyAdopted):
        service.adopt_common_risk(
            db,
            TEST_ACTOR,
            partnership_id=pid,
            roadmap=roadmap,
            common_key="scope-creep",
            user_id=world.users["lead"].id,
        )
    with pytest.raises(RiskProblem) as unknown:
        service.adopt_common_risk(
            db,
            TEST_ACTOR,
            partnership_id=pid,
            roadmap=roadmap,
            common_key="no-such-risk",
            user_id=world.users["lead"].id,
        )
    assert unknown.value.field == "common_key"
    waiting = service.common_risks_to_adopt(db, partnership_id=pid)
    assert "scope-creep" not in {c.key for c in waiting}
    assert len(waiting) == len(COMMON_RISKS) - 1
    assert [c.score for c in waiting] == sorted((c.score for c in waiting), reverse=True)


def test_every_change_is_in_the_audit_trail(db: Session, world: World, roadmap: Roadmap) -> None:
    risk = make_risk(db, world, roadmap, review_date=date(2027, 3, 31))
    service.update_risk(
        db,
        TEST_ACTOR,
        risk=risk,
        read_version=1,
        changes=RiskFields(**{**vars(RiskFields.of(risk)), "impact": 5}),
        roadmap=roadmap,
        user_id=world.users["officer"].id,
    )
    service.delete_risk(db, TEST_ACTOR, risk=risk)
    db.commit()
    events = db.exec(
        select(AuditEvent).where(AuditEvent.object_id == risk.id).order_by(col(AuditEvent.position))
    ).all()
    assert [e.action for e in events] == ["risk.created", "risk.updated", "risk.deleted"]
    created, updated, deleted = events
    assert created.after["review_date"] == "2027-03-31"
    assert (updated.before, updated.after) == (
        {"impact": 3, "version": 1},
        {"impact": 5, "version": 2},
    )
    assert deleted.before["title"] == risk.title and deleted.before["impact"] == 5
    assert db.get(Risk, risk.id) is None
    assert verify_chain(db, world.partnership.id) is None


def test_the_common_risks_fit_the_roadmap(roadmap: Roadmap) -> None:
    keys = [c.key for c in COMMON_RISKS]
    assert len(set(keys)) == len(keys)
    for key in (
        "funding-formula-not-agreed",
        "scope-creep",
        "untested-technology",
        "identity-management-left-late",
        "silo-information-governance",
        "staff-not-consulted",
        "no-pilot",
    ):
        assert key in keys
    for common in COMMON_RISKS:
        assert roadmap.stage(common.stage_key) is not None, common.key
        assert common.likelihood in SCALE and common.impact in SCALE
        assert len(common.title) <= 200 and common.description and common.mitigation

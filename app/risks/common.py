"""The risks that sink most shared-service partnerships, ready to adopt into a register.

Drawn from the source articles (`shared/seeds/`): why public-sector ICT projects and
shared-service partnerships fail. The suggested scores are a starting point for the partners'
own judgement, not a verdict; they are changed like any other risk once adopted.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CommonRisk:
    """A risk most partnerships face, with a suggested score and mitigation."""

    key: str
    title: str
    description: str
    stage_key: str
    likelihood: int
    impact: int
    mitigation: str

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


COMMON_RISKS: tuple[CommonRisk, ...] = (
    CommonRisk(
        key="funding-formula-not-agreed",
        title="The partners cannot agree how to share the costs",
        description=(
            "Partners start the work without an agreed funding formula, then cannot agree how "
            "set-up costs, running costs and savings are split. Disagreement over funding is the "
            "most common reason that shared-service partnerships break up."
        ),
        stage_key="day1-funding",
        likelihood=4,
        impact=5,
        mitigation=(
            "Agree the cost pool and the formula on Day 1, before any other commitment. Show "
            "every partner its share under each method side by side, and have each partner's "
            "chief executive and finance director sign the formula."
        ),
    ),
    CommonRisk(
        key="scope-creep",
        title="The scope grows until it cannot be delivered",
        description=(
            "The shared service is asked to solve too many problems at once. Each partner adds "
            "its own requirements, the specification keeps widening, and the service is late, "
            "over budget or never delivered."
        ),
        stage_key="business-scope",
        likelihood=4,
        impact=4,
        mitigation=(
            "Write down which services are in scope and which are out, starting narrow. Route "
            "every change of scope through the governance board with its cost and effect on the "
            "timetable, and add services in later phases rather than all at once."
        ),
    ),
    CommonRisk(
        key="untested-technology",
        title="The service depends on technology that has not been proven",
        description=(
            "The partnership buys new or untested technology on the strength of a supplier's "
            "promises. It does not work as expected at public-sector scale, and the savings it "
            "was meant to bring do not appear."
        ),
        stage_key="infrastructure",
        likelihood=3,
        impact=4,
        mitigation=(
            "Prefer technology already proven in similar public bodies and take up references. "
            "Where something new is unavoidable, test it in a proof of concept with real data "
            "before committing, and keep a fallback."
        ),
    ),
    CommonRisk(
        key="identity-management-left-late",
        title="Identity management is left until the end",
        description=(
            "How staff and citizens are identified and trusted across the partners is treated "
            "as a detail to sort out later. Bolted on at the end, it delays go-live, weakens "
            "security or forces costly redesign of systems already built."
        ),
        stage_key="identity-management",
        likelihood=3,
        impact=5,
        mitigation=(
            "Design identity in from the start: agree how staff and citizen identities are "
            "federated between partners, and who vouches for whom, before systems are chosen."
        ),
    ),
    CommonRisk(
        key="silo-information-governance",
        title="Each partner keeps its own information-governance standards",
        description=(
            "Partners accept common technical standards but keep separate rules for handling "
            "information. Data cannot then be shared lawfully or safely, and the joined-up "
            "service cannot work as designed."
        ),
        stage_key="information-sharing",
        likelihood=4,
        impact=4,
        mitigation=(
            "Agree information-governance standards common to every partner, a data sharing "
            "agreement and a data protection impact assessment, with a named information "
            "governance lead in each partner."
        ),
    ),
    CommonRisk(
        key="staff-not-consulted",
        title="Staff who run the service are not consulted",
        description=(
            "The service is designed without the front-line staff who will operate it. Their "
            "concerns are dismissed as resistance to change, problems are found only after "
            "go-live, and staff lack the training to use the new systems."
        ),
        stage_key="sustainability",
        likelihood=3,
        impact=4,
        mitigation=(
            "Involve front-line staff and their trade unions in the design from the start, act "
            "on their concerns, and plan the training and support they need before go-live."
        ),
    ),
    CommonRisk(
        key="no-pilot",
        title="The service is rolled out everywhere without a pilot",
        description=(
            "The shared service goes live for every partner at once. Faults that a small pilot "
            "would have found affect everyone, and there is no evidence to decide whether to "
            "carry on."
        ),
        stage_key="sustainability",
        likelihood=3,
        impact=4,
        mitigation=(
            "Pilot with one service or one partner first, agree beforehand what the pilot must "
            "show, capture what is learned, and decide on the wider roll-out at a review point."
        ),
    ),
    CommonRisk(
        key="treated-as-an-it-project",
        title="The partnership is treated as an IT project",
        description=(
            "Business leaders hand the work to the IT department or to consultants instead of "
            "owning it. The project pursues technology rather than better services, without a "
            "clear business case, and nobody senior is accountable for the benefits."
        ),
        stage_key="governance",
        likelihood=3,
        impact=4,
        mitigation=(
            "Name a senior business owner in each partner, agree a business case built on "
            "service outcomes, and track the benefits at the governance board. Manage the "
            "change to how people work, not only the project plan."
        ),
    ),
    CommonRisk(
        key="legacy-systems",
        title="Partners' existing systems cannot be joined up",
        description=(
            "Each partner runs its own, often old, systems. Joining them up or moving their data "
            "proves harder and costlier than planned, and the shared service is held back by "
            "the oldest of them."
        ),
        stage_key="federation",
        likelihood=3,
        impact=3,
        mitigation=(
            "Survey every partner's systems early, decide which stay with each partner and "
            "which are shared, and plan and test the data migration before go-live."
        ),
    ),
)

COMMON_BY_KEY = {risk.key: risk for risk in COMMON_RISKS}

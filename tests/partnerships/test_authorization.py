"""Authorization in one place: every partnership route, every kind of caller.

The table: for each route that names a partnership, partner or invitation, each caller gets
the answer their roles allow. The meta-test: no such route exists without a permission
dependency (declared with @permission in a domain's permissions module).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.main import all_routes
from app.partnerships.models import Role
from app.partnerships.service import invite_person
from app.signatures.models import Decision, Signature, SignRole
from app.wizard.models import Comment
from tests.conftest import empty_tables
from tests.factories import TEST_ACTOR, World, make_world
from tests.risks.factories import make_risk

SCOPED_PARAMS = {"pid", "partner_id", "iid", "sid", "rid", "cid", "user_id"}
CALLERS = [
    "anonymous",
    "outsider",
    "viewer",
    "officer",
    "signatory",
    "other_officer",
    "other_partner_lead",
    "lead",
]  # the lead last: its actions change state
DENIED = {401, 403, 404}
MEMBERS = {"viewer", "officer", "signatory", "other_officer", "other_partner_lead", "lead"}
ALLOWED_BY = {
    "member": MEMBERS,
    "lead": {"lead"},
    "partner_of_lead": {"lead"},
    "partner_manager": {"lead", "other_partner_lead"},  # routes aim at the second council
    "invitation_manager": {"lead", "other_partner_lead"},
    "require_admin": set(),  # site administrators only: nobody in the world
    "stage_reader": MEMBERS,
    "stage_editor": {"officer", "other_officer", "other_partner_lead", "lead"},
    "comment_editor": {"officer", "other_officer", "other_partner_lead", "lead"},
    "risk_editor": MEMBERS - {"viewer"},
    "risk_of_member": MEMBERS,
    "risk_of_editor": MEMBERS - {"viewer"},
    "risk_of_lead": {"lead"},
    "stage_signatory": {"signatory"},
    "figures_editor": {"officer", "other_officer", "other_partner_lead", "lead"},
    "funding_signer": set(),  # chief executives and finance directors: none in the world
    "signature_revoker": {"signatory"},  # the signer, or a holder of the same role
}


def _dependency_calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _dependency_calls(sub)


def permission_of(route: APIRoute) -> str | None:
    """The name of the route's permission dependency, if it has one."""
    names = [
        c.__name__
        for c in _dependency_calls(route.dependant)
        if getattr(c, "__roadmap_permission__", False)
    ]
    return names[0] if names else None


def scoped_routes(app: FastAPI) -> list[APIRoute]:
    routes = all_routes() + [r for r in app.routes if isinstance(r, APIRoute)]
    return [r for r in routes if SCOPED_PARAMS & set(re.findall(r"{(\w+)}", r.path))]


def test_every_scoped_route_declares_a_permission(app: FastAPI) -> None:
    routes = scoped_routes(app)
    assert len(routes) >= 15
    missing = [f"{sorted(r.methods)} {r.path}" for r in routes if permission_of(r) is None]
    assert not missing, f"routes without a permission dependency: {missing}"
    unknown = {permission_of(r) for r in routes} - set(ALLOWED_BY)
    assert not unknown, f"add the expected callers of {unknown} to ALLOWED_BY"


def test_the_meta_test_would_catch_a_route_without_a_permission(app: FastAPI) -> None:
    @app.get("/api/v1/partnerships/{pid}/leaky")
    def leaky(pid: str) -> dict[str, str]:
        return {"pid": pid}

    route = next(r for r in scoped_routes(app) if r.path.endswith("/leaky"))
    assert permission_of(route) is None


def _fill(path: str, world: World, invitation_id: str, comment_id: str) -> str:
    return (
        path.replace("{pid}", world.partnership.id)
        .replace("{stage}", "business-scope")
        .replace(
            "{key}", "partner-staff-in-scope"
        )  # a partner question: every {key} route takes one
        .replace("{question}", "business-need")
        .replace("{cid}", comment_id)
        .replace("{fmt}", "json")
        .replace("{partner_id}", world.other_partner.id)
        .replace("{iid}", invitation_id)
        .replace("{user_id}", world.users["other_officer"].id)
    )


def _call(client: TestClient, method: str, url: str, world: World, who: str) -> int:
    headers = world.auth(who)
    kwargs: dict[str, Any] = {"headers": headers, "follow_redirects": False}
    if method in {"POST", "PUT", "PATCH"}:
        kwargs["json" if url.startswith("/api/") else "data"] = {}
    return client.request(method, url, **kwargs).status_code


def test_each_caller_gets_what_their_roles_allow(
    app: FastAPI, client: TestClient, db: Session
) -> None:
    failures = []
    for route in scoped_routes(app):
        kind = permission_of(route)
        assert kind is not None
        for method in sorted(route.methods):
            world = make_world(db)
            invitation, _ = invite_person(
                db,
                TEST_ACTOR,
                partner=world.other_partner,
                inviter=world.users["other_partner_lead"],
                email="new@eastbrook.example.org",
                roles=[Role.OFFICER],
                base_url="http://testserver",
            )
            comment = Comment(
                partnership_id=world.partnership.id,
                stage_key="business-scope",
                question_key="business-need",
                author_id=world.users["officer"].id,
                partner_id=world.lead_partner.id,
                body="Is this narrow enough?",
            )
            db.add(comment)
            risk = make_risk(db, world, app.state.roadmap)
            signoff = Signature(
                partnership_id=world.partnership.id,
                subject="business-scope",
                role=SignRole.SIGNATORY,
                partner_id=world.lead_partner.id,
                user_id=world.users["signatory"].id,
                decision=Decision.SIGNED,
                content={},
                content_hash="0" * 64,
                roadmap_version="2026.1",
            )
            db.add(signoff)
            db.commit()
            url = (
                _fill(route.path, world, invitation.id, comment.id)
                .replace("{rid}", risk.id)
                .replace("{sid}", signoff.id)
            )
            for who in CALLERS:
                status = _call(client, method, url, world, who)
                if who == "anonymous":
                    # pages redirect to sign in; a page's POST without a token fails CSRF first
                    expected = "401 (API), a redirect to sign in, or 403 (a form with no token)"
                    page_answers = {303, 403} if method == "POST" else {303}
                    ok = status == 401 if url.startswith("/api/") else status in page_answers
                elif who == "outsider" and kind != "require_admin":
                    expected, ok = "404", status == 404
                elif who in ALLOWED_BY[kind]:
                    expected, ok = "allowed", status not in DENIED
                else:
                    expected, ok = "403", status == 403
                if not ok:
                    failures.append(
                        f"{method} {route.path} as {who}: {status}, expected {expected}"
                    )
            empty_tables(app.state.engine)
    assert not failures, "\n".join(failures)

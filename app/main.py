"""The application factory: `create_app()` checks its configuration, then wires the domains."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, Depends, FastAPI
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

from app.audit import api as audit_api
from app.audit import views as audit_views
from app.core import docs, health, openapi, problems
from app.core.admission import Admission
from app.core.database import make_engine
from app.core.headers import SecurityHeaders
from app.core.limits import BodyLimit
from app.core.migrations import check_migrated
from app.core.paths import STATIC_DIR
from app.core.security import verify_csrf
from app.core.settings import Settings, get_settings
from app.core.throttle import Budget
from app.export import api as export_api
from app.export import views as export_views
from app.funding import api as funding_api
from app.funding import views as funding_views
from app.identity import api as identity_api
from app.identity import views as identity_views
from app.mail.service import delivery_loop, health_detail
from app.notify import api as notify_api
from app.notify import views as notify_views
from app.partnerships import api as partnership_api
from app.partnerships import views as partnership_views
from app.readiness import api as readiness_api
from app.readiness import views as readiness_views
from app.risks import api as risk_api
from app.risks import views as risk_views
from app.signatures import api as signature_api
from app.signatures import views as signature_views
from app.site import views as site_views
from app.wizard import api as wizard_api
from app.wizard import signoff_api, signoff_views
from app.wizard import views as wizard_views
from app.wizard.loader import load_roadmap

DOCS_PATHS = ("/docs/explorer",)
# Every domain's routes. FastAPI mounts included routers lazily, so tests that walk the routes
# (the authorization table) read them from here.
ROUTERS: tuple[APIRouter, ...] = (
    health.router,
    docs.router,
    identity_api.router,
    partnership_api.router,
    audit_api.router,
    wizard_api.router,
    risk_api.router,
    site_views.router,
    identity_views.router,
    partnership_views.router,
    audit_views.router,
    risk_views.router,
    wizard_views.router,
    signoff_api.router,
    signoff_views.router,
    signature_api.router,
    signature_views.router,
    notify_views.router,
    notify_api.router,
    funding_api.router,
    funding_views.router,
    readiness_api.router,
    readiness_views.router,
    export_api.router,
    export_views.router,
)


def all_routes() -> list[APIRoute]:
    """Every route the app serves (for tests and tools)."""
    return [r for router in ROUTERS for r in router.routes if isinstance(r, APIRoute)]


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Deliver the outbox in the background for as long as the app runs."""
    if not app.state.settings.mail_poll_seconds:
        yield
        return
    task = asyncio.create_task(
        delivery_loop(app.state.engine, app.state.settings), name="mail-delivery"
    )
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the service; refuse (raise) on an invalid roadmap or an unmigrated database."""
    settings = settings or get_settings()
    roadmap = load_roadmap(settings.roadmap_dir)
    engine = make_engine(settings.database_url, pool_size=settings.database_pool_size)
    check_migrated(engine)

    app = FastAPI(
        title=settings.service_name,
        version="1",
        summary="Form a shared-service partnership: roadmap, sign-offs, funding and readiness.",
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(verify_csrf)],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.roadmap = roadmap
    app.state.health_details = {"outbox": health_detail}
    app.state.expensive = Budget(settings.expensive_per_minute)

    problems.install(app)
    openapi.install(app, all_routes())
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in ROUTERS:
        app.include_router(router)
    # For the Allow header of a 405: every method served at each path.
    app.state.route_methods = [(r.path_regex, r.methods) for r in all_routes()]
    app.add_middleware(Admission, slots=settings.database_pool_size)
    # Outside admission: an oversized body is refused without waiting for a slot.
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders, production=settings.is_production, docs_paths=DOCS_PATHS)
    return app

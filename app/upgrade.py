"""`roadmap db upgrade`: the migrations, then the derived figures only the application can
compute (it knows the roadmap's weights) for partnerships that have answers and none yet."""

from __future__ import annotations

from app.core.database import make_engine, session_scope
from app.core.migrations import upgrade
from app.core.settings import Settings
from app.wizard.loader import load_roadmap
from app.wizard.service import partnerships_without_figures, rebuild_figures


def upgrade_database(settings: Settings) -> list[str]:
    """Bring the database at `settings.database_url` up to date; say what was done."""
    upgrade(settings.database_url)
    done = []
    engine = make_engine(settings.database_url)
    info = {"base_url": settings.base_url, "roadmap": load_roadmap(settings.roadmap_dir)}
    try:
        with session_scope(engine, write=True, info=info) as db:
            for partnership_id in partnerships_without_figures(db):
                count = rebuild_figures(db, partnership_id)
                done.append(f"partnership {partnership_id}: figures for {count} partner stages")
    finally:
        engine.dispose()
    return done

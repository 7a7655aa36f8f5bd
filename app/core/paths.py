"""Where the project's own files live: the app package and the folders beside it."""

from pathlib import Path

APP_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = APP_DIR.parent
TEMPLATES_DIR = PROJECT_DIR / "templates"
ROADMAP_DIR = PROJECT_DIR / "roadmap"
MIGRATIONS_DIR = PROJECT_DIR / "migrations"
STATIC_DIR = APP_DIR / "static"

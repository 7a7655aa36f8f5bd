"""Lower layers never import higher ones (STYLE.md: one home for each rule).

The business modules of each domain (everything but its HTTP adapters: views, api,
permissions, deps) may import only the domains below them, and any domain's `models` (the
tables are the shared schema). `core` imports no domain at all. The order is the one the
service is built in: signatures sit below the wizard and funding, which tell them what their
content is; notify (which reads only the partnerships' tables) sits below partnerships, which
announces the grant of a signing role.
"""

from __future__ import annotations

import ast
from pathlib import Path

LAYERS = [
    "core",
    "mail",
    "audit",
    "identity",
    "notify",
    "partnerships",
    "signatures",
    "wizard",
    "funding",
    "risks",
    "readiness",
    "export",
    "site",
]
HTTP_ADAPTERS = {"views.py", "api.py", "permissions.py", "deps.py"}
APP = Path(__file__).resolve().parent.parent / "app"


def _imports(path: Path) -> list[str]:
    """The `app.*` modules a file imports (anywhere in it, function bodies included)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("app."):
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found.extend(a.name for a in node.names if a.name.startswith("app."))
    return found


def _modules(domain: str) -> list[Path]:
    return sorted((APP / domain).glob("*.py"))


def test_every_domain_has_a_layer() -> None:
    domains = {p.name for p in APP.iterdir() if p.is_dir() and p.name not in {"static"}}
    domains.discard("__pycache__")
    assert domains == set(LAYERS)


def test_core_imports_no_domain() -> None:
    wrong = [
        f"{path.name} imports {module}"
        for path in _modules("core")
        for module in _imports(path)
        if not module.startswith("app.core")
    ]
    assert wrong == []


def test_business_modules_import_only_lower_layers() -> None:
    wrong = []
    for domain in LAYERS:
        for path in _modules(domain):
            if path.name in HTTP_ADAPTERS:
                continue
            for module in _imports(path):
                parts = module.split(".")
                target = parts[1]
                is_tables = len(parts) > 2 and parts[2] == "models"
                if target == domain or is_tables:
                    continue
                if LAYERS.index(target) > LAYERS.index(domain):
                    wrong.append(f"{domain}/{path.name} imports {module}")
    assert wrong == [], "\n".join(wrong)


def test_the_wizard_knows_nothing_of_funding() -> None:
    """The roadmap's answers are read by funding (Day 1 terms), never the other way round."""
    wrong = [
        f"wizard/{path.name} imports {module}"
        for path in _modules("wizard")
        for module in _imports(path)
        if module.startswith(("app.funding", "app.readiness", "app.risks", "app.export"))
    ]
    assert wrong == []

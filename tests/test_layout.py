"""The code's layout: a package per domain area, imports one way (routes → domain → core/models),
document builders that never touch the request, and templates that never run queries."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "boardroom"
AREAS = ("api", "auth", "calendar", "core", "costs", "decisions", "documents", "followups", "mail",
         "meetings", "members", "orgadmin", "participation", "projects", "registers")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def is_routes(module: str) -> bool:
    """The routes layer: modules named routes.py (or <something>_routes.py)."""
    last = module.rpartition(".")[2]
    return last == "routes" or last.endswith("_routes")


def imports_of(module: str) -> set[str]:
    """Every boardroom module this module imports, at the top or inside a function."""
    tree = ast.parse(MODULES[module].read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{module}: relative import (imports are absolute)"
            names = [f"{node.module}.{a.name}" for a in node.names]
            found.update(n for n in names if n in MODULES)
            if node.module in MODULES:
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in MODULES)
    return {m for m in found if m.startswith("boardroom.")}


def area_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in AREAS) else None


def test_every_area_is_a_package_with_a_docstring():
    for area in AREAS:
        init = PACKAGE / area / "__init__.py"
        assert init.exists(), f"boardroom/{area}/ is not a package"
        doc = ast.get_docstring(ast.parse(init.read_text()))
        assert doc and len(doc) > 30, f"boardroom/{area}/__init__.py says nothing of what lives there"


def test_at_most_six_modules_at_the_top():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 6, top


def test_no_module_grows_past_600_lines():
    long = {m: n for m, p in MODULES.items()
            if not m.startswith("boardroom.demo") and m != "boardroom.models" and (n := len(p.read_text().splitlines())) > 600}
    assert not long


@pytest.mark.parametrize("module", [m for m in MODULES if not is_routes(m) and m != "boardroom"])
def test_only_the_routes_layer_imports_routes(module):
    """A domain, core or document module never imports a routes module (create_app alone wires them)."""
    assert not {m for m in imports_of(module) if is_routes(m)}


@pytest.mark.parametrize("module", [m for m in MODULES if m.startswith("boardroom.core.")])
def test_core_imports_no_area(module):
    assert {m for m in imports_of(module) if area_of(m) not in (None, "core")} == set()


@pytest.mark.parametrize("module", [m for m in MODULES if m.startswith("boardroom.documents.")]
                         + ["boardroom.calendar.ical"])
def test_document_builders_never_touch_the_request(module):
    tree = ast.parse(MODULES[module].read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in ("flask", "flask_login"):
            assert not {a.name for a in node.names} & {"request", "g", "session", "current_user"}, module


def test_the_layout_check_sees_routes_imports():
    """The detector finds the routes that create_app wires, so the check above can fail."""
    wired = {m for m in imports_of("boardroom") if is_routes(m)}
    assert {"boardroom.meetings.routes", "boardroom.meetings.agenda_routes", "boardroom.api.routes"} <= wired


def test_no_template_global_or_filter_can_run_a_query(app):
    """Every function a template can call is defined in a module that has no database session,
    so what a page reads is loaded by its view."""
    session_modules = {m for m in MODULES if "boardroom.core.db" in imports_of(m) or m == "boardroom.core.db"}
    callables = {**app.jinja_env.globals, **app.jinja_env.filters}
    ours = {name: fn for name, fn in callables.items()
            if getattr(fn, "__module__", "") and fn.__module__.startswith("boardroom")}
    assert ours, "no boardroom functions registered for templates at all"
    querying = {name: fn.__module__ for name, fn in ours.items() if fn.__module__ in session_modules}
    assert not querying


def test_the_menu_marks_deltakelse_on_every_page_of_its_areas(client):
    """Participation, costs and follow-ups have blueprints of their own; the menu still knows them."""
    for path in ("/participation", "/costs", "/follow-ups", "/projects", "/benefits"):
        html = client.get(path).get_data(as_text=True)
        assert '<a href="/participation" aria-current="page">Deltakelse</a>' in html, path

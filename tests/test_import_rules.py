"""The import rules of docs/architecture.md, checked by parsing every module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("pipeline", "crawlers")


def _modules(package: str) -> list[Path]:
    return sorted(p for p in (REPO / package).rglob("*.py") if "__pycache__" not in p.parts)


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(module imported, at module level) for every import statement of ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, top: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                found.extend((alias.name, top) for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                found.append((child.module, top))
            inside_function = isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            visit(child, top and not inside_function)

    visit(tree, True)
    return found


def _root(module: str) -> str:
    return module.split(".", 1)[0]


@pytest.mark.parametrize("package", PACKAGES)
def test_package_never_imports_airflow_or_the_dags(package):
    offending = [
        f"{path.relative_to(REPO)}: {module}"
        for path in _modules(package)
        for module, _ in _imports(path)
        if _root(module) in ("airflow", "dags", "newsflow_common")
    ]
    assert offending == [], "crawlers/ and pipeline/ never import Airflow or the DAG files"


def test_pipeline_imports_crawlers_only_inside_functions():
    offending = [
        f"{path.relative_to(REPO)}: {module}"
        for path in _modules("pipeline")
        for module, top in _imports(path)
        if top and _root(module) == "crawlers"
    ]
    assert offending == [], "import crawlers inside the function that crawls (keeps Scrapy out)"


def test_the_rules_see_imports_inside_functions(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("import os\ndef f():\n    from airflow.sdk import dag\n")
    assert _imports(module) == [("os", True), ("airflow.sdk", False)]

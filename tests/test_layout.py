"""The wheel holds the product only: the development tools and benchmarks stay beside it."""

from __future__ import annotations

import tomllib

from setuptools import find_packages

from tests.conftest import REPO_ROOT


def test_the_wheel_ships_pipeline_and_crawlers_but_not_devtools_benchmarks_or_tests():
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text("utf-8"))
    find = pyproject["tool"]["setuptools"]["packages"]["find"]
    packages = find_packages(
        str(REPO_ROOT), include=find["include"], exclude=find.get("exclude", ())
    )
    assert {"pipeline", "crawlers"} <= set(packages)
    assert [p for p in packages if p.split(".")[0] in {"devtools", "benchmarks", "tests"}] == []

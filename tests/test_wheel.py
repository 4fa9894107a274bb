"""The wheel works outside the checkout: built, installed into a fresh virtualenv in a
temporary folder, it migrates a new database and extracts a page from its own files.
About 7 s (building and installing the wheel), so not marked slow."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import psycopg
import pytest

REPO = Path(__file__).resolve().parents[1]
ARTICLE = REPO / "tests" / "fixtures" / "extract" / "article_furniture.html"
EXPECTED = (REPO / "tests" / "fixtures" / "extract" / "article_furniture.txt").read_text(
    encoding="utf-8"
)
# pyproject's license = "<SPDX expression>" needs setuptools 77 (PEP 639).
MIN_SETUPTOOLS = (77,)
_NOT_COPIED = shutil.ignore_patterns(
    ".git",
    ".venv",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    ".pytest_cache",
    ".airflow",
    "*.pyc",
)


def _setuptools_is_recent() -> bool:
    return tuple(int(p) for p in version("setuptools").split(".")[:1]) >= MIN_SETUPTOOLS


def _run(
    *args: str | Path, cwd: Path, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(a) for a in args],
        check=False,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from a copy of the checkout (no stale build/ of the checkout in it)."""
    if not _setuptools_is_recent():
        pytest.skip(
            f"setuptools {version('setuptools')} cannot build newsflow's pyproject "
            "offline; `make install` installs the test extras, which bring a newer one"
        )
    source = tmp_path_factory.mktemp("source") / "newsflow"
    shutil.copytree(REPO, source, symlinks=True, ignore=_NOT_COPIED)
    dist = tmp_path_factory.mktemp("dist")
    _run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "--disable-pip-version-check",
        "-q",
        "-w",
        dist,
        source,
        cwd=source,
    )
    [built] = dist.glob("newsflow-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtualenv outside the checkout with the wheel installed and, through a
    plain path line in a .pth file, the shared environment's dependencies (a plain
    line does not run that directory's editable-install hooks, so the checkout's
    packages stay out of reach)."""
    root = tmp_path_factory.mktemp("venv") / "env"
    _run(sys.executable, "-m", "venv", "--without-pip", root, cwd=root.parent)
    python = root / "bin" / "python"
    _run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--no-deps",
        "--disable-pip-version-check",
        "-q",
        wheel,
        cwd=root.parent,
        env=_clean_env(),
    )
    purelib = _run(
        python,
        "-c",
        "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        cwd=root.parent,
        env=_clean_env(),
    ).stdout.strip()
    Path(purelib, "newsflow-test-dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    return root


def _clean_env(**extra: str) -> dict[str, str]:
    """The environment without anything that would put the checkout on sys.path."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME") and not k.startswith("NEWSFLOW_")
    }
    return env | extra


def test_wheel_carries_sql_files_and_type_markers_but_no_development_tools(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {name.split("/", 1)[0] for name in names}
    assert not top_level & {"devtools", "tests", "benchmarks", "sql", "dags"}
    assert {"pipeline/py.typed", "crawlers/py.typed", "pipeline/sql/README.md"} <= set(names)
    for kind in ("migrations", "views"):
        shipped = {n.rsplit("/", 1)[1] for n in names if n.startswith(f"pipeline/sql/{kind}/")}
        assert shipped == {p.name for p in (REPO / "sql" / kind).glob("*.sql")}


def test_installed_wheel_is_imported_from_the_virtualenv_not_the_checkout(venv, tmp_path):
    result = _run(
        venv / "bin" / "python",
        "-c",
        "import pipeline, crawlers; print(pipeline.__file__); print(crawlers.__file__)",
        cwd=tmp_path,
        env=_clean_env(),
    )
    for path in result.stdout.split():
        assert Path(path).is_relative_to(venv), path
        assert not Path(path).is_relative_to(REPO), path


def test_installed_newsflow_migrates_a_new_database(
    venv, tmp_path, make_database: Callable[[], str]
):
    url = make_database()
    env = _clean_env(NEWSFLOW_DATABASE_URL=url, NEWSFLOW_HOME=str(tmp_path / "home"))
    result = _run(venv / "bin" / "newsflow", "db", "upgrade", cwd=tmp_path, env=env)
    assert "applied 0001_warehouse.sql" in result.stdout
    assert "applied 0014_schema_views.sql" in result.stdout
    with psycopg.connect(url) as conn:
        views = {r[0] for r in conn.execute("SELECT name FROM warehouse.schema_views")}
        comment = conn.execute(
            "SELECT obj_description('analytics.crawl_runs'::regclass, 'pg_class')"
        ).fetchone()
    assert views == {p.stem.split("_", 1)[1] for p in (REPO / "sql" / "views").glob("*.sql")}
    assert comment is not None and comment[0].startswith("History of pipeline runs")
    again = _run(venv / "bin" / "newsflow", "db", "upgrade", cwd=tmp_path, env=env)
    assert "database is up to date" in again.stdout


def test_installed_newsflow_extracts_a_page(venv, tmp_path):
    page = tmp_path / "page.html"
    shutil.copyfile(ARTICLE, page)
    env = _clean_env(NEWSFLOW_HOME=str(tmp_path / "home"))
    result = _run(
        venv / "bin" / "newsflow", "extract", "--processes", "1", page, cwd=tmp_path, env=env
    )
    assert result.stdout == EXPECTED + "\n"

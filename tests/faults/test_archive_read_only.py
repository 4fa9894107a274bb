"""The raw archive cannot be written (a read-only directory, standing in for a full
disk): the source fails with a clear reason, the run exits 1 within seconds, and a
second run fails the same way instead of looping.

Root ignores file modes, so when the tests run as root the ``newsflow`` process is
started as the unprivileged user ``nobody``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import pytest

from tests.cli_helpers import CLEARED
from tests.crawlers.site import TestSite
from tests.faults.site_helpers import ARTICLES, small_site, write_sources

NOBODY = 65534


@pytest.fixture
def world_dir():
    """A temporary directory every user can write (``nobody`` included)."""
    path = Path(tempfile.mkdtemp(prefix="newsflow-ro-"))
    path.chmod(0o777)
    yield path
    for child in path.rglob("*"):
        if child.is_dir():
            child.chmod(0o755)
    shutil.rmtree(path, ignore_errors=True)


def run_as_user(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``python -m pipeline ARGS``, as ``nobody`` when the tests run as root."""
    full_env = {k: v for k, v in os.environ.items() if k not in CLEARED} | env
    as_root = os.geteuid() == 0
    return subprocess.run([sys.executable, "-m", "pipeline", *args], env=full_env,
                          capture_output=True, text=True, timeout=120,
                          user=NOBODY if as_root else None, group=NOBODY if as_root else None,
                          extra_groups=[] if as_root else None)


@pytest.fixture(autouse=True)
def unprivileged_python_works():
    if os.geteuid() == 0 and run_as_user(["--version"], {}).returncode != 0:
        pytest.skip("running as root and user 'nobody' cannot run this Python/checkout")


def test_read_only_archive_fails_the_source_with_a_clear_reason_and_no_retry_loop(
        world_dir, clean_database_url):
    home = world_dir / "home"
    (home / "archive").mkdir(parents=True)
    home.chmod(0o777)
    (home / "archive").chmod(0o555)
    site = TestSite()
    with site.serve():
        small_site(site)
        sources = write_sources(world_dir / "sources.yaml", site.base_url)
        env = {"NEWSFLOW_DATABASE_URL": clean_database_url, "NEWSFLOW_HOME": str(home)}
        outcomes = []
        for _ in range(2):
            started = time.monotonic()
            result = run_as_user(["run", "--sources", str(sources), "--json"], env)
            outcomes.append((result, time.monotonic() - started))
    for result, elapsed in outcomes:
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert json.loads(result.stdout)["status"] == "failed"
        assert "cannot create the archive directory" in result.stderr
        assert elapsed < 60
    assert not [p for p in site.paths() if p in ARTICLES]  # nothing fetched to be lost
    with psycopg.connect(clean_database_url) as conn:
        errors = [row[0] for row in conn.execute(
            "SELECT error FROM warehouse.crawl_run_sources ORDER BY run_id")]
        assert conn.execute("SELECT count(*) FROM warehouse.articles").fetchone() == (0,)
    assert len(errors) == 2
    assert all("cannot create the archive directory" in e and "permission" in e.lower()
               and "NEWSFLOW_HOME" in e for e in errors)

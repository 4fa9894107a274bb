"""The raw archive cannot be written (a read-only directory, standing in for a full
disk): the source fails with a clear reason, the run exits 1 within seconds, and a
second run fails the same way instead of looping.

Root ignores file modes, so when the tests run as root the archive directory is a
read-only tmpfs mount instead of a directory without write permission.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from tests.cli_helpers import CLEARED
from tests.crawlers.site import TestSite
from tests.faults.site_helpers import ARTICLES, small_site, write_sources


@contextmanager
def read_only(directory: Path) -> Iterator[None]:
    """``directory`` cannot be written inside the block, and can again after it, however
    the block ends (a failing test must not leave a folder pytest cannot clean up)."""
    if os.geteuid() != 0:
        directory.chmod(0o555)
        try:
            yield
        finally:
            directory.chmod(0o755)
        return
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(directory)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"running as root and cannot mount a read-only tmpfs: {mounted.stderr}")
    try:
        yield
    finally:
        subprocess.run(["umount", str(directory)], check=True)


@pytest.fixture
def read_only_archive(tmp_path: Path) -> Iterator[Path]:
    """``NEWSFLOW_HOME`` whose ``archive`` directory cannot be written."""
    archive = tmp_path / "home" / "archive"
    archive.mkdir(parents=True)
    with read_only(archive):
        yield archive.parent


def test_read_only_folder_is_writable_again_after_a_failing_block(tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    with pytest.raises(AssertionError, match="the test failed"), read_only(folder):
        with pytest.raises(OSError):
            (folder / "probe").write_text("x")
        raise AssertionError("the test failed")
    (folder / "probe").write_text("x")  # writable again
    assert not os.path.ismount(folder)


def run_newsflow(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``python -m pipeline ARGS`` with ``env`` over the cleared environment."""
    full_env = {k: v for k, v in os.environ.items() if k not in CLEARED} | env
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_read_only_archive_fails_the_source_with_a_clear_reason_and_no_retry_loop(
    read_only_archive, tmp_path, clean_database_url
):
    home = read_only_archive
    site = TestSite()
    with site.serve():
        small_site(site)
        sources = write_sources(tmp_path / "sources.yaml", site.base_url)
        env = {"NEWSFLOW_DATABASE_URL": clean_database_url, "NEWSFLOW_HOME": str(home)}
        outcomes = []
        for _ in range(2):
            started = time.monotonic()
            result = run_newsflow(["run", "--sources", str(sources), "--json"], env)
            outcomes.append((result, time.monotonic() - started))
    for result, elapsed in outcomes:
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert json.loads(result.stdout)["status"] == "failed"
        assert "cannot create the archive directory" in result.stderr
        assert elapsed < 60
    assert not [p for p in site.paths() if p in ARTICLES]  # nothing fetched to be lost
    with psycopg.connect(clean_database_url) as conn:
        errors = [
            row[0]
            for row in conn.execute("SELECT error FROM warehouse.crawl_run_sources ORDER BY run_id")
        ]
        assert conn.execute("SELECT count(*) FROM warehouse.articles").fetchone() == (0,)
    assert len(errors) == 2
    # "Permission denied" or "Read-only file system", and what to check.
    assert all(
        "cannot create the archive directory" in e and "permissions" in e and "NEWSFLOW_HOME" in e
        for e in errors
    )

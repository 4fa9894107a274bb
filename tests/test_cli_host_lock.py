"""``newsflow crawl`` and ``newsflow run`` against a host another process is crawling:
they say on stderr that they wait and who holds the host, then give up with one error
line and exit code 3 (transient: run again later)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import EXIT_TRANSIENT
from pipeline.host_lock import host_locks
from pipeline.sources import Source
from tests.cli_helpers import run_newsflow

SOURCES = """\
sources:
  - name: busy
    start_urls: ["http://127.0.0.1:9/"]
"""
HELD = Source(name="nightly", sitemaps=("http://127.0.0.1:9/sitemap.xml",))


@pytest.mark.parametrize("command", ["crawl", "run"])
def test_a_crawl_waits_for_a_busy_host_then_gives_up_in_one_line(
    command: str, clean_database_url: str, tmp_path: Path
):
    sources = tmp_path / "sources.yaml"
    sources.write_text(SOURCES, "utf-8")
    env = {
        "NEWSFLOW_DATABASE_URL": clean_database_url,
        "NEWSFLOW_HOME": str(tmp_path / "home"),
        "NEWSFLOW_HOST_LOCK_WAIT": "2",
    }
    with host_locks(clean_database_url, holder="nightly crawl on host-a", wait_s=0) as nightly:
        assert nightly.try_take(HELD)
        done = run_newsflow(command, "--sources", str(sources), env=env)

    assert done.returncode == EXIT_TRANSIENT, done.stderr
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    waiting = [line for line in lines if line.startswith("newsflow: waiting for host")]
    assert len(waiting) == 1, done.stderr
    assert waiting[0].startswith(
        "newsflow: waiting for host http://127.0.0.1:9 (busy): nightly crawl on host-a "
        "(PostgreSQL pid "
    )
    assert "giving up in 2 s (NEWSFLOW_HOST_LOCK_WAIT)" in waiting[0]
    assert lines[-1].startswith(
        "newsflow: error: host http://127.0.0.1:9 of source busy is being crawled by "
        "nightly crawl on host-a (PostgreSQL pid "
    )
    assert lines[-1].endswith(
        "gave up after waiting 2 s: try again when that crawl has ended "
        "or raise NEWSFLOW_HOST_LOCK_WAIT"
    )

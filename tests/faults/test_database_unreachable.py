"""PostgreSQL unreachable when a run starts: one clear line, a non-zero exit, nothing
crawled and nothing written."""

from __future__ import annotations

from tests.cli_helpers import run_newsflow
from tests.crawlers.site import TestSite
from tests.faults.site_helpers import small_site, write_sources

UNREACHABLE = "postgresql://postgres@127.0.0.1:1/newsflow"


def test_run_with_unreachable_database_fails_at_once_with_one_line(tmp_path):
    site = TestSite()
    home = tmp_path / "home"
    with site.serve():
        small_site(site)
        sources = write_sources(tmp_path / "sources.yaml", site.base_url)
        result = run_newsflow(
            "run",
            "--sources",
            str(sources),
            "--json",
            timeout=60,
            env={"NEWSFLOW_DATABASE_URL": UNREACHABLE, "NEWSFLOW_HOME": str(home)},
        )
    assert result.returncode == 3  # transient
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("newsflow: error:")]
    assert len(errors) == 1
    assert f"cannot connect to PostgreSQL at {UNREACHABLE}" in errors[0]
    assert "NEWSFLOW_DATABASE_URL" in errors[0]
    assert result.stdout == ""  # no half report
    assert site.paths() == []  # nothing crawled
    assert not (home / "archive").exists() and not (home / "runs").exists()

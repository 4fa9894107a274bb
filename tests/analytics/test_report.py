"""``newsflow report``: one self-contained HTML page from the analytics views of the newsroom
fixture, also for the read-only reader role; an empty warehouse and bad input."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from pipeline.config import QualityThresholds
from pipeline.db.roles import drop_reader, grant_reader
from pipeline.load.derive import derive_pending
from pipeline.report.data import UNBOUNDED_RUN_DAYS, ReportQuery, gather
from tests.analytics.conftest import NEWSROOM_SQL
from tests.cli_helpers import run_newsflow

NEWSROOM_SOURCES = (
    "city-notes",
    "daily-planet",
    "global-wire",
    "le-quotidien",
    "metro-herald",
    "tagesblatt",
)
FAILURE_REASONS = """
UPDATE warehouse.crawl_run_sources SET crawl_stats = CASE source
    WHEN 'le-quotidien'
    THEN '{"failed_by_reason": {"http_404": 5, "timeout": 2, "sitemap_http_500": 1}}'
    ELSE '{"failed_by_reason": {"http_404": 1}}'
END::jsonb
WHERE run_id = 2 AND source IN ('le-quotidien', 'tagesblatt')
"""
_ATTENTION_ROW = re.compile(r'<tr><td><a href="#source-([^"]+)">')


def _report(url: str, home: Path, *args: str) -> tuple[str, str]:
    """Run ``newsflow report`` and return (the file's HTML, stderr)."""
    out = home / "out" / "report.html"
    result = run_newsflow(
        "report",
        "--out",
        str(out),
        *args,
        env={"NEWSFLOW_DATABASE_URL": url, "NEWSFLOW_HOME": str(home)},
    )
    assert result.returncode == 0, result.stderr
    return out.read_text(encoding="utf-8"), result.stderr


def _attention_order(html: str) -> list[str]:
    table = html.split('<table id="attention">', 1)[1].split("</table>", 1)[0]
    return _ATTENTION_ROW.findall(table)


@pytest.fixture(scope="module")
def report_url(make_migrated_database: Callable[[], str]) -> str:
    """The newsroom fixture, with failure reasons recorded by two crawls of the second run."""
    url = make_migrated_database()
    with psycopg.connect(url) as conn:
        conn.execute(NEWSROOM_SQL.read_text(encoding="utf-8"))
        derive_pending(conn)
        conn.execute(FAILURE_REASONS)
    return url


@pytest.fixture(scope="module")
def newsroom_report(report_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    html, _ = _report(report_url, tmp_path_factory.mktemp("report"))
    return html


def test_the_report_loads_nothing_from_the_network(newsroom_report):
    assert not re.search(r"<script[^>]*\ssrc=", newsroom_report)
    assert not re.search(r"<link[^>]*\shref=", newsroom_report)
    assert not re.search(r"<img[^>]*\ssrc=\"?https?:", newsroom_report)
    assert "<style>" in newsroom_report
    assert newsroom_report.count("Plotly.newPlot(") == len(NEWSROOM_SOURCES)
    assert len(newsroom_report) > 3_000_000, "plotly.js is inlined, once"


def test_the_report_has_a_section_with_plots_for_each_source(newsroom_report):
    for source in NEWSROOM_SOURCES:
        assert f'<section class="source" id="source-{source}"><h2>{source}</h2>' in newsroom_report


def test_the_latest_run_is_summarised(newsroom_report):
    latest = newsroom_report.split('<table id="latest-run">', 1)[1].split("</table>", 1)[0]
    assert "#2 (airflow)" in latest
    assert '<span class="status-partial">partial</span>' in latest
    assert "2026-11-02 to 2026-11-02" in latest
    assert "37m 00s" in latest
    assert "<tr><th>new</th><td>120</td></tr>" in latest
    assert "<tr><th>not article</th><td>50</td></tr>" in latest
    assert "<tr><th>blocked by a bot wall</th><td>0</td></tr>" in latest
    assert "quality checks failed for metro-herald" in latest
    assert (
        "<tr><th>failed by reason</th><td>http_404 6, timeout 2, sitemap_http_500 1</td>" in latest
    )


def test_failures_are_plotted_by_reason_with_the_unrecorded_rest(newsroom_report):
    quotidien = newsroom_report.split('id="source-le-quotidien"', 1)[1].split("</section>", 1)[0]
    assert '"name":"http_404"' in quotidien and '"name":"sitemap_http_500"' in quotidien
    # run 1 recorded no reasons for its 2 failures; run 2 recorded all 7 of its own
    assert re.search(r'"name":"reason not recorded","x":\[[^]]*\],"y":\[2,0\]', quotidien)
    tagesblatt = newsroom_report.split('id="source-tagesblatt"', 1)[1].split("</section>", 1)[0]
    assert '"name":"http_404"' in tagesblatt and '"name":"reason not recorded"' in tagesblatt


def test_sources_that_need_attention_come_furthest_off_first(newsroom_report):
    assert _attention_order(newsroom_report) == ["metro-herald", "city-notes"]
    table = newsroom_report.split('<table id="attention">', 1)[1].split("</table>", 1)[0]
    assert '<td class="n">100%</td><td>failed: quality checks failed' in table
    assert (
        '<td class="n">47%</td><td>yield (articles ÷ pages) 30% is below the minimum 50%' in table
    )
    assert "with a date 33% is below the minimum 80%" in table


def test_the_share_cut_off_by_a_paywall_is_shown_per_source(newsroom_report):
    table = newsroom_report.split('<table id="paywalls">', 1)[1].split("</table>", 1)[0]
    assert _ATTENTION_ROW.findall(table) == list(NEWSROOM_SOURCES)
    assert '#source-le-quotidien">le-quotidien</a></td><td class="n">40%</td>' in table
    assert '#source-tagesblatt">tagesblatt</a></td><td class="n">0%</td>' in table
    assert '#source-city-notes">city-notes</a></td><td class="n">not checked</td>' in table


def test_thresholds_are_drawn_and_breaches_marked(newsroom_report):
    assert "min 80%" in newsroom_report  # min_date_share, the config's default
    assert '"name":"with date breach"' in newsroom_report
    assert '"name":"run failed"' in newsroom_report


def test_source_limits_the_report(report_url, tmp_path):
    html, stderr = _report(report_url, tmp_path, "--source", "city-notes", "--runs", "1")
    assert html.count("Plotly.newPlot(") == 1
    assert 'id="source-city-notes"' in html and 'id="source-metro-herald"' not in html
    assert "wrote the report of 1 source(s)" in stderr
    assert "city-notes · the last 1 runs of each source · generated " in html


def test_since_after_the_last_run_gives_a_report_that_says_so(report_url, tmp_path):
    html, stderr = _report(report_url, tmp_path, "--since", "2027-01-01")
    assert "holds no runs in this range" in html
    assert "all sources · the last 30 runs of each source, started 2027-01-01 to … (UTC)" in html
    assert "wrote an empty report" in stderr


def test_an_empty_warehouse_gives_a_report_that_says_so(clean_database_url, tmp_path):
    html, _ = _report(clean_database_url, tmp_path)
    assert "The warehouse holds no runs yet: nothing to report" in html
    assert "Plotly.newPlot(" not in html


def test_an_unknown_source_is_one_error_line(report_url, tmp_path):
    result = run_newsflow(
        "report",
        "--out",
        str(tmp_path / "r.html"),
        "--source",
        "nope",
        env={"NEWSFLOW_DATABASE_URL": report_url, "NEWSFLOW_HOME": str(tmp_path)},
    )
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("newsflow:")]
    assert errors == [
        "newsflow: error: unknown source 'nope'; the warehouse has runs of: "
        + ", ".join(NEWSROOM_SOURCES)
    ]
    assert "Traceback" not in result.stderr and not (tmp_path / "r.html").exists()


def test_since_after_until_is_one_error_line(report_url, tmp_path):
    result = run_newsflow(
        "report",
        "--out",
        str(tmp_path / "r.html"),
        "--since",
        "2026-11-03",
        "--until",
        "2026-11-02",
        env={"NEWSFLOW_DATABASE_URL": report_url, "NEWSFLOW_HOME": str(tmp_path)},
    )
    assert result.returncode == 2
    assert result.stderr.startswith("newsflow: error: since 2026-11-03 is after until 2026-11-02")


def test_a_folder_as_out_is_one_error_line(report_url, tmp_path):
    result = run_newsflow(
        "report",
        "--out",
        str(tmp_path),
        env={"NEWSFLOW_DATABASE_URL": report_url, "NEWSFLOW_HOME": str(tmp_path)},
    )
    assert result.returncode == 2
    assert result.stderr == (
        f"newsflow: error: cannot write --out {tmp_path}: {tmp_path} is a folder, not a file; "
        "give a path you can write to\n"
    )


@pytest.fixture
def reader_url(report_url: str) -> Iterator[str]:
    """The newsroom database's URL for a freshly granted login reader role (dropped after)."""
    role = f"newsflow_report_reader_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(report_url, autocommit=True) as conn:
        grant_reader(conn, role, login=True)
    params = conninfo_to_dict(report_url)
    params.update(user=role, password="")
    url = make_conninfo(**params)
    try:
        psycopg.connect(url, connect_timeout=5).close()
    except psycopg.OperationalError as exc:
        pytest.skip(f"the test server does not let a password-less role log in: {exc}")
    yield url
    with psycopg.connect(report_url, autocommit=True) as conn:
        drop_reader(conn, role)


def test_the_read_only_reader_role_can_write_the_report(reader_url, tmp_path):
    html, _ = _report(reader_url, tmp_path)
    assert _attention_order(html) == ["metro-herald", "city-notes"]
    for source in NEWSROOM_SOURCES:
        assert f'id="source-{source}"' in html


def test_a_database_without_the_views_is_one_error_line_and_is_not_migrated(
    make_database, tmp_path
):
    url = make_database()
    result = run_newsflow(
        "report",
        "--out",
        str(tmp_path / "r.html"),
        env={"NEWSFLOW_DATABASE_URL": url, "NEWSFLOW_HOME": str(tmp_path)},
    )
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1].startswith(
        "newsflow: error: the database lacks newsflow's analytics views"
    )
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT to_regclass('warehouse.crawl_runs')").fetchone() == (None,)


UNBOUNDED_RUN = """
INSERT INTO warehouse.crawl_runs (trigger, sources, started_at, finished_at, status)
VALUES ('cli', '{solo}', '2026-11-20 09:00+00', '2026-11-20 09:05+00', 'success');
INSERT INTO warehouse.crawl_run_sources (run_id, source, started_at, finished_at, status)
SELECT max(run_id), 'solo', '2026-11-20 09:00+00', '2026-11-20 09:05+00', 'success'
FROM warehouse.crawl_runs;
INSERT INTO warehouse.articles (url, source, title, body, content_hash, published_at,
                                extractor_version, run_id)
SELECT 'https://solo.example/a', 'solo', 'Ten days old', 'Body.', 'hash-solo',
       '2026-11-10 08:00+00', '1', max(run_id)
FROM warehouse.crawl_runs;
"""


def test_a_run_without_a_window_counts_the_month_before_it_per_publication_day(
    make_migrated_database: Callable[[], str],
) -> None:
    """A plain ``newsflow run`` reads whatever the site lists: its chart covers the
    ``UNBOUNDED_RUN_DAYS`` up to its start, not only the day it ran."""
    url = make_migrated_database()
    with psycopg.connect(url) as conn:
        conn.execute(UNBOUNDED_RUN)
        data = gather(conn, ReportQuery(), QualityThresholds(), datetime.now(UTC))
    (run,) = data.runs["solo"]
    assert run.last_day == date(2026, 11, 20)
    assert (run.last_day - run.first_day).days == UNBOUNDED_RUN_DAYS - 1
    assert (date(2026, 11, 10), 1) in data.daily["solo"]

"""``newsflow import-warc`` end to end: real WARC files, real PostgreSQL, the real command."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path

import obstore
import psycopg
import pytest

from devtools.s3_server import S3Server
from devtools.warc_files import WarcPage, other_pages, truncate_member, write_warc
from pipeline.archive import read_record
from pipeline.store import s3_client
from tests.cli_helpers import run_newsflow


@pytest.fixture
def env(tmp_path: Path, clean_database_url: str) -> dict[str, str]:
    return {
        "NEWSFLOW_DATABASE_URL": clean_database_url,
        "NEWSFLOW_HOME": str(tmp_path / "home"),
        "NEWSFLOW_SOURCES": str(tmp_path / "no-sources.yaml"),
        "NEWSFLOW_EXTRACT_PROCESSES": "2",
    }


@pytest.fixture
def cc_news(tmp_path: Path, pages: list[WarcPage]) -> Path:
    """A CC-NEWS-like file: warcinfo, 18 article pages of three hosts, 3 other responses."""
    path = tmp_path / "CC-NEWS-20261130000000-00001.warc.gz"
    write_warc(path, [*pages, *other_pages(pages[0].captured_at)])
    return path


def _import(env: dict[str, str], *args: str) -> tuple[subprocess.CompletedProcess[str], dict]:
    done = run_newsflow("import-warc", *args, "--json", env=env, timeout=240)
    assert done.stdout.count("\n") == 1, done.stderr
    return done, json.loads(done.stdout)


def _article_urls(database_url: str) -> set[str]:
    with psycopg.connect(database_url) as conn:
        return {row[0] for row in conn.execute("SELECT url FROM warehouse.articles")}


def test_import_loads_the_pages_of_the_chosen_host(
    env: dict[str, str], cc_news: Path, pages: list[WarcPage]
) -> None:
    done, report = _import(env, str(cc_news), "--source", "herald-history", "--host", "herald")
    assert done.returncode == 0, done.stderr
    herald = {p.url for p in pages if "//metro-herald." in p.url}
    assert report["status"] == "success"
    assert report["records"] | {"other_host": 0} == {
        "records": 22,
        "responses": 21,
        "not_html": 3,
        "corrupt": 0,
        "bad_url": 0,
        "other_host": 0,
        "denied": 0,
        "outside_window": 0,
        "already_stored": 0,
        "kept": len(herald),
        "files_read": 1,
    }
    assert report["records"]["other_host"] == 12
    assert report["pages_fetched"] == len(herald)
    assert report["articles_new"] + report["duplicates"] == len(herald)
    assert _article_urls(env["NEWSFLOW_DATABASE_URL"]) <= herald
    assert report["failed_inputs"] == []
    # progress on stderr (one line per report when stderr is not a terminal)
    assert "herald-history: read 22 records" in done.stderr
    assert "kept 6, 0 damaged" in done.stderr


def test_imported_pages_are_archived_like_crawled_ones(
    env: dict[str, str], cc_news: Path, pages: list[WarcPage]
) -> None:
    _, report = _import(env, str(cc_news), "--source", "history", "--host", "planet")
    with psycopg.connect(env["NEWSFLOW_DATABASE_URL"]) as conn:
        trigger = conn.execute(
            "SELECT trigger FROM warehouse.crawl_runs WHERE run_id = %s", (report["run_id"],)
        ).fetchone()
        states = conn.execute(
            "SELECT url, outcome, warc_path, warc_offset, pending_extract, last_fetched_at "
            "FROM warehouse.crawl_state WHERE source = 'history'"
        ).fetchall()
    assert trigger == ("import",)
    by_url = {p.url: p for p in pages}
    assert {s[0] for s in states} == {p.url for p in pages if "//daily-planet." in p.url}
    archive = Path(env["NEWSFLOW_HOME"]) / "archive"
    for url, outcome, warc_path, offset, pending, fetched_at in states:
        assert (outcome, pending, fetched_at) == ("fetched", False, by_url[url].captured_at)
        assert warc_path.startswith(f"history/{report['run_id']}/")
        # what re-processing reads: the page as archived, with no network
        assert read_record(archive, warc_path, offset)[1] == by_url[url].body


def test_importing_the_same_file_twice_adds_nothing(env: dict[str, str], cc_news: Path) -> None:
    _, first = _import(env, str(cc_news), "--source", "history")
    before = _article_urls(env["NEWSFLOW_DATABASE_URL"])
    done, second = _import(env, str(cc_news), "--source", "history")
    assert done.returncode == 0, done.stderr
    assert first["records"]["kept"] == 18 and first["articles_new"] > 0
    assert second["records"]["kept"] == 0
    assert second["records"]["already_stored"] == 18
    assert (second["articles_new"], second["articles_updated"], second["pages_fetched"]) == (
        0,
        0,
        0,
    )
    assert _article_urls(env["NEWSFLOW_DATABASE_URL"]) == before


def test_a_non_warc_input_is_one_error_line_and_the_others_go_on(
    env: dict[str, str], cc_news: Path, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not an archive\n", encoding="utf-8")
    done, report = _import(
        env, str(notes), str(cc_news), "--source", "history", "--host", "gazette"
    )
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if "notes.txt" in line]
    assert errors == [
        f"newsflow: error: {notes} is not a WARC file (it starts with b'not'); "
        "give .warc or .warc.gz files"
    ]
    assert report["records"]["files_read"] == 1 and report["records"]["kept"] == 6
    assert report["articles_new"] > 0


def test_a_damaged_record_is_counted_and_the_rest_loaded(
    env: dict[str, str], tmp_path: Path, pages: list[WarcPage]
) -> None:
    path = tmp_path / "damaged.warc.gz"
    offsets = write_warc(path, pages)
    path.write_bytes(truncate_member(path.read_bytes(), offsets, 0))
    done, report = _import(env, str(path), "--source", "history")
    assert done.returncode == 0, done.stderr
    assert (report["records"]["corrupt"], report["records"]["kept"]) == (1, 17)


def test_the_date_window_is_applied_before_extraction(env: dict[str, str], cc_news: Path) -> None:
    done, report = _import(
        env, str(cc_news), "--source", "history", "--since", "2026-11-30", "--until", "2026-11-30"
    )
    assert done.returncode == 0, done.stderr
    assert (report["records"]["kept"], report["records"]["outside_window"]) == (9, 9)
    with psycopg.connect(env["NEWSFLOW_DATABASE_URL"]) as conn:
        days = conn.execute("SELECT DISTINCT published_at::date FROM warehouse.articles").fetchall()
    assert days == [(date(2026, 11, 30),)]


def test_nothing_kept_is_a_failure_that_says_why(env: dict[str, str], cc_news: Path) -> None:
    done, report = _import(env, str(cc_news), "--source", "history", "--host", "nowhere")
    assert done.returncode == 1
    assert report["status"] == "failed"
    assert "18 on other hosts" in report["error"]


def test_an_s3_url_is_read_from_the_bucket(
    env: dict[str, str], cc_news: Path, s3_server: S3Server
) -> None:
    bucket = s3_server.bucket()
    client = s3_client(bucket, s3_server.env())
    obstore.put(client, "cc-news/x.warc.gz", cc_news.read_bytes())
    url = f"s3://{bucket}/cc-news/x.warc.gz"
    done, report = _import(env | s3_server.env(), url, "--source", "h", "--host", "herald")
    assert done.returncode == 0, done.stderr
    assert report["records"]["kept"] == 6
    missing, _ = _import(env | s3_server.env(), f"s3://{bucket}/nothing.warc.gz", "--source", "h")
    assert missing.returncode == 1
    assert f"cannot read s3://{bucket}/nothing.warc.gz" in missing.stderr


def test_imported_pages_can_be_reprocessed_with_no_network(
    env: dict[str, str], cc_news: Path
) -> None:
    from pipeline.config import Settings
    from pipeline.reprocess import reprocess

    _, report = _import(env, str(cc_news), "--source", "history", "--host", "planet")
    loaded = report["articles_new"] + report["duplicates"]
    again = reprocess(Settings.from_env(env))
    assert again["sources"]["history"]["status"] == "success"
    counts = again["counts"]
    assert (
        counts["articles_unchanged"] + counts["duplicates"] + counts["articles_updated"] == loaded
    )

"""``newsflow export`` and ``newsflow stats`` on a loaded warehouse."""

from __future__ import annotations

import json
from dataclasses import fields, replace
from datetime import date
from pathlib import Path

import pytest

from pipeline import runs
from pipeline.cli.export import file_name, iter_originals
from pipeline.cli.stats import source_stats
from pipeline.records import ARTICLE_FIELDS, Article, ExtractionResult
from pipeline.sample_format import format_article
from tests.cli_helpers import run_newsflow
from tests.load.conftest import day, load_and_link, ok, prose, story


@pytest.fixture
def loaded(conn, run_id):
    """alpha: two originals (one with a copy in beta); beta: the copy and an undated one."""
    runs.start_source(conn, run_id, "alpha")
    load_and_link(
        conn,
        [
            ok("http://a.test/1", prose(12), title="First", published=day(1)),
            ok("http://a.test/2", story(2), title="Second", published=day(3), authors=()),
        ],
        run_id=run_id,
        source="alpha",
    )
    runs.finish_source(conn, run_id, "alpha")
    runs.start_source(conn, run_id, "beta")
    load_and_link(
        conn,
        [
            ok("http://b.test/1", prose(12).upper(), published=day(2)),
            ok("http://b.test/2", story(3), title="Undated"),
        ],
        run_id=run_id,
        source="beta",
    )
    runs.finish_source(conn, run_id, "beta", error="quality checks failed")
    return conn


def _env(url: str, tmp_path: Path) -> dict[str, str]:
    return {"NEWSFLOW_DATABASE_URL": url, "NEWSFLOW_HOME": str(tmp_path / "home")}


def test_export_txt_writes_one_sample_format_file_per_original(
    loaded, clean_database_url, tmp_path
):
    out = tmp_path / "out"
    result = run_newsflow("export", "--out", str(out), env=_env(clean_database_url, tmp_path))
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        file_name(0, "http://a.test/1"),
        file_name(1, "http://a.test/2"),
        file_name(2, "http://b.test/2"),
    ]
    assert (out / names[0]).read_text(encoding="utf-8") == format_article(
        "First", prose(12), ["Jane Doe"]
    )
    assert "exported 3 article(s)" in result.stderr


def test_export_file_names_use_the_first_16_hex_digits_of_the_url_hash():
    assert file_name(7, "http://a.test/1") == "007_e0e8f66dd56e0730.txt"


def test_export_jsonl_writes_one_object_per_original_with_its_duplicate_count(
    loaded, clean_database_url, tmp_path
):
    out = tmp_path / "out"
    result = run_newsflow(
        "export",
        "--out",
        str(out),
        "--format",
        "jsonl",
        "--source",
        "alpha",
        env=_env(clean_database_url, tmp_path),
    )
    assert result.returncode == 0, result.stderr
    lines = [
        json.loads(line)
        for line in (out / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert [(a["url"], a["duplicates"]) for a in lines] == [
        ("http://a.test/1", 1),
        ("http://a.test/2", 0),
    ]
    assert lines[0]["text"] == format_article("First", prose(12), ["Jane Doe"])


def test_export_date_filters_are_inclusive_and_leave_out_undated_articles(loaded):
    found = [a.url for a in iter_originals(loaded, since=date(2025, 3, 1), until=date(2025, 3, 1))]
    assert found == ["http://a.test/1"]
    assert [a.url for a in iter_originals(loaded, since=date(2025, 3, 2))] == ["http://a.test/2"]


def test_stats_counts_originals_duplicates_runs_and_metadata_shares(loaded, run_id):
    lines = {s.source: s for s in source_stats(loaded)}
    alpha, beta = lines["alpha"], lines["beta"]
    assert (alpha.articles, alpha.duplicates, alpha.last_run_status) == (2, 0, "success")
    assert (alpha.date_share, alpha.author_share) == (1.0, 0.5)
    assert alpha.last_success_at is not None
    assert (beta.articles, beta.duplicates, beta.last_run_status) == (1, 1, "failed")
    assert beta.last_success_at is None and beta.last_run_id == run_id
    assert beta.date_share == 0.0


def test_stats_gives_each_source_s_share_of_articles_cut_off_by_a_paywall(loaded, run_id):
    cut = ok("http://c.test/1", story(7), source="gamma")
    cut = replace(cut, article=replace(cut.article, truncated=True))
    load_and_link(
        loaded,
        [cut, ok("http://c.test/2", story(8), source="gamma")],
        run_id=run_id,
        source="gamma",
    )
    lines = {s.source: s for s in source_stats(loaded)}
    assert lines["gamma"].truncated_share == 0.5
    assert lines["alpha"].truncated_share == 0.0


def test_stats_command_prints_a_table_per_source(loaded, clean_database_url, tmp_path):
    result = run_newsflow("stats", env=_env(clean_database_url, tmp_path))
    assert result.returncode == 0, result.stderr
    assert "alpha" in result.stdout and "beta" in result.stdout
    assert "50%" in result.stdout
    assert "truncated" in result.stdout
    as_json = run_newsflow("stats", "--json", env=_env(clean_database_url, tmp_path))
    first = json.loads(as_json.stdout.splitlines()[0])
    assert (first["source"], first["articles"], first["last_run_status"]) == ("alpha", 2, "success")


def test_export_gives_back_every_article_field_the_load_stored(
    conn, run_id, clean_database_url, tmp_path
):
    article = Article(
        url="http://a.test/full",
        title="Every field",
        body=prose(9),
        authors=("Ana Ruiz", "Bo Lin"),
        published_at=day(4).replace(hour=0, minute=0),
        published_date_only=True,
        language="es",
        description="A summary.",
        extractor_version="9.9",
        source="alpha",
        fetched_url="http://a.test/full?utm_source=x",
        top_image_url="https://cdn.a.test/lead.jpg",
        section="Politics",
        tags=("Budget", "Parliament"),
        modified_at=day(4).replace(hour=9, minute=30),
        is_accessible_for_free=False,
        truncated=True,
    )
    assert all(
        getattr(article, name) != f.default for name, f in zip(ARTICLE_FIELDS, fields(Article))
    )  # no field left at its default
    runs.start_source(conn, run_id, "alpha")
    load_and_link(
        conn,
        [ExtractionResult("ok", url=article.url, article=article)],
        run_id=run_id,
        source="alpha",
    )
    out = tmp_path / "out"
    result = run_newsflow(
        "export", "--out", str(out), "--format", "jsonl", env=_env(clean_database_url, tmp_path)
    )
    assert result.returncode == 0, result.stderr
    (exported,) = [
        json.loads(line)
        for line in (out / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert {name: exported[name] for name in ARTICLE_FIELDS} == {
        **{name: getattr(article, name) for name in ARTICLE_FIELDS},
        "authors": list(article.authors),
        "published_at": article.published_at.isoformat(),
        "tags": list(article.tags),
        "modified_at": article.modified_at.isoformat(),
    }
    (from_db,) = iter_originals(conn)
    assert from_db.article == article

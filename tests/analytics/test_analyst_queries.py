"""Every query in docs/analyst-queries.sql runs against the newsroom fixture and gives
the answer an analyst would expect from that data (not merely no error)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from tests.analytics.conftest import ANALYST_QUERIES, split_queries

QUERIES = {q.name: q for q in split_queries(ANALYST_QUERIES.read_text(encoding="utf-8"))}
Rows = list[dict[str, Any]]
CHECKS: dict[str, Callable[[Rows], None]] = {}


def check(name: str) -> Callable[[Callable[[Rows], None]], Callable[[Rows], None]]:
    def register(fn: Callable[[Rows], None]) -> Callable[[Rows], None]:
        CHECKS[name] = fn
        return fn

    return register


@check("daily_counts_per_source")
def _(rows: Rows) -> None:
    by_key = {(r["source"], r["published_date"]): r for r in rows}
    # Originals only in "articles"; the exact copy of the wire story counts as a duplicate.
    assert by_key[("daily-planet", date(2026, 11, 2))]["articles"] == 0
    assert by_key[("daily-planet", date(2026, 11, 2))]["duplicates"] == 1
    assert by_key[("daily-planet", date(2026, 11, 1))]["articles"] == 2
    assert by_key[("global-wire", date(2026, 11, 2))]["articles"] == 3
    assert by_key[("global-wire", date(2026, 11, 2))]["words"] > 40
    assert ("daily-planet", date(2026, 10, 28)) not in by_key  # outside November
    assert sum(r["articles"] for r in rows) == 10  # two originals have no date
    assert sum(r["duplicates"] for r in rows) == 2


@check("mentions_per_source_per_day")
def _(rows: Rows) -> None:
    counts = {(r["source"], r["published_date"]): r["articles"] for r in rows}
    assert counts == {
        ("daily-planet", date(2026, 11, 1)): 1,  # council budget: "climate office"
        ("global-wire", date(2026, 11, 2)): 2,  # summit deal and markets
        ("metro-herald", date(2026, 11, 1)): 1,  # flood warning: "climate change"
    }


@check("full_text_search_ranked")
def _(rows: Rows) -> None:
    assert rows[0]["title"] == "Climate summit ends with deal on emissions"
    assert [r["rank"] for r in rows] == sorted((r["rank"] for r in rows), reverse=True)
    assert {r["source"] for r in rows} == {"global-wire"}  # the copies are hidden
    assert "<b>" in rows[0]["snippet"]


@check("search_in_german")
def _(rows: Rows) -> None:
    assert [r["title"] for r in rows] == ["Klimagipfel einigt sich auf schnellere Emissionssenkung"]


@check("top_authors")
def _(rows: Rows) -> None:
    assert rows[0]["author"] == "Jane Doe"
    assert rows[0]["articles"] == 2  # her two copied bylines are duplicates, not counted
    assert {r["author"] for r in rows} >= {"Tom Reed", "Max Mustermann", "Claire Martin"}
    assert len(rows) <= 10


@check("whole_articles_only")
def _(rows: Rows) -> None:
    ids = [r["article_id"] for r in rows]
    assert 12 not in ids  # the paywalled French article held only up to its prompt
    assert 10 in ids  # paywalled, but held whole
    assert len(ids) == 9  # the 10 dated November originals but the cut-off one


@check("paywalls_per_source")
def _(rows: Rows) -> None:
    by_source = {r["source"]: r for r in rows}
    quotidien = by_source["le-quotidien"]
    assert (quotidien["paywalled"], quotidien["truncated"]) == (1, 1)
    assert float(quotidien["truncated_percent"]) == 100.0
    assert (by_source["tagesblatt"]["paywalled"], by_source["tagesblatt"]["truncated"]) == (1, 0)
    assert sum(r["truncated"] for r in rows) == 1


@check("most_syndicated_stories")
def _(rows: Rows) -> None:
    assert len(rows) == 1
    assert rows[0]["original_title"] == "Climate summit ends with deal on emissions"
    assert rows[0]["copies"] == 2 and rows[0]["other_sources"] == 2


@check("syndication_of_a_story")
def _(rows: Rows) -> None:
    assert [(r["duplicate_source"], r["match"]) for r in rows] == [
        ("daily-planet", "exact"),
        ("metro-herald", "near"),
    ]
    assert float(rows[0]["similarity"]) == 1.0 and 0.8 <= float(rows[1]["similarity"]) < 1
    assert [r["published_later_by"] for r in rows] == [
        timedelta(hours=1, minutes=30),
        timedelta(hours=3),
    ]


@check("revisions_of_an_article")
def _(rows: Rows) -> None:
    assert [(r["version"], r["is_current"]) for r in rows] == [(1, False), (2, True)]
    assert rows[0]["title"] == "Council to vote on budget tonight"
    assert rows[1]["title"] == "Council approves budget after long night"
    assert rows[0]["valid_to"] == rows[1]["valid_from"]
    assert rows[1]["valid_to"] is None


@check("recently_revised_articles")
def _(rows: Rows) -> None:
    assert [r["url"] for r in rows] == ["https://daily-planet.example/local/council-budget"]


@check("articles_per_section")
def _(rows: Rows) -> None:
    counts = {(r["source"], r["section"]): r["articles"] for r in rows}
    assert counts[("global-wire", "World")] == 1
    assert counts[("daily-planet", "Local")] == 1 and counts[("daily-planet", "Sport")] == 1
    assert counts[("metro-herald", "News")] == 1
    assert ("daily-planet", "World") not in counts  # its World story is a hidden copy
    assert counts[("city-notes", "none")] == 1  # the undated post is not in November


@check("articles_with_tag")
def _(rows: Rows) -> None:
    # Exact spelling: the flood warning's lower-case "climate" and the hidden copy are out.
    assert [r["article_id"] for r in rows] == [8, 1, 4]
    assert all("Climate" in r["tags"] for r in rows)


@check("top_tags")
def _(rows: Rows) -> None:
    assert (rows[0]["tag"], rows[0]["articles"], rows[0]["sources"]) == ("climate", 4, 3)
    assert {r["tag"]: r["articles"] for r in rows}["summit"] == 1  # its copy is hidden


@check("latest_with_image")
def _(rows: Rows) -> None:
    assert [r["article_id"] for r in rows] == [1, 4, 6]
    assert all(r["top_image_url"].startswith("https://") for r in rows)


@check("changed_after_publication")
def _(rows: Rows) -> None:
    assert [(r["article_id"], r["changed_after"]) for r in rows] == [
        (4, timedelta(hours=15)),
        (1, timedelta(hours=2)),
    ]


@check("extraction_quality_drops")
def _(rows: Rows) -> None:
    assert [r["source"] for r in rows] == ["metro-herald"]
    row = rows[0]
    assert row["run_id"] == 2 and row["status"] == "failed"
    assert float(row["article_share"]) < float(row["usual_article_share"])
    assert any("dropped below" in breach for breach in row["quality_breaches"])


@check("published_in_a_window")
def _(rows: Rows) -> None:
    # 05:30 UTC = 06:30 Berlin (in), 10:59 UTC = 11:59 (in), 11:30 UTC = 12:30 (out).
    assert [r["title"] for r in rows] == [
        "Klimagipfel einigt sich auf schnellere Emissionssenkung",
        "Climate summit ends with deal on emissions",
        "Sommet sur le climat : un accord sur les émissions",
        "Markets open higher",
    ]
    assert rows[0]["published_berlin"] == datetime(2026, 11, 2, 6, 30)


@check("language_mix")
def _(rows: Rows) -> None:
    mix = {(r["source"], r["language"]): float(r["percent"]) for r in rows}
    assert mix[("tagesblatt", "de")] == 100.0
    assert mix[("le-quotidien", "fr")] == 100.0
    assert mix[("city-notes", "unknown")] == 100.0
    for source in {r["source"] for r in rows}:
        assert sum(p for (s, _), p in mix.items() if s == source) == pytest.approx(100, abs=0.2)


@check("article_by_url")
def _(rows: Rows) -> None:
    assert len(rows) == 1
    assert rows[0]["syndication_count"] == 2
    assert rows[0]["authors"] == ["Jane Doe"] and rows[0]["language"] == "en"
    assert rows[0]["word_count"] == 31


@check("recent_runs")
def _(rows: Rows) -> None:
    assert [(r["run_id"], r["status"]) for r in rows] == [(2, "partial"), (1, "success")]
    assert rows[0]["duration"] == timedelta(minutes=37)
    assert "metro-herald" in rows[0]["error"]


def test_the_file_has_at_least_eight_named_queries_each_with_a_description():
    assert len(QUERIES) >= 8
    assert all(q.description and q.sql for q in QUERIES.values())


def test_every_query_in_the_file_has_a_result_check():
    assert set(QUERIES) == set(CHECKS)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query_gives_a_sensible_result(newsroom: psycopg.Connection, name: str):
    with newsroom.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(QUERIES[name].sql).fetchall()
    assert rows, f"query {name} returned no rows"
    CHECKS[name](rows)

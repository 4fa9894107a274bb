"""The peer benchmarks' helpers (``benchmarks/peers.py``, ``load_peers``, ``lsh_peer``,
``crawl_peers`` and the reports of ``bench_*_peer*``); no network."""

from __future__ import annotations

from collections.abc import Callable

import psycopg
import pytest

from benchmarks import bench_load_peers, bench_lsh_peer, crawl_peers, load_peers, lsh_peer
from benchmarks.load_fixture import synthetic_bodies, synthetic_results
from benchmarks.peers import Outcome, attempt, extrapolate, linear_fit, peer, versions_text
from pipeline.dedup.fingerprint import with_fingerprint
from pipeline.load import upsert as upsert_module


def test_a_peer_that_is_not_installed_has_a_reason_and_no_runs() -> None:
    missing = peer("nothing", "newsflow-no-such-distribution")
    assert not missing.ok and "not installed" in missing.reason
    attempt(missing, lambda: {"seconds": 1.0})
    assert missing.runs == []
    found = peer("psycopg", "psycopg")
    assert found.version and found.label() == f"psycopg {found.version}"


def test_a_failing_measurement_becomes_a_one_line_reason_and_stops_the_peer() -> None:
    outcome = peer("flaky")
    attempt(outcome, lambda: {"seconds": 2.0})

    def broken() -> dict[str, float]:
        raise RuntimeError("connection refused\nsecond line")

    attempt(outcome, broken)
    assert outcome.reason == "failed: RuntimeError: connection refused"
    assert outcome.runs == [] and not outcome.ok
    attempt(outcome, lambda: {"seconds": 1.0})
    assert outcome.runs == []


def test_best_is_the_fastest_run() -> None:
    outcome = Outcome("x", runs=[{"seconds": 3.0}, {"seconds": 2.0}])
    assert outcome.best() == {"seconds": 2.0}
    dlt = Outcome("dlt loader", version="1.31.0", distribution="dlt")
    lsh = Outcome("MinHashLSH", version="2.0.0", distribution="datasketch")
    assert versions_text([outcome, dlt]) == "dlt 1.31.0"
    assert (
        versions_text([dlt, lsh], "2 cores, datasketch 2.0.0")
        == "2 cores, datasketch 2.0.0, dlt 1.31.0"
    )


def test_linear_fit_and_extrapolation() -> None:
    assert linear_fit([1, 2, 3], [3, 5, 7]) == pytest.approx((2.0, 1.0))
    assert extrapolate([25_000, 50_000, 100_000], [10, 20, 40], 1_000_000) == pytest.approx(400)
    with pytest.raises(ValueError):
        linear_fit([1], [1])
    with pytest.raises(ValueError):
        linear_fit([2, 2], [1, 3])


def test_score_counts_planted_pairs_in_either_order_and_the_others_as_false() -> None:
    copies = {5: 1, 7: 9}
    assert lsh_peer.score({(1, 5), (9, 7), (2, 3), (3, 2), (4, 4)}, copies) == (2, 1)


def test_shingles_are_lowercased_word_sequences() -> None:
    assert lsh_peer.shingles("One two, three four five", size=4) == [
        b"one two three four",
        b"two three four five",
    ]
    assert lsh_peer.shingles("Short text", size=4) == [b"short text"]
    assert lsh_peer.shingles("", size=4) == []


def test_million_extrapolation_reads_the_line_through_the_checkpoints() -> None:
    assert bench_lsh_peer.at_million({1000: 1.0, 2000: 2.0, 4000: 4.0}) == pytest.approx(1000)


def test_peer_rows_and_dlt_credentials() -> None:
    (result,) = synthetic_results(["A body of words."])
    row = load_peers.peer_row(result)
    assert list(row) == list(load_peers.PEER_COLUMNS)
    assert row["authors"] == ["Bench Writer"]
    assert load_peers.dlt_credentials("postgresql://postgres@127.0.0.1:5432/x") == (
        "postgresql://postgres:unused@127.0.0.1:5432/x"
    )
    assert load_peers.dlt_credentials("host=db port=6543 user=u password=p dbname=y") == (
        "postgresql://u:p@db:6543/y"
    )


def test_without_dedup_restores_the_load_functions() -> None:
    before = (upsert_module.mark_new_unlinked, upsert_module.mark_unlinked)
    with load_peers.without_dedup():
        assert upsert_module.mark_new_unlinked is not before[0]
    assert (upsert_module.mark_new_unlinked, upsert_module.mark_unlinked) == before


def test_newsflow_without_dedup_and_the_plain_loader_store_every_row(
    make_database: Callable[[], str],
) -> None:
    bodies, copies = synthetic_bodies(40, words=60, copy_share=0.1, seed=3)
    results = synthetic_results(bodies)
    plain_db, newsflow_db = make_database(), make_database()
    plain = load_peers.plain_upsert(plain_db, results)
    assert plain["tsvector_rows"] == 40
    loaded = load_peers.newsflow(
        newsflow_db, [with_fingerprint(r) for r in results], dedup=False, derive_connections=1
    )
    assert loaded["counts"]["articles_new"] == 40 and loaded["counts"]["duplicates"] == 0
    with psycopg.connect(newsflow_db) as conn:
        row = conn.execute("SELECT count(*) FROM warehouse.articles_unlinked").fetchone()
    assert row == (0,)
    deduped = load_peers.newsflow(
        make_database(), [with_fingerprint(r) for r in results], dedup=True, derive_connections=1
    )
    assert (deduped["linked"], deduped["duplicates"]) == (40, len(copies))
    assert deduped["derived"] == 40


def test_load_report_names_a_failed_peer_and_judges_against_the_faster_one() -> None:
    outcomes = bench_load_peers.contenders()
    outcomes["copy"].runs.append({"seconds": 1.0})
    outcomes["newsflow"].runs.append(
        {
            "seconds": 4.0,
            "link_seconds": 1.0,
            "with_link_seconds": 5.0,
            "linked": 1000,
            "duplicates": 50,
            "derive_seconds": 8.0,
            "derived": 1000,
            "counts": {},
        }
    )
    outcomes["newsflow_nodedup"].runs.append({"seconds": 2.0, "counts": {}})
    outcomes["plain"].runs.append({"seconds": 10.0, "tsvector_seconds": 2.0, "tsvector_rows": 1000})
    outcomes["dlt"].reason = "failed: ImportError: no module named dlt"
    verdict = bench_load_peers.verdicts(outcomes, 1000)
    assert verdict["peer"] is outcomes["plain"]
    assert verdict["peer_ratio"] == pytest.approx(2.5)
    assert verdict["copy_ratio"] == pytest.approx(0.25)
    text = bench_load_peers.report(outcomes, 1000, 2, 2)
    assert "failed: ImportError: no module named dlt" in text
    assert "together: 2.00x the faster peer's rows/s, 0.20x the bare COPY's" in text
    assert "| 1.0 | 1,000 |" in text  # the link step's own rows/s
    figures = bench_load_peers.figures(outcomes, 1000)
    assert figures[0].target == ">= 2.0 met" and figures[1].target == ">= 0.3 not met"
    assert any("failed" in f.baseline for f in figures)


_CONFIG = """[Crawler]
number_of_parallel_crawlers = 5
[Heuristics]
enabled_heuristics = {"og_type": True}
pass_heuristics_condition = "og_type"
[Files]
working_path = ~/news-please-repo/
[Scrapy]
CONCURRENT_REQUESTS=16
CONCURRENT_REQUESTS_PER_DOMAIN=4
ITEM_PIPELINES = {'a':100,
                  'b':200
                  }
"""


def test_news_please_config_changes_only_what_the_comparison_needs(tmp_path) -> None:
    text = crawl_peers.config_text(_CONFIG, tmp_path, 16)
    assert f"working_path = {tmp_path}/" in text
    assert "enabled_heuristics = {}" in text and 'pass_heuristics_condition = "True"' in text
    assert "CONCURRENT_REQUESTS_PER_DOMAIN=16" in text
    assert "ITEM_PIPELINES = {'newsplease.pipeline.pipelines.HtmlFileStorage':200}" in text
    with pytest.raises(ValueError):
        crawl_peers.config_text("[Crawler]\n", tmp_path, 16)


def test_scrapy_stats_come_from_the_last_dump() -> None:
    log = (
        "[x|INFO] Dumping Scrapy stats:\n{'item_scraped_count': 3}\n"
        "[x|INFO] Dumping Scrapy stats:\n{'elapsed_time_seconds': 1.5,\n"
        " 'item_scraped_count': 2000,\n 'finish_reason': 'finished'}\n"
    )
    assert crawl_peers.scrapy_stats(log) == {
        "elapsed_time_seconds": 1.5,
        "item_scraped_count": 2000.0,
    }


def test_crawl_peers_without_the_limit_leave_its_column_empty() -> None:
    from benchmarks import bench_crawl_peers
    from benchmarks.peers import Outcome

    run = {"pages": 2000, "peak_rss_mb": 90.0}
    outcomes = {
        "scrapy": Outcome("bare Scrapy spider (limit)", reason=bench_crawl_peers.NO_LIMIT),
        "newsflow": Outcome("newsflow", runs=[{**run, "rate": 220.0}]),
        "news-please": Outcome("news-please", "1.6.16", "news-please", [{**run, "rate": 200.0}]),
    }
    text = bench_crawl_peers.report(outcomes, 2000, 2, "http://127.0.0.1")
    assert f"| bare Scrapy spider (limit) |  | {bench_crawl_peers.NO_LIMIT} |" in text
    assert "| news-please | 1.6.16 | 2000 | 200 |  | 1.10 | 90 |" in text
    [figure] = bench_crawl_peers.figures(outcomes, 2000)
    assert figure.ratio == "1.10"

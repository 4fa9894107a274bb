"""benchmarks/RESULTS.md: each benchmark rewrites its own section, and the summary table
at the top is rebuilt from the figures of every section."""

from __future__ import annotations

from pathlib import Path

from benchmarks.results import Figure, section_figures, write_section


def summary_rows(text: str) -> list[list[str]]:
    summary = text.split("<!-- bench-summary:start -->")[1].split("<!-- bench-summary:end -->")[0]
    rows = [
        line.strip("|").split(" | ")
        for line in summary.splitlines()
        if line.startswith("| ") and not line.startswith("| benchmark")
    ]
    return [[cell.strip() for cell in row] for row in rows]


def test_summary_collects_every_sections_figures_and_stays_first(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    write_section(
        "a",
        "## A\n\ndetails of a",
        results,
        [Figure("a pages/s", "90", "100 (bare)", "0.90", ">= 0.7 met")],
    )
    write_section("b", "## B", results, [Figure("b ms", "5", "50", "10x", "< 100 ms met")])
    text = results.read_text()
    assert text.startswith("# Benchmark results")
    assert (
        text.index("bench-summary:start")
        < text.index("bench-a:start")
        < text.index("bench-b:start")
    )
    rows = summary_rows(text)
    assert [row[:5] for row in rows] == [
        ["a pages/s", "90", "100 (bare)", "0.90", ">= 0.7 met"],
        ["b ms", "5", "50", "10x", "< 100 ms met"],
    ]
    assert all("cores" in row[5] and row[6].count("-") == 2 for row in rows)  # machine, date


def test_rewriting_one_section_replaces_only_its_own_summary_lines(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    write_section("a", "## A", results, [Figure("a", "1", "2", "0.50", "x")])
    write_section("b", "## B", results, [Figure("b", "3", "4", "0.75", "y")])
    write_section("a", "## A again", results, [Figure("a", "2", "2", "1.00", "x")])
    text = results.read_text()
    assert [row[:4] for row in summary_rows(text)] == [
        ["a", "2", "2", "1.00"],
        ["b", "3", "4", "0.75"],
    ]
    assert "## A again" in text and text.count("bench-a:start") == 1


def test_a_sections_figures_can_be_read_back_with_their_date(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    write_section(
        "e2e", "## E2E", results, [Figure("full run", "376", "376", "0", "flat", date="2026-11-30")]
    )
    write_section("other", "## O", results, [Figure("o", "1", "1", "1", "x")])
    (kept,) = section_figures("e2e", results)
    assert (kept.benchmark, kept.newsflow, kept.date) == ("full run", "376", "2026-11-30")
    assert section_figures("missing", results) == []


def test_a_peer_sections_rows_follow_the_limit_rows_of_the_same_figure(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    write_section("load", "## L", results, [Figure("load vs COPY", "1", "2", "0.50", "x")])
    write_section("crawl", "## C", results, [Figure("crawl vs Scrapy", "3", "4", "0.75", "y")])
    write_section("load-peers", "## LP", results, [Figure("load vs dlt", "1", "1", "1", "z")])
    write_section("lsh-peer", "## NP", results, [Figure("dedup vs datasketch", "", "", "", "")])
    write_section("crawl-peers", "## CP", results, [Figure("crawl vs news-please", "", "", "", "")])
    write_section("lone-peer", "## X", results, [Figure("other", "", "", "", "")])
    assert [row[0] for row in summary_rows(results.read_text())] == [
        "load vs COPY",
        "load vs dlt",
        "dedup vs datasketch",
        "crawl vs Scrapy",
        "crawl vs news-please",
        "other",
    ]
    write_section("crawl", "## C", tmp_path / "only-peer.md", [])
    write_section("crawl-peers", "## CP", tmp_path / "only-peer.md", [Figure("cp", "", "", "", "")])
    assert [row[0] for row in summary_rows((tmp_path / "only-peer.md").read_text())] == ["cp"]

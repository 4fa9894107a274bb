"""The benchmarks that share their pages out over processes give what one process gives:
the not-article decisions in the same order, and per-page speed for every page."""

from __future__ import annotations

from benchmarks.bench_extract_speed import Page, per_page
from benchmarks.bench_not_article import fixtures, judge_all


def test_not_article_decisions_are_the_same_in_two_processes() -> None:
    pages = fixtures()
    assert len(pages) > 4
    assert judge_all(pages, 2) == judge_all(pages, 1)


def test_per_page_speed_covers_every_page_in_two_processes() -> None:
    html = [p.html for p in fixtures()[:5]]
    pages = [Page("main" if i % 2 else "fundus-eval", "", h) for i, h in enumerate(html)]
    classes = {c.name: c for c in per_page(pages, repeats=1, processes=2)}
    assert classes["main dev set"].pages == 2 and classes["fundus-eval"].pages == 3
    assert all(c.bare_ms > 0 and c.newsflow_ms > 0 for c in classes.values())

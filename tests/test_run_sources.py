"""``local_run.run_sources``: a source is extracted while its crawl runs and loaded after
it; the next source's crawl overlaps this source's load; crawls stay one at a time and in
order; failures are recorded per source.

The step functions are replaced by recorders (the steps themselves are tested with
real PostgreSQL and Scrapy in their own modules and in the end-to-end tests).
"""

from __future__ import annotations

import threading
import time

import pytest

from pipeline import local_run, steps
from pipeline.errors import CrawlError
from pipeline.run_plan import RunPlan

STEP_S = 0.2


@pytest.fixture
def events(monkeypatch) -> list[tuple[str, str, str]]:
    """(what, source, "start"/"end") in the order they happened, from every thread."""
    recorded: list[tuple[str, str, str]] = []
    lock = threading.Lock()

    def step(name: str, result=None, fail_for: str | None = None):
        def run(settings, plan, source, *args, **kwargs):
            with lock:
                recorded.append((name, source, "start"))
            time.sleep(STEP_S)
            with lock:
                recorded.append((name, source, "end"))
            if source == fail_for:
                raise CrawlError(f"crawl of {source} failed: boom")
            return result if result is not None else {}

        return run

    crawl = step("crawl", {"fetched": 1}, fail_for="bad")

    def crawl_sources(settings, plan, names, crawled, started=None, waiting=None):
        for name in names:  # one after the other, each reported as it ends
            if started is not None:
                started(name)
            try:
                outcome = crawl(settings, plan, name)
            except CrawlError as exc:
                outcome = exc
            crawled(name, outcome)

    monkeypatch.setattr(steps, "crawl_sources", crawl_sources)
    monkeypatch.setattr(steps, "extract_source", step("extract"))
    monkeypatch.setattr(steps, "load_source", step("load"))
    monkeypatch.setattr(steps, "link_source", step("link"))
    monkeypatch.setattr(steps, "check_source", step("check"))
    monkeypatch.setattr(
        steps,
        "fail_source",
        lambda settings, plan, source, error: recorded.append(("fail", source, str(error))),
    )
    return recorded


def _plan(*sources: str) -> RunPlan:
    return RunPlan(run_id=1, sources=sources, sources_file="unused.yaml")


def _index(events, *event) -> int:
    return events.index(event)


def test_a_source_is_extracted_while_its_crawl_runs_and_loaded_after_it(events) -> None:
    local_run.run_sources(None, _plan("a", "b"))
    # (b's extraction starts once a is loaded and checked, here after b's short crawl)
    assert _index(events, "extract", "a", "start") < _index(events, "crawl", "a", "end")
    for source in ("a", "b"):
        assert _index(events, "crawl", source, "end") < _index(events, "load", source, "start")
        assert _index(events, "load", source, "end") < _index(events, "link", source, "start")
        assert _index(events, "link", source, "end") < _index(events, "check", source, "start")


def test_next_crawl_runs_while_the_previous_source_is_loaded(events) -> None:
    local_run.run_sources(None, _plan("a", "b"))
    assert _index(events, "crawl", "b", "start") < _index(events, "load", "a", "end")


def test_crawls_run_one_at_a_time_in_source_order(events) -> None:
    local_run.run_sources(None, _plan("a", "b", "c"))
    crawls = [(source, edge) for what, source, edge in events if what == "crawl"]
    assert crawls == [
        ("a", "start"),
        ("a", "end"),
        ("b", "start"),
        ("b", "end"),
        ("c", "start"),
        ("c", "end"),
    ]


def test_a_failed_crawl_is_recorded_and_the_other_sources_go_on(events) -> None:
    local_run.run_sources(None, _plan("bad", "b"))
    assert ("fail", "bad", "crawl of bad failed: boom") in events
    assert ("load", "bad", "start") not in events  # its pages stay pending
    assert ("link", "bad", "start") not in events
    assert ("check", "b", "end") in events

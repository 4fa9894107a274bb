"""robots.txt refusals in crawl state, remembered until robots.txt changes: three runs.

Run 1: robots.txt disallows ``/news/secret`` (listed in the sitemap) and ``/members/``
(a section linked from the front page). Run 2, same robots.txt, ``max_pages`` 1 and a
new article listed after the secret one: the refusal is remembered, so the secret page
is neither queued nor counted against the limit and the new article is fetched. Before
run 3 robots.txt allows everything: the secret page is requested and fetched.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pytest

from crawlers.run import CrawlResult, crawl_sources
from pipeline.sources import Source
from tests.crawlers.site import TestSite, article_html

ROBOTS_V1 = "User-agent: *\nDisallow: /news/secret\nDisallow: /members/\n"
ROBOTS_V2 = "User-agent: *\nAllow: /\n"


@dataclass
class Runs:
    site: TestSite
    results: list[CrawlResult]
    paths: list[list[str]]
    """Paths requested by each run."""
    states: list[dict[str, tuple]]
    """Crawl state of the refused URLs after each run, by path."""


def sitemap(base: str, paths: list[str]) -> str:
    urls = "".join(f"<url><loc>{base}{p}</loc></url>" for p in paths)
    return (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{urls}</urlset>"
    )


def state(env, url: str) -> tuple:
    with env.connect() as conn:
        return conn.execute(
            "SELECT kind, outcome, robots_sha256, last_attempt_at FROM warehouse.crawl_state "
            "WHERE url = %s",
            (url,),
        ).fetchone()


@pytest.fixture(scope="module")
def runs(crawl_env) -> Runs:
    site = TestSite()
    results, paths, states = [], [], []
    text = {"Content-Type": "text/plain"}
    with site.serve():
        b = site.base_url
        site.add("/front", article_html("Front", links=("/members/",)))
        site.add("/members/", article_html("Members"))
        for path in ("/news/1", "/news/secret", "/news/3"):
            site.add(path, article_html(path))
        source = Source(
            name="robots",
            sitemaps=(f"{b}/sitemap.xml",),
            start_urls=(f"{b}/front",),
            allow=("/news/",),
        )
        for step in range(3):
            listed = ["/news/1", "/news/secret"] + (["/news/3"] if step else [])
            site.add(
                "/sitemap.xml", sitemap(b, listed), headers={"Content-Type": "application/xml"}
            )
            site.add("/robots.txt", ROBOTS_V2 if step == 2 else ROBOTS_V1, headers=text)
            before = len(site.requests)
            (result,) = crawl_sources(
                crawl_env.settings,
                [source],
                run_id=crawl_env.new_run(),
                database_url=crawl_env.database_url,
                max_pages=1 if step == 1 else None,
            )
            results.append(result)
            paths.append([r.path for r in site.requests[before:]])
            states.append({p: state(crawl_env, b + p) for p in ("/news/secret", "/members/")})
    return Runs(site, results, paths, states)


def test_a_refused_url_is_remembered_with_the_robots_txt_that_refused_it(runs):
    v1 = hashlib.sha256(ROBOTS_V1.encode()).hexdigest()
    kind, outcome, sha, _ = runs.states[0]["/news/secret"]
    assert (kind, outcome, sha) == ("article", "skipped_by_robots", v1)
    assert runs.states[0]["/members/"][:3] == ("navigation", "skipped_by_robots", v1)
    assert (runs.results[0].skipped_by_robots, runs.results[0].skipped_by_robots_remembered) == (
        1,
        0,
    )


def test_under_the_same_robots_txt_the_refusal_is_remembered_not_decided_again(runs):
    second = runs.results[1]
    assert (second.skipped_by_robots, second.skipped_by_robots_remembered) == (1, 1)
    # Not refused again: the record of the first refusal is left as it was.
    assert runs.states[1] == runs.states[0]


def test_a_remembered_refusal_does_not_take_a_place_under_max_pages(runs):
    second = runs.results[1]
    assert "/news/3" in runs.paths[1]
    assert (second.fetched, second.over_limit) == (1, 0)


def test_when_robots_txt_changes_to_allow_it_the_url_is_fetched(runs):
    assert {"/news/secret", "/members/"} <= set(runs.paths[2])
    kind, outcome, sha, _ = runs.states[2]["/news/secret"]
    assert (kind, outcome, sha) == ("article", "fetched", None)
    assert runs.states[2]["/members/"][:3] == ("navigation", "followed", None)
    assert runs.results[2].skipped_by_robots == 0


def test_a_refused_url_is_never_requested(runs):
    assert "/news/secret" not in runs.paths[0] + runs.paths[1]
    assert "/members/" not in runs.paths[0] + runs.paths[1]

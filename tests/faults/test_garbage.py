"""Garbage through discovery and extraction: no crash, no hang, bounded memory, and a
recorded reason for each input.

Discovery's contract: ``parse_sitemap`` / ``parse_feed`` return a result or raise
``MalformedDocument`` (which the spider counts as ``sitemap_malformed`` /
``feed_malformed``), nothing else. Extraction's: ``extract_html`` returns an
``ExtractionResult`` whose status is ``ok``, or ``not_article`` / ``error`` with a
message, and never raises. Hypothesis feeds both random and XML-/HTML-shaped input; the
named bombs run in a fresh process so their memory peak can be measured, and one run
of the whole pipeline serves them from a local site.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import textwrap

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawlers.discovery import MalformedDocument, parse_feed, parse_sitemap
from pipeline.extract import extract_html, iter_extract
from pipeline.records import FetchedPage
from tests.faults import garbage

FUZZ = settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])


def discovery_outcome(body: bytes) -> str:
    """'parsed' or 'malformed:<reason>' for a sitemap and for a feed; anything else
    raised fails the test."""
    outcomes = []
    for parse in (parse_sitemap, parse_feed):
        try:
            parse(body, "http://a.test/doc.xml")
            outcomes.append("parsed")
        except MalformedDocument as exc:
            assert str(exc), "a malformed document must say why"
            outcomes.append("malformed")
    return "/".join(outcomes)


def assert_recorded(result) -> None:
    assert result.status in ("ok", "not_article", "error")
    if result.status != "ok":
        assert result.message, f"{result.status} without a reason"


# --- hypothesis -----------------------------------------------------------------------

xml_tokens = st.sampled_from(
    [
        "<urlset>",
        "</urlset>",
        "<sitemapindex>",
        "<sitemap>",
        "<url>",
        "</url>",
        "<loc>",
        "</loc>",
        "<lastmod>",
        "2024-13-45T99:00",
        "<rss>",
        "<channel>",
        "<item>",
        "<link>",
        "<feed xmlns='http://www.w3.org/2005/Atom'>",
        "<entry>",
        "<link href='",
        "'/>",
        "http://a.test/x",
        "javascript:alert(1)",
        "&amp;",
        "&bogus;",
        "<![CDATA[",
        "]]>",
        "<!--",
        "-->",
        "<?xml version='1.0'?>",
        "<!DOCTYPE x [<!ENTITY e 'x'>]>",
        "&e;",
        "\x00",
        "\ufeff",
        "é",
        "<",
        ">",
        '"',
        "'",
        " ",
        "\n",
    ]
)
html_tokens = st.sampled_from(
    [
        "<html>",
        "</html>",
        "<head>",
        "<body>",
        "<article>",
        "</article>",
        "<p>",
        "</p>",
        "<div>",
        "</div>",
        "<script>",
        "</script>",
        "<style>",
        "<title>",
        "</title>",
        "<h1>",
        "<meta charset='utf-16'>",
        "<meta property='og:title' content='",
        "'>",
        '<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"',
        '"}</script>',
        "<time datetime='9999-99-99'>",
        "<!--",
        "-->",
        "&nbsp;",
        "&#0;",
        "&#x110000;",
        "\x00",
        "\ufffe",
        "Ünïcödé",
        "word ",
        "A sentence of some length. ",
        "<table><tr><td>",
        "<iframe src='javascript:1'>",
        "<base href='file:///'>",
    ]
)


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes_are_parsed_or_malformed(body):
    discovery_outcome(body)


@FUZZ
@given(st.lists(xml_tokens, max_size=80).map("".join))
def test_xml_shaped_garbage_is_parsed_or_malformed(text):
    discovery_outcome(text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(st.binary(min_size=1, max_size=2048), st.integers(min_value=0, max_value=4096))
def test_truncated_gzip_is_parsed_or_malformed(data, cut):
    discovery_outcome(gzip.compress(data)[:cut])


@settings(max_examples=150, deadline=5000, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=8192))
def test_random_bytes_extract_to_a_result_with_a_reason(body):
    assert_recorded(extract_html(body, "http://a.test/x"))


@settings(max_examples=150, deadline=5000, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(html_tokens, max_size=200).map("".join))
def test_html_shaped_garbage_extracts_to_a_result_with_a_reason(text):
    assert_recorded(extract_html(text.encode("utf-8", "surrogatepass"), "http://a.test/x"))


# --- named bombs ----------------------------------------------------------------------

BOMBS = {
    "billion_laughs": ("discovery", "garbage.BILLION_LAUGHS", 50),
    "quadratic_blowup": ("discovery", "garbage.QUADRATIC_BLOWUP", 50),
    "gzip_bomb": ("discovery", "garbage.gzip_bomb(200)", 150),
    "truncated_gzip_sitemap": (
        "discovery",
        "garbage.truncated_gzip(garbage.sitemap(['http://a.test/%d' % i for i in range(2000)]))",
        50,
    ),
    "deeply_nested_html": ("extraction", "garbage.deeply_nested_html(100_000)", 150),
    "single_line_10mb": ("extraction", "garbage.single_line_page(10)", 500),
    "random_bytes": ("extraction", "garbage.RANDOM_BYTES", 50),
}
"""name -> (stage, expression building the input, most MB the peak may grow by).

The gzip bomb is cut off at 50 MB expanded (``crawlers.discovery``); a 10 MB page of
real words is extracted as an article, and trafilatura needs about 35 times the page
in memory for it: bounded by the crawler's 10 MB response limit."""

_PROBE = textwrap.dedent("""
    import json, resource, sys, time
    from crawlers.discovery import MalformedDocument, parse_feed, parse_sitemap
    from pipeline.extract import extract_html
    from tests.faults import garbage
    def peak_mb():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    extract_html(b"<html><body><p>warm up</p></body></html>", "http://a.test/")
    body = {expression}
    before = peak_mb()
    started = time.monotonic()
    if "{stage}" == "discovery":
        try:
            found = parse_sitemap(body, "http://a.test/s.xml")
            outcome = {{"status": "parsed", "message": f"{{len(found.pages)}} pages"}}
        except MalformedDocument as exc:
            outcome = {{"status": "malformed", "message": str(exc)}}
    else:
        result = extract_html(body, "http://a.test/x")
        outcome = {{"status": result.status, "message": result.message}}
    outcome.update(seconds=time.monotonic() - started, grew_mb=peak_mb() - before)
    print(json.dumps(outcome))
""")


def probe(stage: str, expression: str) -> dict:
    """Run one bomb in a fresh interpreter; its outcome, time and peak-memory growth."""
    code = _PROBE.format(stage=stage, expression=expression)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_bomb_is_handled_fast_in_bounded_memory_with_a_reason(name):
    stage, expression, max_growth_mb = BOMBS[name]
    outcome = probe(stage, expression)
    assert outcome["seconds"] < 30, outcome
    assert outcome["grew_mb"] < max_growth_mb, outcome
    if stage == "discovery":
        if name == "truncated_gzip_sitemap":  # read up to the cut, in recovery mode
            assert outcome["status"] == "parsed" and outcome["message"] != "0 pages", outcome
        else:
            assert outcome["status"] == "malformed" or outcome["message"] == "1 pages", outcome
        assert "lol" * 100 not in json.dumps(outcome)  # entities never expanded
    else:
        assert outcome["status"] == "ok" or outcome["message"], outcome


def test_bombs_through_the_extraction_pool_each_get_a_result():
    pages = [
        FetchedPage(url=f"http://a.test/{n}", source="s", body=body)
        for n, body in enumerate(
            [
                garbage.deeply_nested_html(100_000),
                garbage.single_line_page(10),
                garbage.RANDOM_BYTES,
                b"",
                b"\x00" * 1000,
            ]
        )
    ]
    results = list(iter_extract(pages, processes=2))
    assert [r.url for r in results] == [p.url for p in pages]
    for result in results:
        assert_recorded(result)

"""Validation of the sources file: good files parse, bad ones name field and line."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from pipeline.errors import SourcesFileError, UnknownSourceError
from pipeline.sources import load_sources, parse_sources, select_sources

GOOD = textwrap.dedent("""\
    sources:
      - name: example-times
        sitemaps: [https://example.com/sitemap.xml]
        feeds: [https://example.com/rss.xml]
        start_urls: []
        allow: ['/news/']
        deny: ['/video/']
        max_pages: 5000
        language: en
        download_delay: 0.5
        render: browser
      - name: other
    """)


def test_full_source_parses_every_field():
    first, second = parse_sources(GOOD)
    assert first.name == "example-times"
    assert first.sitemaps == ("https://example.com/sitemap.xml",)
    assert first.feeds == ("https://example.com/rss.xml",)
    assert first.allow == ("/news/",) and first.deny == ("/video/",)
    assert first.max_pages == 5000 and first.language == "en"
    assert first.download_delay == 0.5
    assert first.render == "browser" and second.render == "http"
    assert first.hosts == ("example.com",)
    assert not first.uses_robots_sitemaps
    assert second.uses_robots_sitemaps  # no discovery given -> robots.txt sitemaps


def _error(text: str) -> str:
    with pytest.raises(SourcesFileError) as info:
        parse_sources(textwrap.dedent(text), origin="s.yaml")
    return str(info.value)


def test_bad_max_pages_names_source_field_and_line():
    message = _error("""\
        sources:
          - name: a
            max_pages: -3
        """)
    assert message == "s.yaml:3: source 'a': field 'max_pages' must be a positive integer, got -3"


def test_an_unknown_render_mode_is_rejected_with_the_known_ones():
    message = _error("""\
        sources:
          - name: a
            render: chrome
        """)
    assert message == (
        "s.yaml:3: source 'a': field 'render' must be one of http, browser, got 'chrome'"
    )


def test_a_warc_source_is_not_rendered():
    message = _error("""\
        sources:
          - name: a
            warc: [/data/a.warc.gz]
            render: browser
        """)
    assert message == (
        "s.yaml:4: source 'a': field 'render' is browser, but a warc source's pages are read "
        "from files"
    )


def test_unknown_field_is_rejected_with_its_line():
    message = _error("""\
        sources:
          - name: a
            sitemap: [https://x.org/s.xml]
        """)
    assert message == (
        "s.yaml:3: source 'a': unknown field 'sitemap'; known fields: name, sitemaps, "
        "feeds, start_urls, allow, deny, max_pages, language, languages, download_delay, "
        "render, headers, cookies, proxy, warc"
    )


def test_hosts_is_an_unknown_field_not_silently_ignored():
    message = _error("""\
        sources:
          - name: a
            feeds: [https://x.org/rss.xml]
          - name: b
            language: en

            hosts: [x.org]
        """)
    assert message.startswith("s.yaml:7: source 'b': unknown field 'hosts'; known fields: ")


def test_unknown_top_level_field_is_rejected_with_its_line():
    message = _error("""\
        sources:
          - name: a
        source:
          - name: b
        """)
    assert message == "s.yaml:3: unknown top-level field 'source'; known fields: sources"


def test_bad_name_is_rejected():
    assert "must match [a-z0-9_-]+" in _error("sources:\n  - name: Bad Name\n")


def test_duplicate_names_are_rejected():
    assert "used twice" in _error("sources:\n  - name: a\n  - name: a\n")


def test_non_http_url_is_rejected():
    message = _error("sources:\n  - name: a\n    feeds: [ftp://x.org/f]\n")
    assert message.startswith("s.yaml:3:") and "not an http(s) URL" in message


def test_invalid_regex_is_rejected():
    assert "invalid regex" in _error("sources:\n  - name: a\n    allow: ['(']\n")


def test_invalid_yaml_reports_line():
    assert _error("sources:\n  - name: a\n   bad: [\n").startswith("s.yaml:")


def test_missing_sources_key_is_reported():
    assert "missing the top-level 'sources'" in _error("other: 1\n")


def test_missing_file_says_what_to_do(tmp_path):
    with pytest.raises(SourcesFileError, match=r"does not exist.*NEWSFLOW_SOURCES"):
        load_sources(tmp_path / "nope.yaml")


def test_select_unknown_source_lists_known_names():
    sources = parse_sources(GOOD)
    with pytest.raises(UnknownSourceError, match=r"'nope'.*example-times, other"):
        select_sources(sources, ["nope"])
    assert [s.name for s in select_sources(sources, ["other"])] == ["other"]
    assert len(select_sources(sources, [])) == 2


def test_the_readme_example_uses_only_known_fields():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(sources:\n.*?)```", readme, re.S)
    assert example is not None, "README.md has no sources-file example"
    (source,) = parse_sources(example.group(1), origin="README.md")
    assert source.name == "example-times"


def test_languages_are_kept_in_order_without_repeats():
    (source,) = parse_sources(
        "sources:\n  - name: a\n    language: de\n    languages: [de, en, de]\n"
    )
    assert source.languages == ("de", "en") and source.language == "de"
    (default,) = parse_sources("sources:\n  - name: a\n")
    assert default.languages == ()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("[EN]", "must hold two-letter ISO 639-1 codes such as en, got 'EN'"),
        ("[deu]", "must hold two-letter ISO 639-1 codes such as en, got 'deu'"),
        ("en", "must be a list"),
    ],
)
def test_bad_languages_name_the_field(value, expected):
    message = _error(f"""\
        sources:
          - name: a
            languages: {value}
        """)
    assert message == f"s.yaml:3: source 'a': field 'languages' {expected}"


def test_a_language_hint_outside_languages_is_an_error():
    message = _error("""\
        sources:
          - name: a
            language: fr
            languages: [en, de]
        """)
    assert message == (
        "s.yaml:4: source 'a': field 'languages' does not hold the source's language hint "
        "'fr': add it, or change 'language'"
    )

"""``feeds: [auto]`` in the sources file: the feeds the start pages announce."""

from __future__ import annotations

import pytest

from pipeline.errors import SourcesFileError
from pipeline.sources import AUTO, parse_sources


def test_feeds_auto_is_accepted_with_a_start_url():
    (source,) = parse_sources(
        "sources:\n  - name: a\n    feeds: [auto]\n    start_urls: [https://a.com/]\n"
    )
    assert source.feeds == (AUTO,)
    assert source.hosts == ("a.com",)
    assert not source.uses_robots_sitemaps


def test_feeds_auto_without_a_page_to_read_names_what_to_add():
    with pytest.raises(
        SourcesFileError,
        match=r"sources>:3: source 'a': field 'feeds' "
        r"has 'auto'.*add a start URL",
    ):
        parse_sources("sources:\n  - name: a\n    feeds: [auto]\n")

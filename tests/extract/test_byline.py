"""The byline search gives what trafilatura's extract_author gives."""

from __future__ import annotations

import pytest
from lxml.html import document_fromstring
from trafilatura.metadata import extract_author

from pipeline.extract.byline import byline_author

DISCARDED = [
    '<div id="comments">{}</div>',
    '<div class="comments">{}</div>',
    '<span class="title">{}</span>',
    '<a class="date">{}</a>',
    '<section id="comments-3">{}</section>',
    '<div id="x-commentlist">{}</div>',
    '<div id="comment-list">{}</div>',
    '<div id="ProductReviews">{}</div>',
    '<div class="Comments box">{}</div>',
    '<div class="side comments-list">{}</div>',
    '<div class="my-sidebar">{}</div>',
    '<div class="is-hidden">{}</div>',
    '<div class="blockquote">{}</div>',
    '<div class="article-share">{}</div>',
    '<div class="article-support">{}</div>',
    '<div class="print-only">{}</div>',
    '<div class="category">{}</div>',
    '<div class="meta-date">{}</div>',
    '<div data-component="Figure">{}</div>',
    "<time>{}</time>",
    "<figure>{}</figure>",
    '<p class="comments">{}</p>',  # not a discarded tag: stays
]
FOUND = [
    '<a rel="author">{}</a>',
    '<div id="author">{}</div>',
    '<span class="author">{}</span>',
    '<p itemprop="author name">{}</p>',
    '<strong data-testid="AuthorCard">{}</strong>',
    '<address class="x-author-name">{}</address>',
    '<a class="AuthorName">{}</a>',
    "<author>{}</author>",
    '<span class="byline">{}</span>',
    '<h3 class="BBL">{}</h3>',
    '<h4 itemprop="author">{}</h4>',
    '<p id="zuozhe">{}</p>',
    '<div class="posted-by">{}</div>',
    '<li data-component="Byline">{}</li>',
    '<em id="Author">{}</em>',
    '<b class="screenname">{}</b>',
    '<td class="writer">{}</td>',
    '<i class="Byline">{}</i>',
    '<span class="Author">{}</span>',  # only the third expression: not "author"
]


def _page(*parts: str) -> str:
    return "<html><head><title>t</title></head><body>" + "".join(parts) + "</body></html>"


def _same(html: str) -> str | None:
    expected = extract_author(document_fromstring(html))
    assert byline_author(document_fromstring(html)) == expected
    return expected


@pytest.mark.parametrize("found", FOUND)
def test_each_kind_of_byline_is_found_as_trafilatura_finds_it(found):
    assert _same(_page("<p>Text</p>", found.format("Jane Doe"))) == "Jane Doe"


@pytest.mark.parametrize("discarded", DISCARDED)
@pytest.mark.parametrize("found", FOUND[:3] + FOUND[-3:])
def test_bylines_in_discarded_parts_are_skipped_as_trafilatura_skips_them(discarded, found):
    inner = found.format("Jim Roe")
    _same(_page(discarded.format(inner), found.format("Jane Doe")))
    _same(_page(found.format("Jane Doe " + discarded.format("Ann Sun") + " and Bob Lee")))
    _same(_page(discarded.format("x"), found.format("Jane <b>Doe</b>") + "tail"))


def test_the_expressions_are_tried_in_order_and_short_or_long_texts_skipped():
    assert (
        _same(
            _page(
                '<i class="writer">Third Choice</i>',
                '<span class="byline">Second Choice</span>',
                '<span class="author">x</span>',
                '<span class="author">' + "long " * 30 + "</span>",
                '<div class="author-name">First Choice</div>',
            )
        )
        == "First Choice"
    )
    assert _same(_page("<p>No byline here</p>")) is None


def test_the_page_is_not_modified():
    tree = document_fromstring(_page('<div class="comments"><span class="author">A B</span></div>'))
    before = len(list(tree.iter()))
    byline_author(tree)
    assert len(list(tree.iter())) == before


def test_a_rel_me_child_is_read_with_its_pruned_parts_removed():
    assert _same(_page("<p>Text</p><a><rel>m<time>x</time>e</rel>Jane Doe</a>")) == "Me Jane Doe"
    assert _same(_page("<p>Text</p><a><rel>m<b>x</b>e</rel>Jane Doe</a>")) is None

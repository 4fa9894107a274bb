"""Whether an extracted body is made of an index page's teasers.

On a section, tag or home page the text an extractor keeps is the list of teasers: one
short summary per story, each beside the headline link to that story (the headline,
all link text, is usually pruned as boilerplate; sometimes it stays as a paragraph of
its own). An article's body is its own paragraphs, however many navigation links
surround them. So the question asked here is where the body's paragraphs sit in the
page, not how many links the page has. A body paragraph is a teaser with a headline:

- when the paragraph is all the text of a link to another page (a headline kept in the
  body, or a card that is one big link): the headline is the paragraph;
- otherwise, when the largest element that holds the paragraph and no other body
  paragraph (headlines aside; its block: the ``<li class="teaser">``, the card
  ``<div>``, the ``<article>`` of a listing) also holds a link to another page outside
  the paragraph: the headline is the longest such link's text.

An article's paragraphs share their container (the story body), so none of them has a
block of its own, however link-heavy the page around them. Links into a page (with a
``#`` fragment, ``javascript:``, ``mailto:``) are not headlines, and a headline has at
least :data:`MIN_HEADLINE` characters ("Read more", "Share", a time are shorter).

The body is an index page's teasers (:func:`is_teaser_list`) when

- teasers make up at least :data:`MIN_TEASER_SHARE` of its characters,
- under at least :data:`MIN_TEASERS` different headlines (a live blog whose every entry
  carries the same "Share this update" link has one),
- and the text before the first teaser is no longer than the longest teaser: an index
  page opens with its list, or with a title or a short introduction, while a story that
  an extractor took together with a box of related teasers opens with the story.

Paragraphs are found as the deepest block element (``p``, ``li``, ``div``, ...) whose
text is the paragraph; a paragraph not found that way (text split by ``<br>``, changed
by the clean-up) counts as no teaser.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from lxml.html import HtmlElement

MIN_TEASER_SHARE = 0.7
"""Share of the body's characters in teasers from which the body is an index page.
Measured (``benchmarks/bench_not_article.py``, RESULTS.md): 1.0 on every section, tag
and home page of the labelled set; at most 0.49 on its 321 dev and fundus-eval articles
(a body that took in four related-story teasers after the story) and 0.0 on the sample
site's article pages. Placed nearer the articles' side: an index page's body may also
hold lines that are no teasers (an introduction, a pager, a date line)."""
MIN_TEASERS = 3
"""Fewest different headlines of a list of teasers."""
MIN_HEADLINE = 10
"""Fewest characters of a headline link's text."""
BLOCKS = (
    "p",
    "li",
    "dd",
    "dt",
    "td",
    "th",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "figcaption",
    "section",
    "article",
    "header",
    "footer",
    "aside",
    "main",
)
"""Elements a paragraph of the extracted text can be."""
_BULLET = "- "
"""How the extracted text marks a list item."""


def _paragraphs(body: str) -> list[str]:
    out = []
    for p in body.split("\n\n"):
        text = " ".join(p.split())
        if text.startswith(_BULLET):
            text = text[len(_BULLET) :]
        if text:
            out.append(text)
    return out


def _text(element: HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _to_another_page(link: HtmlElement) -> bool:
    href = (link.get("href") or "").strip()
    return bool(href) and "#" not in href and not href.startswith(("javascript:", "mailto:"))


def _locate(root: HtmlElement, paragraphs: list[str]) -> dict[int, HtmlElement]:
    """Paragraph index -> the deepest block element whose whole text is that paragraph."""
    wanted: dict[str, list[int]] = {}
    for i, p in enumerate(paragraphs):
        wanted.setdefault(p, []).append(i)
    firsts = {p.split(" ", 1)[0] for p in wanted}
    deepest: dict[str, HtmlElement] = {}
    for element in root.iter(*BLOCKS):
        raw = element.text_content()
        head = raw[:200].split(None, 1)
        if not head or head[0] not in firsts:
            continue
        text = " ".join(raw.split())
        if text in wanted:
            deepest[text] = element  # document order: a descendant comes later
    return {i: deepest[p] for p, indexes in wanted.items() if p in deepest for i in indexes}


def _is_headline(element: HtmlElement, text: str) -> bool:
    """Whether a paragraph is all the text of a link to another page (it sits inside
    one, or one holds all of its text)."""
    if any(_to_another_page(a) for a in element.iterancestors("a")):
        return True
    return len(text) >= MIN_HEADLINE and any(
        _to_another_page(a) and _text(a) == text for a in element.iter("a")
    )


def _block_headline(block: HtmlElement, paragraph: HtmlElement) -> str | None:
    """The longest text of a link to another page in ``block`` outside ``paragraph``."""
    best = ""
    for link in block.iter("a"):
        if not _to_another_page(link) or paragraph in link.iterancestors():
            continue
        text = _text(link)
        if len(text) > len(best):
            best = text
    return best if len(best) >= MIN_HEADLINE else None


@dataclass(frozen=True, slots=True)
class Teasers:
    """What :func:`find_teasers` measured on one body (characters of paragraph text)."""

    share: float
    """Share of the body's characters in teaser paragraphs, 0.0-1.0."""
    headlines: int
    """Different headlines among the teasers."""
    lead: int
    """Characters of the body before its first teaser (all of it when there is none)."""
    longest: int
    """Characters of the longest teaser paragraph (0 when there is none)."""

    @property
    def is_list(self) -> bool:
        """Whether the body is an index page's list of teasers (module docstring)."""
        return (
            self.share >= MIN_TEASER_SHARE
            and self.headlines >= MIN_TEASERS
            and self.lead <= self.longest
        )


def find_teasers(tree: HtmlElement, body: str) -> Teasers:
    """The teasers among the body's paragraphs (see the module docstring)."""
    root = tree.find(".//body")
    if root is None:
        root = tree
    paragraphs = _paragraphs(body)
    headlines: dict[int, str | None] = {}
    others: dict[int, HtmlElement] = {}
    for i, element in _locate(root, paragraphs).items():
        if _is_headline(element, paragraphs[i]):
            headlines[i] = paragraphs[i]
        else:
            others[i] = element
    holds: Counter[HtmlElement] = Counter()
    for element in set(others.values()):
        holds.update(element.iterancestors())
    for i, element in others.items():
        block = element
        for ancestor in element.iterancestors():
            if holds[ancestor] > 1:
                break
            block = ancestor
        if block is not element:
            headlines[i] = _block_headline(block, element)
    teasers = sorted(i for i, h in headlines.items() if h)
    total = sum(len(p) for p in paragraphs)
    return Teasers(
        share=sum(len(paragraphs[i]) for i in teasers) / total if total else 0.0,
        headlines=len({headlines[i] for i in teasers}),
        lead=sum(len(p) for p in paragraphs[: teasers[0] if teasers else len(paragraphs)]),
        longest=max((len(paragraphs[i]) for i in teasers), default=0),
    )


def is_teaser_list(tree: HtmlElement, body: str) -> bool:
    """Whether ``body`` is the list of teasers of an index page (module docstring)."""
    return find_teasers(tree, body).is_list

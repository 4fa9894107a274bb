"""Main text: trafilatura on a parsed tree, then newsflow's clean-up of its output.

Each step was kept because it raises body F1 on the extraction dev set (see
``benchmarks/RESULTS.md``): teasers of other stories recognised by their markup
(:mod:`~pipeline.extract.promos`) and link-dense blocks
(:mod:`~pipeline.extract.links`) are pruned from trafilatura's XML, then the text lines
lose page furniture (:mod:`~pipeline.extract.furniture`), media and photo captions,
translation notes and app promotions (:mod:`~pipeline.extract.asides`), header lines at
the start
(:mod:`~pipeline.extract.lead`), end matter at the end
(:mod:`~pipeline.extract.endmatter`) and exact repeats.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict, cast

import trafilatura
from lxml.html import HtmlElement
from trafilatura.settings import Document
from trafilatura.utils import normalize_unicode
from trafilatura.xml import xmltotxt

from pipeline.extract.asides import drop_asides
from pipeline.extract.authors import is_byline
from pipeline.extract.endmatter import strip_endmatter
from pipeline.extract.furniture import remove_furniture
from pipeline.extract.lead import strip_lead
from pipeline.extract.links import prune_link_blocks, unwrap_links
from pipeline.extract.promos import drop_teasers


class TrafilaturaOptions(TypedDict):
    """The options newsflow passes to ``trafilatura.bare_extraction``."""

    include_comments: bool
    include_tables: bool
    include_links: bool
    favor_precision: bool
    favor_recall: bool


# trafilatura settings, chosen on the dev set (see benchmarks/RESULTS.md). Links are kept
# in its XML only so that link-dense blocks can be recognised; they are unwrapped to text.
# Tables are left out: both dev sets count them as page furniture, not article text (a
# list of honourees, a product comparison), and their rows come out as "| a | b |" lines.
TRAFILATURA_OPTIONS: TrafilaturaOptions = {
    "include_comments": False,
    "include_tables": False,
    "include_links": True,
    "favor_precision": False,
    "favor_recall": False,
}
BYLINE_HEAD = 5
"""Byline lines are removed among the first this many lines ..."""
BYLINE_TAIL = 3
"""... and among the last this many."""


@dataclass(frozen=True, slots=True)
class CoreOutput:
    """What trafilatura made of a page's main text, link-dense blocks removed."""

    paragraphs: list[str]


def run_trafilatura(tree: HtmlElement) -> CoreOutput | None:
    """trafilatura's body for ``tree`` (not modified), or None if it found nothing.

    trafilatura's own metadata pass is skipped: it re-parses JSON-LD (slowly, on
    malformed blocks) and runs htmldate on every page, costing ~40 % of the time;
    :mod:`pipeline.extract.core` reads metadata itself and calls the expensive
    fallbacks only when the structured sources are missing.

    Two more of trafilatura's costs buy nothing here, so they are not paid: the page URL
    is not passed, because with it trafilatura resolves every link target against it
    (a ``urljoin`` per link, ~9 % of its time on the dev set) while the links are only
    kept to measure link density and are then unwrapped to text; and ``output_format``
    is ``"txt"``, not ``"python"``, because the latter also renders the unpruned body
    to text, which is thrown away (the body XML is returned either way).
    """
    doc = cast(  # as_dict=False (the default): a Document, never a dict
        "Document | None",
        trafilatura.bare_extraction(
            tree, url=None, with_metadata=False, output_format="txt", **TRAFILATURA_OPTIONS
        ),
    )
    if doc is None:
        return None
    if doc.body is None:
        return CoreOutput(paragraphs=[])
    drop_teasers(doc.body)
    prune_link_blocks(doc.body)
    unwrap_links(doc.body)
    text = normalize_unicode(xmltotxt(doc.body, False))
    return CoreOutput(paragraphs=split_paragraphs(text))


def split_paragraphs(text: str) -> list[str]:
    """Non-empty lines of ``text``, each with its whitespace collapsed."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _same(a: str, b: str | None) -> bool:
    if not b:
        return False
    return a.casefold().strip(" .") == b.casefold().strip(" .")


def _without_bylines(paragraphs: list[str], authors: tuple[str, ...]) -> list[str]:
    n = len(paragraphs)
    return [
        p
        for i, p in enumerate(paragraphs)
        if not ((i < BYLINE_HEAD or i >= n - BYLINE_TAIL) and is_byline(p, authors))
    ]


def clean_paragraphs(
    paragraphs: list[str],
    title: str | None,
    authors: tuple[str, ...],
    headlines: tuple[str, ...] = (),
) -> list[str]:
    """Body paragraphs without furniture, a leading copy of the title (or of another of
    the page's ``headlines``: its h1 or JSON-LD headline where the title came from
    og:title) or other header lines, byline lines near either end, end matter, or exact
    repeats of an earlier paragraph (longer than 30 characters)."""
    out = drop_asides(remove_furniture(paragraphs))
    if out and any(_same(out[0], h) for h in (title, *headlines)):
        out = out[1:]
    out = strip_lead(out, title, authors)
    out = _without_bylines(out, authors)
    out = strip_endmatter(out, authors)
    seen: set[str] = set()
    deduped = []
    for p in out:
        key = p.casefold()
        if key in seen and len(p) > 30:
            continue
        seen.add(key)
        deduped.append(p)
    return deduped

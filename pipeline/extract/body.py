"""Main text: trafilatura on a parsed tree, then newsflow's clean-up of its output."""

from __future__ import annotations

from dataclasses import dataclass

import trafilatura
from lxml.html import HtmlElement
from trafilatura.utils import normalize_unicode
from trafilatura.xml import xmltotxt

from pipeline.extract.furniture import remove_furniture

# trafilatura settings, chosen on the dev set (see benchmarks/RESULTS.md).
TRAFILATURA_OPTIONS = {
    "include_comments": False,
    "include_tables": True,
    "favor_precision": False,
    "favor_recall": False,
}


@dataclass(frozen=True, slots=True)
class CoreOutput:
    """What trafilatura made of a page's main text."""

    paragraphs: list[str]


def run_trafilatura(tree: HtmlElement, url: str | None) -> CoreOutput | None:
    """trafilatura's body for ``tree`` (not modified), or None if it found nothing.

    trafilatura's own metadata pass is skipped: it re-parses JSON-LD (slowly, on
    malformed blocks) and runs htmldate on every page, costing ~40 % of the time;
    :mod:`pipeline.extract.core` reads metadata itself and calls the expensive
    fallbacks only when the structured sources are missing.
    """
    doc = trafilatura.bare_extraction(
        tree, url=url, with_metadata=False, output_format="python", **TRAFILATURA_OPTIONS
    )
    if doc is None:
        return None
    text = normalize_unicode(xmltotxt(doc.body, False)) if doc.body is not None else ""
    return CoreOutput(paragraphs=split_paragraphs(text))


def split_paragraphs(text: str) -> list[str]:
    """Non-empty lines of ``text``, each with its whitespace collapsed."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _same(a: str, b: str | None) -> bool:
    return bool(b) and a.casefold().strip(" .") == b.casefold().strip(" .")


def clean_paragraphs(paragraphs: list[str], title: str | None, authors: tuple[str, ...]) -> list[str]:
    """Body paragraphs without furniture, a leading copy of the title, a byline line, or
    exact repeats of an earlier paragraph."""
    out = remove_furniture(paragraphs)
    if out and _same(out[0], title):
        out = out[1:]
    seen: set[str] = set()
    deduped = []
    for p in out:
        key = p.casefold()
        if key in seen and len(p) > 30:
            continue
        seen.add(key)
        deduped.append(p)
    return deduped

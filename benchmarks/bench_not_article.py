"""How well the not-article decision separates articles from section, tag and index pages.

Usage::

    python -m benchmarks.bench_not_article [--devset PATH] [--no-write]

A labelled set, decided by ``extract_html`` (``ok`` = kept as an article):

- articles: every page of the extraction dev set and of fundus-eval (when the dev set
  is there; ``--devset``, else ``NEWSFLOW_DEVSET``, else ``../shared/extraction-devset``)
  and the hand-made ``article_*`` fixtures of ``tests/fixtures/extract/not_article/``
  (short items on navigation-heavy pages);
- not articles: the sample site's home and section pages (every page of every section
  of the three publications) and the hand-made non-article fixtures (section and tag
  pages with ``og:type`` article set site-wide, an index page listing its teasers as
  JSON-LD ``NewsArticle`` items, a section page of dated ``<article>`` teasers).

Prints the false-positive rate (non-articles kept) and the false-negative rate
(articles rejected) and writes them between the ``bench-extract-not-article`` markers
of ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from benchmarks.results import RESULTS, Figure, default_devset, machine_line, write_section

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "extract" / "not_article"
UNDECLARED = "article_undeclared.html"
"""A short item on a link-heavy page that does not declare itself: indistinguishable from
an index page by design (kept out of the set; its unit test shows it is rejected)."""


@dataclass(frozen=True, slots=True)
class Labelled:
    source: str
    is_article: bool
    html: bytes
    url: str


def dev_pages(devset: Path) -> list[Labelled]:
    """The dev set's and fundus-eval's pages (all articles)."""
    out = []
    for name, folder in (("dev set", devset), ("fundus-eval", devset / "fundus-eval")):
        truth_file = folder / "ground-truth.json"
        if not truth_file.is_file():
            continue
        truth = json.loads(truth_file.read_text(encoding="utf-8"))
        for key in sorted(truth):
            with gzip.open(folder / "pages" / f"{key}.html.gz", "rb") as fh:
                out.append(Labelled(name, True, fh.read(), truth[key].get("url", "")))
    return out


def sample_site_listings() -> list[Labelled]:
    """The sample site's home pages and every page of every section (none an article)."""
    from devtools.sample_site.padding import SECTIONS
    from devtools.sample_site.responses import Request
    from devtools.sample_site.routes import respond
    from devtools.sample_site.site import SampleSite, SiteConfig

    site = SampleSite(SiteConfig(seed=7, today=date(2026, 11, 30)))
    paths = ["/", "/planet/", "/herald/", "/gazette/"]
    for prefix in ("/planet", "/herald", "/gazette"):
        for section in SECTIONS:
            paths += [f"{prefix}/section/{section}/"]
            paths += [f"{prefix}/section/{section}/page/{n}/" for n in range(2, 40)]
    out = []
    for path in paths:
        response = respond(site, Request("GET", path))
        if response.status == 200:
            out.append(Labelled("sample site sections", False, response.body, path))
    return out


def fixtures() -> list[Labelled]:
    """The hand-made fixtures, labelled by their name (``article_*`` are articles)."""
    return [
        Labelled("hand-made fixtures", path.name.startswith("article_"), path.read_bytes(), "")
        for path in sorted(FIXTURES.glob("*.html"))
        if path.name != UNDECLARED
    ]


def decide(pages: list[Labelled]) -> list[bool]:
    """Whether newsflow keeps each page as an article."""
    from pipeline.extract import extract_html

    return [extract_html(p.html, url=p.url or None).status == "ok" for p in pages]


def render(pages: list[Labelled], kept: list[bool], devset_note: str) -> tuple[str, list[Figure]]:
    """The markdown section and its summary figures."""
    totals: Counter[tuple[str, bool]] = Counter()
    wrong: Counter[tuple[str, bool]] = Counter()
    for page, keep in zip(pages, kept, strict=True):
        totals[page.source, page.is_article] += 1
        wrong[page.source, page.is_article] += keep != page.is_article
    articles = sum(n for (_, a), n in totals.items() if a)
    others = sum(n for (_, a), n in totals.items() if not a)
    fn = sum(n for (_, a), n in wrong.items() if a)
    fp = sum(n for (_, a), n in wrong.items() if not a)
    fp_rate, fn_rate = (fp / others if others else 0.0), (fn / articles if articles else 0.0)
    lines = [
        "## Not-article decision (`python -m benchmarks.bench_not_article`)",
        "",
        f"{machine_line()}. {devset_note} A page counts as kept when `extract_html` gives "
        "it status `ok`.",
        "",
        "| source | label | pages | misjudged |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {source} | {'article' if is_article else 'not an article'} | {n} | "
        f"{wrong[source, is_article]} |"
        for (source, is_article), n in sorted(totals.items())
    ]
    lines += [
        "",
        f"False-positive rate (non-articles kept): {fp_rate:.1%} ({fp} of {others}). "
        f"False-negative rate (articles rejected): {fn_rate:.1%} ({fn} of {articles}).",
    ]
    figure = Figure(
        f"not-article decision, {articles} articles and {others} non-articles",
        f"FP {fp_rate:.1%}, FN {fn_rate:.1%}",
        "(labelled set)",
        f"{fp + fn} misjudged",
        "(for reference)",
    )
    return "\n".join(lines), [figure]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=default_devset())
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    pages = fixtures() + sample_site_listings()
    if (args.devset / "ground-truth.json").is_file():
        pages += dev_pages(args.devset)
        note = f"Dev set: {args.devset.name}."
    else:
        print(
            f"bench-not-article: no dev set at {args.devset} (ground-truth.json missing); "
            "pass --devset PATH or set NEWSFLOW_DEVSET. Measured without the dev pages.",
            file=sys.stderr,
        )
        note = "Without the dev set (not found): fixtures and sample site only."
    section, figs = render(pages, decide(pages), note)
    print(section)
    if not args.no_write:
        write_section("extract-not-article", section, args.results, figs)
        print(f"\nwritten to {args.results}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

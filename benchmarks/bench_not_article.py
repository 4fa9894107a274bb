"""How well the not-article decision separates articles from section, tag and index pages.

Usage::

    python -m benchmarks.bench_not_article [--devset PATH] [--sample-articles N]
                                           [--processes P] [--no-write]

A labelled set, decided by ``extract_html`` (``ok`` = kept as an article; the pages are
shared out over ``--processes`` forked processes, default one per core):

- articles: every page of the extraction dev set and of fundus-eval (when the dev set
  is there; ``--devset``, else ``NEWSFLOW_DEVSET``, else ``../shared/extraction-devset``),
  the hand-made ``article_*`` fixtures of ``tests/fixtures/extract/not_article/`` (short
  items on navigation-heavy pages, an undeclared live blog, a story followed by related
  teasers) and N article pages of each of the sample site's three publications (default
  60), spread over bench_e2e's site (its seed, days and 100 KB pages: long menus and
  footers around short stories, the valley-gazette's declaring nothing);
- not articles: the sample site's home and section pages (every page of every section
  of the three publications) and the hand-made non-article fixtures (section and tag
  pages with ``og:type`` article set site-wide, an index page listing its teasers as
  JSON-LD ``NewsArticle`` items, a section page of dated ``<article>`` teasers, a tag
  page whose teasers carry long summaries).

Prints the false-positive rate (non-articles kept) and the false-negative rate
(articles rejected), and per source the range of the two measures the decision uses on
pages that do not declare themselves one article (the page's link share, the share of
the body in teasers: :mod:`pipeline.extract.teasers`), and writes them between the
``bench-extract-not-article`` markers of ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from benchmarks.forked import forked_map
from benchmarks.results import RESULTS, Figure, default_devset, machine_line, write_section
from pipeline.extract.teasers import MIN_TEASER_SHARE, MIN_TEASERS

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


@dataclass(frozen=True, slots=True)
class Judged:
    """What newsflow made of one labelled page."""

    kept: bool
    """``extract_html`` gave it status ``ok``."""
    declared: bool
    """The page declares itself one article (then neither measure below decides)."""
    link_share: float
    teaser_share: float
    """Share of the extracted body in teasers (0.0 for an empty body)."""
    share_decides: bool
    """The body's teasers have enough headlines and open it: the share alone decides
    whether it is a list of teasers."""


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


def sample_site_articles(per_publication: int) -> list[Labelled]:
    """``per_publication`` article pages of each publication of bench_e2e's sample site,
    spread evenly over its days."""
    from benchmarks.bench_e2e import site_config
    from devtools.sample_site import SampleSite
    from devtools.sample_site.routes import render_article

    out = []
    with SampleSite(site_config(5000, 100)).serve() as site:
        keys = [k for k in site.article_keys() if k.index >= 0]
        for publication in sorted({k.publication for k in keys}):
            mine = [k for k in keys if k.publication == publication]
            step = max(1, len(mine) // max(1, per_publication))
            for key in mine[::step][:per_publication]:
                url = site.base_url + site.catalog.spec(key).path
                out.append(Labelled("sample site articles", True, render_article(site, key), url))
    return out


def fixtures() -> list[Labelled]:
    """The hand-made fixtures, labelled by their name (``article_*`` are articles)."""
    return [
        Labelled("hand-made fixtures", path.name.startswith("article_"), path.read_bytes(), "")
        for path in sorted(FIXTURES.glob("*.html"))
        if path.name != UNDECLARED
    ]


def judge(page: Labelled) -> Judged:
    """Whether newsflow keeps ``page`` as an article, and the measures behind it (the body
    taken again as ``extract_html`` takes it: rejected pages return none)."""
    from pipeline.extract import extract_html
    from pipeline.extract.authors import choose_authors
    from pipeline.extract.classify import link_share
    from pipeline.extract.core import choose_body, parse_html
    from pipeline.extract.declared import declares_single_article
    from pipeline.extract.structured import read_metadata
    from pipeline.extract.teasers import find_teasers
    from pipeline.extract.title import choose_title

    kept = extract_html(page.html, url=page.url or None).status == "ok"
    tree = parse_html(page.html)
    if tree is None:
        return Judged(kept, False, 0.0, 0.0, False)
    meta = read_metadata(tree)
    body, _ = choose_body(meta, tree, choose_title(meta, tree), choose_authors(meta, tree))
    teasers = find_teasers(tree, body)
    return Judged(
        kept,
        bool(body) and declares_single_article(tree, body),
        link_share(tree),
        teasers.share,
        teasers.headlines >= MIN_TEASERS and teasers.lead <= teasers.longest,
    )


def judge_all(pages: list[Labelled], processes: int) -> list[Judged]:
    """:func:`judge` of every page, in order, spread over ``processes`` forked processes
    (the decision is per page, so the processes only save wall time)."""
    return forked_map(judge, pages, processes, preload=("pipeline.extract",), chunksize=8)


def _span(values: list[float]) -> str:
    if not values:
        return ""
    low, high = min(values), max(values)
    return f"{low:.2f}" if round(low, 2) == round(high, 2) else f"{low:.2f}-{high:.2f}"


def render(
    pages: list[Labelled], judged: list[Judged], devset_note: str
) -> tuple[str, list[Figure]]:
    """The markdown section and its summary figures."""
    totals: Counter[tuple[str, bool]] = Counter()
    wrong: Counter[tuple[str, bool]] = Counter()
    groups: dict[tuple[str, bool], list[Judged]] = {}
    for page, j in zip(pages, judged, strict=True):
        totals[page.source, page.is_article] += 1
        wrong[page.source, page.is_article] += j.kept != page.is_article
        groups.setdefault((page.source, page.is_article), []).append(j)
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
        "| source | label | pages | misjudged | declaring nothing | link share | "
        "share of the body in teasers |",
        "|---|---|---|---|---|---|---|",
    ]
    for (source, is_article), n in sorted(totals.items()):
        group = groups[source, is_article]
        lines.append(
            f"| {source} | {'article' if is_article else 'not an article'} | {n} | "
            f"{wrong[source, is_article]} | {sum(not j.declared for j in group)} | "
            f"{_span([j.link_share for j in group])} | {_span([j.teaser_share for j in group])} |"
        )
    close = {
        is_article: [
            j.teaser_share
            for (_, a), group in groups.items()
            if a == is_article
            for j in group
            if j.share_decides
        ]
        for is_article in (True, False)
    }
    lines += [
        "",
        f"False-positive rate (non-articles kept): {fp_rate:.1%} ({fp} of {others}). "
        f"False-negative rate (articles rejected): {fn_rate:.1%} ({fn} of {articles}).",
        "",
        "A page that declares itself one article (`pipeline.extract.declared`) is kept "
        "whatever its links. Of the others, a short body (under 2,000 characters) on a page "
        "whose link share is over 0.5 is an index page, and so is a body of any length that "
        "is a list of teasers (`pipeline.extract.teasers`): at least "
        f"{MIN_TEASER_SHARE:.0%} of it in teasers, under at least {MIN_TEASERS} headlines, "
        "opening with the list. Where the share alone would decide (pages declaring "
        f"something or not, whose teasers have {MIN_TEASERS} headlines or more and open "
        "the body) it is "
        + (
            f"at most {max(close[True]):.2f} on the {len(close[True])} articles"
            if close[True]
            else "on no article"
        )
        + f" and at least {min(close[False], default=1.0):.2f} on the {len(close[False])} "
        "non-articles.",
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
    parser.add_argument(
        "--sample-articles",
        type=int,
        default=60,
        metavar="N",
        help="article pages of each sample-site publication (default 60)",
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=os.cpu_count() or 1,
        help="judge the pages in this many processes (default: one per core)",
    )
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    pages = fixtures() + sample_site_listings() + sample_site_articles(args.sample_articles)
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
    section, figs = render(pages, judge_all(pages, args.processes), note)
    print(section)
    if not args.no_write:
        write_section("extract-not-article", section, args.results, figs)
        print(f"\nwritten to {args.results}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

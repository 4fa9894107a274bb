"""Each extraction rule in-sample and cross-validated leaving whole publishers out.

Usage::

    python -m benchmarks.bench_extract_cv [--devset PATH] [--processes N] [--no-body]
                                          [--no-write] [--only TEXT]

For every metadata rule (title, authors) and every body clean-up step
(``bench_extract.ABLATIONS``) the dev sets are scored with the rule and without it; the
cross-validated figure keeps the rule for a publisher only when it raises the summed
score of all *other* publishers' pages, both sets pooled
(``devtools.extraction_metric.leave_group_out``). A rule whose gain is not there
cross-validated does not ship. Title rules are also scored cutting the page's <title>
the same way (:data:`TITLE_TAG_CHECK`), a check on the element that carries the most
site names and sections. The table is written between the
``bench-extract-cv`` markers of ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks.bench_extract import (
    ABLATIONS,
    EVAL_SET,
    MAIN_SET,
    DevPage,
    _read,
    load_set,
    never_furniture,
    run_newsflow,
)
from benchmarks.results import RESULTS, default_devset, machine_line, write_section
from devtools.extraction_metric import (
    PageScore,
    aggregate,
    author_f1,
    leave_group_out,
    score_page,
    title_match,
)


@contextmanager
def _patched(module: Any, name: str, value: object) -> Iterator[None]:
    saved = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, saved)


def _no_confirmed_prefix() -> Any:
    import pipeline.extract.title as title

    return _patched(title, "_confirmed_prefix", lambda *_a: None)


def _no_section_prefix() -> Any:
    import pipeline.extract.title as title

    return _patched(title, "_section_prefix", lambda *_a: False)


def _no_unspaced_site_suffix() -> Any:
    import pipeline.extract.title as title

    return _patched(title, "_unspaced_site_suffix", lambda *_a: False)


def _no_after_kicker() -> Any:
    import pipeline.extract.title as title

    return _patched(title, "_after_kicker", lambda *_a: None)


@contextmanager
def _no_title_furniture_rules() -> Iterator[None]:
    with _no_section_prefix(), _no_unspaced_site_suffix():
        yield


def _no_organisations() -> Any:
    import pipeline.extract.authors as authors

    return _patched(authors, "ORGANISATIONS_AS_AUTHORS", False)


def _no_desk_credits() -> Any:
    import pipeline.extract.authors as authors

    return _patched(authors, "_person_names", lambda name: list(authors.clean_authors([name])))


def _no_person_forms() -> Any:
    import pipeline.extract.authors as authors

    def name_only(value: dict[str, Any]) -> str | None:
        name = value.get("name")
        return name if isinstance(name, str) and name.strip() else None

    return _patched(authors, "_person_name", name_only)


METADATA_RULES: dict[str, tuple[str, Callable[[], Any]]] = {
    "title cut after another source's headline and a separator": ("title", _no_confirmed_prefix),
    "title: furniture around another source's headline cut (the two rules below)": (
        "title",
        _no_title_furniture_rules,
    ),
    "title: a section name and a pipe before another source's headline cut": (
        "title",
        _no_section_prefix,
    ),
    "title: a suffix ending in the site name cut whatever separates it (`-정치ㅣ한국일보`)": (
        "title",
        _no_unspaced_site_suffix,
    ),
    "title: a kicker cut when another source puts another one before the same headline": (
        "title",
        _no_after_kicker,
    ),
    "organisations named as JSON-LD author kept": ("authors", _no_organisations),
    "desk credits kept whole (`Guardian staff reporter`)": ("authors", _no_desk_credits),
    "JSON-LD Person without `name` (`givenName` + `familyName`)": ("authors", _no_person_forms),
}
"""Metadata rule -> (field, context manager switching the rule off)."""


TITLE_TAG_CHECK = "title exact match of `<title>` cut the same way (check)"
"""A second metric for title rules: the cutting rules applied to the page's <title>,
where pages put the most site names and sections (newsflow's title does not come from
there while og:title exists, so this only shows whether a rule generalises)."""


def _title_tag_choice(meta: Any, tree: Any) -> str:
    from pipeline.extract.title import other_headlines, strip_site_suffix

    tag = tree.find(".//title")
    text = " ".join(tag.text_content().split()) if tag is not None else ""
    site = meta.first_meta("og:site_name", "application-name")
    return strip_site_suffix(text, list(other_headlines(meta, tree)), site)


def _metadata_scores(pages: list[DevPage], metric: str) -> list[float]:
    """Per page: title exact match or author F1 of newsflow's metadata choice (or the
    :data:`TITLE_TAG_CHECK`)."""
    from pipeline.extract.authors import choose_authors
    from pipeline.extract.core import parse_html
    from pipeline.extract.structured import read_metadata
    from pipeline.extract.title import choose_title

    out = []
    for p in pages:
        tree = parse_html(_read(p.path))
        if tree is None:
            out.append(0.0)
            continue
        meta = read_metadata(tree)
        if metric == TITLE_TAG_CHECK:
            out.append(float(title_match(p.truth["title"], _title_tag_choice(meta, tree))))
        elif metric == "title exact match":
            out.append(float(title_match(p.truth["title"], choose_title(meta, tree))))
        else:
            out.append(author_f1(p.truth["authors"], choose_authors(meta, tree)))
    return out


Row = tuple[str, str, str, float, float, float, int, int]
"""(rule, set, metric, without, with, cross-validated, publishers keeping it, publishers)"""


def _publisher(page: DevPage) -> str:
    return str(page.truth.get("publisher") or page.id)


def _pooled_keep(
    per_set: dict[str, tuple[list[float], list[float]]], sets: dict[str, list[DevPage]]
) -> dict[str, list[bool]]:
    """Leave-publisher-out decisions over the pages of all sets at once (a publisher in
    both sets is left out of both), split back per set."""
    names = list(per_set)
    on = [x for n in names for x in per_set[n][0]]
    off = [x for n in names for x in per_set[n][1]]
    keep = leave_group_out(on, off, [_publisher(p) for n in names for p in sets[n]])
    out, start = {}, 0
    for n in names:
        out[n] = keep[start : start + len(sets[n])]
        start += len(sets[n])
    return out


def _kept(pages: list[DevPage], keep: list[bool]) -> tuple[int, int]:
    groups = [_publisher(p) for p in pages]
    return len({g for g, k in zip(groups, keep, strict=True) if k}), len(set(groups))


def _selected(rule: str, only: list[str] | None) -> bool:
    return not only or any(text in rule for text in only)


def metadata_rows(sets: dict[str, list[DevPage]], only: list[str] | None = None) -> list[Row]:
    rows: list[Row] = []
    for rule, (field, switch_off) in METADATA_RULES.items():
        if not _selected(rule, only):
            continue
        scored = {n: ps for n, ps in sets.items() if field == "title" or "authors" in ps[0].truth}
        metrics = ["title exact match", TITLE_TAG_CHECK] if field == "title" else ["author F1"]
        for metric in metrics:
            per_set = {}
            for set_name, pages in scored.items():
                on = _metadata_scores(pages, metric)
                with switch_off():
                    per_set[set_name] = (on, _metadata_scores(pages, metric))
            keep = _pooled_keep(per_set, scored)
            for set_name, (on, off) in per_set.items():
                cv = [a if k else b for a, b, k in zip(on, off, keep[set_name], strict=True)]
                n = len(on)
                kept, total = _kept(scored[set_name], keep[set_name])
                means = (sum(off) / n, sum(on) / n, sum(cv) / n)
                rows.append((rule, set_name, metric, *means, kept, total))
    return rows


def _body_scores(pages: list[DevPage], processes: int, ablation: str | None) -> list[PageScore]:
    jobs = [(str(p.path), p.url) for p in pages]
    init, args = (_switch_rule_off, (ablation,)) if ablation else (None, ())
    with ProcessPoolExecutor(processes, initializer=init, initargs=args) as pool:
        out = list(pool.map(run_newsflow, jobs, chunksize=4))
    return [score_page(p.truth["body"], o["body"]) for p, o in zip(pages, out, strict=True)]


def body_rows(
    sets: dict[str, list[DevPage]], processes: int, only: list[str] | None = None
) -> list[Row]:
    rows: list[Row] = []
    full = {n: _body_scores(pages, processes, None) for n, pages in sets.items()}
    for rule in [*ABLATIONS, *BODY_RULES]:
        if not _selected(rule, only):
            continue
        off = {n: _body_scores(pages, processes, rule) for n, pages in sets.items()}
        keep = _pooled_keep(
            {n: ([s.f1 for s in full[n]], [s.f1 for s in off[n]]) for n in sets}, sets
        )
        for set_name, pages in sets.items():
            pairs = zip(full[set_name], off[set_name], keep[set_name], strict=True)
            cv = [a if k else b for a, b, k in pairs]
            kept, total = _kept(pages, keep[set_name])
            rows.append(
                (
                    f"body: {rule}",
                    set_name,
                    "body F1",
                    aggregate(off[set_name]).f1,
                    aggregate(full[set_name]).f1,
                    aggregate(cv).f1,
                    kept,
                    total,
                )
            )
    return rows


def _no_other_headlines() -> None:
    import pipeline.extract.core as core

    core.other_headlines = lambda *_a: ()


def _no_related_headings() -> None:
    import re

    import pipeline.extract.endmatter as endmatter

    endmatter._RELATED_HEADING = re.compile(r"(?!x)x")


def _keep_tables() -> None:
    import pipeline.extract.body as body

    body.TRAFILATURA_OPTIONS = {**body.TRAFILATURA_OPTIONS, "include_tables": True}


def _no_standfirst() -> None:
    import pipeline.extract.core as core

    core.find_standfirst = lambda *_a: None


def _no_marked_standfirst() -> None:
    import pipeline.extract.core as core

    core.marked_standfirst = lambda *_a: None


def _keep_signup_boxes() -> None:
    never_furniture("_SIGNUP")


def _keep_embed_consent() -> None:
    never_furniture("_EMBED_CONSENT")


def _short_bios_only() -> None:
    import pipeline.extract.endmatter as endmatter
    import pipeline.extract.lead as lead

    endmatter.MAX_BIO_WORDS = 80
    lead.is_author_bio = lambda *_a: False


def _never_pattern() -> Any:
    import re

    return re.compile(r"(?!x)x")


def _keep_promo_classes() -> None:
    import pipeline.extract.promos as promos

    promos.has_promo_class = lambda _block: False


def _keep_picture_link_cards() -> None:
    import pipeline.extract.promos as promos

    promos._opens_with_empty_link = lambda _block: False


def _keep_kicker_links() -> None:
    import pipeline.extract.promos as promos

    promos._kicker_and_link = lambda *_a: False


def _keep_media_captions() -> None:
    import pipeline.extract.asides as asides

    asides._MEDIA_LENGTH = _never_pattern()


def _keep_pictured_captions() -> None:
    import pipeline.extract.asides as asides

    asides._PICTURED = _never_pattern()


def _keep_translation_notes() -> None:
    import pipeline.extract.asides as asides

    asides._TRANSLATION = _never_pattern()


def _keep_app_promotions() -> None:
    import pipeline.extract.asides as asides

    asides._APP_PROMO = _never_pattern()


def _prune_quote_introductions() -> None:
    import pipeline.extract.links as links

    links.introduces_quote = lambda _block: False


def _keep_named_bios() -> None:
    import pipeline.extract.endmatter as endmatter

    endmatter.is_named_bio = lambda *_a: False


BODY_RULES: dict[str, Callable[[], None]] = {
    "tables left out (`include_tables=False`)": _keep_tables,
    "first line repeating the h1 or JSON-LD headline dropped": _no_other_headlines,
    "related-articles headings end the body (`Most read in ...`)": _no_related_headings,
    "standfirst shown on the page as its declared description put first": _no_standfirst,
    "standfirst marked by its class (`lead`, `excerpt`, `sub-headline`) after the h1 put first": (
        _no_marked_standfirst
    ),
    "newsletter sign-up lines inside the body (`Privacy Policy`, `in your inbox`)": (
        _keep_signup_boxes
    ),
    "consent placeholders of blocked embeds (`externer Inhalt`, `enable cookies`)": (
        _keep_embed_consent
    ),
    "author bios up to 120 words (not 80), and above the text when they name the author": (
        _short_bios_only
    ),
    "paragraphs whose class marks another story's summary (`promo-description`, `dek`)": (
        _keep_promo_classes
    ),
    "list items opening with an empty (picture) link, the headline after it": (
        _keep_picture_link_cards
    ),
    "list items of a kicker and a link (`Rente: <a>headline</a>`), such lines after a pipe": (
        _keep_kicker_links
    ),
    "media player captions ending in the clip's length (`0:21 min`, `Verfügbar bis ...`)": (
        _keep_media_captions
    ),
    "photo captions saying who is pictured (`Pictured from left, ...`, `(L-R)`)": (
        _keep_pictured_captions
    ),
    "translation notes (`Aus dem Englischen von ...`, `maschinelle Übersetzung`)": (
        _keep_translation_notes
    ),
    "app and e-paper promotions (`Hier geht es zur neuen News-App`)": _keep_app_promotions,
    "end-of-body author bios with a role or birth year around the name": _keep_named_bios,
    "short linked lines ending in a colon of their own kept (`<a>Gazette</a> reports:`)": (
        _prune_quote_introductions
    ),
}
"""Body rules of issue 20 not in ``bench_extract.ABLATIONS``: name -> switch it off."""


def _switch_rule_off(name: str) -> None:
    (BODY_RULES.get(name) or ABLATIONS[name])()


def render(rows: list[Row]) -> str:
    lines = [
        "## Extraction rules, in-sample and leave-publisher-out "
        "(`python -m benchmarks.bench_extract_cv`)",
        "",
        f"{machine_line()}. Each rule scored with it and without it on the dev sets. "
        "Cross-validated: for every publisher the rule is kept only when it raises the "
        "summed score of all the other publishers' pages (of both sets; a publisher in both "
        "is left out of both), and that publisher's pages are scored with the variant so "
        "chosen (`devtools.extraction_metric.leave_group_out`). "
        "A body step is listed by what switching it off means.",
        "",
        "| rule | set | metric | without | with (in-sample) | leave-publisher-out "
        "| publishers keeping it |",
        "|---|---|---|---|---|---|---|",
    ]
    for rule, set_name, metric, off, on, cv, kept, total in rows:
        short = set_name.split(" (")[0]
        lines.append(
            f"| {rule} | {short} | {metric} | {off:.4f} | {on:.4f} | {cv:.4f} | {kept} of {total} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=default_devset())
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--no-body", action="store_true", help="metadata rules only")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument(
        "--only",
        metavar="TEXT",
        action="append",
        help="score only the rules whose name contains TEXT (repeatable; implies --no-write)",
    )
    args = parser.parse_args(argv)
    if not (args.devset / "ground-truth.json").is_file():
        print(f"bench-extract-cv: no dev set at {args.devset}; nothing scored.", file=sys.stderr)
        return 0
    sets = {MAIN_SET: load_set(args.devset, "country")}
    fundus = args.devset / "fundus-eval"
    if (fundus / "ground-truth.json").is_file():
        sets[EVAL_SET] = load_set(fundus, "publisher")
    rows = metadata_rows(sets, args.only) + (
        [] if args.no_body else body_rows(sets, args.processes, args.only)
    )
    section = render(rows)
    print(section)
    if not (args.no_write or args.only):
        write_section("extract-cv", section, args.results)
    return 0


if __name__ == "__main__":
    sys.exit(main())

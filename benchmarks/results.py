"""Writing benchmark results into benchmarks/RESULTS.md.

Each benchmark owns one section of the file, between ``<!-- bench-NAME:start -->`` and
``<!-- bench-NAME:end -->``; rewriting a section leaves the others as they are. A
section also carries its headline figures (as JSON in an HTML comment), and the
summary table at the top of the file is rebuilt from the figures of every section, so
a benchmark run alone updates its own lines of the summary and keeps the others'.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
HEADER = "# Benchmark results\n\nWritten by `make bench`; each section by its own benchmark.\n"
SUMMARY = "summary"
FIGURES = re.compile(r"<!-- figures: (.*?) -->")
SECTION = re.compile(r"<!-- bench-([\w-]+):start -->(.*?)<!-- bench-\1:end -->", re.S)
BESIDE = {
    "extract-peers": "extract",
    "load-peers": "load",
    "lsh-peer": "load",
    "crawl-peers": "crawl",
}
"""Peer sections whose summary rows follow those of the section they share a headline
figure with (issue 24: each headline's peer ratio beside its limit ratio), wherever the
sections stand in the file."""


@dataclass(frozen=True)
class Figure:
    """One line of the summary table: a newsflow figure against its baseline."""

    benchmark: str
    newsflow: str
    baseline: str
    ratio: str
    target: str
    machine: str = ""
    date: str = ""


def machine_description() -> str:
    """Cores, memory, Python and key library versions."""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f"{pages / 2**30:.0f} GiB"
    except (ValueError, OSError):
        memory = "unknown RAM"
    versions = []
    for package in ("trafilatura", "scrapy", "psycopg", "datasketch"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions.append(f"{package} {metadata.version(package)}")
    return (
        f"{os.cpu_count()} cores, {memory}, Python {platform.python_version()}, "
        f"{', '.join(versions)}"
    )


def today() -> str:
    return f"{datetime.now(UTC):%Y-%m-%d}"


def machine_line() -> str:
    """The machine and today's date (UTC)."""
    return f"{machine_description()}; {today()}"


def write_section(
    name: str, markdown: str, path: Path = RESULTS, figures: Sequence[Figure] = ()
) -> None:
    """Replace (or append) the section ``name`` of the results file with ``markdown``;
    ``figures`` (stamped with this machine and date) replace the section's lines in the
    summary table."""
    stamped = [
        Figure(
            **{
                **asdict(f),
                "machine": f.machine or machine_description(),
                "date": f.date or today(),
            }
        )
        for f in figures
    ]
    if stamped:
        markdown = (
            markdown.strip()
            + "\n\n<!-- figures: "
            + json.dumps([asdict(f) for f in stamped], ensure_ascii=False)
            + " -->"
        )
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    text = _replace_block(text, name, markdown)
    path.write_text(_replace_block(text, SUMMARY, summary(text), first=True), encoding="utf-8")


def section_figures(name: str, path: Path = RESULTS) -> list[Figure]:
    """The figures the section ``name`` of the results file holds now (none if absent)."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    start, end = f"<!-- bench-{name}:start -->", f"<!-- bench-{name}:end -->"
    section = text.partition(start)[2].partition(end)[0]
    return [
        Figure(**item) for match in FIGURES.finditer(section) for item in json.loads(match.group(1))
    ]


def summary(text: str) -> str:
    """The summary table built from the figures of every section of ``text``, a peer
    section's right after those of the section of ``BESIDE`` it compares with."""
    sections = {match.group(1): match.group(2) for match in SECTION.finditer(text)}
    order: list[str] = []
    for name in sections:
        if BESIDE.get(name) in sections:
            continue  # placed after its section's rows
        order.append(name)
        order += [peer for peer, anchor in BESIDE.items() if anchor == name and peer in sections]
    rows = [
        Figure(**item)
        for name in order
        for match in FIGURES.finditer(sections[name])
        for item in json.loads(match.group(1))
    ]
    lines = [
        "## Summary",
        "",
        "The headline figure of each benchmark against its baseline, measured in the "
        "same run on the same machine; the sections below say how.",
        "",
        "| benchmark | newsflow | baseline | ratio | target | machine | date |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r.benchmark} | {r.newsflow} | {r.baseline} | {r.ratio} | {r.target} | "
        f"{r.machine} | {r.date} |"
        for r in rows
    ]
    return "\n".join(lines)


def _replace_block(text: str, name: str, markdown: str, *, first: bool = False) -> str:
    start, end = f"<!-- bench-{name}:start -->", f"<!-- bench-{name}:end -->"
    block = f"{start}\n{markdown.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        return pattern.sub(lambda _: block, text)
    if first:  # after the file's title and introduction, before the first section
        head, marker, rest = text.partition("<!-- bench-")
        return head.rstrip() + "\n\n" + block + "\n\n" + marker + rest
    return text.rstrip() + "\n\n" + block + "\n"


def default_devset() -> Path:
    """The extraction dev set's folder: ``NEWSFLOW_DEVSET``, else
    ``../shared/extraction-devset`` beside the repository (the extraction benchmarks'
    ``--devset`` default)."""
    repo = Path(__file__).resolve().parent.parent
    return Path(os.environ.get("NEWSFLOW_DEVSET", repo.parent / "shared" / "extraction-devset"))

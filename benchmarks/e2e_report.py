"""The report of bench_e2e: headline figures and its section of benchmarks/RESULTS.md."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from benchmarks.e2e_quiet import bytes_table, quiet_figures
from benchmarks.results import Figure, machine_line

if TYPE_CHECKING:
    from benchmarks.bench_e2e import RunMeasure

TARGET_RATIO = 0.7
FULL_PAGES, FULL_PAGE_KB = 50_000, 20
FULL_FIGURE = "peak memory by process role, summed, PSS (MiB)"
"""How the ``--full`` run's figure starts (kept in the summary by runs without ``--full``)."""

ROLES = {
    "run": "the run's own process (orchestration, archive reading, dedup, load)",
    "crawler": "crawler child processes (Scrapy, robots, discovery, crawl state, WARC)",
    "extract": "extraction worker processes",
    "postgres": "PostgreSQL backends of the run's database",
    "other": "other",
}
ROLE_SHORT = {"run": "run", "crawler": "crawler", "extract": "extraction", "other": "other"}


def _stage_totals(run: RunMeasure) -> dict[str, float]:
    totals = {"crawl": 0.0, "extract": 0.0, "load": 0.0}
    for stages in run.result["stages"].values():
        for stage, seconds in stages.items():
            totals[stage] = totals.get(stage, 0.0) + seconds
    return totals


def role_peaks(run: RunMeasure) -> float:
    """The sum of each process role's own peak PSS (MiB): what the run can need at once,
    whether or not those peaks happened to coincide while it was sampled."""
    return sum(run.usage.peak_pss_mib_by_role.values())


def _per_10k(small: RunMeasure, large: RunMeasure) -> float:
    grown = role_peaks(large) - role_peaks(small)
    return grown / max(1, large.articles - small.articles) * 10_000


def _roles_text(run: RunMeasure) -> str:
    return ", ".join(
        f"{ROLE_SHORT.get(role, role)} {mib:.0f}"
        for role, mib in run.usage.peak_pss_mib_by_role.items()
        if mib >= 1
    )


def _pipeline_cpu(run: RunMeasure) -> float:
    """CPU seconds of the run's processes and its database backends (not the site's)."""
    return sum(run.usage.cpu_s_by_role.values())


def _utilisation(run: RunMeasure) -> str:
    """One sentence: how busy the machine's cores were during the run, and why not more."""
    cores = os.cpu_count() or 1
    used = _pipeline_cpu(run) + run.site_cpu_s
    stages = _stage_totals(run)
    crawler_busy = run.usage.cpu_s_by_role.get("crawler", 0.0) / max(stages["crawl"], 1e-9)
    bound = (
        "bound by the round trips of 2 requests at a time per host, not by CPU: the "
        f"crawler process used {crawler_busy:.0%} of a core"
        if crawler_busy < 0.8
        else f"the crawler process using {crawler_busy:.0%} of a core"
    )
    return (
        f"During the first run the {cores} cores were {used / (run.wall_s * cores):.0%} "
        f"busy with it ({used:.0f} CPU seconds in {run.wall_s:.0f} s, the sample site "
        f"included): extraction ({stages['extract']:.0f} s) and the crawls "
        f"({stages['crawl']:.0f} s, {bound}) overlap: a source's pages are extracted "
        "while its crawl fetches them, and the next crawl (in the same crawler process) "
        "starts while it is loaded."
    )


BLOCKING = ("lock.acquire", "wait", "epoll.poll", "select", "poll", "sleep", "waitpid")


def _blocked_share(run: RunMeasure) -> float:
    """Share of the profiled run's time its main thread spent blocked in a call."""
    own = run.result.get("hot_functions", {}).get("own", [])
    return sum(float(e["share"]) for e in own if str(e["function"]) in BLOCKING)


def _verdict(met: bool) -> str:
    return "met" if met else "**not met**"


def figures(
    main: dict[str, Any], small: dict[str, Any], full: dict[str, Any] | None
) -> list[Figure]:
    """The headline figures: throughput, CPU, incremental cost and memory growth."""
    first: RunMeasure = main["first"]
    second: RunMeasure = main["second"]
    base = main["baseline"]
    little: RunMeasure = small["first"]
    ratio = first.rate / base["rate"]
    base_cpu = base["cpu_s"] / base["pages"] * 1000
    ours_cpu = _pipeline_cpu(first) / first.pages_fetched * 1000
    rows = [
        Figure(
            f"end-to-end pages/s, {first.pages_fetched} pages (wall clock)",
            f"{first.rate:.1f}",
            f"{base['rate']:.1f} (bare `trafilatura.extract`, {base['processes']} "
            f"processes, {base['pages']} of the same pages)",
            f"{ratio:.2f}",
            f">= {TARGET_RATIO} {_verdict(ratio >= TARGET_RATIO)}",
        ),
        Figure(
            "CPU per page, all of the run's processes and database backends (ms)",
            f"{ours_cpu:.1f}",
            f"{base_cpu:.1f} (bare `trafilatura.extract`)",
            f"{base_cpu / ours_cpu:.2f}",
            "(the ratio on an idle machine if every stage overlapped)",
        ),
        *quiet_figures(first.wall_s, second.wall_s, first.bytes_by_kind, second.bytes_by_kind),
        Figure(
            "peak memory by process role, PSS summed over the roles (MiB)",
            f"{role_peaks(first):.0f} at {first.articles} articles ({_roles_text(first)})",
            f"{role_peaks(little):.0f} at {little.articles} articles ({_roles_text(little)})",
            f"{_per_10k(little, first):+.0f} MiB per 10k articles",
            "flat",
        ),
    ]
    if full is not None:
        big: RunMeasure = full["first"]
        rows.append(
            Figure(
                f"{FULL_FIGURE}, {full['page_kb']} KB pages",
                f"{role_peaks(big):.0f} at {big.articles} articles ({_roles_text(big)})",
                f"{role_peaks(first):.0f} at {first.articles} articles "
                f"({main['page_kb']} KB pages)",
                f"{_per_10k(first, big):+.0f} MiB per 10k articles",
                "flat",
            )
        )
    return rows


def full_run_figures(previous: list[Figure]) -> list[Figure]:
    """The figures of the last ``--full`` run among a section's ``previous`` figures."""
    return [f for f in previous if f.benchmark.startswith(FULL_FIGURE)]


def report(
    main: dict[str, Any],
    small: dict[str, Any],
    profiled: dict[str, Any] | None,
    full: dict[str, Any] | None,
    load: tuple[float, float],
    kept: list[Figure],
) -> str:
    """The section; ``kept`` are the last ``--full`` run's figures when this run has none."""
    first: RunMeasure = main["first"]
    second: RunMeasure = main["second"]
    base = main["baseline"]
    lines = [
        "## End to end (`python -m benchmarks.bench_e2e`)",
        "",
        f"{machine_line()}; load average {load[0]:.1f} before, {load[1]:.1f} after (the "
        "machine is shared: wall-clock figures are noisy, CPU figures much less). The bundled "
        "sample site (three publications: sitemap index, RSS feed, section pages with link "
        "following, ~10 % copies, the trap pages) is served from the benchmark's process on "
        f"loopback with {main['page_kb']} KB article pages. Each run is "
        "`pipeline.local_run.run_pipeline` (what `newsflow run` calls) in its own process "
        "against a fresh database, with default settings and the site's sources file "
        "(`download_delay: 0`; 2 requests per host, the default).",
        "",
        "| benchmark | newsflow | baseline | ratio | target |",
        "|---|---:|---:|---:|---|",
    ]
    lines += [
        f"| {f.benchmark} | {f.newsflow} | {f.baseline} | {f.ratio} | {f.target} |"
        for f in figures(main, small, full)
    ]
    lines += [
        "",
        _utilisation(first),
        "",
    ]
    lines += _runs_table(main, small, full)
    lines += [""] + _time_table(first, base)
    lines += [""] + _second_run_lines(second)
    lines += [""] + bytes_table(first.bytes_by_kind, second.bytes_by_kind)
    if profiled is not None:
        lines += [""] + _profile_lines(profiled["first"])
    lines += [""] + _notes(first, second, full, kept)
    return "\n".join(lines)


def _runs_table(main, small, full) -> list[str]:
    rows = [
        "| run | pages fetched | articles loaded | seconds | pages/s | peak RSS sum (MiB) "
        "| peak PSS (MiB) | processes |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    runs = [
        (f"first, ~{small['pages_requested']} pages", small["first"]),
        (f"first, ~{main['pages_requested']} pages", main["first"]),
        (f"second (unchanged site), ~{main['pages_requested']} pages", main["second"]),
    ]
    if full is not None:
        runs.append(
            (
                f"first, site of ~{full['pages_requested']} pages of {full['page_kb']} KB",
                full["first"],
            )
        )
    for name, run in runs:
        rows.append(
            f"| {name} | {run.pages_fetched} | {run.articles} | {run.wall_s:.1f} | "
            f"{run.rate:.1f} | {run.usage.peak_rss_mib:.0f} | "
            f"{run.usage.peak_pss_mib:.0f} | {run.usage.peak_processes} |"
        )
    rows += [
        "",
        "RSS sum counts pages shared between processes once per process; PSS "
        "splits them, so it is the memory the tree really holds. PostgreSQL's own "
        "memory is not included. Whether the tree's peak catches the crawler, the "
        "extraction workers and the run at their largest together is chance (a small "
        "run's crawls can end before its extraction peaks); the memory figures above "
        "therefore add up each role's own peak: "
        + "; ".join(f"{name} run: {_roles_text(run)}" for name, run in runs)
        + ". The crawler role is one process: every source of a run is crawled in it, "
        "one after the other.",
    ]
    return rows


def _time_table(first: RunMeasure, base: dict[str, Any]) -> list[str]:
    stages = _stage_totals(first)
    rows = [
        "Where the time of the first run goes: wall time by stage, summed over the "
        "sources (a source is extracted while it is crawled, and the next crawl runs "
        "while it is loaded, so stages overlap), and CPU seconds by process.",
        "",
        "| stage (wall) | seconds | share of the run |",
        "|---|---:|---:|",
    ]
    for stage, seconds in stages.items():
        rows.append(f"| {stage} | {seconds:.1f} | {seconds / first.wall_s:.0%} |")
    rows.append(f"| whole run | {first.wall_s:.1f} | 100% |")
    rows += ["", "| process (CPU) | CPU seconds | per page (ms) |", "|---|---:|---:|"]
    cpu = dict(first.usage.cpu_s_by_role)
    cpu["site"] = first.site_cpu_s
    names = dict(
        ROLES, site="sample site server threads (the benchmark's process; not part of newsflow)"
    )
    for role, seconds in sorted(cpu.items(), key=lambda kv: -kv[1]):
        rows.append(
            f"| {names.get(role, role)} | {seconds:.1f} | "
            f"{seconds / max(1, first.pages_fetched) * 1000:.1f} |"
        )
    rows.append(
        f"| baseline: bare `trafilatura.extract` ({base['pages']} pages) | "
        f"{base['cpu_s']:.1f} | {base['cpu_s'] / base['pages'] * 1000:.1f} |"
    )
    return rows


def _second_run_lines(second: RunMeasure) -> list[str]:
    crawls = {
        source: stages.get("crawl", 0.0) for source, stages in second.result["stages"].items()
    }
    counts = second.result["counts"]
    return [
        f"Second run: {counts['pages_fetched']} pages downloaded, "
        f"{counts['articles_new']} new articles; its crawls took "
        + ", ".join(f"{s} {t:.1f} s" for s, t in crawls.items())
        + ". Nothing is downloaded or extracted again, and the trap pages that failed "
        "in the first run wait (`NEWSFLOW_RETRY_FAILED_HOURS`) instead of being retried; "
        "what remains is reading robots.txt, the sitemaps, the feed and the section "
        "pages, all sources in one crawler process (started once: importing Scrapy and "
        "its components takes about a second of CPU)."
    ]


def _profile_lines(run: RunMeasure) -> list[str]:
    hot = run.result.get("hot_functions", {})
    rows = [
        f"Profile of the run's own process (pyinstrument, {run.pages_fetched} pages, "
        f"{run.wall_s:.0f} s; the crawler and the extraction workers are other processes, "
        "see the CPU table). newsflow functions by total time (callees included):",
        "",
        "| function | where | seconds | share |",
        "|---|---|---:|---:|",
    ]
    for entry in hot.get("ours", [])[:10]:
        rows.append(_hot_row(entry))
    rows += [
        "",
        f"Its main thread is blocked {_blocked_share(run):.0%} of the time (waiting "
        "for extraction results and for the crawl); functions by own time (time "
        "blocked in a call counts as its own):",
        "",
        "| function | where | seconds | share |",
        "|---|---|---:|---:|",
    ]
    for entry in hot.get("own", [])[:8]:
        rows.append(_hot_row(entry))
    return rows


def _hot_row(entry: dict[str, Any]) -> str:
    return (
        f"| `{entry['function']}` | `{entry['where']}` | {entry['seconds']:.1f} | "
        f"{entry['share']:.0%} |"
    )


def _notes(first: RunMeasure, second: RunMeasure, full, kept: list[Figure]) -> list[str]:
    notes = []
    if full is None:
        notes.append(
            f"The {FULL_PAGES:,}-page run of the issue (with {FULL_PAGE_KB} KB pages) "
            "takes about half an hour and does not fit the 15-minute budget of "
            "`make bench`; run it with `python -m benchmarks.bench_e2e --full`."
            + "".join(
                f" Its last figure, kept in the summary: {f.benchmark} "
                f"{f.newsflow} against {f.baseline} ({f.date})."
                for f in kept
            )
        )
    for name, run in (("first", first), ("second", second)):
        errors = run.result.get("errors") or {}
        if errors:
            notes.append(
                f"Source errors in the {name} run: "
                + "; ".join(f"{k}: {v}" for k, v in errors.items())
            )
    return notes

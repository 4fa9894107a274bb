"""bench_e2e's quiet-night figures: the second run over the unchanged sample site as a
share of the first run's wall time and of its bytes downloaded (issue #26's targets),
and the bytes per request type, from the sample site's request log."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

from benchmarks.results import Figure

if TYPE_CHECKING:
    from devtools.sample_site import RequestRecord

TARGET_SHARE = 0.02
"""The second run's wall time and bytes, each as a share of the first run's."""
KINDS = ("robots", "sitemap", "feed", "navigation page", "article")


def request_kind(path: str, article_paths: Collection[str]) -> str:
    """Which of ``KINDS`` a request for ``path`` (query string included) is."""
    path = path.split("?", 1)[0]
    if path == "/robots.txt":
        return "robots"
    if "sitemap" in path:
        return "sitemap"
    if path.endswith((".rss", "rss.xml", "atom.xml", "/feed", "/feed/")):
        return "feed"
    if path in article_paths or "/traps/" in path:  # the trap pages are article URLs
        return "article"
    return "navigation page"


def bytes_by_kind(
    requests: Iterable[RequestRecord], article_paths: Collection[str]
) -> dict[str, tuple[int, int]]:
    """(requests, body bytes sent) per request kind, every kind present."""
    totals = dict.fromkeys(KINDS, (0, 0))
    for request in requests:
        kind = request_kind(request.path, article_paths)
        count, size = totals[kind]
        totals[kind] = (count + 1, size + request.body_bytes)
    return totals


def _total(kinds: dict[str, tuple[int, int]]) -> int:
    return sum(size for _, size in kinds.values())


def _verdict(share: float) -> str:
    return f"< {TARGET_SHARE:.0%} " + ("met" if share < TARGET_SHARE else "**not met**")


def quiet_figures(
    first_s: float,
    second_s: float,
    first: dict[str, tuple[int, int]],
    second: dict[str, tuple[int, int]],
) -> list[Figure]:
    """The two targets: wall time and bytes of the second run against the first."""
    time_share = second_s / first_s
    bytes_share = _total(second) / max(1, _total(first))
    return [
        Figure(
            "second run over the unchanged site, wall time (s)",
            f"{second_s:.1f}",
            f"{first_s:.1f} (first run)",
            f"{time_share:.1%}",
            _verdict(time_share),
        ),
        Figure(
            "second run over the unchanged site, bytes downloaded (MiB)",
            f"{_total(second) / 2**20:.2f}",
            f"{_total(first) / 2**20:.1f} (first run)",
            f"{bytes_share:.2%}",
            _verdict(bytes_share),
        ),
    ]


def bytes_table(first: dict[str, tuple[int, int]], second: dict[str, tuple[int, int]]) -> list[str]:
    """Requests and body bytes per request type in both runs (the site's request log)."""
    rows = [
        "Bytes the sample site sent (response bodies, from its request log; a 304 sends "
        "none) per request type:",
        "",
        "| request type | first run: requests | first run: KiB | second run: requests "
        "| second run: KiB | second / first (bytes) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for kind in (*KINDS, "all"):
        (n1, b1), (n2, b2) = (
            (first[kind], second[kind])
            if kind != "all"
            else (
                (sum(n for n, _ in first.values()), _total(first)),
                (sum(n for n, _ in second.values()), _total(second)),
            )
        )
        share = f"{b2 / b1:.1%}" if b1 else "-"
        rows.append(f"| {kind} | {n1} | {b1 / 1024:.0f} | {n2} | {b2 / 1024:.0f} | {share} |")
    return rows

"""One pipeline run, exactly as ``newsflow run`` makes it, with its stages timed.

Usage (the end-to-end benchmark starts this as a child process)::

    python -m benchmarks.pipeline_run RESULT.json [--profile PROFILE.txt]

Configuration comes from the environment like any newsflow command
(``NEWSFLOW_HOME``, ``NEWSFLOW_DATABASE_URL``, ``NEWSFLOW_SOURCES``, ...). Calls
``pipeline.local_run.run_pipeline`` (what the CLI calls) and writes to RESULT.json: the run
report's counts and status, its wall time, the wall time of each source's stages
(derived from the progress messages the CLI shows) and this process's own peak RSS.
With ``--profile`` the run is sampled by pyinstrument and its call tree is written as
text to PROFILE.txt, with the hottest functions by own time in RESULT.json.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

from pipeline.config import Settings
from pipeline.local_run import run_pipeline

HOT_FUNCTIONS = 15


def stage_times(events: list[tuple[float, str]]) -> dict[str, dict[str, float]]:
    """Seconds per source and stage from the timed progress messages of a run.

    crawl: "S: crawling" to "S: fetched N pages"; extract: "S: extracting" to the last
    "S: extracted N pages"; load: from there to the last "S: loaded ..." or "S: linked ..."
    message (the load and its link step, which deduplicates).
    Stages of different sources may overlap (the next crawl runs during a load).
    """
    first: dict[tuple[str, str], float] = {}
    last: dict[tuple[str, str], float] = {}
    for at, message in events:
        source, _, rest = message.partition(": ")
        word = rest.split(" ", 1)[0]
        word = "loaded" if word == "linked" else word
        if word in ("crawling", "fetched", "extracting", "extracted", "loaded"):
            first.setdefault((source, word), at)
            last[(source, word)] = at
    result: dict[str, dict[str, float]] = {}
    for (source, word), at in first.items():
        if word == "crawling" and (source, "fetched") in first:
            result.setdefault(source, {})["crawl"] = first[(source, "fetched")] - at
        elif word == "extracting" and (source, "extracted") in last:
            result.setdefault(source, {})["extract"] = last[(source, "extracted")] - at
        elif word == "extracted" and (source, "loaded") in last:
            result.setdefault(source, {})["load"] = last[(source, "loaded")] - last[(source, word)]
    return {
        source: {k: round(v, 3) for k, v in stages.items()} for source, stages in result.items()
    }


def _key(frame) -> tuple[str, str]:
    return frame.function or "?", f"{frame.file_path_short or '?'}:{frame.line_no or 0}"


def hot_functions(session, limit: int = HOT_FUNCTIONS) -> dict[str, list[dict[str, object]]]:
    """From a pyinstrument session: the functions with the most own time ("own"; time
    blocked in a call such as waiting for a child process counts as own time of that
    call), and newsflow's own functions by total time including callees ("ours")."""
    own: dict[tuple[str, str], float] = {}
    ours: dict[tuple[str, str], float] = {}
    stack = [(session.root_frame(), frozenset())]
    while stack:
        frame, above = stack.pop()
        if frame is None or frame.is_synthetic:
            continue
        key = _key(frame)
        own[key] = own.get(key, 0.0) + max(0.0, frame.total_self_time)
        path = frame.file_path or ""
        if key not in above and ("/pipeline/" in path or "/crawlers/" in path):
            ours[key] = ours.get(key, 0.0) + frame.time
        stack.extend((child, above | {key}) for child in frame.children)
    total = session.duration or 1.0

    def top(table: dict[tuple[str, str], float]) -> list[dict[str, object]]:
        ranked = sorted(table.items(), key=lambda kv: -kv[1])[:limit]
        return [
            {"function": f, "where": w, "seconds": round(s, 3), "share": round(s / total, 4)}
            for (f, w), s in ranked
        ]

    return {"own": top(own), "ours": top(ours)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("result", type=Path)
    parser.add_argument("--profile", type=Path)
    args = parser.parse_args(argv)

    settings = Settings.from_env()
    events: list[tuple[float, str]] = []
    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.002)
        profiler.start()
    started = time.monotonic()
    report = run_pipeline(
        settings,
        sources_file=None,
        trigger="cli",
        progress=lambda message: events.append((time.monotonic(), message)),
    )
    ended = time.monotonic()
    result: dict[str, object] = {
        "elapsed_s": round(ended - started, 3),
        "status": report["status"],
        "counts": report["counts"],
        "crawl": {name: data["crawl"] for name, data in report["sources"].items()},
        "errors": {
            name: data["error"] for name, data in report["sources"].items() if data["error"]
        },
        "stages": stage_times(events),
        "parent_peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "largest_child_peak_rss_mib": round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
        ),
    }
    if profiler is not None:
        session = profiler.stop()
        args.profile.write_text(profiler.output_text(unicode=False, color=False), "utf-8")
        result["hot_functions"] = hot_functions(session)
    args.result.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0 if report["status"] == "success" else 1


if __name__ == "__main__":
    sys.exit(main())

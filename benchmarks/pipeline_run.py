"""One pipeline run, exactly as ``newsflow run`` makes it, with its stages timed.

Usage (the end-to-end benchmark starts this as a child process)::

    python benchmarks/pipeline_run.py RESULT.json [--profile PROFILE.txt]

Configuration comes from the environment like any newsflow command
(``NEWSFLOW_HOME``, ``NEWSFLOW_DATABASE_URL``, ``NEWSFLOW_SOURCES``, ...). Calls
``pipeline.steps.run_pipeline`` (what the CLI calls) and writes to RESULT.json: the run
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

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # run as a script from a clone without installing

from pipeline.config import Settings  # noqa: E402
from pipeline.steps import run_pipeline  # noqa: E402

HOT_FUNCTIONS = 15


def stage_times(events: list[tuple[float, str]], end: float) -> dict[str, dict[str, float]]:
    """Seconds per source and stage (crawl, extract, load) from timed progress messages.

    A source's crawl starts with "SOURCE: crawling", its extraction with "SOURCE:
    fetched N pages, extracting", its load (and quality checks) with the last "SOURCE:
    extracted N pages" message; each stage ends where the next one starts (the last at
    ``end``, or at the next source's crawl).
    """
    marks: list[tuple[float, str, str]] = []  # (time, source, stage)
    last_extracted: dict[str, float] = {}
    for at, message in events:
        source, _, rest = message.partition(": ")
        if rest == "crawling":
            marks.append((at, source, "crawl"))
        elif rest.endswith(" pages, extracting"):
            marks.append((at, source, "extract"))
        elif rest.startswith("extracted "):
            last_extracted[source] = at
    for source, at in last_extracted.items():
        marks.append((at, source, "load"))
    marks.sort()
    result: dict[str, dict[str, float]] = {}
    for i, (at, source, stage) in enumerate(marks):
        stop = marks[i + 1][0] if i + 1 < len(marks) else end
        result.setdefault(source, {})[stage] = round(stop - at, 3)
    return result


def hot_functions(session, limit: int = HOT_FUNCTIONS) -> list[dict[str, object]]:
    """The functions with the most own (self) time in a pyinstrument session."""
    own: dict[tuple[str, str], float] = {}
    stack = [session.root_frame()]
    while stack:
        frame = stack.pop()
        if frame is None:
            continue
        children = list(frame.children)
        self_time = frame.time - sum(child.time for child in children)
        key = (frame.function or "?", f"{frame.file_path_short or '?'}:{frame.line_no or 0}")
        own[key] = own.get(key, 0.0) + max(0.0, self_time)
        stack.extend(children)
    total = session.duration or 1.0
    ranked = sorted(own.items(), key=lambda kv: -kv[1])[:limit]
    return [{"function": f, "where": w, "seconds": round(s, 3), "share": round(s / total, 4)}
            for (f, w), s in ranked]


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
    report = run_pipeline(settings, sources_file=None, trigger="cli",
                          progress=lambda message: events.append((time.monotonic(), message)))
    ended = time.monotonic()
    result: dict[str, object] = {
        "elapsed_s": round(ended - started, 3),
        "status": report["status"],
        "counts": report["counts"],
        "crawl": {name: data["crawl"] for name, data in report["sources"].items()},
        "errors": {name: data["error"] for name, data in report["sources"].items()
                   if data["error"]},
        "stages": stage_times([(at - started, m) for at, m in events], ended - started),
        "parent_peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "largest_child_peak_rss_mib": round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    }
    if profiler is not None:
        session = profiler.stop()
        args.profile.write_text(profiler.output_text(unicode=False, color=False), "utf-8")
        result["hot_functions"] = hot_functions(session)
    args.result.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0 if report["status"] == "success" else 1


if __name__ == "__main__":
    sys.exit(main())

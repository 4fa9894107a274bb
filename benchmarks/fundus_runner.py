"""Fundus's own per-publisher parsers over stored pages, run by the Python of Fundus's
own virtualenv (``.venv-fundus``; see ``benchmarks/fundus_peer.py``).

Usage: ``.venv-fundus/bin/python benchmarks/fundus_runner.py JOBS_FILE``, where the
file holds one JSON object a line: ``{"path": ".../X.html.gz", "publisher": "APNews",
"crawl_date": "2024-02-28 13:06:44"}``. For each job one JSON line goes to stdout:
``{"body", "cpu", "error"}`` (``cpu``: the CPU seconds of the parse). Only the standard
library and fundus are imported, because this runs beside newsflow, not inside it.
"""

from __future__ import annotations

import gzip
import json
import sys
import time
from datetime import datetime
from typing import Any


def publishers() -> dict[str, Any]:
    """Every Fundus publisher by its attribute name (``PublisherCollection.us.APNews``)."""
    from fundus import PublisherCollection

    found: dict[str, Any] = {}
    for region in dir(PublisherCollection):
        group = getattr(PublisherCollection, region)
        if region.startswith("_") or not region.islower():
            continue
        for attr in dir(group):
            value = getattr(group, attr, None)
            if type(value).__name__ == "Publisher":
                found[attr] = value
    return found


def parse(job: dict[str, str], table: dict[str, Any]) -> dict[str, Any]:
    """One page through its publisher's parser for the page's crawl date."""
    started = time.process_time()
    try:
        with gzip.open(job["path"], "rb") as fh:
            html = fh.read().decode("utf-8", errors="replace")
        crawl = datetime.fromisoformat(job["crawl_date"]) if job.get("crawl_date") else None
        parsed = table[job["publisher"]].parser(crawl).parse(html, "suppress")
        body, error = str(parsed.get("body") or ""), None
    except Exception as exc:  # one page's failure is a result, not the run's end
        body, error = "", f"{type(exc).__name__}: {str(exc).strip()[:120]}"
    return {"body": body, "cpu": time.process_time() - started, "error": error}


def main(argv: list[str]) -> int:
    table = publishers()
    with open(argv[0], encoding="utf-8") as fh:
        jobs = [json.loads(line) for line in fh if line.strip()]
    for job in jobs:
        sys.stdout.write(json.dumps(parse(job, table), ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

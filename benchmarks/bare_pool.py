"""The batch baseline: bare ``trafilatura.extract`` over files in a fork pool.

Usage: ``python -m benchmarks.bare_pool PROCESSES LIST_FILE`` (one path a line). Each
text goes to stdout as one JSON line, as ``newsflow extract --format jsonl`` prints its
records, so both sides pay for their output. Only the standard library and trafilatura
are imported: this is what a user of bare trafilatura would write.
"""

from __future__ import annotations

import json
import multiprocessing
import sys
from pathlib import Path

import trafilatura


def _extract(path: str) -> str:
    return trafilatura.extract(Path(path).read_bytes()) or ""


def main(argv: list[str]) -> int:
    processes, paths = int(argv[0]), Path(argv[1]).read_text(encoding="utf-8").split("\n")
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        for path, text in zip(paths, pool.imap(_extract, paths, chunksize=4), strict=True):
            sys.stdout.write(json.dumps({"path": path, "body": text}, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Fundus as an extraction peer, in a virtualenv of its own.

Fundus pins lxml<6 and fastwarc<0.16, which conflict with newsflow's lxml 6 (and
resiliparse's FastWARC 2), so it cannot go into newsflow's environment or its ``bench``
extras. The benchmark makes ``.venv-fundus`` beside the repository's ``.venv`` the first
time (``pip install`` of :data:`PINS` from the package index), then runs
``benchmarks/fundus_runner.py`` with that venv's Python as child processes of the
benchmark, one per pool slot, and reads each page's body and CPU seconds back. Anything
that goes wrong (no network, a failed install, a crash) becomes the reason of a
"failed" row.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from benchmarks.extract_peers import one_line

if TYPE_CHECKING:
    from benchmarks.bench_extract import DevPage, Throughput

REPO = Path(__file__).resolve().parent.parent
VENV = REPO / ".venv-fundus"
PINS = ["fundus==0.5.7", "curl_cffi==0.14.0"]
"""curl_cffi 0.15+ dropped a name that fundus 0.5.7 imports."""
RUNNER = Path(__file__).resolve().parent / "fundus_runner.py"
NAME = "Fundus"


def fundus_python(venv: Path = VENV) -> Path | str:
    """The Python of Fundus's venv, made and filled on first use; or why it could not be."""
    python = venv / "bin" / "python"
    stamp = venv / ".installed"
    if python.exists() and stamp.exists() and stamp.read_text() == " ".join(PINS):
        return python
    try:
        if not python.exists():
            subprocess.run(
                [sys.executable, "-m", "venv", str(venv)],
                check=True,
                capture_output=True,
                timeout=120,
            )
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *PINS],
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        )
    except subprocess.CalledProcessError as exc:
        lines = [x for x in (exc.stderr or "").splitlines() if x.strip() and "ignored" not in x]
        return f"could not install {' '.join(PINS)}: {lines[-1] if lines else one_line(exc)}"
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"could not install {' '.join(PINS)}: {one_line(exc)}"
    stamp.write_text(" ".join(PINS))
    return python


def version(venv: Path = VENV) -> str | None:
    """The fundus version in its venv (None when there is none)."""
    stamp = venv / ".installed"
    ok = stamp.exists() and stamp.read_text() == " ".join(PINS)
    return PINS[0].split("==")[1] if ok else None


def _jobs(pages: list[DevPage]) -> list[str]:
    return [
        json.dumps(
            {
                "path": str(p.path),
                "publisher": p.truth.get("publisher") or p.group,
                "crawl_date": p.truth.get("crawl_date"),
            }
        )
        for p in pages
    ]


def measure(
    pages: list[DevPage], processes: int, venv: Path = VENV
) -> tuple[list[dict[str, Any]], Throughput | str]:
    """Fundus's parsers over ``pages`` in ``processes`` child processes: the outputs in
    page order and the throughput, or ([], reason)."""
    from benchmarks.bench_extract import Throughput

    python = fundus_python(venv)
    if isinstance(python, str):
        return [], python
    slices = [pages[i::processes] for i in range(processes)]
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i, part in enumerate(slices):
            files.append(Path(tmp) / f"jobs{i}.jsonl")
            files[-1].write_text("\n".join(_jobs(part)), encoding="utf-8")
        started = time.perf_counter()
        children = [
            subprocess.Popen(
                [str(python), str(RUNNER), str(f)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for f in files
        ]
        try:
            results = [c.communicate(timeout=600) for c in children]
        except subprocess.TimeoutExpired as exc:
            for child in children:
                child.kill()
            return [], f"fundus_runner.py did not finish: {one_line(exc)}"
        elapsed = time.perf_counter() - started
    outputs: list[dict[str, Any]] = [{}] * len(pages)
    for i, (child, (out, err)) in enumerate(zip(children, results)):
        lines = out.splitlines()
        if child.returncode != 0 or len(lines) != len(slices[i]):
            tail = [x for x in err.splitlines() if x.strip()]
            return [], f"fundus_runner.py exited {child.returncode}: {tail[-1] if tail else ''}"
        for j, line in enumerate(lines):
            outputs[i + j * processes] = json.loads(line)
    cpu = sum(o["cpu"] for o in outputs)
    return outputs, Throughput(len(pages) / elapsed, len(pages) / cpu if cpu else 0.0)

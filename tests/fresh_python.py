"""Running a snippet of Python in a fresh interpreter, for tests of what importing a
module costs (which modules it pulls in)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def python_output(code: str, timeout: float = 60) -> str:
    """What ``code`` prints, run by this interpreter in a new process with the
    repository on its path (stripped); raises when it fails."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
    )
    return done.stdout.strip()

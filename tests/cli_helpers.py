"""Running the real ``newsflow`` command in a subprocess, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping

CLEARED = ("NEWSFLOW_DATABASE_URL", "NEWSFLOW_HOME", "NEWSFLOW_SOURCES")


def run_newsflow(
    *args: str, env: Mapping[str, str] | None = None, timeout: float = 120, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``newsflow ARGS`` with only the given NEWSFLOW_* variables set."""
    full_env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        input=input,
    )

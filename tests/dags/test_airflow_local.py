"""``scripts/airflow-local.sh`` (``make airflow``) stops every Airflow process it started
when it receives SIGTERM or SIGINT: none of the api-server, scheduler, dag-processor, triggerer or
executor workers is left running, orphaned."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.dags.airflow_cli import REPO_ROOT, SCRIPT, free_port, outside_environ

COMPONENTS = ("api-server", "scheduler", "dag-processor", "triggerer")
STOP_GRACE_S = 20
SETTLED_S = 3.0
"""No new process in the tree for this long: every component's children are up."""
UP_WAIT_S = 10.0
"""... or this long after every component appeared, whichever comes first."""


def _tree(pid: int) -> list[psutil.Process]:
    try:
        parent = psutil.Process(pid)
        return [parent, *parent.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _command_lines(processes: list[psutil.Process]) -> str:
    lines = []
    for process in processes:
        with contextlib.suppress(psutil.Error):
            lines.append(" ".join(process.cmdline()))
    return "\n".join(lines)


def _wait_until_up(script: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    """Until every component runs and the process tree has stopped growing for
    ``SETTLED_S`` seconds (the components' own children have started), or for at most
    ``UP_WAIT_S`` seconds after the components appeared."""
    deadline = time.monotonic() + timeout
    up_since: float | None = None
    settled: tuple[set[int], float] | None = None
    while time.monotonic() < deadline:
        assert script.poll() is None, f"the script exited early:\n{log.read_text()[-3000:]}"
        tree = _tree(script.pid)
        now = time.monotonic()
        # Seen once is enough: a component may rename its process afterwards
        # (setproctitle), and a child ending mid-walk empties one sample of the tree.
        if up_since is None and all(name in _command_lines(tree) for name in COMPONENTS):
            up_since = now
        if up_since is not None:
            pids = {process.pid for process in tree}
            if settled is None or not pids <= settled[0]:
                settled = (pids, now)
            if now - settled[1] >= SETTLED_S or now - up_since >= UP_WAIT_S:
                return
        time.sleep(0.5)
    raise AssertionError(
        f"Airflow did not start within {timeout:.0f} s:\n{log.read_text()[-3000:]}"
    )


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_every_process_the_script_started(tmp_path, signum):
    if signum == signal.SIGINT and signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        pytest.skip("SIGINT is ignored here, so the script started from here cannot trap it")
    env = {
        **outside_environ(),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "AIRFLOW_HOME": str(tmp_path / "airflow"),
        "AIRFLOW_PORT": str(free_port()),
        "AIRFLOW_STOP_GRACE_S": str(STOP_GRACE_S),
        "AIRFLOW__API__WORKERS": "1",
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
        "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
    }
    log = tmp_path / "airflow-local.log"
    with log.open("wb") as out:
        script = subprocess.Popen(
            [str(SCRIPT), "standalone"],
            env=env,
            cwd=REPO_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    family: list[psutil.Process] = []
    try:
        _wait_until_up(script, log, timeout=400)
        family = _tree(script.pid)
        script.send_signal(signum)
        assert script.wait(timeout=STOP_GRACE_S + 20) == 128 + signum
        # Within the grace period on SIGTERM, or killed after it (the log names those).
        _, alive = psutil.wait_procs(family, timeout=5)
        assert alive == [], f"left running:\n{_command_lines(alive)}"
    finally:  # whatever happened, leave nothing of this test's Airflow behind
        family += _tree(script.pid)
        for process in family:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.kill()
        psutil.wait_procs(family, timeout=10)
        if script.poll() is None:
            script.kill()
            script.wait()

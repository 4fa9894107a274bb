"""A real Airflow for the slow DAG tests: its CLI, its long-running services, its runs.

Everything goes through ``scripts/airflow-local.sh`` (the environment it gives Airflow,
its ``init`` set-up) and the ``airflow`` command line, as a user would run them; each
service runs in its own process group, and :class:`Services` stops every process it
started (children included) when its ``with`` block ends, whatever happened.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import psutil

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / "scripts" / "airflow-local.sh"
AIRFLOW = REPO_ROOT / ".venv" / "bin" / "airflow"

FINISHED = {"success", "failed"}


def free_port() -> int:
    """A TCP port nothing listens on right now (never 8080 or 8765)."""
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port not in (8080, 8765):
            return port


def outside_environ() -> dict[str, str]:
    """This process's environment without any AIRFLOW* or NEWSFLOW_* variable, so a
    developer's own Airflow or newsflow settings (a metadata DB, a ``newsflow_db``
    connection) never reach the test's Airflow."""
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AIRFLOW", "NEWSFLOW_"))
    }


def airflow_env(base: Mapping[str, str], flavour: str = "standalone") -> dict[str, str]:
    """``base`` plus what ``scripts/airflow-local.sh env FLAVOUR`` exports (AIRFLOW_HOME,
    the DAGs folder, the API port and URLs, the shared JWT secret, PATH with .venv/bin;
    for ``celery`` also the executor, metadata database and broker)."""
    shown = subprocess.run(
        ["bash", "-c", f'eval "$("{SCRIPT}" env {flavour})" && env -0'],
        env=dict(base),
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
    )
    return dict(item.split("=", 1) for item in shown.stdout.decode().split("\0") if "=" in item)


def init_airflow(env: Mapping[str, str], timeout: float = 300) -> None:
    """``scripts/airflow-local.sh init``: migrate the metadata DB, create the pool,
    serialize the DAGs."""
    done = subprocess.run(
        [str(SCRIPT), "init"],
        env=dict(env),
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def airflow(
    env: Mapping[str, str], *args: str, timeout: float = 600, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run ``airflow ARGS`` to completion; with ``check``, fail the test on a non-zero exit
    showing the end of its output."""
    done = subprocess.run(
        [str(AIRFLOW), *args],
        env=dict(env),
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check:
        assert done.returncode == 0, (
            f"airflow {' '.join(args)} exited {done.returncode}:\n"
            + done.stdout[-4000:]
            + "\n"
            + done.stderr[-4000:]
        )
    return done


def dag_runs(env: Mapping[str, str], dag_id: str) -> list[dict[str, str]]:
    """``airflow dags list-runs DAG_ID -o json``: run_id, state, logical_date, ..."""
    done = airflow(env, "dags", "list-runs", dag_id, "-o", "json", timeout=120)
    # The CLI prints the JSON array on one line; warnings may come before it.
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("[{") or line.strip() == "[]":
            return json.loads(line)
    raise AssertionError(f"no JSON in the output of airflow dags list-runs:\n{done.stdout}")


def wait_for_runs(
    env: Mapping[str, str],
    dag_id: str,
    select: Callable[[dict], bool],
    count: int,
    timeout: float,
    poll_seconds: float = 10,
    alive: Callable[[], None] = lambda: None,
) -> list[dict[str, str]]:
    """Poll until ``count`` runs chosen by ``select`` are finished (success or failed);
    their rows. ``alive`` is called between polls to fail fast when a service died."""
    deadline = time.monotonic() + timeout
    runs: list[dict[str, str]] = []
    while time.monotonic() < deadline:
        alive()
        runs = [run for run in dag_runs(env, dag_id) if select(run)]
        if len(runs) >= count and all(run["state"] in FINISHED for run in runs):
            return runs
        time.sleep(poll_seconds)
    raise AssertionError(
        f"after {timeout:.0f} s, {dag_id} runs are still not finished: "
        + json.dumps([(r["run_id"], r["state"]) for r in runs])
    )


def wait_for_http(url: str, timeout: float, alive: Callable[[], None] = lambda: None) -> None:
    """Poll ``url`` until it answers 200."""
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        alive()
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                if answer.status == 200:
                    return
                last = answer.status
        except (urllib.error.URLError, OSError) as exc:
            last = exc
        time.sleep(1)
    raise AssertionError(f"{url} did not answer within {timeout:.0f} s (last: {last})")


@dataclass
class Service:
    name: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class Services(AbstractContextManager["Services"]):
    """Long-running Airflow processes (api-server, scheduler, ...), each in its own process
    group with its output in ``log_dir/<name>.log``; all stopped on leaving the block."""

    env: Mapping[str, str]
    log_dir: Path
    started: list[Service] = field(default_factory=list)

    def start(self, name: str, command: Sequence[str]) -> Service:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.log_dir / f"{name}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                list(command),
                env=dict(self.env),
                cwd=REPO_ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        service = Service(name, process, log_path)
        self.started.append(service)
        return service

    def airflow(self, name: str, *args: str) -> Service:
        return self.start(name, [str(AIRFLOW), *args])

    def check_alive(self) -> None:
        """Fail the test, with the end of its log, when a service has exited."""
        for service in self.started:
            if service.process.poll() is not None:
                raise AssertionError(
                    f"{service.name} exited with {service.process.returncode}:\n" + service.tail()
                )

    def logs(self) -> str:
        return "\n".join(f"--- {s.name} ---\n{s.tail(25)}" for s in self.started)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def stop(self, grace_seconds: float = 30) -> None:
        """SIGTERM every service's process group (newest first), then SIGKILL whatever of
        them or their descendants is still running after ``grace_seconds``."""
        family: list[psutil.Process] = []
        for service in reversed(self.started):
            try:
                parent = psutil.Process(service.process.pid)
                family += [parent, *parent.children(recursive=True)]
            except psutil.NoSuchProcess:
                pass
            _signal_group(service.process.pid, signal.SIGTERM)
        _, alive = psutil.wait_procs(family, timeout=grace_seconds)
        for service in self.started:
            _signal_group(service.process.pid, signal.SIGKILL)
        for process in alive:
            with suppress(psutil.NoSuchProcess):
                process.kill()
        psutil.wait_procs(alive, timeout=10)
        for service in self.started:
            with suppress(subprocess.TimeoutExpired):
                service.process.wait(timeout=10)
        self.started.clear()


def _signal_group(pid: int, signum: int) -> None:
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signum)

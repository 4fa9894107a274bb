"""``make bench`` (``benchmarks/run_all.py``): every benchmark runs in turn, a failed one
(a peer missing, a crash, a time-out) gets a summary row with its one-line reason and
the others still run, and the run's times land in the ``bench-run-all`` section."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from benchmarks import run_all
from benchmarks.results import section_figures
from benchmarks.run_all import Benchmark, Step

FAKES = {
    # a peer benchmark whose peer is not installed: the import fails at start-up
    "bench_missing_peer": "import newsflow_no_such_peer  # noqa\n",
    # a benchmark that works: it writes its own section
    "bench_fine": (
        "import sys\n"
        "from pathlib import Path\n"
        "from benchmarks.results import Figure, write_section\n"
        "results = Path(sys.argv[sys.argv.index('--results') + 1])\n"
        "fig = Figure('fine rows/s', '2', '1', '2.00', '>= 1 met')\n"
        "write_section('fine', 'ran with ' + ' '.join(sys.argv[1:]), results, [fig])\n"
    ),
    "bench_sleepy": "import time\ntime.sleep(60)\n",
}


@pytest.fixture
def fakes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A package of fake benchmarks importable by the child processes."""
    package = tmp_path / "fakebench"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name, code in FAKES.items():
        (package / f"{name}.py").write_text(code)
    repo = Path(run_all.__file__).resolve().parent.parent
    path = os.pathsep.join([str(tmp_path), str(repo), os.environ.get("PYTHONPATH", "")])
    monkeypatch.setenv("PYTHONPATH", path)
    return "fakebench"


def test_a_missing_peer_is_a_failed_row_with_its_reason_and_the_rest_still_runs(
    fakes: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = tmp_path / "RESULTS.md"
    benchmarks = [
        Benchmark("bench_missing_peer", package=fakes, limit_s=60),
        Benchmark("bench_fine", ("--size", "10"), 60, full_args=("--size", "99"), package=fakes),
    ]
    code = run_all.main(["--results", str(results)], benchmarks)
    assert code == 1
    text = results.read_text()
    assert "ran with --size 10 --results" in text  # the second one ran after the failure
    [failed] = section_figures("run-all", results)
    assert failed.benchmark == "`bench_missing_peer` (make bench)"
    assert failed.baseline == (
        "failed: exit 1: ModuleNotFoundError: No module named 'newsflow_no_such_peer'"
    )
    assert [f.benchmark for f in section_figures("fine", results)] == ["fine rows/s"]
    summary = text.split("<!-- bench-summary:end -->")[0]
    assert "No module named 'newsflow_no_such_peer'" in summary and "fine rows/s" in summary
    out = capsys.readouterr().out
    assert "== bench_missing_peer: FAILED (exit 1: ModuleNotFoundError" in out
    assert "== bench_fine: ok in" in out and "== total:" in out


def test_full_runs_the_full_arguments_and_a_later_success_clears_the_failed_row(
    fakes: str, tmp_path: Path
) -> None:
    results = tmp_path / "RESULTS.md"
    missing = Benchmark("bench_missing_peer", package=fakes)
    fine = Benchmark("bench_fine", ("--size", "10"), 60, full_args=("--size", "99"), package=fakes)
    run_all.main(["--results", str(results)], [missing, fine])
    assert run_all.main(["--full", "--results", str(results)], [fine]) == 0
    assert "ran with --size 99 --results" in results.read_text()
    assert section_figures("run-all", results) == []


def test_a_full_only_benchmark_runs_with_full_or_when_named(
    fakes: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = tmp_path / "RESULTS.md"
    fine = Benchmark("bench_fine", package=fakes, full_only=True)
    assert run_all.main(["--results", str(results)], [fine]) == 0
    assert "== bench_fine" not in capsys.readouterr().out
    assert run_all.main(["--only", "bench_fine", "--results", str(results)], [fine]) == 0
    assert "== bench_fine: ok" in capsys.readouterr().out
    assert run_all.main(["--full", "--results", str(results)], [fine]) == 0
    assert "== bench_fine: ok" in capsys.readouterr().out


def test_a_benchmark_over_its_limit_is_stopped_and_reported(fakes: str, tmp_path: Path) -> None:
    step = run_all.run_step(Benchmark("bench_sleepy", package=fakes), False, None, limit=1)
    assert not step.ok and step.reason == "timed out after 1 s"
    assert step.wall_s < 30


def test_the_row_writer_gives_each_failed_benchmark_one_row_with_its_reason() -> None:
    steps = [
        Step("bench_store", False, 3.0, 1.0, 0.5, "exit 1: ModuleNotFoundError: No module named"),
        Step("bench_load", True, 60.0, 50.0, 0.5),
    ]
    [row] = run_all.failure_figures(steps)
    assert row.benchmark == "`bench_store` (make bench)"
    assert row.baseline.startswith("failed: exit 1: ModuleNotFoundError")
    assert "cores" in row.machine
    assert run_all.failure_reason(2, 60, ["Traceback", "  x", "RuntimeError: boom"]) == (
        "exit 2: RuntimeError: boom"
    )
    assert run_all.failure_reason(None, 60, []) == "timed out after 60 s"


def test_a_busy_machine_lengthens_the_time_limits_in_proportion() -> None:
    cores = os.cpu_count() or 1
    bench = Benchmark("x", limit_s=100, full_limit_s=1000)
    assert bench.limit(False) == 100 and bench.limit(True) == 1000
    assert bench.limit(False, load=cores / 2) == 100
    assert bench.limit(False, load=3 * cores) == 300


def test_going_over_budget_warns_with_the_load_average() -> None:
    assert run_all.budget_warning(14 * 60) == ""
    warning = run_all.budget_warning(16 * 60)
    assert warning.startswith("warning: make bench took 16.0 min, over its 15-minute budget")
    assert "load average" in warning and f"on {os.cpu_count()} cores" in warning


def test_every_benchmark_of_make_bench_exists_and_the_peers_are_in_it() -> None:
    here = Path(run_all.__file__).resolve().parent
    names = [b.name for b in run_all.BENCHMARKS]
    assert all((here / f"{name}.py").is_file() for name in names)
    for peer in ("bench_extract_peers", "bench_load_peers", "bench_lsh_peer", "bench_crawl_peers"):
        assert peer in names
    assert sys.executable in Benchmark("x").command(False)

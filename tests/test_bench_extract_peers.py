"""The extraction peers benchmark: a peer that is missing, crashes or kills its worker
gives a "failed" row and the run goes on; the summary row names the best peer that ran,
newsflow's margin over it and every peer's version. No dev set needed: fake peers on a
few made-up pages."""

from __future__ import annotations

import gzip
import os
import sys
from pathlib import Path

from benchmarks import fundus_peer
from benchmarks.bench_extract import DevPage, Throughput
from benchmarks.bench_extract_peers import NEWSFLOW, PeerSet, Row, score_set, second_round
from benchmarks.extract_peers import (
    PeerRunner,
    failure_reason,
    html_fragment_text,
    one_line,
    page_errors,
)
from benchmarks.extract_peers_report import FUNDUS, FUNDUS_QUOTED, best_peer, figures, render
from devtools.extraction_metric import CorpusScore

BODY = "The council approved the new budget on Tuesday after a long debate about schools."


def echo(html: bytes, _url: str) -> str:
    return html.decode()


def half(html: bytes, _url: str) -> str:
    return " ".join(html.decode().split()[:6])


def missing(_html: bytes, _url: str) -> str:
    raise ModuleNotFoundError("No module named 'goose3'")


def crashes(_html: bytes, _url: str) -> str:
    raise ValueError("unexpected tag\nsecond line of the message")


def dies(_html: bytes, _url: str) -> str:
    os._exit(3)


FAKES = {"echo": echo, "half": half, "missing": missing, "crashes": crashes, "dies": dies}


def pages(tmp_path: Path, n: int = 3) -> list[DevPage]:
    out = []
    for i in range(n):
        path = tmp_path / f"p{i}.html.gz"
        path.write_bytes(gzip.compress(f"{BODY} Page {i}.".encode()))
        out.append(DevPage(f"p{i}", path, "", "x", {"body": f"{BODY} Page {i}."}))
    return out


def test_a_crash_is_a_one_line_error_and_never_raises(tmp_path: Path) -> None:
    page = pages(tmp_path, 1)[0]
    result = PeerRunner("crashes", FAKES)((str(page.path), ""))
    assert result["body"] == ""
    assert result["error"] == "ValueError: unexpected tag"
    stars = LookupError("\n" + "*" * 70 + "\n  Resource 'punkt_tab' not found.\n" + "*" * 70)
    assert one_line(stars) == "LookupError: Resource 'punkt_tab' not found."
    assert PeerRunner("echo", FAKES)((str(page.path), ""))["body"].startswith("The council")


def test_failure_reason_tells_not_installed_from_broken_from_flaky() -> None:
    missing_out = [{"body": "", "error": "ModuleNotFoundError: No module named 'goose3'"}] * 2
    assert "not installed" in (failure_reason(missing_out) or "")
    broken = [{"body": "", "error": "ValueError: bad"}] * 2
    assert failure_reason(broken) == "failed on every page: ValueError: bad"
    mixed = [{"body": "x", "error": None}, {"body": "", "error": "RuntimeError: no luck"}]
    assert failure_reason(mixed) is None
    assert page_errors(mixed) == [(1, "RuntimeError: no luck")]


def test_failed_peers_get_rows_and_the_others_are_scored(tmp_path: Path) -> None:
    result = score_set("set", pages(tmp_path), ["echo", "missing", "crashes", "dies", "half"], 1,
                       full=True, adapters=FAKES)  # fmt: skip
    rows = {r.name: r for r in result.rows}
    assert rows["echo"].score is not None and rows["echo"].score.f1 == 1.0
    assert rows["half"].score is not None and 0 < rows["half"].score.f1 < 1
    assert rows["echo"].rounds == rows["half"].rounds == 2
    assert "not installed" in (rows["missing"].failed or "")
    assert rows["crashes"].failed == "failed on every page: ValueError: unexpected tag"
    assert "worker process died" in (rows["dies"].failed or "")
    assert best_peer(result) is rows["half"]


def test_slow_peers_run_on_a_subset_and_are_compared_on_the_same_pages(tmp_path: Path) -> None:
    result = score_set("set", pages(tmp_path, 5), ["echo", "half"],
                       1, full=False, adapters=FAKES, subset=(frozenset({"half"}), 2))  # fmt: skip
    ours, slow = result.rows
    assert ours.subset is None and ours.score is not None and ours.score.pages == 5
    assert slow.subset == 3 and slow.score is not None and slow.score.pages == 3
    assert slow.ours_f1 == 1.0  # the first extractor's F1 on pages 0, 2 and 4


def test_the_best_peer_is_the_closest_on_the_same_pages() -> None:
    ours = _row(NEWSFLOW, 0.95, 30.0)
    full_set = _row("readability-lxml", 0.90, 40.0)
    sampled = _row("newspaper4k", 0.93, 10.0)
    sampled.subset, sampled.ours_f1 = 4, 0.96
    s = PeerSet("Main dev set (test)", 10, [ours, full_set, sampled])
    assert best_peer(s) is sampled  # +3.00 points on its 4 pages against +5.00
    [figure] = figures([s])
    assert figure.benchmark.endswith("(4 of 10 pages)")
    assert figure.newsflow == "0.960" and figure.ratio == "+3.00 points"
    text = render([s], 2, full=False)
    assert "(4 pages) | 0.930 |" in text
    assert "one page in 3 only (4 of 10" in text and "same pages (0.960)" in text
    s.rows[2].ours_f1 = 0.99
    assert best_peer(s) is full_set


def _row(name: str, f1: float, per_core: float) -> Row:
    return Row(name, CorpusScore(f1, f1, f1, 0, 10), None, Throughput(per_core, per_core), rounds=1)


def test_summary_row_names_the_best_peer_the_margin_and_versions() -> None:
    s = PeerSet(
        "Main dev set (test)",
        10,
        [
            _row(NEWSFLOW, 0.95, 30.0),
            _row("readability-lxml", 0.90, 40.0),
            _row("newspaper4k", 0.93, 10.0),
            Row("goose3", failed="not installed (ModuleNotFoundError: goose3)"),
        ],
    )
    [figure] = figures([s])
    assert figure.newsflow == "0.950"
    assert figure.baseline.startswith("0.930 (newspaper4k")
    assert figure.ratio == "+2.00 points"
    assert figure.target == "> best peer met"
    assert "; peers: readability-lxml" in figure.machine and "newspaper4k" in figure.machine
    assert "goose3" in figure.machine and "(failed)" in figure.machine
    text = render([s], 2, full=False)
    assert "| goose3" in text and "failed: not installed" in text
    assert "| +2.00 | 3.00 |" in text  # newsflow F1 - newspaper4k, speed ratio 30/10
    assert "Fundus is left out" in text


def test_fundus_eval_quotes_fundus_and_keeps_it_out_of_the_best_peer() -> None:
    ours = _row(NEWSFLOW, 0.95, 30.0)
    ours.lenient = CorpusScore(0.96, 0.96, 0.96, 0, 10)
    failed = Row(FUNDUS, failed="could not install fundus==0.5.7: no network")
    s = PeerSet("fundus-eval (test)", 10, [ours, _row("jusText", 0.85, 40.0), failed])
    text = render([s], 2, full=True)
    assert f"{FUNDUS_QUOTED.f1:.3f}" in text and "(quoted)" in text
    assert "It did not run here: could not install" in text
    best, fundus = figures([s])
    assert best.baseline.startswith("0.850 (jusText")
    assert "quoted, not run" in fundus.baseline and fundus.ratio == "-1.30 points"
    s.rows[2] = _row(FUNDUS, 0.97, 80.0)
    best, fundus = figures([s])
    assert best_peer(s) is s.rows[1]
    assert fundus.baseline.startswith("0.970 (Fundus") and fundus.ratio == "-2.00 points"


def test_fundus_without_its_package_is_a_failed_row_not_a_crash(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(sys.executable)  # a Python without fundus
    (venv / ".installed").write_text(" ".join(fundus_peer.PINS))
    outputs, reason = fundus_peer.measure(pages(tmp_path, 2), 1, venv)
    assert outputs == [] and isinstance(reason, str)
    assert "exited 1" in reason and "fundus" in reason


def test_second_round_times_newsflow_and_the_close_peers() -> None:
    rows = [
        _row(NEWSFLOW, 0.9, 30.0),
        _row("a", 0.8, 40.0),
        _row("b", 0.8, 5.0),
        Row("c", failed="x"),
    ]
    assert second_round(rows, full=False) == [NEWSFLOW, "a"]
    assert second_round(rows, full=True) == [NEWSFLOW, "a", "b"]


def test_html_fragment_text_keeps_paragraphs_apart() -> None:
    assert html_fragment_text("<div><p>one</p><p>two <b>three</b></p></div>").split() == [
        "one",
        "two",
        "three",
    ]
    assert html_fragment_text("  ") == ""

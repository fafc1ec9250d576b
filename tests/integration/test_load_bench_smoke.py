"""The load benchmark's pieces, small: a tiny demo clinic (filled, then read from the cache),
the real server (``retrowalk serve``, one worker: the benchmark runs 2, and each worker's start
costs seconds of imports), the httpx driver in its own process with a handful of clients for
under a second per route, and the wrk driver likewise where wrk is installed (CI does not
install it: that test is skipped there). Checks the report has every figure and that no request
failed; speed itself is never checked here (benchmarks/load_bench.py measures it). SQLite only: the PostgreSQL path
differs only in where the cached database lives (a database copied from a template)."""

from __future__ import annotations

import importlib.util
import math
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "load_bench.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("load_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["load_bench"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_quick_run_reports_every_figure_and_no_failure(bench: ModuleType, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    filled = bench.fill("sqlite", bench.QUICK, cache)
    assert not filled.cached and filled.fill_s > 0
    assert len(filled.walkers) == bench.QUICK.patients
    assert len(filled.therapist_emails) == bench.QUICK.therapists
    assert filled.sessions > bench.QUICK.patients  # weeks of history, not an empty clinic
    again = bench.fill("sqlite", bench.QUICK, cache)
    assert again.cached and again.walkers == filled.walkers  # the cache is what a re-run reads

    # one worker: the smoke test checks the pieces; the benchmark itself runs 2
    rows = bench.run_backend(filled, [3], duration=0.8, think=0.05, warmup=0.2, workers=1)

    assert [r["route"] for r in rows] == list(bench.ROUTES)
    for row in rows:
        assert row["failed"] == 0, row["failures"]
        assert row["requests"] > 0 and row["req_s"] > 0
        assert 0 < row["p50_ms"] <= row["p95_ms"] <= row["max_ms"]
        if row["route"] != "baseline":
            assert math.isfinite(row["p50_x"]) and math.isfinite(row["p95_x"])
    text = bench.report(rows, [filled], think=0.05)
    for word in ("baseline", "log", "patients", "p95 ms", "req/s", "fill"):
        assert word in text


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (optional)")
def test_the_wrk_driver_reports_every_figure_and_no_failure(
    bench: ModuleType, tmp_path: Path
) -> None:
    filled = bench.fill("sqlite", bench.QUICK, tmp_path / "cache")
    # 3 clients: one wrk thread (wrk splits connections evenly); 1 s: -d counts whole seconds
    rows = bench.run_backend(
        filled, [3], duration=1.0, think=0.05, warmup=0.0, workers=1, driver="wrk"
    )

    assert [r["route"] for r in rows] == list(bench.ROUTES)
    for row in rows:
        assert row["driver"] == "wrk"
        assert row["failed"] == 0, row["failures"]
        assert row["requests"] > 0 and row["req_s"] > 0
        assert 0 < row["p50_ms"] <= row["p95_ms"] <= row["max_ms"]
        assert 0 <= row["driver_cpu"] < 1
    assert "wrk" in bench.report(rows, [filled], think=0.05)


def test_lua_literals_escape_what_lua_would_read_otherwise(bench: ModuleType) -> None:
    text = bench.load_wrk.lua_literal({"token": 'a"b\\c\nd é', "n": [1, 2.5, True]})
    assert text.isascii() and "\n" not in text and '\\"' not in text
    assert '"a\\034b\\092c\\010d \\195\\169"' in text and "{1, 2.5, true}" in text
    for unwritable in (float("nan"), [1, None]):  # nil would end a Lua list early
        with pytest.raises(ValueError):
            bench.load_wrk.lua_literal(unwritable)


def test_a_refused_request_is_counted_as_a_failure(bench: ModuleType) -> None:
    figures = bench.summarize([0.010, 0.020, 0.030], {"HTTP 403: no": 2}, 1.0)
    assert figures["failed"] == 2 and figures["requests"] == 3
    assert figures["p50_ms"] == pytest.approx(20.0)
    assert figures["req_s"] == pytest.approx(3.0)


def test_help_runs_alone(bench: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        bench.parse_args(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for option in ("--backend", "--clients", "--duration", "--quick"):
        assert option in out

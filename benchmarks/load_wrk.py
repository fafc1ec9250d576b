"""The load benchmark's wrk driver (``load_bench.py --driver wrk``): one route, N connections.

wrk (4.1, Debian's package ``wrk``) is a C load generator with an event loop per thread; it
costs a few microseconds of CPU per request where the httpx driver costs over a millisecond, so
on the 2-core machine it takes less from the server it measures, and its latencies do not
include a Python event loop's delays. What the route sends and expects is the Lua script
``load_wrk.lua``; this module writes a copy of it with the run's data (walkers' ids, tokens and
session bodies, therapists' cookies, think time) as a Lua table in front, runs wrk and reads
the figures its ``done()`` prints.

How it compares with the httpx driver:

- the same requests, statuses and think time (a delay before every request, uniform in
  0.5-1.5 x think; before the first one uniform in 0-1 x think, so clients do not start in
  step); one connection per client (``-c N``), 2 threads (1 when N is odd: wrk gives each thread
  N // threads connections); request timeout 30 s (``--timeout``; slower answers are failures);
- walkers: client i of the httpx driver is walker i; wrk does not tell the script which
  connection a request goes on, so each wrk thread takes its half of walkers 0..N-1 in turn,
  request by request (the same walkers, each logging about once per think time);
- warm-up: wrk has none; an unmeasured wrk run of ``warmup`` seconds (rounded up to whole
  seconds, the unit of ``-d``) comes first, then the measured run of ``duration`` seconds
  (rounded up likewise), on new connections;
- what is counted: wrk stops at the end of ``-d`` and drops the requests still under way, so its
  figures are of the answers received within the run (the httpx driver waits for the requests
  sent within it); the same while the server keeps up, fewer slow answers when it does not;
- the server goes on with the requests wrk dropped (up to one per connection: at saturation,
  seconds of work), so before each wrk run and after the last one the benchmark waits until the
  server's processes are idle (``settle``: under 0.1 core over 0.5 s); otherwise the warm-up's
  leftovers would eat into the measured run and one route's into the next. The wait after the
  measured run is the row's ``drain_s``; the report shows it when over a second. Each measured
  run so starts with an idle server (the httpx driver's starts after its warm-up second);
- latency: wrk's histogram of whole microseconds, from writing the request to parsing the end
  of the answer; p50/p95 by nearest rank (httpx driver: interpolated). wrk "corrects" it for
  coordinated omission: with E = run time / (answers per connection), every answer slower than
  2E adds copies of itself shortened by E, 2E, ... (down to E). E is the mean time between one
  connection's requests (think time plus latency), so this happens only when the server is
  saturated and a few answers take over twice the mean cycle; the row says so (``corrected``);
- drv cpu: wrk's user + system CPU time (``getrusage`` of the waited child) over the run's wall
  time.
"""

from __future__ import annotations

import json
import math
import resource
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).resolve().with_name("load_wrk.lua")
THREADS = 2
TIMEOUT_S = 30
MARK = "LOADBENCH-WRK "


def available() -> bool:
    return shutil.which("wrk") is not None


def lua_literal(value: Any) -> str:
    """``value`` (None, bool, number, str, list, dict) as a Lua expression; strings keep only
    printable ASCII as is (every other byte, quotes and backslashes become ``\\ddd``)."""
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"no Lua literal for {value}")
        return repr(value)
    if isinstance(value, str):
        safe = (
            chr(b) if 32 <= b < 127 and b not in b'"\\' else f"\\{b:03d}" for b in value.encode()
        )
        return '"' + "".join(safe) + '"'
    if isinstance(value, list | tuple):
        if any(v is None for v in value):
            raise ValueError("no Lua list holds nil (the list would end there)")
        return "{" + ", ".join(lua_literal(v) for v in value) + "}"
    if isinstance(value, dict):
        pairs = (
            f"[{lua_literal(k)}] = {lua_literal(v)}" for k, v in value.items() if v is not None
        )
        return "{" + ", ".join(pairs) + "}"
    raise TypeError(f"no Lua literal for {type(value).__name__}")


def body_template(body: dict[str, Any]) -> str:
    """The JSON of a session body (``load_bench._session_body``) with the fields the script
    draws per request as ``@name@`` (filled by ``load_wrk.lua``)."""
    drawn = {
        "performed_at": "@performed@",
        "duration_s": "@duration@",
        "pain_during_nprs": "@pain_during@",
        "pain_after_nprs": "@pain_after@",
        "rpe": "@rpe@",
    }
    if body.get("distance_m") is not None:
        drawn["distance_m"] = "@distance@"
    text = json.dumps({**body, **drawn})
    for name in drawn.values():
        if name != "@performed@":  # a string; the others are numbers
            text = text.replace(f'"{name}"', name)
    return text


def threads_for(clients: int) -> int:
    return max(t for t in range(1, THREADS + 1) if clients % t == 0)


def script(
    route: str, clients: int, think: float, walkers: list[dict[str, Any]], cookies: list[str]
) -> str:
    threads = threads_for(clients)
    data = {
        "route": route,
        "think_ms": think * 1000.0,
        "threads": threads,
        "connections": clients // threads,
        "walkers": walkers[:clients],
        "cookies": cookies,
    }
    return f"local data = {lua_literal(data)}\n\n" + SCRIPT.read_text()


def run_wrk(
    base: str, script_path: Path, clients: int, seconds: float
) -> tuple[dict[str, Any], float, float]:
    """One wrk run: (what ``done()`` printed, wall seconds, wrk's CPU seconds)."""
    command = [
        "wrk",
        "-t",
        str(threads_for(clients)),
        "-c",
        str(clients),
        "-d",
        f"{max(1, math.ceil(seconds))}s",
        "--timeout",
        f"{TIMEOUT_S}s",
        "-s",
        str(script_path),
        f"{base}/",
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    answer = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = [line for line in answer.stdout.splitlines() if line.startswith(MARK)]
    if answer.returncode != 0 or len(lines) != 1 or answer.stderr.strip():
        raise RuntimeError(
            f"wrk failed ({answer.returncode}): {answer.stderr[-2000:]}{answer.stdout[-2000:]}"
        )
    result: dict[str, Any] = json.loads(lines[0].removeprefix(MARK))
    return result, wall, cpu


def figures(result: dict[str, Any], clients: int, cpu_s: float, wall_s: float) -> dict[str, Any]:
    """The route's row (the httpx driver's ``summarize`` fields) from wrk's output."""
    errors = result["errors"]
    failures: dict[str, int] = {}
    for per_thread in result["failures"]:
        for failure, count in per_thread.items():
            failures[failure] = failures.get(failure, 0) + count
    for kind in ("connect", "read", "write"):
        if errors[kind]:
            failures[f"socket {kind} errors"] = errors[kind]
    if errors["timeout"]:
        failures[f"no answer within {TIMEOUT_S} s"] = errors["timeout"]
    ok = max(result["ok"] - errors["timeout"], 0)
    duration_s = result["duration_us"] / 1e6
    per_connection = result["responses"] // clients
    cycle_us = result["duration_us"] // per_connection if per_connection else None
    missing = float("nan")
    return {
        "requests": ok,
        "failed": sum(failures.values()),
        "failures": dict(sorted(failures.items(), key=lambda kv: -kv[1])[:5]),
        "p50_ms": result["p50_us"] / 1000 if ok else missing,
        "p95_ms": result["p95_us"] / 1000 if ok else missing,
        "max_ms": result["max_us"] / 1000 if ok else missing,
        "req_s": ok / duration_s,
        "driver_cpu": cpu_s / wall_s,
        "corrected": cycle_us is not None and result["max_us"] > 2 * cycle_us,
    }


def drive_route(
    base: str,
    route: str,
    clients: int,
    *,
    think: float,
    warmup: float,
    duration: float,
    walkers: list[dict[str, Any]],
    cookies: list[str],
    folder: Path,
    settle: Callable[[], float],
) -> dict[str, Any]:
    """Warm up (unmeasured), then measure ``route`` with wrk; before each wrk run and after the
    last, ``settle()`` waits until the server has finished the requests wrk dropped."""
    path = folder / f"load_wrk_{route}_{clients}.lua"
    path.write_text(script(route, clients, think, walkers, cookies))
    if warmup > 0:
        settle()
        run_wrk(base, path, clients, warmup)
    settle()
    result, wall, cpu = run_wrk(base, path, clients, duration)
    row = figures(result, clients, cpu, wall)
    row["drain_s"] = settle()  # the dropped requests' work: 0.5 s (one window) when none
    return row

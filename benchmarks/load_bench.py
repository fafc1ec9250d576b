"""Load benchmark of the web app: "log a session" and "therapist patient list" under many clients.

What it does, per backend (SQLite file, PostgreSQL at 127.0.0.1:5432):

1. Fill: the demo clinic (``services.demo.fill_demo_clinic``, bulk path ``store.bulk``) scaled
   to 1,000 patients x 52 weeks of sessions, shared round-robin by 20 therapists (50 patients
   each; the demo assigns patients to therapists round-robin), plus one API token per walker
   (``services.accounts.create_api_token``, what ``POST /api/v1/tokens`` does after the
   password check). The filled database is cached (SQLite: a file under ``--cache-dir``;
   PostgreSQL: the database ``retrowalk_loadbench`` or ``retrowalk_loadbench_quick``) with a
   marker file beside it, and refilled only when missing or older than ``--max-age-days``
   (the demo ends "now", so an old fill would flag every patient "no data for 7 days").
2. Every run works on a copy of the cached database (SQLite: a file copy; PostgreSQL:
   ``CREATE DATABASE ... TEMPLATE``), so what a run logs never changes the next run's data.
3. Starts the real server in a subprocess: ``retrowalk serve --workers 2 --port N`` with
   ``RETROWALK_DATABASE_URL`` pointing at the copy.
4. Drives it from a separate process with N concurrent clients, each with its own connection
   and a think time between requests (uniform in 0.5-1.5 x ``--think`` seconds; ``--think 0``
   is a closed loop at saturation). Two drivers (``--driver``), the same requests:
   - ``wrk`` (the default when ``wrk`` is on PATH; Debian's package ``wrk``, 4.1): the C load
     generator, 2 threads, its Lua script ``load_wrk.lua`` (``load_wrk.py`` writes it with the
     run's walkers and cookies and reads what it prints). Why: the httpx driver costs ~1.3 ms
     of CPU per request (a quarter of a core at 180 req/s) on the 2 cores the server needs, and
     its latencies include its own event loop's delays; wrk costs a few microseconds. What
     differs (counting, wrk's latency correction at saturation): ``load_wrk.py``'s docstring;
   - ``httpx`` (``load_bench.py drive``, an asyncio driver in one Python process; the default
     without wrk, and what the smoke test runs):
   - baseline: ``GET /static/favicon.svg`` (no database, no template);
   - log: a walker, signed in with their API token, ``POST /api/v1/walkers/{id}/sessions``
     (the session they were asked to do, performed minutes ago; expects 201);
   - patients: a therapist, signed in through the sign-in form (CSRF token from the form),
     ``GET /patients`` with the session cookie (50 patients with flags; expects 200).
   Each route runs alone for ``--duration`` seconds after a warm-up second (wrk: a separate,
   unmeasured wrk run first); latency is measured at the client, from sending to the last byte
   of the answer.
5. Prints median and p95 latency (ms), throughput (answers per second) and failures for each
   route, the ratio of each to the baseline measured in the same run, and the driver's CPU
   share (its CPU seconds over the route's wall seconds).

Target (issue 4): p95 under 50 ms for both routes at 200 clients with 2 workers.

Measured 2026-11-25 on the 2-core machine shared with other jobs (load average 6-14: absolute
figures are pessimistic, the ratios to the static file are the comparable part), think time
1 s, 2 workers, httpx driver, p50 / p95 ms (req/s):

    backend     clients  static file        log a session            patient list
    sqlite      50       44 / 460 (46)      1934 / 3135 (14)         671 / 1887 (27)
    sqlite      200      383 / 1397 (117)   10033 / 17338 (23)       3259 / 5903 (41)
    postgresql  50       32 / 126 (41)      1313 / 2514 (19)         1094 / 1862 (23)
    postgresql  200      649 / 1854 (94)    6054 / 11364 (30)        7799 / 13824 (24)

Closed loop (``--think 0 --clients 20``), the server's capacity: log 20 req/s (both back
ends), patient list 46 (SQLite) / 28 (PostgreSQL), static file 110-135. The target is missed by
far: 200 clients at about one request a second offer ~200 req/s, ten times what the server
serves here. In process (no HTTP), one request costs about 23 ms of CPU to log a session (a
year of history: ~150 sessions and ~145 check-ins read, decided on, 2 rows written, 4 units of
work: token, permission, logging, the stored session read back) and 12-17 ms for a patient list
of 50; the time is spread over SQLAlchemy ORM work (flushes, row loading, statement building)
rather than one hot spot; ``progression.decide`` itself is ~1 ms.

The two drivers, 2026-11-25 evening, SQLite, alternately (wrk, httpx, wrk, httpx; load average
5.7-8.7 from other jobs), think time 1 s, p50 / p95 ms (req/s) of the two runs of each:

    clients  route      wrk                                  httpx
    50       static     3.2 / 37 (50.0), 2.3 / 7 (50.3)      6.9 / 26 (49.5), 10.6 / 64 (48.8)
    50       log        172 / 325 (41.9), 51 / 297 (45.4)    89 / 241 (40.9), 424 / 697 (30.3)
    50       patients   20 / 151 (48.5), 14 / 48 (49.6)      22 / 59 (47.3), 45 / 139 (45.7)
    200      static     2.7 / 33 (199.6), 4.3 / 16 (199.6)   16 / 126 (188.7), 45 / 227 (181.9)
    200      log        2045 / 2791 (57.6), 2784 / 4148 (45)  2588 / 3248 (49.9), 3169 / 5538 (43.6)
    200      patients   69 / 555 (174), 781 / 2172 (109)     287 / 1024 (135), 660 / 1894 (94)

wrk's own CPU: 0.01 of a core at 50 clients, 0.02-0.04 at 200; the httpx driver's: 0.07-0.10
at 50, 0.10-0.25 at 200. With wrk the static file is served at the offered load (50 and 200
req/s for 50 and 200 clients at ~1 s each) in a few ms; the httpx driver offers 5-9 % less at
200 clients and its static-file p50 is 4-10x wrk's: that part is the driver. The routes' figures
differ from run to run with either driver as much as between drivers (the machine's other jobs);
both say the same: at 50 clients the server nearly keeps up (log p95 0.25-0.7 s), at 200 it
does not (log ~45-58 req/s served of 200 offered, p50 2-3 s; patient list 94-174 req/s). The
target (p95 under 50 ms at 200 clients) is missed by far with either driver.

Late 2026-11-25, wrk, a quiet machine (load average under 1 before each run), 2 workers, think
1 s, p50 / p95 ms (req/s), after the day's changes (decisions read the latest 21 sessions;
unconfirmed directions on their partial index; the patient list reused while no patient's
``walker_stamp`` moved; log statements built once and Core inserts; the log decided before the
write lock; plain ASGI middleware, uvloop and httptools), first with anyio's 40 threads per
worker, then with 4 (``retrowalk serve --threads``, now the default):

    backend     clients  static       log a session          patient list
    40 threads
    sqlite      50       2.0 / 3.4    15.6 / 45.5 (50.0)     8.7 / 17.0 (50.2)
    sqlite      200      1.9 / 3.8    395 / 1005 (133)       40.7 / 680 (169)
    postgresql  50       1.5 / 2.1    17.0 / 40.1 (49.7)     12.0 / 33.2 (49.8)
    postgresql  200      1.7 / 3.5    608 / 1665 (106)       99.0 / 470 (173)
    4 threads
    sqlite      50       1.7 / 2.4    11.2 / 45.4 (49.7)     7.3 / 13.8 (50.3)
    sqlite      200      1.6 / 3.2    382 / 581 (148)        18.6 / 86.6 (196)
    postgresql  50       1.9 / 2.7    19.6 / 54.7 (49.9)     11.5 / 20.4 (50.1)
    postgresql  200      1.6 / 3.2    545 / 798 (127)        316 / 714 (146)

At 50 clients the target is met on both routes and back ends but PostgreSQL's log (55 ms); at
200 it is missed: the log route serves 127-148 req/s of the 200 offered (the server's CPU:
two UoWs, the token's own read transaction, and on PostgreSQL the database's processes on the
same 2 cores), the patient list 146-196 (three SQLite runs with 4 threads gave p95 48, 72 and
80 ms). SQLite runs with 4 threads at 200 clients (3 runs): log p95 320-514 ms, patient list
48-80 ms.

Usage: ``.venv/bin/python benchmarks/load_bench.py [--backend both] [--clients 50,200]
[--duration 10] [--think 1.0] [--driver wrk|httpx] [--quick] [--json FILE]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load_wrk

ROOT = Path(__file__).resolve().parent.parent
PG_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432"
ROUTES = ("baseline", "log", "patients")
DRIVERS = ("wrk", "httpx")
DRIVER_NAMES = {
    "wrk": "wrk (C, 1-2 threads, Lua script load_wrk.lua)",
    "httpx": "httpx (asyncio, one Python process)",
}
TARGET_P95_MS = 50.0
TOKEN_NAME = "loadbench"


@dataclass(frozen=True)
class Clinic:
    patients: int
    therapists: int
    weeks: int

    @property
    def tag(self) -> str:
        return f"{self.patients}x{self.weeks}w-{self.therapists}t"


FULL = Clinic(patients=1000, therapists=20, weeks=52)
QUICK = Clinic(patients=12, therapists=2, weeks=3)


# --- fill and cache ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Walker:
    walker_id: str
    token: str
    target: dict[str, Any]


@dataclass(frozen=True)
class Filled:
    backend: str
    url: str
    clinic: Clinic
    fill_s: float
    filled_at: str
    cached: bool
    sessions: int
    walkers: list[Walker]
    therapist_emails: list[str]


def _pg_admin(base: str) -> Any:
    import psycopg

    dsn = base.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    return psycopg.connect(dsn, autocommit=True)


def _pg_exists(base: str, name: str) -> bool:
    with _pg_admin(base) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    return row is not None


def _pg_recreate(base: str, name: str, template: str | None = None) -> None:
    with _pg_admin(base) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        suffix = f' TEMPLATE "{template}"' if template else ""
        conn.execute(f'CREATE DATABASE "{name}"{suffix}')


def _pg_drop(base: str, name: str) -> None:
    with _pg_admin(base) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pristine(backend: str, clinic: Clinic, cache_dir: Path, pg_base: str) -> tuple[str, str]:
    """(url, name) of the cached, filled database."""
    if backend == "sqlite":
        path = cache_dir / f"clinic-{clinic.tag}.sqlite"
        return f"sqlite:///{path}", str(path)
    name = "retrowalk_loadbench" if clinic == FULL else "retrowalk_loadbench_quick"
    return f"{pg_base}/{name}", name


def _marker(backend: str, clinic: Clinic, cache_dir: Path) -> Path:
    return cache_dir / f"clinic-{clinic.tag}-{backend}.json"


def fill(
    backend: str,
    clinic: Clinic,
    cache_dir: Path,
    *,
    pg_base: str = PG_BASE,
    max_age_days: float = 7.0,
    refill: bool = False,
) -> Filled:
    """The filled database for ``backend`` (cached; filled now when missing or stale)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    url, name = _pristine(backend, clinic, cache_dir, pg_base)
    marker = _marker(backend, clinic, cache_dir)
    present = Path(name).exists() if backend == "sqlite" else _pg_exists(pg_base, name)
    if marker.exists() and present and not refill:
        saved = json.loads(marker.read_text())
        age = datetime.now(UTC) - datetime.fromisoformat(saved["filled_at"])
        if age < timedelta(days=max_age_days):
            return _filled_from(saved, url, cached=True)
    marker.unlink(missing_ok=True)
    if backend == "sqlite":
        for stale in Path(name).parent.glob(Path(name).name + "*"):  # -wal, -shm, -writers
            stale.unlink()
    else:
        _pg_recreate(pg_base, name)
    started = time.perf_counter()
    saved = _fill_now(url, clinic, cache_dir)
    saved["fill_s"] = time.perf_counter() - started
    marker.write_text(json.dumps(saved))
    return _filled_from(saved, url, cached=False)


def _filled_from(saved: dict[str, Any], url: str, *, cached: bool) -> Filled:
    return Filled(
        backend=saved["backend"],
        url=url,
        clinic=Clinic(**saved["clinic"]),
        fill_s=saved["fill_s"],
        filled_at=saved["filled_at"],
        cached=cached,
        sessions=saved["sessions"],
        walkers=[Walker(**w) for w in saved["walkers"]],
        therapist_emails=saved["therapist_emails"],
    )


def _fill_now(url: str, clinic: Clinic, cache_dir: Path) -> dict[str, Any]:
    from retrowalk.bootstrap import build_services
    from retrowalk.formats.codec import to_jsonable
    from retrowalk.services import accounts
    from retrowalk.services.demo import fill_demo_clinic, therapist_email, walker_email
    from retrowalk.settings import Settings

    now = datetime.now(UTC)
    services = build_services(Settings(database_url=url, data_dir=cache_dir))
    try:
        summary = fill_demo_clinic(
            services.uow,
            now=now,
            patients=clinic.patients,
            weeks=clinic.weeks,
            therapists=clinic.therapists,
            bulk=True,
        )
        walkers: list[dict[str, Any]] = []
        for number in range(1, clinic.patients + 1):
            with services.uow(read_only=True) as work:
                account = work.accounts.by_email(walker_email(number))
                assert account is not None and account.walker_id is not None
                state = work.programs.current_state(account.walker_id)
                assert state is not None
            actor = accounts.Actor(
                account.id, account.role, account.walker_id, account.display_name
            )
            token = accounts.create_api_token(services.uow, actor, name=TOKEN_NAME, now=now)
            walkers.append(
                {
                    "walker_id": account.walker_id,
                    "token": token,
                    "target": to_jsonable(state.target),
                }
            )
    finally:
        services.close()
    backend = "sqlite" if url.startswith("sqlite") else "postgresql"
    return {
        "backend": backend,
        "clinic": asdict(clinic),
        "filled_at": now.isoformat(),
        "sessions": summary.sessions,
        "walkers": walkers,
        "therapist_emails": [therapist_email(n) for n in range(1, clinic.therapists + 1)],
    }


@contextmanager
def working_copy(filled: Filled, pg_base: str = PG_BASE) -> Iterator[str]:
    """A throwaway copy of the filled database (its URL)."""
    if filled.backend == "sqlite":
        source = Path(filled.url.removeprefix("sqlite:///"))
        with tempfile.TemporaryDirectory(prefix="loadbench-") as folder:
            target = Path(folder) / "run.sqlite"
            with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
                origin.backup(copy)
            copy.close()
            origin.close()
            yield f"sqlite:///{target}"
        return
    name = _pristine(filled.backend, filled.clinic, Path(), pg_base)[1] + "_run"
    _pg_recreate(pg_base, name, template=_pristine("postgresql", filled.clinic, Path(), pg_base)[1])
    try:
        yield f"{pg_base}/{name}"
    finally:
        _pg_drop(pg_base, name)


# --- the server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class Running:
    base: str  # its URL
    pid: int  # the leader of its process group (uvicorn's supervisor and the workers)


def group_cpu_s(leader: int) -> float:
    """CPU seconds (user + system) used so far by the live processes of ``leader``'s group."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended meanwhile
        if int(fields[2]) == leader:  # pgrp; fields start at the state (field 3)
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def settle(
    leader: int, *, window_s: float = 0.5, idle_share: float = 0.1, limit_s: float = 120
) -> float:
    """Wait until the server's processes use under ``idle_share`` of a core over ``window_s``
    (requests a driver gave up on still run to the end); the seconds waited."""
    started = time.monotonic()
    used = group_cpu_s(leader)
    while time.monotonic() - started < limit_s:
        time.sleep(window_s)
        now = group_cpu_s(leader)
        if now - used < idle_share * window_s:
            break
        used = now
    return time.monotonic() - started


@contextmanager
def server(url: str, *, workers: int = 2, data_dir: Path) -> Iterator[Running]:
    """``retrowalk serve --workers N`` on a free port, until the block ends."""
    import httpx

    port = free_port()
    env = dict(os.environ, RETROWALK_DATABASE_URL=url, RETROWALK_DATA_DIR=str(data_dir))
    env.pop("RETROWALK_SECRET_KEY", None)
    command = [
        str(Path(sys.executable).with_name("retrowalk")),
        "serve",
        "--workers",
        str(workers),
        "--port",
        str(port),
    ]
    log = (data_dir / "server.log").open("wb")
    process = subprocess.Popen(
        command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server stopped: {(data_dir / 'server.log').read_text()}")
            try:
                if httpx.get(f"{base}/static/favicon.svg", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not answer within 180 s")
            time.sleep(0.2)
        yield Running(base, process.pid)
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


# --- the driver (runs in its own process: ``load_bench.py drive``) -----------------------------


CSRF_INPUT = re.compile(r'name="csrf_token"\s+value="([^"]+)"')


async def _sign_in(client: Any, email: str, password: str) -> None:
    page = await client.get("/sign-in")
    found = CSRF_INPUT.search(page.text)
    if page.status_code != 200 or found is None:
        raise RuntimeError(f"no sign-in form ({page.status_code})")
    answer = await client.post(
        "/sign-in", data={"email": email, "password": password, "csrf_token": found.group(1)}
    )
    if answer.status_code != 303 or "rw_session" not in client.cookies:
        raise RuntimeError(f"sign-in refused for {email} ({answer.status_code})")


def _session_body(target: dict[str, Any], moment: datetime, rng: random.Random) -> dict[str, Any]:
    speed = target.get("speed_m_s")
    duration = round(float(target["duration_s"]) * rng.uniform(1.0, 1.05))
    return {
        "performed_at": moment.isoformat(),
        "modality": target["modality"],
        "duration_s": duration,
        "pain_during_nprs": rng.randint(0, 3),
        "pain_after_nprs": rng.randint(0, 3),
        "speed_m_s": speed,
        "distance_m": None if speed is None else round(speed * duration, 1),
        "incline_pct": target.get("incline_pct") or 0.0,
        "load_kg": None if target.get("load_pct_body_mass") is None else 5.0,
        "rails": bool(target.get("rails")),
        "rpe": rng.randint(11, 14),
    }


async def _drive(spec: dict[str, Any]) -> dict[str, Any]:
    import httpx

    base: str = spec["base"]
    clients: int = spec["clients"]
    think: float = spec["think"]
    warmup: float = spec["warmup"]
    duration: float = spec["duration"]
    walkers: list[dict[str, Any]] = spec["walkers"]
    therapists: list[str] = spec["therapist_emails"]
    # one connection per client, dropped by the client before the server's 5 s keep-alive
    # timeout (otherwise a request sent just as the server closes the idle connection fails)
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1, keepalive_expiry=3.0)
    timeout = httpx.Timeout(30.0)

    def new_client(**extra: Any) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout, **extra)

    pool = [new_client() for _ in range(clients)]
    # therapists sign in once through the form; client i uses therapist i's session cookie
    sessions: list[httpx.Cookies] = []
    for email in therapists[: min(len(therapists), clients)]:
        async with new_client() as signer:
            await _sign_in(signer, email, spec["therapist_password"])
            sessions.append(signer.cookies)
    results: dict[str, Any] = {}
    try:
        for route in spec["routes"]:
            results[route] = await _run_route(
                route, pool, walkers, sessions, think, warmup, duration
            )
    finally:
        for client in pool:
            await client.aclose()
    return results


async def _run_route(
    route: str,
    pool: list[Any],
    walkers: list[dict[str, Any]],
    sessions: list[Any],
    think: float,
    warmup: float,
    duration: float,
) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    cpu_before = time.process_time()
    start = loop.time()
    measure_from, stop_at = start + warmup, start + warmup + duration
    latencies: list[float] = []
    failures: dict[str, int] = {}

    async def one_client(index: int) -> None:
        client = pool[index]
        rng = random.Random(f"{route}:{index}")
        walker = walkers[index % len(walkers)]
        cookies = sessions[index % len(sessions)] if sessions else None
        minutes = 90.0
        await asyncio.sleep(rng.uniform(0, think))  # clients do not start in step
        while (sent := loop.time()) < stop_at:
            try:
                if route == "baseline":
                    answer = await client.get("/static/favicon.svg")
                    ok = answer.status_code == 200
                elif route == "log":
                    minutes = max(minutes - 0.05, 1.0)
                    body = _session_body(
                        walker["target"], datetime.now(UTC) - timedelta(minutes=minutes), rng
                    )
                    answer = await client.post(
                        f"/api/v1/walkers/{walker['walker_id']}/sessions",
                        json=body,
                        headers={"authorization": f"Bearer {walker['token']}"},
                    )
                    ok = answer.status_code == 201
                else:
                    answer = await client.get("/patients", cookies=cookies)
                    ok = answer.status_code == 200 and "<table" in answer.text
                outcome = "ok" if ok else f"HTTP {answer.status_code}: {answer.text[:200]}"
            except Exception as error:  # a refused or broken connection is a failure
                outcome = f"{type(error).__name__}: {error}"
            done = loop.time()
            if measure_from <= sent and done <= stop_at + 30:
                if outcome == "ok":
                    latencies.append(done - sent)
                else:
                    failures[outcome] = failures.get(outcome, 0) + 1
            if think > 0:
                await asyncio.sleep(rng.uniform(0.5, 1.5) * think)

    await asyncio.gather(*(one_client(i) for i in range(len(pool))))
    figures = summarize(latencies, failures, duration)
    # the driver's own CPU share (near 1.0: the driver, not the server, may be the bottleneck)
    figures["driver_cpu"] = (time.process_time() - cpu_before) / (loop.time() - start)
    return figures


def summarize(latencies: list[float], failures: dict[str, int], duration: float) -> dict[str, Any]:
    ms = sorted(x * 1000 for x in latencies)
    if len(ms) >= 2:
        p95 = statistics.quantiles(ms, n=20, method="inclusive")[18]
    else:
        p95 = ms[0] if ms else float("nan")
    return {
        "requests": len(ms),
        "failed": sum(failures.values()),
        "failures": dict(sorted(failures.items(), key=lambda kv: -kv[1])[:5]),
        "p50_ms": statistics.median(ms) if ms else float("nan"),
        "p95_ms": p95,
        "max_ms": ms[-1] if ms else float("nan"),
        "req_s": len(ms) / duration,
    }


def drive(spec: dict[str, Any]) -> dict[str, Any]:
    """Run the driver in a separate process (``load_bench.py drive``) and read its results."""
    answer = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "drive"],
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        check=False,
    )
    if answer.returncode != 0:
        raise RuntimeError(f"the driver failed: {answer.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(answer.stdout)
    return result


async def _therapist_cookies(base: str, emails: list[str], password: str) -> list[str]:
    """Each therapist's cookies after the sign-in form, as a ``Cookie`` header."""
    import httpx

    headers: list[str] = []
    for email in emails:
        async with httpx.AsyncClient(base_url=base, timeout=30.0) as client:
            await _sign_in(client, email, password)
            headers.append("; ".join(f"{c.name}={c.value}" for c in client.cookies.jar))
    return headers


def drive_wrk(spec: dict[str, Any], settle: Callable[[], float]) -> dict[str, Any]:
    """The routes of ``spec`` (what ``drive`` takes) measured with wrk (``load_wrk.py``);
    ``settle`` waits until the server is idle (wrk drops the requests under way at its end)."""
    clients: int = spec["clients"]
    therapists = spec["therapist_emails"][: min(len(spec["therapist_emails"]), clients)]
    cookies = asyncio.run(_therapist_cookies(spec["base"], therapists, spec["therapist_password"]))
    rng = random.Random("wrk")
    # client i is walker i, as in the httpx driver (wrapping round when clients outnumber them)
    chosen = [spec["walkers"][i % len(spec["walkers"])] for i in range(clients)]
    walkers = [
        {
            "path": f"/api/v1/walkers/{w['walker_id']}/sessions",
            "token": w["token"],
            "body": load_wrk.body_template(_session_body(w["target"], datetime.now(UTC), rng)),
            "duration_s": float(w["target"]["duration_s"]),
            "speed_m_s": w["target"].get("speed_m_s"),
        }
        for w in chosen
    ]
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="loadbench-wrk-") as folder:
        for route in spec["routes"]:
            results[route] = load_wrk.drive_route(
                spec["base"],
                route,
                clients,
                think=spec["think"],
                warmup=spec["warmup"],
                duration=spec["duration"],
                walkers=walkers,
                cookies=cookies,
                folder=Path(folder),
                settle=settle,
            )
    return results


def default_driver() -> str:
    return "wrk" if load_wrk.available() else "httpx"


# --- one benchmark ----------------------------------------------------------------------------


def run_backend(
    filled: Filled,
    clients: list[int],
    *,
    duration: float,
    think: float,
    warmup: float = 1.0,
    workers: int = 2,
    routes: tuple[str, ...] = ROUTES,
    pg_base: str = PG_BASE,
    driver: str = "httpx",
) -> list[dict[str, Any]]:
    """For each number of clients, every route's figures (one server per backend), measured
    with ``driver`` ("httpx": ``load_bench.py drive``; "wrk": ``load_wrk.py``)."""
    if driver not in DRIVERS:
        raise ValueError(f"driver: {driver!r} is not one of {', '.join(DRIVERS)}")
    from retrowalk.services.demo import THERAPIST_PASSWORD

    rows: list[dict[str, Any]] = []
    with (
        working_copy(filled, pg_base) as url,
        tempfile.TemporaryDirectory() as data,
        server(url, workers=workers, data_dir=Path(data)) as running,
    ):
        base = running.base
        for count in clients:
            spec = {
                "base": base,
                "clients": count,
                "think": think,
                "warmup": warmup,
                "duration": duration,
                "routes": list(routes),
                "walkers": [asdict(w) for w in filled.walkers],
                "therapist_emails": filled.therapist_emails,
                "therapist_password": THERAPIST_PASSWORD,
            }
            if driver == "httpx":
                figures = drive(spec)
            else:
                figures = drive_wrk(spec, settle=lambda: settle(running.pid))
            baseline = figures.get("baseline")
            for route, result in figures.items():
                row = {
                    "backend": filled.backend,
                    "clients": count,
                    "route": route,
                    "driver": driver,
                    **result,
                }
                if baseline and route != "baseline":
                    row["p50_x"] = result["p50_ms"] / baseline["p50_ms"]
                    row["p95_x"] = result["p95_ms"] / baseline["p95_ms"]
                rows.append(row)
    return rows


def report(rows: list[dict[str, Any]], fills: list[Filled], *, think: float) -> str:
    lines = ["Fill (cached between runs):"]
    for f in fills:
        state = f"cached, filled {f.filled_at[:16]}" if f.cached else "filled now"
        lines.append(
            f"  {f.backend:<10} {f.clinic.patients} patients x {f.clinic.weeks} weeks, "
            f"{f.clinic.therapists} therapists, {f.sessions} sessions: "
            f"fill {f.fill_s:.1f} s ({state})"
        )
    mode = f"think time {think:g} s (0.5-1.5x)" if think > 0 else "closed loop, no think time"
    drivers = sorted({r.get("driver", "httpx") for r in rows})
    lines.append(
        f"Driver: {', '.join(DRIVER_NAMES.get(d, d) for d in drivers)}. "
        f"Latency at the client, {mode}; x = ratio to the baseline's same percentile; "
        "drv cpu = the driver's CPU share (near 1: the driver is saturated)"
    )
    header = (
        f"{'backend':<10} {'clients':>7} {'route':<9} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'req/s':>7} {'failed':>6} {'p50 x':>6} {'p95 x':>6} {'drv cpu':>7}  target"
    )
    lines.append(header)
    for r in rows:
        x50 = f"{r['p50_x']:6.1f}" if "p50_x" in r else f"{'-':>6}"
        x95 = f"{r['p95_x']:6.1f}" if "p95_x" in r else f"{'-':>6}"
        verdict = (
            ""
            if r["route"] == "baseline"
            else ("met" if r["p95_ms"] < TARGET_P95_MS and not r["failed"] else "MISSED")
        )
        lines.append(
            f"{r['backend']:<10} {r['clients']:>7} {r['route']:<9} {r['p50_ms']:>8.1f} "
            f"{r['p95_ms']:>8.1f} {r['req_s']:>7.1f} {r['failed']:>6} {x50} {x95} "
            f"{r.get('driver_cpu', float('nan')):>7.2f}  {verdict}"
        )
        for failure, count in r["failures"].items():
            lines.append(f"    {count} x {failure}")
        if r.get("drain_s", 0) > 1:
            lines.append(
                f"    server busy {r['drain_s']:.0f} s after the run (requests wrk dropped)"
            )
        if r.get("corrected"):
            lines.append("    (wrk added corrected samples for answers over twice the cycle)")
    return "\n".join(lines)


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "retrowalk-loadbench"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Load benchmark: log a session and the therapist's patient list under "
        "N concurrent clients, on SQLite and PostgreSQL, against a static-file baseline."
    )
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument(
        "--clients", default="50,200", help="Concurrent clients, comma-separated (50,200)."
    )
    parser.add_argument(
        "--duration", type=float, default=10.0, help="Seconds measured per route (10)."
    )
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="Mean seconds a client waits between requests (1.0); 0 = closed loop.",
    )
    parser.add_argument("--workers", type=int, default=2, help="Server worker processes (2).")
    parser.add_argument(
        "--driver",
        choices=DRIVERS,
        default=None,
        help="Load generator: wrk (its Lua script load_wrk.lua; the default when wrk is on "
        "PATH) or httpx (an asyncio driver in its own process; the default otherwise).",
    )
    parser.add_argument(
        "--quick", action="store_true", help="A small clinic (12 patients x 3 weeks)."
    )
    parser.add_argument("--cache-dir", type=Path, default=default_cache_dir())
    parser.add_argument(
        "--pg-base", default=PG_BASE, help=f"PostgreSQL server URL, no database ({PG_BASE})."
    )
    parser.add_argument("--max-age-days", type=float, default=7.0, help="Refill older caches.")
    parser.add_argument("--refill", action="store_true", help="Fill again even when cached.")
    parser.add_argument("--json", type=Path, help="Also write the figures to this file.")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if arguments[:1] == ["drive"]:
        print(json.dumps(asyncio.run(_drive(json.loads(sys.stdin.read())))))
        return 0
    args = parse_args(arguments)
    clinic = QUICK if args.quick else FULL
    clients = [int(c) for c in args.clients.split(",") if c.strip()]
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    driver = args.driver or default_driver()
    if driver == "wrk" and not load_wrk.available():
        raise SystemExit("--driver wrk: wrk is not on PATH (Debian: apt-get install wrk)")
    fills: list[Filled] = []
    rows: list[dict[str, Any]] = []
    for backend in backends:
        started = time.perf_counter()
        filled = fill(
            backend,
            clinic,
            args.cache_dir,
            pg_base=args.pg_base,
            max_age_days=args.max_age_days,
            refill=args.refill,
        )
        state = "cached" if filled.cached else f"filled in {filled.fill_s:.1f} s"
        print(f"{backend}: clinic {state} ({time.perf_counter() - started:.1f} s)", flush=True)
        fills.append(filled)
        rows += run_backend(
            filled,
            clients,
            duration=args.duration,
            think=args.think,
            workers=args.workers,
            pg_base=args.pg_base,
            driver=driver,
        )
    print(report(rows, fills, think=args.think))
    if args.json:
        kept = [{k: v for k, v in asdict(f).items() if k != "walkers"} for f in fills]
        args.json.write_text(json.dumps({"rows": rows, "fills": kept}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

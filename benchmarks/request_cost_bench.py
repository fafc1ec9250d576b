"""CPU cost of one request, in process: "log a session" and "therapist patient list" (issue 4).

The load benchmark (``load_bench.py``) measures latency under many clients; this one measures
what each of its two routes costs the server, without HTTP or other processes in the way: the
app runs in this process (FastAPI's TestClient) on a copy of a small demo clinic (``--patients``
patients of one therapist, ``--weeks`` weeks of history; filled once and cached under
``~/.cache/retrowalk-requestbench`` and in the PostgreSQL database ``retrowalk_requestbench``),
and the CPU time (``time.process_time``, every thread of the process) of each request is taken
around the client call. Routes, each ``--requests`` times after ``--warmup`` unmeasured ones:

- static: ``GET /static/favicon.svg`` (no database, no template): the baseline;
- log: ``POST /api/v1/walkers/{id}/sessions`` with a walker's API token (round-robin over the
  walkers; the session they were asked to do, performed minutes ago; expects 201);
- patients: ``GET /patients`` with the therapist's session cookie (signed in through the form;
  expects 200), and the number of SQL statements it sends.

``--against REV`` measures the code of git revision REV too (its ``src`` exported to a temporary
folder), alternating with the working tree's code in rounds (which one goes first alternates
too), each on a fresh copy of the database: the comparison is made in the same run, and the
ratio now/REV is printed. The machine is shared: a route whose code did not change shows the
noise (+-10 % and more with 6 x 8 requests); prefer many short rounds to a few long ones.

Usage: ``.venv/bin/python benchmarks/request_cost_bench.py [--backend both] [--against main]
[--patients 50] [--weeks 52] [--requests 21] [--rounds 2]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import load_bench  # noqa: E402 - the fill, the database copies and the session body

CACHE = Path.home() / ".cache" / "retrowalk-requestbench"
PG_NAME = "retrowalk_requestbench"
ROUTES = ("static", "log", "patients")


# --- fill (cached) ----------------------------------------------------------------------------


def filled(backend: str, clinic: load_bench.Clinic, *, max_age_days: float = 7.0) -> dict[str, Any]:
    """The marker of the cached clinic (its URL, walkers and tokens); filled when missing."""
    CACHE.mkdir(parents=True, exist_ok=True)
    marker = CACHE / f"clinic-{clinic.tag}-{backend}.json"
    if backend == "sqlite":
        path = CACHE / f"clinic-{clinic.tag}.sqlite"
        url = f"sqlite:///{path}"
        present = path.exists()
    else:
        name = f"{PG_NAME}_{clinic.patients}x{clinic.weeks}"
        url = f"{load_bench.PG_BASE}/{name}"
        present = load_bench._pg_exists(load_bench.PG_BASE, name)
    if marker.exists() and present:
        saved: dict[str, Any] = json.loads(marker.read_text())
        age = datetime.now(UTC) - datetime.fromisoformat(saved["filled_at"])
        if age < timedelta(days=max_age_days):
            return saved
    marker.unlink(missing_ok=True)
    if backend == "sqlite":
        for stale in path.parent.glob(path.name + "*"):
            stale.unlink()
    else:
        load_bench._pg_recreate(load_bench.PG_BASE, name)
    started = time.perf_counter()
    print(f"filling {clinic.tag} on {backend} (once) ...", file=sys.stderr, flush=True)
    saved = load_bench._fill_now(url, clinic, CACHE)
    saved["fill_s"] = time.perf_counter() - started
    saved["url"] = url
    marker.write_text(json.dumps(saved))
    return saved


def copy_of(saved: dict[str, Any], folder: Path, tag: str) -> str:
    """A fresh copy of the cached database (what a measurement writes is thrown away)."""
    url: str = saved["url"]
    if url.startswith("sqlite"):
        import sqlite3

        source = Path(url.removeprefix("sqlite:///"))
        target = folder / f"{tag}.sqlite"
        with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
            origin.backup(copy)
        copy.close()
        origin.close()
        return f"sqlite:///{target}"
    name = f"{url.rsplit('/', 1)[1]}_{tag}"
    load_bench._pg_recreate(load_bench.PG_BASE, name, template=url.rsplit("/", 1)[1])
    return f"{load_bench.PG_BASE}/{name}"


def drop_copy(url: str) -> None:
    if not url.startswith("sqlite"):
        load_bench._pg_drop(load_bench.PG_BASE, url.rsplit("/", 1)[1])


# --- one measurement (runs in its own process: ``measure``) -----------------------------------


def measure(spec: dict[str, Any]) -> dict[str, Any]:
    """CPU seconds of each request of each route, with the code importable as ``retrowalk``."""
    from fastapi.testclient import TestClient
    from sqlalchemy import event

    from retrowalk.bootstrap import build_services
    from retrowalk.services.demo import THERAPIST_PASSWORD
    from retrowalk.settings import Settings
    from retrowalk.web.app import create_app
    from retrowalk.web.config import WebSettings

    data_dir = Path(spec["data_dir"])
    services = build_services(Settings(database_url=spec["url"], data_dir=data_dir))
    app = create_app(services, settings=WebSettings(secret_key="bench-" + "k" * 40))
    engine = services._factory.kw["bind"]
    statements = [0]

    @event.listens_for(engine, "before_cursor_execute")
    def _count(*_args: Any) -> None:
        statements[0] += 1

    rng = random.Random(0)
    walkers: list[dict[str, Any]] = spec["walkers"]
    total = spec["warmup"] + spec["requests"]
    moment = datetime.now(UTC) - timedelta(minutes=5 * total + 10)
    results: dict[str, Any] = {}
    with TestClient(app, base_url="http://127.0.0.1") as client:
        page = client.get("/sign-in")
        found = load_bench.CSRF_INPUT.search(page.text)
        assert found is not None, page.status_code
        answer = client.post(
            "/sign-in",
            data={
                "email": spec["therapist_email"],
                "password": THERAPIST_PASSWORD,
                "csrf_token": found.group(1),
            },
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text

        def static(_index: int) -> Any:
            return client.get("/static/favicon.svg"), 200

        def log(index: int) -> Any:
            walker = walkers[index % len(walkers)]
            when = moment + timedelta(minutes=5 * index)
            body = load_bench._session_body(walker["target"], when, rng)
            headers = {"authorization": f"Bearer {walker['token']}"}
            url = f"/api/v1/walkers/{walker['walker_id']}/sessions"
            return client.post(url, json=body, headers=headers), 201

        def patients(_index: int) -> Any:
            return client.get("/patients"), 200

        for name, call in (("static", static), ("log", log), ("patients", patients)):
            cpu: list[float] = []
            queries: list[int] = []
            for index in range(total):
                statements[0] = 0
                started = time.process_time()
                response, expected = call(index)
                spent = time.process_time() - started
                if response.status_code != expected:
                    raise RuntimeError(f"{name}: {response.status_code} {response.text[:300]}")
                if index >= spec["warmup"]:
                    cpu.append(spent)
                    queries.append(statements[0])
            results[name] = {"cpu_s": cpu, "statements": queries}
    services.close()
    return results


def run_measure(
    src: Path, saved: dict[str, Any], folder: Path, tag: str, requests: int, warmup: int
) -> dict[str, Any]:
    url = copy_of(saved, folder, tag)
    try:
        spec = {
            "url": url,
            "data_dir": str(folder / f"data-{tag}"),
            "walkers": saved["walkers"],
            "therapist_email": saved["therapist_emails"][0],
            "requests": requests,
            "warmup": warmup,
        }
        env = dict(os.environ, PYTHONPATH=str(src))
        done = subprocess.run(
            [sys.executable, __file__, "measure", json.dumps(spec)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"measurement {tag} failed:\n{done.stderr[-3000:]}")
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return result
    finally:
        drop_copy(url)


def export_src(rev: str, folder: Path) -> Path:
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "src"], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder / "rev", filter="data")
    return folder / "rev" / "src"


# --- report -----------------------------------------------------------------------------------


def _ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--against", metavar="REV", help="also measure this git revision")
    parser.add_argument("--patients", type=int, default=50)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--requests", type=int, default=21)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--json", type=Path, help="write the raw figures here")
    args = parser.parse_args()
    clinic = load_bench.Clinic(patients=args.patients, therapists=1, weeks=args.weeks)
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    raw: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="requestbench-") as temp:
        folder = Path(temp)
        variants = {"now": ROOT / "src"}
        if args.against:
            variants = {args.against: export_src(args.against, folder), **variants}
        for backend in backends:
            saved = filled(backend, clinic)
            merged: dict[str, dict[str, dict[str, list[float]]]] = {}
            for round_number in range(args.rounds):
                order = list(variants.items())
                if round_number % 2:  # alternate which variant goes first
                    order.reverse()
                for label, src in order:
                    tag = f"r{round_number}{'a' if label == 'now' else 'b'}"
                    result = run_measure(src, saved, folder, tag, args.requests, args.warmup)
                    for route, figures in result.items():
                        into = merged.setdefault(label, {}).setdefault(route, {})
                        for key, values in figures.items():
                            into.setdefault(key, []).extend(values)
            raw[backend] = merged
            print(
                f"\n{backend}: {clinic.patients} patients x {clinic.weeks} weeks, "
                f"{args.rounds} x {args.requests} requests per route and variant; CPU ms per "
                "request (median), x static file, SQL statements (median)"
            )
            for label, routes in merged.items():
                static = _ms(routes["static"]["cpu_s"])
                cells = [f"static {static:.2f}"]
                for route in ("log", "patients"):
                    cost = _ms(routes[route]["cpu_s"])
                    count = statistics.median(routes[route]["statements"])
                    cells.append(f"{route} {cost:.2f} (x{cost / static:.1f}, {count:.0f} sql)")
                print(f"  {label:>12}: " + "; ".join(cells))
            if args.against:
                before, after = merged[args.against], merged["now"]
                ratios = [
                    f"{route} {_ms(after[route]['cpu_s']) / _ms(before[route]['cpu_s']):.2f}"
                    for route in ("log", "patients")
                ]
                print(f"  {'now/' + args.against:>12}: " + "; ".join(ratios))
    if args.json:
        args.json.write_text(json.dumps(raw))


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "measure":
        print(json.dumps(measure(json.loads(sys.argv[2]))))
    else:
        main()

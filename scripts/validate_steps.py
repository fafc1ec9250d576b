"""Validate bouts, steps and cadence of ``analyze_motion`` on the real labelled walks.

Usage (from the worktree root):
    /work/venv/bin/python scripts/validate_steps.py [--dataset phone-steps|waist-imu|all]
        [--set StepCounter.min_prominence_rel=0.4 ...] [--per-walk]

Prints, per placement and per data set: mean absolute % step error, median, worst (signed),
mean signed error, and bout timing errors (start and end of the walking found around the
labelled walk). Two references:
- ``published``: the data set's own ``steps_true``.
- ``reference``: phone-steps with foot-switch bounces removed (a foot "off" for under 0.15 s);
  waist-imu counting only footsteps inside the labelled walk (trials.csv's steps_true also
  counts shuffling steps after the walk's end, which are not walking bouts).
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from scipy.ndimage import uniform_filter1d

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import real_walks

from retrowalk.sensing.bouts import BoutDetector
from retrowalk.sensing.gait import GaitAnalysis, analyze_motion
from retrowalk.sensing.resample import Resampler
from retrowalk.sensing.steps import StepCounter


@dataclass(frozen=True)
class WalkResult:
    dataset: str
    name: str
    group: str
    age: int | None
    steps_true: int
    steps_reference: int
    steps_found: int
    n_bouts: int
    start_error_s: float  # found walking start minus labelled start (nan if nothing found)
    end_error_s: float
    cadence_error_pct: float
    steps_outside: int  # steps found more than 1 s outside the labelled walk

    @property
    def error_pct(self) -> float:
        return 100.0 * (self.steps_found - self.steps_true) / self.steps_true

    @property
    def reference_error_pct(self) -> float:
        return 100.0 * (self.steps_found - self.steps_reference) / self.steps_reference


def evaluate(walk: real_walks.LabelledWalk, analysis: GaitAnalysis) -> WalkResult:
    a, b = walk.walk_start_s, walk.walk_end_s
    overlapping = [x for x in analysis.bouts if x.end_s > a and x.start_s < b]
    start_err = min(x.start_s for x in overlapping) - a if overlapping else float("nan")
    end_err = max(x.end_s for x in overlapping) - b if overlapping else float("nan")
    times = (
        np.concatenate([x.step_times_s for x in analysis.bouts]) if analysis.bouts else np.zeros(0)
    )
    outside = int(np.sum((times < a - 1.0) | (times > b + 1.0)))
    truth = walk.step_times_s[(walk.step_times_s >= a - 0.05) & (walk.step_times_s <= b + 0.05)]
    # reference steps (no switch bounces) over the time from the first to the last step
    true_cadence = 60.0 * (walk.steps_reference - 1) / (truth[-1] - truth[0])
    found_steps = sum(x.steps for x in overlapping)
    found_time = sum(x.duration_s for x in overlapping)
    cadence_err = (
        100.0 * (60.0 * found_steps / found_time - true_cadence) / true_cadence
        if found_time > 0
        else float("nan")
    )
    return WalkResult(
        dataset=walk.dataset,
        name=walk.name,
        group=walk.group,
        age=walk.age,
        steps_true=walk.steps_true,
        steps_reference=walk.steps_reference,
        steps_found=analysis.total_steps,
        n_bouts=len(analysis.bouts),
        start_error_s=start_err,
        end_error_s=end_err,
        cadence_error_pct=cadence_err,
        steps_outside=outside,
    )


def _apply_overrides(pairs: Iterable[str]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for pair in pairs:
        key, value = pair.split("=", 1)
        cls, param = key.split(".", 1)
        out[cls][param] = float(value)
    return out


def without_gravity(walk: real_walks.LabelledWalk) -> real_walks.LabelledWalk:
    """The walk as a gravity-free ("linear acceleration") recording: a 2 s moving mean removed.

    Phones estimate gravity by sensor fusion; a moving mean is a rough stand-in, used here only
    to check the gravity-free path of the step signal on real motion.
    """
    rec = walk.recording
    rate_hz = (rec.n_samples - 1) / rec.duration_s
    size = max(round(2.0 * rate_hz), 1)
    gravity = uniform_filter1d(rec.acc_m_s2, size=size, axis=0, mode="nearest")
    linear = replace(rec, acc_m_s2=rec.acc_m_s2 - gravity, gravity_included=False)
    return replace(walk, recording=linear)


def run(
    walks: Iterable[real_walks.LabelledWalk], overrides: dict[str, dict[str, float]] | None = None
) -> Iterator[WalkResult]:
    o = overrides or {}
    resampler = Resampler(**o.get("Resampler", {}))  # type: ignore[arg-type]
    bouts = BoutDetector(**o.get("BoutDetector", {}))  # type: ignore[arg-type]
    steps = StepCounter(**o.get("StepCounter", {}))  # type: ignore[arg-type]
    for walk in walks:
        analysis = analyze_motion(
            walk.recording, resampler=resampler, bout_detector=bouts, step_counter=steps
        )
        yield evaluate(walk, analysis)


def _summary_row(label: str, rs: list[WalkResult]) -> str:
    e = np.array([r.error_pct for r in rs])
    f = np.array([r.reference_error_pct for r in rs])
    start = np.array([r.start_error_s for r in rs])
    end = np.array([r.end_error_s for r in rs])
    cad = np.array([r.cadence_error_pct for r in rs])
    worst = e[np.argmax(np.abs(e))]
    worst_f = f[np.argmax(np.abs(f))]
    return (
        f"{label:<14}{len(rs):>4} | {np.mean(np.abs(e)):6.2f} {np.median(np.abs(e)):6.2f} "
        f"{worst:+7.2f} {np.mean(e):+6.2f} | {np.mean(np.abs(f)):6.2f} {np.median(np.abs(f)):6.2f} "
        f"{worst_f:+7.2f} {np.mean(f):+6.2f} | {np.nanmedian(np.abs(start)):5.2f} "
        f"{np.nanmedian(np.abs(end)):5.2f} {np.nanmax(np.abs(np.r_[start, end])):5.2f} | "
        f"{np.nanmean(np.abs(cad)):5.2f} | {sum(r.n_bouts != 1 for r in rs):>3} "
        f"{sum(r.steps_outside for r in rs):>4}"
    )


HEADER = (
    f"{'group':<14}{'n':>4} | {'published truth':^28} | {'reference truth':^28} | "
    f"{'bout time err s':^17} | {'cad%':^5} | {'!=1':>3} {'out':>4}\n"
    f"{'':<14}{'':>4} | {'mean':>6} {'median':>6} {'worst':>7} {'bias':>6} | "
    f"{'mean':>6} {'median':>6} {'worst':>7} {'bias':>6} | {'start':>5} {'end':>5} {'max':>5} | "
    f"{'mean':>5} | {'':>3} {'':>4}"
)


def report(results: list[WalkResult], per_walk: bool = False) -> str:
    lines = [
        "Step error % = 100 * (found - true) / true;",
        "mean/median of |error|; worst and bias (mean) signed.",
        "Bout time err: |found walking start/end - labelled| (median, and max over both ends).",
        "cad%: mean |cadence error|: found steps / found bout time vs reference steps / time",
        "  from first to last true step.",
        "!=1: walks not found as exactly one bout; out: steps found > 1 s outside the walk.",
        "",
        HEADER,
    ]
    by_dataset: dict[str, list[WalkResult]] = defaultdict(list)
    for r in results:
        by_dataset[r.dataset].append(r)
    for dataset, rs in by_dataset.items():
        lines.append(f"-- {dataset}")
        groups: dict[str, list[WalkResult]] = defaultdict(list)
        for r in rs:
            groups[r.group].append(r)
        for group in sorted(groups):
            lines.append(_summary_row(group, groups[group]))
        if dataset == "waist-imu":
            for lo, hi in ((20, 40), (40, 60), (60, 80)):
                band = [r for r in rs if r.age is not None and lo <= r.age < hi]
                if band:
                    lines.append(_summary_row(f"age {lo}-{hi - 1}", band))
        lines.append(_summary_row(f"ALL {dataset}", rs))
    if per_walk:
        lines.append("")
        for r in results:
            lines.append(
                f"{r.name:<36}{r.group:<12} true {r.steps_true:>4} ref {r.steps_reference:>4} "
                f"found {r.steps_found:>4} "
                f"({r.error_pct:+6.2f} % / {r.reference_error_pct:+6.2f} %)"
                f" bouts {r.n_bouts} start {r.start_error_s:+5.2f} end {r.end_error_s:+5.2f}"
                f" out {r.steps_outside}"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=["phone-steps", "waist-imu", "all"], default="all")
    parser.add_argument("--set", action="append", default=[], metavar="Class.param=value")
    parser.add_argument("--per-walk", action="store_true")
    parser.add_argument(
        "--gravity-free", action="store_true", help="remove gravity first (linear acceleration)"
    )
    args = parser.parse_args()
    walks: list[Iterable[real_walks.LabelledWalk]] = []
    if args.dataset in ("phone-steps", "all"):
        walks.append(real_walks.phone_steps())
    if args.dataset in ("waist-imu", "all"):
        walks.append(real_walks.waist_imu())
    overrides = _apply_overrides(args.set)
    if args.gravity_free:
        walks = [map(without_gravity, source) for source in walks]
    results = [r for source in walks for r in run(source, overrides)]
    print(report(results, per_walk=args.per_walk))


if __name__ == "__main__":
    main()

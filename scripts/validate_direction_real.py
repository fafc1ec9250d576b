"""Validate direction detection on real forward walks (issue 7, validation 1): none is backward.

    PYTHONPATH=src python scripts/validate_direction_real.py [--quick]

Data (../shared/data):

- ``waist-imu/``: 70 trials, 12 adults, lower-back Xsens (acc + gyro, 100 Hz; time from the
  packet counter, repeated packets dropped): stand, walk 10 m, U-turn, walk 10 m back. Walking
  time = the labelled walk minus the labelled U-turn. Trials n and n+1 (1-2, 3-4, 5-6) share
  one attachment of the sensor; it was re-attached between pairs. ``9-3`` is a byte-identical
  copy of the start of ``9-4``: that pair never calibrates itself.
- ``phone-steps/``: 48 phone walks of 2-3 min in 7 placements, accelerometer only.

Figures: share of walking time called backward (with confidence), share called forward
(coverage), the longest stretch called backward (a trial with one of 10 s or more fails),
per condition:

- ``uncalibrated``;
- ``other attachment``: calibrated on each other trial of the same person from another pair
  (sensor re-attached);
- ``same attachment``: calibrated on the paired trial (sensor not re-attached);
- ``same recording``: the first straight walk declared as warm-up (``warmup_s``), judged on
  the walk after the U-turn;
- ``turned round``: the paired trial's calibration with its forward direction reversed, as if
  the sensor had been worn turned round about the vertical (the worst re-attachment);
- ``pitch only``: other-attachment calibrations with the travel direction disabled
  (``tilt_match_deg=0``): the pitch cue alone, as for a sensor worn with another tilt, judged
  per bout at the default ``far_margin`` and at 0.2-0.7 (``pitch fm``).

phone-steps: uncalibrated, warm-up (first 30 s of each walk), and a calibration from another
walk of the same walker and placement.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from real_walks import DATA_DIR, LabelledWalk, phone_steps, waist_imu

from retrowalk.domain.models import WalkDirection
from retrowalk.errors import InvalidInput
from retrowalk.sensing.direction import DirectionDetector, DirectionResult
from retrowalk.sensing.direction_calibration import Calibration
from retrowalk.sensing.gait import WalkingBout, analyze_motion

BACKWARD_BOUT_LIMIT_S = 10.0
PHONE_WARMUP_S = 30.0
PITCH_ONLY_MARGINS: tuple[float | None, ...] = (None, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
"""Bout margins of the pitch cue alone; None: the detector's default for the placement."""


@dataclass
class Tally:
    """Seconds of evaluated walking and of each call, over many (trial, calibration) runs."""

    walking_s: float = 0.0
    backward_s: float = 0.0
    forward_s: float = 0.0
    sideways_s: float = 0.0
    runs: int = 0
    longest_backward_s: float = 0.0
    failing: list[str] = field(default_factory=list)
    refused: int = 0

    def add(self, other: Tally) -> None:
        self.walking_s += other.walking_s
        self.backward_s += other.backward_s
        self.forward_s += other.forward_s
        self.sideways_s += other.sideways_s
        self.runs += other.runs
        self.longest_backward_s = max(self.longest_backward_s, other.longest_backward_s)
        self.failing += other.failing
        self.refused += other.refused

    def line(self) -> str:
        w = max(self.walking_s, 1e-9)
        return (
            f"runs {self.runs:4d}  walking {self.walking_s / 60:6.1f} min  backward "
            f"{100 * self.backward_s / w:5.2f} %  forward {100 * self.forward_s / w:5.1f} %  "
            f"sideways {100 * self.sideways_s / w:4.1f} %  longest backward "
            f"{self.longest_backward_s:4.1f} s  trials with >= {BACKWARD_BOUT_LIMIT_S:g} s: "
            f"{len(set(self.failing))}"
            + (f"  (calibration refused {self.refused})" if self.refused else "")
        )


def score(result: DirectionResult, spans: Iterable[tuple[float, float]], name: str) -> Tally:
    """Intersect the calls of ``result`` with the evaluated walking ``spans`` (seconds)."""
    tally = Tally(runs=1)
    spans = list(spans)
    tally.walking_s = sum(b - a for a, b in spans)
    back_runs: list[tuple[float, float]] = []
    for w in result.windows:
        inside = sum(max(0.0, min(w.end_s, b) - max(w.start_s, a)) for a, b in spans)
        if w.direction is WalkDirection.BACKWARD:
            tally.backward_s += inside
            if inside > 0:
                if back_runs and abs(back_runs[-1][1] - w.start_s) < 1e-6:
                    back_runs[-1] = (back_runs[-1][0], w.end_s)
                else:
                    back_runs.append((w.start_s, w.end_s))
        elif w.direction is WalkDirection.FORWARD:
            tally.forward_s += inside
        elif w.direction is WalkDirection.SIDEWAYS:
            tally.sideways_s += inside
    longest = max((b - a for a, b in back_runs), default=0.0)
    tally.longest_backward_s = longest
    if longest >= BACKWARD_BOUT_LIMIT_S:
        tally.failing.append(name)
    return tally


@dataclass(frozen=True)
class Trial:
    walk: LabelledWalk
    bouts: tuple[WalkingBout, ...]
    walk_spans: tuple[tuple[float, float], ...]  # labelled walking minus the U-turn
    second_walk: tuple[float, float]
    uturn_start_s: float

    @property
    def subject(self) -> str:
        return self.walk.subject

    @property
    def pair(self) -> tuple[str, int]:
        return self.subject, (int(self.walk.name.split("-")[1]) - 1) // 2


def load_waist(quick: bool) -> list[Trial]:
    rows = {r["trial"]: r for r in csv.DictReader((DATA_DIR / "waist-imu" / "trials.csv").open())}
    names = None
    if quick:
        names = {f"{s}-{k}" for s in (1, 4, 6, 9) for k in range(1, 7)}
    trials = []
    for walk in waist_imu(names=names):
        row = rows[walk.name]
        us, ue = float(row["uturn_start_s"]), float(row["uturn_end_s"])
        ws, we = float(row["walk_start_s"]), float(row["walk_end_s"])
        bouts = analyze_motion(walk.recording).bouts
        trials.append(Trial(walk, bouts, ((ws, us), (ue, we)), (ue, we), us))
    return trials


def calibrate_on(detector: DirectionDetector, trial: Trial) -> Calibration | None:
    try:
        return detector.calibrate(trial.walk.recording, trial.bouts)
    except InvalidInput:
        return None


def waist_report(trials: list[Trial]) -> dict[str, Tally]:
    det = DirectionDetector(placement="auto")
    pitch_only = {
        fm: DirectionDetector(placement="auto", tilt_match_deg=0.0, far_margin=fm)
        for fm in PITCH_ONLY_MARGINS
    }
    cals = {t.walk.name: calibrate_on(det, t) for t in trials}
    conditions = (
        "uncalibrated",
        "other attachment",
        "same attachment",
        "same recording",
        "turned round",
        "pitch only",
        *(f"pitch fm {fm:.1f}" for fm in PITCH_ONLY_MARGINS if fm is not None),
    )
    totals = {c: Tally() for c in conditions}
    per_subject: dict[tuple[str, str], Tally] = {}
    placements: dict[str, int] = {}
    for t in trials:
        name = t.walk.name
        rec = t.walk.recording

        def add(cond: str, tally: Tally, t: Trial = t) -> None:
            totals[cond].add(tally)
            per_subject.setdefault((cond, t.subject), Tally()).add(tally)

        res = det.detect(rec, t.bouts)
        placements[res.placement] = placements.get(res.placement, 0) + 1
        add("uncalibrated", score(res, t.walk_spans, name))
        for other in trials:
            if other.subject != t.subject or other is t:
                continue
            if {name, other.walk.name} == {"9-3", "9-4"}:
                continue
            cal = cals[other.walk.name]
            same_pair = other.pair == t.pair
            if cal is None:
                totals["same attachment" if same_pair else "other attachment"].refused += 1
                continue
            if same_pair:
                add("same attachment", score(det.detect(rec, t.bouts, cal), t.walk_spans, name))
                if cal.forward_sensor is not None:
                    f = cal.forward_sensor
                    flipped = replace(cal, forward_sensor=(-f[0], -f[1], -f[2]))
                    res = det.detect(rec, t.bouts, flipped)
                    add("turned round", score(res, t.walk_spans, name))
            else:
                add("other attachment", score(det.detect(rec, t.bouts, cal), t.walk_spans, name))
                for fm, detector in pitch_only.items():
                    res = detector.detect(rec, t.bouts, cal)
                    cond = "pitch only" if fm is None else f"pitch fm {fm:.1f}"
                    add(cond, score(res, t.walk_spans, name))
        if name != "9-3":
            warm = t.uturn_start_s - float(rec.time_s[0])
            res = det.detect(rec, t.bouts, warmup_s=warm)
            if res.calibration_source != "warm-up":
                totals["same recording"].refused += 1
            add("same recording", score(res, (t.second_walk,), name))
    print(f"\n=== waist-imu: {len(trials)} trials; placement found: {placements} ===")
    for cond, tally in totals.items():
        print(f"  {cond:17s} {tally.line()}")
    print("  per subject (backward % of walking time):")
    subjects = sorted({t.subject for t in trials}, key=int)
    print("    subject " + " ".join(f"{c[:12]:>13s}" for c in conditions))
    for s in subjects:
        cells = []
        for c in conditions:
            tl = per_subject.get((c, s))
            cells.append(
                f"{100 * tl.backward_s / tl.walking_s:13.2f}"
                if tl and tl.walking_s
                else f"{'-':>13s}"
            )
        print(f"    {s:>7s} " + " ".join(cells))
    return totals


def phone_report(quick: bool) -> dict[str, Tally]:
    det = DirectionDetector(placement="auto")
    names = None
    if quick:
        rows = list(csv.DictReader((DATA_DIR / "phone-steps" / "recordings.csv").open()))
        names = {r["recording"] for r in rows if r["recording"].endswith(("_1", "_2"))}
    walks = []
    for walk in phone_steps(names=names):
        bouts = analyze_motion(walk.recording).bouts
        walks.append((walk, bouts))
    conditions = ("uncalibrated", "warm-up 30 s", "other walk")
    by_place: dict[tuple[str, str], Tally] = {}
    totals = {c: Tally() for c in conditions}
    found: dict[str, dict[str, int]] = {}
    for walk, bouts in walks:
        rec, place = walk.recording, walk.group
        span = ((walk.walk_start_s, walk.walk_end_s),)
        res = det.detect(rec, bouts)
        found.setdefault(place, {}).setdefault(res.placement, 0)
        found[place][res.placement] += 1
        runs = {"uncalibrated": [res]}
        runs["warm-up 30 s"] = [det.detect(rec, bouts, warmup_s=PHONE_WARMUP_S)]
        runs["other walk"] = []
        for other, other_bouts in walks:
            if other is walk or other.group != place or other.subject != walk.subject:
                continue
            try:
                cal = det.calibrate(other.recording, other_bouts)
            except InvalidInput:
                totals["other walk"].refused += 1
                continue
            runs["other walk"].append(det.detect(rec, bouts, cal))
        for cond, results in runs.items():
            for r in results:
                spans = span
                if cond.startswith("warm-up"):
                    spans = ((max(walk.walk_start_s, PHONE_WARMUP_S), walk.walk_end_s),)
                tally = score(r, spans, walk.name)
                totals[cond].add(tally)
                by_place.setdefault((cond, place), Tally()).add(tally)
    print(f"\n=== phone-steps: {len(walks)} walks (accelerometer only) ===")
    for cond, tally in totals.items():
        print(f"  {cond:14s} {tally.line()}")
    print("  per placement: backward % / forward % of walking time; placement found")
    for place in sorted(found):
        cells = []
        for c in conditions:
            tl = by_place.get((c, place))
            if tl and tl.walking_s:
                cells.append(
                    f"{c}: {100 * tl.backward_s / tl.walking_s:5.2f} / "
                    f"{100 * tl.forward_s / tl.walking_s:5.1f}"
                )
        print(f"    {place:12s} {'  '.join(cells)}  found {found[place]}")
    return totals


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="4 subjects, 2 walks per placement")
    ap.add_argument("--no-phone", action="store_true")
    args = ap.parse_args()
    waist_report(load_waist(args.quick))
    if not args.no_phone:
        phone_report(args.quick)


if __name__ == "__main__":
    main()

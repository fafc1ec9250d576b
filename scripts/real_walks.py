"""Load the two labelled walking data sets of ../shared/data for validation (not a product reader).

- ``phone-steps/``: 48 Android walks, 7 placements, true steps from foot switches.
- ``waist-imu/``: 70 lower-back Xsens trials (100 Hz, acc + gyro), 10 m - U-turn - 10 m.

Each walk comes back as a :class:`LabelledWalk`: a :class:`MotionRecording` plus its truth
(steps, walking start and end in recording seconds, and the step times when known).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from retrowalk.sensing.recording import MotionRecording

MIN_SWING_S = 0.15
DATA_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@dataclass(frozen=True)
class LabelledWalk:
    dataset: str
    name: str
    group: str  # placement (phone-steps) or "waist" (waist-imu)
    subject: str
    age: int | None
    recording: MotionRecording
    steps_true: int
    steps_reference: int  # phone: foot-switch bounces removed; waist: steps inside the walk
    walk_start_s: float
    walk_end_s: float
    step_times_s: NDArray[np.float64]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


def _foot_switch_steps(
    switches: NDArray[np.float64], t0_ns: float
) -> tuple[NDArray[np.float64], int]:
    """All 0 -> 1 foot-switch changes (the published truth) and the count without bounces.

    Some walks (Pixel armband and swinging arm) hold switch bounces: a foot "off" for under
    0.1 s, then "on" again. A real swing lasts about 0.35-0.45 s, so a contact that follows less
    than ``MIN_SWING_S`` of "off" is the same step, not a new one.
    """
    t_ns = switches[:, 0]
    steps: list[NDArray[np.float64]] = []
    debounced = 0
    for foot in (1, 2):
        change = np.diff(switches[:, foot])
        on_ns = t_ns[1:][change == 1]
        off_ns = t_ns[1:][change == -1]
        steps.append(on_ns)
        prev_off = np.searchsorted(off_ns, on_ns) - 1
        off_for_s = np.where(
            prev_off >= 0, (on_ns - off_ns[np.clip(prev_off, 0, None)]) / 1e9, np.inf
        )
        debounced += int(np.sum(off_for_s >= MIN_SWING_S))
    return (np.sort(np.concatenate(steps)) - t0_ns) / 1e9, debounced


def phone_steps(data_dir: Path = DATA_DIR, names: set[str] | None = None) -> Iterator[LabelledWalk]:
    root = data_dir / "phone-steps"
    for row in _rows(root / "recordings.csv"):
        if names is not None and row["recording"] not in names:
            continue
        folder = root / row["recording"]
        raw = np.loadtxt(folder / "accelerometer.csv", delimiter=",", dtype=np.float64)
        t_ns = raw[:, 0]
        order = np.argsort(t_ns, kind="stable")
        raw, t_ns = raw[order], t_ns[order]
        keep = np.r_[True, np.diff(t_ns) > 0]  # drop duplicated timestamps
        raw, t_ns = raw[keep], t_ns[keep]
        t0_ns = t_ns[0]
        switches = np.loadtxt(folder / "stepcounter.csv", delimiter=",", dtype=np.float64)
        step_times, debounced = _foot_switch_steps(switches, t0_ns)
        recording = MotionRecording(
            time_s=(t_ns - t0_ns) / 1e9,
            acc_m_s2=raw[:, 2:5].copy(),
            gyro_rad_s=None,
            gravity_included=True,
            source_format="oxford-step-counter",
        )
        yield LabelledWalk(
            dataset="phone-steps",
            name=row["recording"],
            group=row["placement"],
            subject=row["walker"],
            age=None,
            recording=recording,
            steps_true=int(row["steps_true"]),
            steps_reference=debounced,
            walk_start_s=float(step_times[0]),
            walk_end_s=float(step_times[-1]),
            step_times_s=step_times,
        )


def waist_imu(data_dir: Path = DATA_DIR, names: set[str] | None = None) -> Iterator[LabelledWalk]:
    root = data_dir / "waist-imu"
    for row in _rows(root / "trials.csv"):
        if names is not None and row["trial"] not in names:
            continue
        raw = np.loadtxt(root / f"{row['trial']}_lb.txt", skiprows=2, dtype=np.float64)
        rate_hz = 100.0
        # The packet counter is the clock (the sensor drops packets; the foot events and
        # trials.csv times follow the counter, not the row number). Drop repeated packets.
        keep = np.r_[True, np.diff(raw[:, 0]) > 0]
        raw = raw[keep]
        meta = json.loads((root / f"{row['trial']}.json").read_text())
        # Footstep events are [start, end] sample pairs; the step lands at the end.
        ends = [e[1] for e in meta["LeftFootEvents"] + meta["RightFootEvents"]]
        landings = np.sort(np.asarray(ends, dtype=np.float64)) / rate_hz
        start_s, end_s = float(row["walk_start_s"]), float(row["walk_end_s"])
        recording = MotionRecording(
            time_s=(raw[:, 0] - raw[0, 0]) / rate_hz,
            acc_m_s2=raw[:, 1:4].copy(),
            gyro_rad_s=raw[:, 4:7].copy(),
            gravity_included=True,
            source_format="xsens-mtw",
        )
        yield LabelledWalk(
            dataset="waist-imu",
            name=row["trial"],
            group="waist",
            subject=row["subject"],
            age=int(row["age"]),
            recording=recording,
            steps_true=int(row["steps_true"]),
            steps_reference=int(np.sum((landings >= start_s - 0.05) & (landings <= end_s + 0.05))),
            walk_start_s=start_s,
            walk_end_s=end_s,
            step_times_s=landings,
        )

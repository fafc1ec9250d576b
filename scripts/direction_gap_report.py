"""The gap between simulated and real forward walking at the waist (issue 7, validation 3).

    PYTHONPATH=src python scripts/direction_gap_report.py

For every cue the detector uses, its distribution over analysis windows (6 s every 1 s) of

- ``sim``: the forward walks of ../shared/data/mocap (``Hips``, 100 Hz, a random mounting
  rotation each, default noise; each clip one bout);
- ``real``: the 140 straight 10 m walks of ../shared/data/waist-imu (lower-back Xsens; the
  labelled U-turn and windows touching it left out),

and how the decision rule fares on each: the share of windows whose travel direction (sign from
the inverted pendulum) agrees with the true one (sim) or with the walk's own calibration from
the other straight walk of the same trial (real), and the share of windows whose pitch cue
keeps the sign of the walker's own forward value (the calibrated pitch rule) and passes the
uncalibrated threshold.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np
from scipy.spatial.transform import Rotation

sys.path.insert(0, str(Path(__file__).resolve().parent))

from real_walks import DATA_DIR, waist_imu
from validate_direction_sim import load_clips, simulate, whole_bout

from retrowalk.sensing.direction import DirectionDetector
from retrowalk.sensing.direction_cues import WindowCues
from retrowalk.sensing.direction_rules import screen_reasons
from retrowalk.sensing.gait import analyze_motion

CUES = (
    ("travel_strength", "inverted-pendulum correlation |corr(a_d, v_up)|"),
    ("pitch_cue", "pitch cue corr(w_p, a_d)"),
    ("acc_rms_m_s2", "band-passed acceleration RMS, m/s^2"),
    ("gyro_rms_rad_s", "band-passed rotation RMS, rad/s"),
    ("swing_rms_rad_s", "rotation about horizontal axes, rad/s"),
    ("step_correlation", "step correlation of the 3-D acceleration"),
    ("horizontal_ratio", "horizontal / vertical acceleration RMS"),
    ("cadence_steps_per_min", "cadence, steps/min"),
)


def _steady(det: DirectionDetector, cues: WindowCues, keep: np.ndarray) -> np.ndarray:
    return keep & (screen_reasons(cues, det.thresholds) < 0)


def sim_windows(det: DirectionDetector, seed: int) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Cues of the simulated forward walks and, per window, travel . true travel."""
    rng = np.random.default_rng(seed)
    cols: dict[str, list[np.ndarray]] = {k: [] for k, _ in CUES}
    agree: list[np.ndarray] = []
    for clip in load_clips():
        if clip.kind != "walk" or clip.duration_s < 3.2:
            continue
        mount = Rotation.random(random_state=rng)
        rec = simulate(clip, "Hips", 100.0, mount, rng)
        cues = det.cues(rec, whole_bout(rec))
        ok = _steady(det, cues, np.ones(cues.n_windows, dtype=bool))
        hips = clip.pose.position_m("Hips")
        travel = hips[-1] - hips[0]
        travel[2] = 0.0
        travel /= np.linalg.norm(travel)
        # the sensor's orientation in the world is the segment's times the mounting
        sensor = clip.pose.orientation("Hips") * mount
        frames = np.clip((0.5 * (cues.start_s + cues.end_s) * clip.pose.frame_rate_hz), 0, None)
        idx = np.minimum(frames.astype(int), clip.pose.n_frames - 1)
        true_sensor = sensor[idx].inv().apply(travel)
        true_sensor -= np.einsum("ki,ki->k", true_sensor, cues.up)[:, None] * cues.up
        true_sensor /= np.linalg.norm(true_sensor, axis=1, keepdims=True)
        agree.append(np.einsum("ki,ki->k", cues.travel_sensor, true_sensor)[ok])
        for k, _ in CUES:
            cols[k].append(getattr(cues, k)[ok])
    return {k: np.concatenate(v) for k, v in cols.items()}, np.concatenate(agree)


def real_windows(det: DirectionDetector) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Cues of the real straight walks; per window, travel . the other straight walk's mean
    travel, and pitch x sign of the other straight walk's median pitch."""
    rows = {r["trial"]: r for r in csv.DictReader((DATA_DIR / "waist-imu" / "trials.csv").open())}
    cols: dict[str, list[np.ndarray]] = {k: [] for k, _ in CUES}
    agree: list[np.ndarray] = []
    pitch_kept: list[np.ndarray] = []
    for walk in waist_imu():
        row = rows[walk.name]
        us, ue = float(row["uturn_start_s"]), float(row["uturn_end_s"])
        ws, we = float(row["walk_start_s"]), float(row["walk_end_s"])
        bouts = analyze_motion(walk.recording).bouts
        cues = det.cues(walk.recording, bouts)
        first = _steady(det, cues, (cues.start_s >= ws - 1) & (cues.end_s <= us))
        second = _steady(det, cues, (cues.start_s >= ue) & (cues.end_s <= we + 1))
        if not first.any() or not second.any():
            continue
        for this, other in ((first, second), (second, first)):
            f = cues.travel_sensor[other].mean(axis=0)
            f /= np.linalg.norm(f)
            agree.append(cues.travel_sensor[this] @ f)
            sign = np.sign(np.median(cues.pitch_cue[other]))
            pitch_kept.append(cues.pitch_cue[this] * sign)
            for k, _ in CUES:
                cols[k].append(getattr(cues, k)[this])
    return (
        {k: np.concatenate(v) for k, v in cols.items()},
        np.concatenate(agree),
        np.concatenate(pitch_kept),
    )


def _pct(x: np.ndarray) -> str:
    x = x[np.isfinite(x)]
    q = np.percentile(x, [5, 25, 50, 75, 95])
    return f"n={x.size:4d}  p5 {q[0]:6.2f}  q1 {q[1]:6.2f}  med {q[2]:6.2f}  q3 {q[3]:6.2f}  p95 {q[4]:6.2f}"


def main() -> None:
    det = DirectionDetector(placement="waist")
    sim, sim_agree = sim_windows(det, seed=3)
    real, real_agree, real_pitch = real_windows(det)
    print("=== Cue distributions, forward walking at the waist, per 6 s window ===")
    for key, label in CUES:
        print(f"-- {label}")
        print(f"   sim  {_pct(sim[key])}")
        print(f"   real {_pct(real[key])}")
        s, r = np.nanmedian(np.abs(sim[key])), np.nanmedian(np.abs(real[key]))
        print(f"   median |sim| / |real| = {s / r:.2f}")
    print("\n=== How the rule survives it ===")
    th = det.thresholds
    for name, agree, strength in (
        ("sim (true travel)", sim_agree, sim["travel_strength"]),
        ("real (other straight walk)", real_agree, real["travel_strength"]),
    ):
        sure = strength >= th.min_travel_strength
        print(
            f"  travel direction, {name}: within 45 deg {100 * np.mean(agree >= np.cos(np.pi / 4)):5.1f} %"
            f"  beyond 135 deg (would read backward) {100 * np.mean(agree <= -np.cos(np.pi / 4)):4.1f} %"
            f"  sign trusted (strength >= {th.min_travel_strength}) {100 * np.mean(sure):5.1f} %"
            f"  of those beyond 135 deg {100 * np.mean(agree[sure] <= -np.cos(np.pi / 4)):4.1f} %"
        )
    print(
        f"  pitch cue, sim: {100 * np.mean(sim['pitch_cue'] > 0):5.1f} % positive; |cue| >= "
        f"{th.uncalibrated_threshold} (uncalibrated call) {100 * np.mean(np.abs(sim['pitch_cue']) >= th.uncalibrated_threshold):4.1f} %"
    )
    print(
        f"  pitch cue, real: {100 * np.mean(real['pitch_cue'] > 0):5.1f} % positive (the sign belongs "
        f"to the walker); keeps the sign of the same recording's calibration "
        f"{100 * np.mean(real_pitch > 0):5.1f} %, falls past -margin ({th.margin}) "
        f"{100 * np.mean(real_pitch <= -th.margin):4.1f} %; |cue| >= {th.uncalibrated_threshold} "
        f"{100 * np.mean(np.abs(real['pitch_cue']) >= th.uncalibrated_threshold):4.1f} %"
    )


if __name__ == "__main__":
    main()

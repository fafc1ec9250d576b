"""Direction cue study (issue 7, validation 2 and 3): does a cue tell backward from forward?

Not product code: a study that prints tables. Run from the worktree root:

    python scripts/direction_cue_study.py [--windows]

Sensors are simulated (100 Hz, default noise, a random mounting rotation per clip) from every
``mocap/`` clip at ``Hips`` (waist) and ``UpperLeg_L``/``UpperLeg_R`` (front pocket: 45 % down
the thigh bone), and read from the real lower-back sensor of ``waist-imu/`` (its two straight
10 m walks per trial, the U-turn span and 0.5 s at each end excluded).

Every cue is computed orientation-invariantly from the sensor's own axes:

1. Band-pass acceleration and angular rate to 0.5-6 Hz (zero-phase Butterworth): removes
   gravity, gyro bias and slow turning; 6 Hz keeps the step fundamentals and harmonics while
   dropping real heel-strike impacts that 30 frames/s motion capture cannot hold.
2. Up = the mean raw acceleration direction (gravity estimate by low-pass to 0 Hz over the
   segment; adequate for a sensor fixed to the trunk, approximate on the swinging thigh).
3. Horizontal plane basis (e1, e2, up). A candidate travel axis d(theta) = cos e1 + sin e2 has
   pitch axis p = up x d, so pitch rate w_p = w . p and travel acceleration a_d = a . d.
4. Waist cue = Pearson corr(w_p, a_d). Flipping d flips both, so the cue does not depend on
   which way along the axis the walker goes; time reversal flips w_p only, so it flips the cue.
   The travel axis is chosen (sign-free) by:
   - pca: principal horizontal axis of the acceleration;
   - sym: principal axis of the step-symmetric part a(t) + a(t + T_step) (antero-posterior
     acceleration repeats every step, medio-lateral sway alternates sign and cancels);
   - maxcorr: the axis (1 degree grid) maximising |corr(w_p, a_d)| (report the signed value);
   - gyro: d = p x up where p is the principal horizontal gyro axis (the thigh's flexion axis);
   - true (simulation only): the direction of travel of the hips, seen in the sensor frame.
5. Thigh timing cue (issue 7): corr(a_up, d/dt |w|^2): at the vertical acceleration peaks of
   double support, is the thigh's rotation speeding up (swing starting: forward) or slowing
   down (swing ending: backward)? Axis-free apart from up; odd under time reversal.
"""

from __future__ import annotations

import argparse
import csv
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from scipy.signal import butter, sosfiltfilt
from scipy.spatial.transform import Rotation

from retrowalk.formats.bvh import global_pose, read_bvh
from retrowalk.sensing.imu_sim import ImuSimulator

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
FS = 100.0
BAND_HZ = (0.5, 6.0)
Arr = NDArray[np.float64]
AXES = ("pca", "sym", "maxcorr", "gyro")


# ---------------------------------------------------------------- cue computation


def bandpass(x: Arr, fs: float) -> Arr:
    sos = butter(2, BAND_HZ, btype="bandpass", fs=fs, output="sos")
    return np.asarray(sosfiltfilt(sos, x, axis=0))


def horizontal_basis(up: Arr) -> tuple[Arr, Arr]:
    ref = np.eye(3)[int(np.argmin(np.abs(up)))]
    e1 = np.cross(up, ref)
    e1 /= np.linalg.norm(e1)
    return e1, np.cross(up, e1)  # e1 x e2 = up


def corr(x: Arr, y: Arr) -> Arr:
    """Pearson correlation along the last axis (broadcasting)."""
    xc = x - x.mean(axis=-1, keepdims=True)
    yc = y - y.mean(axis=-1, keepdims=True)
    num = (xc * yc).sum(axis=-1)
    return np.asarray(num / np.sqrt((xc**2).sum(axis=-1) * (yc**2).sum(axis=-1)))


def principal_angle(v2: Arr) -> float:
    """Angle (rad) of the principal axis of 2-D samples (n, 2)."""
    w, vec = np.linalg.eigh(np.cov(v2.T))
    major = vec[:, int(np.argmax(w))]
    return float(np.arctan2(major[1], major[0]))


def step_period_s(vertical: Arr, fs: float) -> float:
    """First autocorrelation peak of the vertical acceleration in 0.25-0.9 s."""
    x = vertical - vertical.mean()
    n = x.size
    spec = np.fft.rfft(x, 2 * n)
    ac = np.fft.irfft(spec * np.conj(spec))[:n]
    lo, hi = int(0.25 * fs), min(int(0.9 * fs), n - 1)
    return (lo + int(np.argmax(ac[lo:hi]))) / fs


@dataclass(frozen=True)
class Cues:
    waist: dict[str, float]  # axis estimator -> corr(pitch rate, travel acceleration)
    axis_deg: dict[str, float]  # axis estimator -> angle of the travel axis in (e1, e2)
    thigh: float  # corr(a_up, d/dt |w|^2)
    thigh_phase: float  # where the |w|^2 peak falls after an a_up peak, fraction of a step
    trace: float  # axis-free (w x up) . a_h, normalised
    rms_up: float  # m/s^2, vertical dynamic acceleration
    rms_ap: float  # m/s^2, along the pca travel axis
    rms_ml: float  # m/s^2, horizontal across it
    rms_gyro: float  # rad/s, |w| band-passed
    step_s: float
    skew: dict[str, float]  # time asymmetry: skewness of the derivative of a signal
    up: tuple[float, float, float]  # gravity direction in the sensor frame


def compute_cues(acc: Arr, gyro: Arr, fs: float, true_travel: Arr | None = None) -> Cues:
    up = acc.mean(axis=0)
    up /= np.linalg.norm(up)
    a = bandpass(acc, fs)
    w = bandpass(gyro, fs)
    e1, e2 = horizontal_basis(up)
    a_h = np.c_[a @ e1, a @ e2]
    w_h = np.c_[w @ e1, w @ e2]
    a_up = a @ up
    t_step = step_period_s(a_up, fs)
    lag = round(t_step * fs)
    angles = {
        "pca": principal_angle(a_h),
        "sym": principal_angle(a_h[:-lag] + a_h[lag:]),
        # p = up x d: with d = (c, s) in (e1, e2), p = c e2 - s e1; the gyro's principal
        # axis (cp, sp) is p, so d = p x up = (sp, -cp).
        "gyro": principal_angle(w_h) - np.pi / 2,
    }
    theta = np.deg2rad(np.arange(180.0))
    c, s = np.cos(theta)[:, None], np.sin(theta)[:, None]
    grid = corr(c * w_h[:, 1] - s * w_h[:, 0], c * a_h[:, 0] + s * a_h[:, 1])
    angles["maxcorr"] = float(theta[int(np.argmax(np.abs(grid)))])
    if true_travel is not None:
        angles["true"] = float(np.arctan2(true_travel @ e2, true_travel @ e1))
    waist = {}
    for name, th in angles.items():
        ct, st = np.cos(th), np.sin(th)
        waist[name] = float(corr(ct * w_h[:, 1] - st * w_h[:, 0], ct * a_h[:, 0] + st * a_h[:, 1]))
    speed2 = (w**2).sum(axis=1)
    thigh = float(corr(a_up, np.gradient(speed2) * fs))
    thigh_phase = _lag_of_peak(a_up, speed2, 2 * lag) % lag / lag
    trace_num = (w_h[:, 1] * a_h[:, 0] - w_h[:, 0] * a_h[:, 1]).mean()
    trace = float(trace_num / np.sqrt((w_h**2).sum(1).mean() * (a_h**2).sum(1).mean()))
    skew = {
        "a_up": _derivative_skew(a_up),
        "|a_h|": _derivative_skew(np.linalg.norm(a_h, axis=1)),
        "|w|": _derivative_skew(np.sqrt(speed2)),
    }
    ct, st = np.cos(angles["pca"]), np.sin(angles["pca"])
    ap = ct * a_h[:, 0] + st * a_h[:, 1]
    ml = -st * a_h[:, 0] + ct * a_h[:, 1]
    return Cues(
        waist=waist,
        axis_deg={k: float(np.rad2deg(v) % 180) for k, v in angles.items()},
        thigh=thigh,
        thigh_phase=float(thigh_phase),
        trace=trace,
        rms_up=float(np.sqrt((a_up**2).mean())),
        rms_ap=float(np.sqrt((ap**2).mean())),
        rms_ml=float(np.sqrt((ml**2).mean())),
        rms_gyro=float(np.sqrt(speed2.mean())),
        step_s=t_step,
        skew=skew,
        up=(float(up[0]), float(up[1]), float(up[2])),
    )


def _lag_of_peak(x: Arr, y: Arr, max_lag: int) -> int:
    """Lag (samples, 0..max_lag-1) maximising sum x[t] y[t + lag] (FFT cross-correlation)."""
    n = x.size
    fx = np.fft.rfft(x - x.mean(), 2 * n)
    fy = np.fft.rfft(y - y.mean(), 2 * n)
    xc = np.fft.irfft(np.conj(fx) * fy)[:max_lag]
    return int(np.argmax(xc))


def _derivative_skew(x: Arr) -> float:
    """Skewness of dx/dt: does x rise faster than it falls? Odd under time reversal and
    independent of the sensor's axes when x is (a norm or a projection on up)."""
    d = np.diff(x)
    d = d - d.mean()
    return float((d**3).mean() / (d**2).mean() ** 1.5)


# ---------------------------------------------------------------- data


CLIP_RE = re.compile(r"dataset-(\d)_(walk-back|walk-left|walk-right|walk|run)_([a-z]+)_(\d+)")


@dataclass(frozen=True)
class Row:
    source: str  # clip or trial name
    kind: str  # walk, walk-back, walk-left, walk-right, run, real-walk
    group: str  # style or subject
    placement: str  # Hips, UpperLeg_L, UpperLeg_R, lower-back
    cues: Cues
    reversed_waist_true: float | None = None  # cue of the same clip played backwards


def simulate_clips(rng: np.random.Generator) -> list[Row]:
    rows: list[Row] = []
    trim = int(0.3 * FS)
    for path in sorted((DATA / "mocap").glob("*.bvh")):
        m = CLIP_RE.match(path.stem)
        if m is None:
            continue
        motion = read_bvh(path)
        if motion.n_frames / motion.frame_rate_hz < 3.0:
            print(f"skipped {path.stem}: {motion.n_frames / motion.frame_rate_hz:.1f} s < 3 s")
            continue
        pose = global_pose(motion)
        hips = pose.position_m("Hips")
        travel_world = hips[-1] - hips[0]
        travel_world[2] = 0.0
        travel_world /= np.linalg.norm(travel_world)
        local_t = motion.local_translations()
        for joint in ("Hips", "UpperLeg_L", "UpperLeg_R"):
            lever = (0.0, 0.0, 0.0)
            if joint != "Hips":
                knee = motion.joint_index("LowerLeg" + joint[-2:])
                lever = tuple(0.45 * local_t[0, knee] / 100.0)
            mount = Rotation.random(random_state=rng)
            sim = ImuSimulator(
                sampling_rate_hz=FS,
                mounting_rotation=mount,
                lever_arm_m=lever,  # type: ignore[arg-type]
                seed=int(rng.integers(1 << 31)),
            )
            pos, rot = pose.position_m(joint), pose.orientation(joint)
            rec = sim.simulate(pos, rot, pose.frame_rate_hz)
            sl = slice(trim, rec.n_samples - trim)
            assert rec.gyro_rad_s is not None
            sensor_rot = rot * mount
            travel_sensor = sensor_rot.inv().apply(travel_world).mean(axis=0)
            cues = compute_cues(rec.acc_m_s2[sl], rec.gyro_rad_s[sl], FS, travel_sensor)
            back = sim.simulate(pos[::-1], rot[::-1], pose.frame_rate_hz)
            assert back.gyro_rad_s is not None
            rev = compute_cues(back.acc_m_s2[sl], back.gyro_rad_s[sl], FS, travel_sensor)
            rows.append(Row(path.stem, m.group(2), m.group(3), joint, cues, rev.waist["true"]))
    return rows


HIPS_LEVER_ARMS_M = {
    # Hips frame of these skeletons: x up the spine, z forward, y to the right (checked on
    # frame 0 of dataset-1_walk_normal_001). L5 sits behind and a little above the hip joint.
    "joint origin": (0.0, 0.0, 0.0),
    "10 cm back": (0.0, 0.0, -0.10),
    "10 cm up, 10 cm back": (0.10, 0.0, -0.10),
    "20 cm up, 10 cm back": (0.20, 0.0, -0.10),
    "10 cm down, 10 cm back": (-0.10, 0.0, -0.10),
    "10 cm up": (0.10, 0.0, 0.0),
}


def hips_lever_arm_sensitivity(rng: np.random.Generator) -> None:
    """How the waist cue of the same motion changes with where on the pelvis the sensor sits."""
    print("\n=== Waist cue (sym axis) vs sensor position on the pelvis, simulated ===")
    trim = int(0.3 * FS)
    paths = [
        p
        for p in sorted((DATA / "mocap").glob("dataset-1_walk*_001.bvh"))
        if "left" not in p.stem and "right" not in p.stem
    ]
    poses = []
    for path in paths:
        motion = read_bvh(path)
        if motion.n_frames / motion.frame_rate_hz >= 3.0:
            poses.append((path.stem, global_pose(motion)))
    for label, lever in HIPS_LEVER_ARMS_M.items():
        vals: dict[str, list[float]] = {"walk": [], "walk-back": []}
        ap_rms: list[float] = []
        for stem, pose in poses:
            sim = ImuSimulator(
                sampling_rate_hz=FS,
                mounting_rotation=Rotation.random(random_state=rng),
                lever_arm_m=lever,
                seed=int(rng.integers(1 << 31)),
            )
            rec = sim.simulate(
                pose.position_m("Hips"), pose.orientation("Hips"), pose.frame_rate_hz
            )
            assert rec.gyro_rad_s is not None
            sl = slice(trim, rec.n_samples - trim)
            c = compute_cues(rec.acc_m_s2[sl], rec.gyro_rad_s[sl], FS)
            kind = "walk-back" if "walk-back" in stem else "walk"
            vals[kind].append(c.waist["sym"])
            if kind == "walk":
                ap_rms.append(c.rms_ap)
        fw, bw = np.array(vals["walk"]), np.array(vals["walk-back"])
        print(
            f"  {label:24s} forward med {np.median(fw):+.2f} (min {fw.min():+.2f}, <0 "
            f"{np.mean(fw < 0) * 100:3.0f}%)  back med {np.median(bw):+.2f} (max {bw.max():+.2f}, "
            f">0 {np.mean(bw > 0) * 100:3.0f}%)  forward AP rms {np.median(ap_rms):.2f} m/s^2"
        )


def read_waist_imu() -> list[Row]:
    rows: list[Row] = []
    folder = DATA / "waist-imu"
    with (folder / "trials.csv").open() as f:
        trials = list(csv.DictReader(f))
    for tr in trials:
        table = np.loadtxt(folder / f"{tr['trial']}_lb.txt", skiprows=2, delimiter="\t")
        acc, gyro = table[:, 1:4], table[:, 4:7]
        spans = (
            (float(tr["walk_start_s"]), float(tr["uturn_start_s"])),
            (float(tr["uturn_end_s"]), float(tr["walk_end_s"])),
        )
        for k, (start, end) in enumerate(spans):
            i0, i1 = int((start + 0.5) * FS), int((end - 0.5) * FS)
            if i1 - i0 < 3 * FS:
                continue
            cues = compute_cues(acc[i0:i1], gyro[i0:i1], FS)
            rows.append(
                Row(f"{tr['trial']}/{k + 1}", "real-walk", tr["subject"], "lower-back", cues)
            )
    return rows


# ---------------------------------------------------------------- tables


def _stats(v: Arr) -> str:
    if v.size == 0:
        return "n=0"
    q = np.percentile(v, [0, 25, 50, 75, 100])
    return (
        f"n={v.size:3d}  min {q[0]:+.2f}  q1 {q[1]:+.2f}  med {q[2]:+.2f}  q3 {q[3]:+.2f}  "
        f"max {q[4]:+.2f}  >0 {np.mean(v > 0) * 100:5.1f}%"
    )


def print_tables(sim: list[Row], real: list[Row]) -> None:
    kinds = ("walk", "walk-back", "walk-left", "walk-right", "run")
    print("\n=== Waist cue corr(pitch rate, travel acceleration), simulated Hips, per class ===")
    for axis in (*AXES, "true"):
        print(f"-- travel axis: {axis}")
        for kind in kinds:
            v = np.array(
                [r.cues.waist[axis] for r in sim if r.placement == "Hips" and r.kind == kind]
            )
            print(f"  {kind:11s} {_stats(v)}")
    print("\n=== Same cue, simulated UpperLeg (L and R pooled), per class ===")
    for axis in (*AXES, "true"):
        print(f"-- travel axis: {axis}")
        for kind in kinds:
            v = np.array(
                [r.cues.waist[axis] for r in sim if r.placement != "Hips" and r.kind == kind]
            )
            print(f"  {kind:11s} {_stats(v)}")
    for title, getter in (
        ("Thigh timing cue corr(a_up, d|w|^2/dt)", lambda c: c.thigh),
        (
            "Thigh timing cue, phase form: sin(2 pi x), x = delay of the |w|^2 peak after an "
            "a_up peak in steps (>0: swing starts at the a_up peak)",
            lambda c: float(np.sin(2 * np.pi * c.thigh_phase)),
        ),
        ("Axis-free trace cue (w x up).a_h", lambda c: c.trace),
    ):
        print(f"\n=== {title} ===")
        for placement in ("Hips", "UpperLeg"):
            for kind in kinds:
                v = np.array(
                    [
                        getter(r.cues)
                        for r in sim
                        if r.placement.startswith(placement) and r.kind == kind
                    ]
                )
                print(f"  {placement:8s} {kind:11s} {_stats(v)}")
        print(f"  real     real-walk   {_stats(np.array([getter(r.cues) for r in real]))}")

    print("\n=== Time-asymmetry cues: skewness of the derivative (axis-free) ===")
    for key in ("a_up", "|a_h|", "|w|"):
        print(f"-- signal {key}")
        for placement in ("Hips", "UpperLeg"):
            for kind in kinds:
                v = np.array(
                    [
                        r.cues.skew[key]
                        for r in sim
                        if r.placement.startswith(placement) and r.kind == kind
                    ]
                )
                print(f"  {placement:8s} {kind:11s} {_stats(v)}")
        print(f"  real     real-walk   {_stats(np.array([r.cues.skew[key] for r in real]))}")

    print("\n=== Axis estimators vs the true travel axis (simulated, |angle error| deg) ===")
    for placement in ("Hips", "UpperLeg"):
        for axis in AXES:
            for kind in ("walk", "walk-back"):
                err = np.array(
                    [
                        _angle_err(r.cues.axis_deg[axis], r.cues.axis_deg["true"])
                        for r in sim
                        if r.placement.startswith(placement) and r.kind == kind
                    ]
                )
                print(
                    f"  {placement:8s} {axis:8s} {kind:9s} median {np.median(err):5.1f}  "
                    f"max {err.max():5.1f}"
                )

    print("\n=== Time reversal: forward clips played backwards (true axis), Hips ===")
    fw = np.array([r.cues.waist["true"] for r in sim if r.placement == "Hips" and r.kind == "walk"])
    rv = np.array(
        [r.reversed_waist_true for r in sim if r.placement == "Hips" and r.kind == "walk"],
        dtype=float,
    )
    print(
        f"  forward  {_stats(fw)}\n  reversed {_stats(rv)}  max|fw+rv| {np.abs(fw + rv).max():.2e}"
    )

    print("\n=== Real lower-back forward walks (waist-imu), waist cue per subject ===")
    subjects = sorted({r.group for r in real}, key=int)
    for axis in AXES:
        print(
            f"-- travel axis: {axis}   all: {_stats(np.array([r.cues.waist[axis] for r in real]))}"
        )
        for subj in subjects:
            v = np.array([r.cues.waist[axis] for r in real if r.group == subj])
            print(f"   subject {subj:>2s}  {_stats(v)}")

    print("\n=== Simulated Hips per style: cue maxcorr/sym per clip, forward-walk magnitudes ===")
    styles = sorted({r.group for r in sim})
    for st in styles:
        vals = [
            (r.kind, r.cues.waist["maxcorr"], r.cues.waist["sym"])
            for r in sim
            if r.placement == "Hips" and r.group == st and r.kind in ("walk", "walk-back")
        ]
        txt = "  ".join(f"{k[5:] or 'fw'}:{a:+.2f}/{b:+.2f}" for k, a, b in vals)
        fw_c = [r.cues for r in sim if r.placement == "Hips" and r.group == st and r.kind == "walk"]
        mags = (
            f"fw AP {np.median([c.rms_ap for c in fw_c]):.2f} m/s^2, "
            f"|w| {np.median([c.rms_gyro for c in fw_c]):.2f} rad/s"
        )
        print(f"  {st:12s} [{mags}] {txt}")

    print("\n=== Magnitudes: simulated Hips forward walks vs real lower-back forward walks ===")
    sim_fw = [r.cues for r in sim if r.placement == "Hips" and r.kind == "walk"]
    for name in ("rms_up", "rms_ap", "rms_ml", "rms_gyro", "step_s"):
        s = np.array([getattr(c, name) for c in sim_fw])
        r = np.array([getattr(c.cues, name) for c in real])
        print(
            f"  {name:9s} sim median {np.median(s):.3f} (q1 {np.percentile(s, 25):.3f}, "
            f"q3 {np.percentile(s, 75):.3f})   real median {np.median(r):.3f} "
            f"(q1 {np.percentile(r, 25):.3f}, q3 {np.percentile(r, 75):.3f})   "
            f"ratio {np.median(s) / np.median(r):.2f}"
        )


def print_rules(sim: list[Row], real: list[Row]) -> None:
    """First figures for decision rules on one cue (the step-symmetric travel axis)."""

    def cue(r: Row) -> float:
        return r.cues.waist["gyro" if r.placement.startswith("UpperLeg") else "sym"]

    print("\n=== Uncalibrated rule: backward iff cue < -m (sim forward walks are positive) ===")
    for m in (0.0, 0.2, 0.3, 0.4, 0.5, 0.6):
        parts = []
        for placement in ("Hips", "UpperLeg"):
            sel = [r for r in sim if r.placement.startswith(placement)]
            for kind in ("walk-back", "walk", "walk-left", "walk-right", "run"):
                v = np.array([cue(r) for r in sel if r.kind == kind])
                parts.append(f"{placement[:4]} {kind} {np.mean(v < -m) * 100:4.0f}%")
        real_v = np.array([cue(r) for r in real])
        print(
            f"  m={m:.1f}  real forward called backward {np.mean(real_v < -m) * 100:5.1f}%  | "
            + "  ".join(parts)
        )

    print("\n=== Calibrated rule: backward iff cue * sign(calibration) < -m ===")
    print("  calibration: the mean cue of another trial (real: same subject; sim: another clip")
    print("  of the same style and placement, its own random mounting rotation)")
    for m in (0.0, 0.1, 0.2, 0.3):
        for cal_min in (0.0, 0.15):
            false_real, n_real, refused = 0, 0, 0
            trials: dict[str, list[Row]] = {}
            for r in real:
                trials.setdefault(r.source.split("/")[0], []).append(r)
            for name, cal_rows in trials.items():
                cal = float(np.mean([cue(r) for r in cal_rows]))
                if abs(cal) < cal_min:
                    refused += 1
                    continue
                subject = cal_rows[0].group
                tests = [
                    r for r in real if r.group == subject and not r.source.startswith(name + "/")
                ]
                v = np.array([cue(r) for r in tests]) * np.sign(cal)
                false_real += int(np.sum(v < -m))
                n_real += v.size
            out = [
                f"m={m:.1f} |cal|>={cal_min:.2f}: real forward called backward "
                f"{false_real / max(n_real, 1) * 100:5.1f}% (calibrations refused {refused})"
            ]
            for placement in ("Hips", "UpperLeg"):
                hit = fa = n_hit = n_fa = 0
                for r_cal in sim:
                    if r_cal.kind != "walk" or not r_cal.placement.startswith(placement):
                        continue
                    c = cue(r_cal)
                    if abs(c) < cal_min:
                        continue
                    for r in sim:
                        if r.group != r_cal.group or r is r_cal or r.placement != r_cal.placement:
                            continue
                        if r.kind == "walk-back":
                            n_hit += 1
                            hit += int(cue(r) * np.sign(c) < -m)
                        elif r.kind == "walk":
                            n_fa += 1
                            fa += int(cue(r) * np.sign(c) < -m)
                out.append(
                    f"{placement}: back hit {hit / max(n_hit, 1) * 100:5.1f}% "
                    f"(n={n_hit}), fw false {fa / max(n_fa, 1) * 100:4.1f}% (n={n_fa})"
                )
            print("  " + " | ".join(out))

    print("\n=== Calibrated on the same attachment: trials n and n+1 (1-2, 3-4, 5-6) ===")
    ups = {name: np.mean([r.cues.up for r in rows], axis=0) for name, rows in trials.items()}
    within, between = [], []
    for name, u in ups.items():
        subject, k = name.split("-")
        for other, v in ups.items():
            o_subject, o_k = other.split("-")
            if o_subject != subject or int(o_k) <= int(k):
                continue
            ang = float(
                np.degrees(np.arccos(np.clip(u @ v / np.linalg.norm(u) / np.linalg.norm(v), -1, 1)))
            )
            same = (int(k) - 1) // 2 == (int(o_k) - 1) // 2
            (within if same else between).append(ang)
    print(
        f"  sensor tilt change (gravity direction in the sensor frame): inside pairs median "
        f"{np.median(within):.1f} deg (max {np.max(within):.1f}), between pairs median "
        f"{np.median(between):.1f} deg (max {np.max(between):.1f}): re-attached between pairs"
    )
    for m in (0.0, 0.1, 0.2, 0.3):
        false, n = 0, 0
        for name, cal_rows in trials.items():
            subject, k = name.split("-")
            mate = f"{subject}-{int(k) + 1 if int(k) % 2 else int(k) - 1}"
            cal = float(np.mean([cue(r) for r in cal_rows]))
            v = np.array([cue(r) for r in trials.get(mate, [])]) * np.sign(cal)
            false += int(np.sum(v < -m))
            n += v.size
        print(f"  m={m:.1f}  real forward called backward {false / max(n, 1) * 100:5.1f}% of {n}")

    print("\n=== Calibrated on the same recording: the other straight walk of the same trial ===")
    by_trial: dict[str, list[float]] = {}
    for r in real:
        by_trial.setdefault(r.source.split("/")[0], []).append(cue(r))
    pairs = np.array([v for v in by_trial.values() if len(v) == 2])
    diff = np.abs(pairs[:, 0] - pairs[:, 1])
    for m in (0.0, 0.1, 0.2, 0.3):
        called = (pairs * np.sign(pairs[:, ::-1])) < -m
        print(
            f"  m={m:.1f}  real forward called backward {called.mean() * 100:5.1f}% "
            f"of {called.size} straight walks"
        )
    print(
        f"  within-trial |difference| of the cue: median {np.median(diff):.2f}, "
        f"max {diff.max():.2f}"
    )


def _angle_err(a_deg: float, b_deg: float) -> float:
    d = abs(a_deg - b_deg) % 180
    return min(d, 180 - d)


def main() -> None:
    ap = argparse.ArgumentParser(description="direction cue study (prints tables)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    sim = simulate_clips(rng)
    real = read_waist_imu()
    print(f"{len(sim)} simulated segment recordings, {len(real)} real straight walks")
    print_tables(sim, real)
    print_rules(sim, real)
    hips_lever_arm_sensitivity(rng)


if __name__ == "__main__":
    main()

"""IMU simulator on analytic motion, its invariants, the CSV writer and one real clip."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray
from scipy.spatial.transform import Rotation

from retrowalk.errors import InvalidInput
from retrowalk.formats.generic_csv_writer import HEADER_WITH_GYRO, write_generic_csv
from retrowalk.sensing.imu_sim import ImuSimulator
from retrowalk.sensing.recording import STANDARD_GRAVITY_M_S2 as G
from retrowalk.sensing.recording import MotionRecording

FPS = 30.0
EXACT = ImuSimulator(acc_noise_m_s2=0.0, gyro_noise_rad_s=0.0)


def _frames(duration_s: float = 4.0) -> NDArray[np.float64]:
    return np.arange(int(duration_s * FPS) + 1) / FPS


def _inner(rec: MotionRecording, margin_s: float = 0.5) -> NDArray[np.bool_]:
    """Samples away from the ends, where spline end conditions do not reach."""
    return (rec.time_s > margin_s) & (rec.time_s < rec.time_s[-1] - margin_s)


def _gyro(rec: MotionRecording) -> NDArray[np.float64]:
    assert rec.gyro_rad_s is not None
    return rec.gyro_rad_s


def test_still_segment_reads_gravity_up_in_its_own_frame_and_no_rotation() -> None:
    t = _frames(2.0)
    tilt = Rotation.from_euler("xyz", [30, -50, 120], degrees=True)
    rec = EXACT.simulate(
        np.tile([1.0, 2.0, 0.9], (t.size, 1)), tilt * Rotation.identity(t.size), FPS
    )
    up_in_segment = tilt.inv().apply([0.0, 0.0, 1.0])
    np.testing.assert_allclose(
        rec.acc_m_s2, np.tile(G * up_in_segment, (rec.n_samples, 1)), atol=1e-9
    )
    np.testing.assert_allclose(_gyro(rec), 0.0, atol=1e-9)
    assert rec.gravity_included


@pytest.mark.parametrize("rate_hz", [50.0, 100.0])
def test_constant_rotation_about_a_body_axis_reads_that_rate(rate_hz: float) -> None:
    t = _frames()
    w_body = np.array([0.3, -0.5, 1.2])  # rad/s in the segment frame
    r0 = Rotation.from_euler("zyx", [10, 20, 30], degrees=True)
    rots = r0 * Rotation.from_rotvec(np.outer(t, w_body))
    rec = ImuSimulator(sampling_rate_hz=rate_hz, acc_noise_m_s2=0, gyro_noise_rad_s=0).simulate(
        np.zeros((t.size, 3)), rots, FPS
    )
    np.testing.assert_allclose(np.diff(rec.time_s), 1.0 / rate_hz, rtol=1e-9)
    assert rec.n_samples == round(4.0 * rate_hz) + 1
    np.testing.assert_allclose(
        _gyro(rec)[_inner(rec)], np.tile(w_body, (int(_inner(rec).sum()), 1)), atol=1e-3
    )


def test_rotation_about_a_world_axis_is_read_in_the_body_frame() -> None:
    t = _frames()
    r0 = Rotation.from_euler("x", 90, degrees=True)  # segment y axis points up
    rots = Rotation.from_rotvec(np.outer(t, [0.0, 0.0, 0.8])) * r0  # spin about world z
    rec = EXACT.simulate(np.zeros((t.size, 3)), rots, FPS)
    # World z is the segment's +y axis: the gyro reads 0.8 rad/s about y; gravity on +y.
    inner = _inner(rec)
    np.testing.assert_allclose(
        _gyro(rec)[inner], np.tile([0, 0.8, 0], (int(inner.sum()), 1)), atol=1e-3
    )
    np.testing.assert_allclose(
        rec.acc_m_s2[inner], np.tile([0, G, 0], (int(inner.sum()), 1)), atol=1e-6
    )


def test_circle_gives_centripetal_acceleration_towards_the_centre() -> None:
    t = _frames(6.0)
    radius_m, omega = 1.5, 1.2  # rad/s: centripetal 1.5 * 1.44 = 2.16 m/s^2
    pos = np.c_[radius_m * np.cos(omega * t), radius_m * np.sin(omega * t), np.full(t.size, 1.0)]
    heading = Rotation.from_rotvec(np.outer(omega * t, [0, 0, 1]))  # x axis points outwards
    rec = EXACT.simulate(pos, heading, FPS)
    inner = _inner(rec)
    expected = np.array([-radius_m * omega**2, 0.0, G])
    np.testing.assert_allclose(
        rec.acc_m_s2[inner], np.tile(expected, (int(inner.sum()), 1)), atol=0.01
    )
    np.testing.assert_allclose(_gyro(rec)[inner][:, 2], omega, atol=1e-3)


def test_lever_arm_adds_the_centripetal_term_of_the_displaced_point() -> None:
    t = _frames()
    spin = Rotation.from_rotvec(np.outer(t, [0, 0, 2.0]))
    sim = ImuSimulator(lever_arm_m=(0.25, 0.0, 0.0), acc_noise_m_s2=0, gyro_noise_rad_s=0)
    rec = sim.simulate(np.zeros((t.size, 3)), spin, FPS)
    inner = _inner(rec)
    np.testing.assert_allclose(rec.acc_m_s2[inner][:, 0], -0.25 * 4.0, atol=0.01)


def _wobbly_motion(n_frames: int = 150) -> tuple[NDArray[np.float64], Rotation]:
    t = np.arange(n_frames) / FPS
    pos = np.c_[1.1 * t, 0.05 * np.sin(np.pi * 1.8 * t), 0.9 + 0.03 * np.sin(2 * np.pi * 1.8 * t)]
    rots = Rotation.from_euler(
        "zyx",
        np.c_[8 * np.sin(np.pi * 1.8 * t), 4 * np.sin(2 * np.pi * 1.8 * t + 1), 3 * np.cos(t)],
        degrees=True,
    )
    return pos, rots


def test_mounting_rotation_preserves_magnitudes_and_rotates_readings() -> None:
    pos, rots = _wobbly_motion()
    mount = Rotation.from_euler("xyz", [20, -70, 145], degrees=True)
    plain = EXACT.simulate(pos, rots, FPS)
    mounted = ImuSimulator(mounting_rotation=mount, acc_noise_m_s2=0, gyro_noise_rad_s=0).simulate(
        pos, rots, FPS
    )
    for a, b in ((plain.acc_m_s2, mounted.acc_m_s2), (_gyro(plain), _gyro(mounted))):
        np.testing.assert_allclose(np.linalg.norm(a, axis=1), np.linalg.norm(b, axis=1), atol=1e-9)
        np.testing.assert_allclose(mount.apply(b), a, atol=1e-9)
    assert not np.allclose(plain.acc_m_s2, mounted.acc_m_s2, atol=0.1)


def test_time_reversal_flips_the_gyro_and_keeps_the_acceleration() -> None:
    pos, rots = _wobbly_motion(151)  # 5 s: reversed sample times fall on the same grid
    fwd = EXACT.simulate(pos, rots, FPS)
    back = EXACT.simulate(pos[::-1], rots[::-1], FPS)
    np.testing.assert_allclose(_gyro(back)[::-1], -_gyro(fwd), atol=1e-4)
    np.testing.assert_allclose(back.acc_m_s2[::-1], fwd.acc_m_s2, atol=1e-6)
    assert np.abs(_gyro(fwd)).max() > 0.3  # the motion does rotate


def test_noise_and_bias_have_the_requested_size_and_the_seed_reproduces_them() -> None:
    t = _frames(20.0)
    still = (np.zeros((t.size, 3)), Rotation.identity(t.size))
    sim = ImuSimulator(
        acc_noise_m_s2=0.05,
        gyro_noise_rad_s=0.01,
        acc_bias_m_s2=(0.1, 0, 0),
        gyro_bias_rad_s=(0, 0, -0.02),
        seed=7,
    )
    rec = sim.simulate(*still, FPS)
    acc_err = rec.acc_m_s2 - [0, 0, G]
    np.testing.assert_allclose(acc_err.mean(axis=0), [0.1, 0, 0], atol=0.01)
    np.testing.assert_allclose(acc_err.std(axis=0), 0.05, rtol=0.1)
    np.testing.assert_allclose(_gyro(rec).mean(axis=0), [0, 0, -0.02], atol=0.002)
    np.testing.assert_allclose(_gyro(rec).std(axis=0), 0.01, rtol=0.1)
    np.testing.assert_array_equal(sim.simulate(*still, FPS).acc_m_s2, rec.acc_m_s2)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"sampling_rate_hz": 0}, "sampling_rate_hz"),
        ({"acc_noise_m_s2": -1}, "acc_noise_m_s2"),
        ({"gyro_noise_rad_s": float("nan")}, "gyro_noise_rad_s"),
        ({"acc_bias_m_s2": (1, 2)}, "acc_bias_m_s2"),
        ({"lever_arm_m": (0, 0, float("inf"))}, "lever_arm_m"),
    ],
)
def test_bad_parameters_are_refused_naming_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as info:
        ImuSimulator(**kwargs)  # type: ignore[arg-type]
    assert info.value.field == field


def test_bad_motion_is_refused() -> None:
    pos, rots = _wobbly_motion(10)
    with pytest.raises(InvalidInput, match="orientations"):
        EXACT.simulate(pos, rots[:5], FPS)
    with pytest.raises(InvalidInput, match="positions_m"):
        EXACT.simulate(pos[:3], rots[:3], FPS)
    with pytest.raises(InvalidInput, match="frame_rate_hz"):
        EXACT.simulate(pos, rots, 0.0)


def test_generic_csv_round_trips_with_the_exact_header(tmp_path: Path) -> None:
    pos, rots = _wobbly_motion(40)
    rec = ImuSimulator(sampling_rate_hz=50, seed=1).simulate(pos, rots, FPS)
    path = write_generic_csv(rec, tmp_path / "walk.csv")
    assert path.read_text().splitlines()[0] == HEADER_WITH_GYRO == "time_s,ax,ay,az,gx,gy,gz"
    table = np.loadtxt(path, delimiter=",", skiprows=1)
    np.testing.assert_allclose(table[:, 0], rec.time_s, atol=1e-9)
    np.testing.assert_allclose(table[:, 1:4], rec.acc_m_s2, rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(table[:, 4:7], _gyro(rec), rtol=1e-8, atol=1e-8)


def test_generic_csv_without_gyro_has_only_the_acceleration_columns(tmp_path: Path) -> None:
    rec = MotionRecording(
        time_s=np.array([0.0, 0.01]),
        acc_m_s2=np.zeros((2, 3)),
        gyro_rad_s=None,
        gravity_included=True,
        source_format="test",
    )
    path = write_generic_csv(rec, tmp_path / "acc.csv")
    assert path.read_text().splitlines()[0] == "time_s,ax,ay,az"


# --- one real clip -------------------------------------------------------------------------


def _dominant_frequency_hz(
    x: NDArray[np.float64], rate_hz: float, band: tuple[float, float]
) -> float:
    x = x - x.mean()
    spec = np.abs(np.fft.rfft(x * np.hanning(x.size), n=8 * x.size))
    freq = np.fft.rfftfreq(8 * x.size, 1.0 / rate_hz)
    sel = (freq >= band[0]) & (freq <= band[1])
    return float(freq[sel][np.argmax(spec[sel])])


@pytest.mark.slow
def test_simulated_walk_at_the_hips_reads_one_g_and_steps_at_the_foot_contact_rate(
    shared_data: Path,
) -> None:
    from retrowalk.formats.bvh import global_pose, read_bvh

    pose = global_pose(read_bvh(shared_data / "mocap" / "dataset-1_walk_normal_001.bvh"))
    mount = Rotation.from_euler("xyz", [0, 0, 30], degrees=True)
    rec = ImuSimulator(mounting_rotation=mount, seed=0).simulate(
        pose.position_m("Hips"), pose.orientation("Hips"), pose.frame_rate_hz
    )
    inner = _inner(rec, 0.3)
    acc = rec.acc_m_s2[inner]
    # Over whole strides the mean acceleration vector is gravity alone; its size is 1 g.
    assert np.linalg.norm(acc.mean(axis=0)) == pytest.approx(G, rel=0.02)
    assert 0.98 * G < np.linalg.norm(acc, axis=1).mean() < 1.15 * G
    # Step frequency from the vertical acceleration (along the mean, i.e. gravity, direction).
    up = acc.mean(axis=0) / np.linalg.norm(acc.mean(axis=0))
    step_hz_sensor = _dominant_frequency_hz(acc @ up, 100.0, (1.0, 3.0))
    assert 1.5 < step_hz_sensor < 2.5
    # Independent check from the skeleton: a foot is flat on the floor where its ankle is
    # within 1 cm of its lowest; a landing starts such a span (ignoring re-entries within
    # 0.4 s, the small rebound after heel strike). Two landings (left, right) per stride.
    fps = pose.frame_rate_hz
    strides = []
    for foot in ("Foot_L", "Foot_R"):
        height = pose.position_m(foot)[:, 2]
        landings = np.flatnonzero(np.diff((height < height.min() + 0.01).astype(int)) == 1)
        landings = landings[np.r_[True, np.diff(landings) > 0.4 * fps]]
        strides.append(np.diff(landings) / fps)
    stride_s = float(np.median(np.concatenate(strides)))
    assert step_hz_sensor == pytest.approx(2.0 / stride_s, rel=0.05)


def _load_script(name: str) -> object:
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_simulate_bvh_script_writes_a_csv_at_the_requested_rate(tmp_path: Path) -> None:
    rows = "\n".join(f"{2.0 * k} 90 0 0 0 0" for k in range(31))  # 1 s at 2 cm/frame
    bvh = tmp_path / "one.bvh"
    bvh.write_text(
        "HIERARCHY\nROOT Hips\n{\n OFFSET 0 0 0\n"
        " CHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation\n"
        " End Site\n {\n  OFFSET 0 10 0\n }\n}\n"
        f"MOTION\nFrames: 31\nFrame Time: 0.0333333\n{rows}\n"
    )
    out = tmp_path / "out.csv"
    script = _load_script("simulate_bvh")
    argv = [str(bvh), "--rate", "50", "--rotation-deg", "90,0,0", "--acc-noise", "0",
            "--gyro-noise", "0", "--out", str(out)]  # fmt: skip
    assert script.main(argv) == 0  # type: ignore[attr-defined]
    table = np.loadtxt(out, delimiter=",", skiprows=1)
    assert out.read_text().splitlines()[0] == HEADER_WITH_GYRO
    np.testing.assert_allclose(np.diff(table[:, 0]), 0.02, atol=1e-6)
    # Constant velocity, no rotation: gravity only. The segment's y axis is BVH's up, so the
    # segment reads (0, g, 0); the sensor turned +90 deg about x reads Rx(-90) (0, g, 0).
    np.testing.assert_allclose(table[:, 1:4], np.tile([0, 0, -G], (len(table), 1)), atol=1e-3)
    np.testing.assert_allclose(table[:, 4:7], 0.0, atol=1e-6)
    assert script.main([str(bvh), "--joint", "Knee", "--out", str(out)]) == 2  # type: ignore[attr-defined]

"""DirectionDetector on synthetic pelvis motion and a few simulated motion-capture clips.

The synthetic walker (tests/unit/synthetic_direction.py) vaults like an inverted pendulum and
pitches once per step; its backward walk is its forward walk played backwards, which is what
the detector relies on, so these tests check the rules and the plumbing, not accuracy (the
accuracy figures come from scripts/validate_direction_real.py and validate_direction_sim.py).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from retrowalk.domain.models import WalkDirection
from retrowalk.errors import InvalidInput
from retrowalk.formats.bvh import global_pose, read_bvh
from retrowalk.sensing import direction_cues
from retrowalk.sensing.direction import DirectionDetector, DirectionResult
from retrowalk.sensing.direction_calibration import Calibration
from retrowalk.sensing.direction_rules import bout_medians
from retrowalk.sensing.gait import WalkingBout, analyze_motion
from retrowalk.sensing.imu_sim import ImuSimulator
from retrowalk.sensing.recording import MotionRecording

from .synthetic_direction import Segment, recording, rotated

MOUNT = Rotation.from_euler("xyz", [20.0, -70.0, 35.0], degrees=True)
WARM_S = 30.0


@pytest.fixture(scope="module")
def session() -> MotionRecording:
    """A forward warm-up, then backward, sideways, running and a walk in a circle."""
    return recording(
        [
            Segment("forward", WARM_S),
            Segment("stand", 8),
            Segment("backward", 30),
            Segment("stand", 8),
            Segment("sideways", 30),
            Segment("stand", 8),
            Segment("run", 20),
            Segment("stand", 8),
            Segment("forward", 30, heading_rate_deg_s=40.0),
        ],
        MOUNT,
    )


@pytest.fixture(scope="module")
def session_bouts(session: MotionRecording) -> tuple[WalkingBout, ...]:
    bouts = analyze_motion(session).bouts
    assert len(bouts) == 5
    return bouts


def _directions(result: DirectionResult) -> list[WalkDirection]:
    return [b.direction for b in result.bouts]


def test_warm_up_calibration_tells_forward_backward_and_sideways(
    session: MotionRecording, session_bouts: tuple[WalkingBout, ...]
) -> None:
    result = DirectionDetector().detect(session, session_bouts, warmup_s=WARM_S)
    assert result.calibration_source == "warm-up"
    assert result.attachment == "same-recording"
    assert result.placement == "waist"
    assert _directions(result)[:3] == [
        WalkDirection.FORWARD,
        WalkDirection.BACKWARD,
        WalkDirection.SIDEWAYS,
    ]
    back = result.bouts[1]
    assert back.calibrated and back.confidence > 0.8
    assert back.backward_s == pytest.approx(back.end_s - back.start_s, abs=1.0)
    assert result.backward_s == pytest.approx(back.backward_s)


def test_running_and_turning_are_never_called_backward(
    session: MotionRecording, session_bouts: tuple[WalkingBout, ...]
) -> None:
    result = DirectionDetector().detect(session, session_bouts, warmup_s=WARM_S)
    run, circle = result.bouts[3], result.bouts[4]
    assert run.direction is WalkDirection.UNKNOWN and run.backward_s == 0.0
    assert circle.direction is WalkDirection.UNKNOWN and circle.backward_s == 0.0
    reasons = {w.reason for w in result.windows if run.start_s <= w.start_s < run.end_s}
    assert reasons == {"running"}
    reasons = {w.reason for w in result.windows if circle.start_s <= w.start_s < circle.end_s}
    assert reasons == {"turning"}


def test_windows_tile_each_bout(
    session: MotionRecording, session_bouts: tuple[WalkingBout, ...]
) -> None:
    result = DirectionDetector().detect(session, session_bouts)
    for bout in session_bouts:
        inside = [w for w in result.windows if bout.start_s <= w.start_s < bout.end_s]
        assert inside[0].start_s == pytest.approx(bout.start_s)
        assert inside[-1].end_s == pytest.approx(bout.end_s)
        assert all(a.end_s == pytest.approx(b.start_s) for a, b in itertools.pairwise(inside))


def test_rotated_recording_gives_the_same_answer(
    session: MotionRecording, session_bouts: tuple[WalkingBout, ...]
) -> None:
    turn = Rotation.from_euler("zyx", [123.0, -40.0, 75.0], degrees=True)
    det = DirectionDetector()
    for kwargs in ({}, {"warmup_s": WARM_S}):
        a = det.detect(session, session_bouts, **kwargs)
        b = det.detect(rotated(session, turn), session_bouts, **kwargs)
        assert [w.direction for w in a.windows] == [w.direction for w in b.windows]
        assert [w.reason for w in a.windows] == [w.reason for w in b.windows]
        np.testing.assert_allclose(
            [w.confidence for w in a.windows], [w.confidence for w in b.windows], atol=1e-6
        )


def test_a_stored_calibration_of_the_same_attachment_finds_the_backward_walk(
    session: MotionRecording, session_bouts: tuple[WalkingBout, ...]
) -> None:
    det = DirectionDetector()
    cal = det.calibrate(session, session_bouts, start_s=0.0, end_s=WARM_S)
    later = recording([Segment("backward", 30), Segment("stand", 8)], MOUNT, seed=5)
    result = det.detect(later, calibration=cal)
    assert result.attachment == "matched"
    assert _directions(result) == [WalkDirection.BACKWARD]
    assert result.bouts[0].reason == "travel-and-pitch"


def test_a_sensor_turned_round_since_calibration_is_not_called_backward(
    session: MotionRecording, session_bouts: tuple[WalkingBout, ...]
) -> None:
    """Turned 180 deg about the vertical, the tilt is the same and the travel direction in the
    sensor frame flips; the orientation-free pitch cue still says forward: conflict."""
    det = DirectionDetector()
    cal = det.calibrate(session, session_bouts, start_s=0.0, end_s=WARM_S)
    assert cal.forward_sensor is not None
    f = cal.forward_sensor
    turned = replace(cal, forward_sensor=(-f[0], -f[1], -f[2]))
    forward = recording([Segment("forward", 30), Segment("stand", 8)], MOUNT, seed=6)
    result = det.detect(forward, calibration=turned)
    assert result.attachment == "conflict"
    assert result.backward_s == 0.0


def test_without_calibration_an_ordinary_walk_is_unknown(
    session: MotionRecording, session_bouts: tuple[WalkingBout, ...]
) -> None:
    result = DirectionDetector().detect(session, session_bouts)
    assert not result.calibrated and result.calibration_source == "none"
    assert set(_directions(result)) == {WalkDirection.UNKNOWN}
    assert result.backward_s == 0.0


def test_without_a_gyroscope_and_calibration_everything_is_unknown() -> None:
    rec = recording([Segment("backward", 30)], MOUNT, with_gyro=False)
    result = DirectionDetector().detect(rec)
    assert set(_directions(result)) == {WalkDirection.UNKNOWN}
    assert {w.reason for w in result.windows} == {"no-gyroscope"}


def test_without_a_gyroscope_a_warm_up_still_calibrates_the_travel_direction() -> None:
    rec = recording(
        [Segment("forward", WARM_S), Segment("stand", 8), Segment("backward", 30)],
        MOUNT,
        with_gyro=False,
    )
    result = DirectionDetector(placement="waist").detect(rec, warmup_s=WARM_S)
    assert _directions(result) == [WalkDirection.FORWARD, WalkDirection.BACKWARD]
    assert result.bouts[1].reason == "travel"


def test_without_a_gyroscope_another_recordings_calibration_never_says_backward(
    session: MotionRecording, session_bouts: tuple[WalkingBout, ...]
) -> None:
    det = DirectionDetector(placement="waist")
    cal = det.calibrate(session, session_bouts, start_s=0.0, end_s=WARM_S)
    rec = recording([Segment("backward", 30)], MOUNT, with_gyro=False, seed=3)
    result = det.detect(rec, calibration=cal)
    assert result.backward_s == 0.0
    assert {w.reason for w in result.windows} == {"no-second-cue"}


def test_a_bout_too_short_to_judge_is_unknown() -> None:
    rec = recording([Segment("forward", 20)], MOUNT)
    short = (WalkingBout(5.0, 7.5, 4, 96.0, np.array([5.3, 5.9, 6.5, 7.1])),)
    result = DirectionDetector().detect(rec, short, warmup_s=4.0)
    assert result.windows == ()
    assert result.bouts[0].direction is WalkDirection.UNKNOWN
    assert result.bouts[0].reason == "too-short"


def test_skipping_long_standing_changes_no_cue(monkeypatch: pytest.MonkeyPatch) -> None:
    # long standing before and between the bouts is skipped (each bout is filtered from
    # PRE_ROLL_S before it): the cues must be those of filtering the whole recording
    rec = recording(
        [
            Segment("stand", 100),
            Segment("forward", 30),
            Segment("stand", 90),
            Segment("backward", 30),
            Segment("stand", 60),
        ],
        MOUNT,
    )
    bouts = analyze_motion(rec).bouts
    assert len(bouts) == 2 and bouts[0].start_s > 90 and bouts[1].start_s - bouts[0].end_s > 80
    detector = DirectionDetector()
    skipped = detector.cues(rec, bouts)
    monkeypatch.setattr(direction_cues, "PRE_ROLL_S", 1000.0)  # longer than the recording
    whole = detector.cues(rec, bouts)
    assert skipped.n_windows == whole.n_windows > 40
    for name, value in vars(whole).items():
        np.testing.assert_allclose(getattr(skipped, name), value, rtol=0, atol=1e-12, err_msg=name)


def test_standing_is_never_judged() -> None:
    rec = recording([Segment("stand", 30)], MOUNT)
    assert analyze_motion(rec).bouts == ()
    forced = (WalkingBout(2.0, 28.0, 0, 0.0, np.zeros(0)),)
    result = DirectionDetector().detect(rec, forced)
    assert {w.reason for w in result.windows} == {"standing"}
    assert result.bouts[0].direction is WalkDirection.UNKNOWN


def test_acceleration_without_gravity_is_unknown_with_a_note() -> None:
    rec = recording([Segment("backward", 30)], MOUNT)
    linear = replace(rec, acc_m_s2=rec.acc_m_s2 - rec.acc_m_s2.mean(axis=0), gravity_included=False)
    bouts = (WalkingBout(0.0, 30.0, 0, 0.0, np.zeros(0)),)
    result = DirectionDetector().detect(linear, bouts)
    assert result.bouts[0].direction is WalkDirection.UNKNOWN
    assert result.bouts[0].reason == "no-gravity"
    assert any("gravity" in n for n in result.notes)
    with pytest.raises(InvalidInput):
        DirectionDetector().calibrate(linear, bouts)


def test_a_recording_without_walking_has_no_bouts_and_no_notes() -> None:
    rec = recording([Segment("stand", 30)], MOUNT)
    result = DirectionDetector().detect(rec)
    assert result.bouts == () and result.windows == () and result.notes == ()
    assert result.backward_s == 0.0


def test_calibrating_on_standing_is_refused() -> None:
    rec = recording([Segment("stand", 30)], MOUNT)
    with pytest.raises(InvalidInput, match="steady walking"):
        DirectionDetector().calibrate(rec, (WalkingBout(2.0, 28.0, 0, 0.0, np.zeros(0)),))


def test_a_declared_warm_up_without_walking_leaves_the_recording_uncalibrated() -> None:
    rec = recording([Segment("stand", 20), Segment("backward", 30)], MOUNT)
    result = DirectionDetector().detect(rec, warmup_s=15.0)
    assert result.calibration_source == "none" and not result.calibrated
    assert any("warm-up could not calibrate" in n for n in result.notes)
    assert result.backward_s == 0.0


def test_calibration_round_trips_through_json(
    session: MotionRecording, session_bouts: tuple[WalkingBout, ...]
) -> None:
    cal = DirectionDetector().calibrate(session, session_bouts, start_s=0.0, end_s=WARM_S)
    text = json.dumps(cal.to_dict())
    assert Calibration.from_dict(json.loads(text)) == cal


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("placement", "wrist", "placement"),
        ("up_sensor", [1.0, 1.0, 0.0], "unit vector"),
        ("forward_sensor", [0.0, 1.0], "three numbers"),
        ("pitch_cue_median", 3.0, "pitch_cue_median"),
        ("travel_consistency", 1.5, "travel_consistency"),
        ("n_windows", 0, "n_windows"),
        ("version", 99, "version"),
        ("has_gyro", "yes", "has_gyro"),
    ],
)
def test_a_bad_calibration_field_is_named(field: str, value: object, message: str) -> None:
    good = Calibration(
        placement="waist",
        up_sensor=(0.0, 0.0, 1.0),
        forward_sensor=(1.0, 0.0, 0.0),
        travel_consistency=0.99,
        travel_strength_median=0.7,
        pitch_cue_median=0.3,
        pitch_cue_iqr=0.1,
        walking_s=60.0,
        n_windows=55,
        has_gyro=True,
    ).to_dict()
    with pytest.raises(InvalidInput, match=message):
        Calibration.from_dict({**good, field: value})
    missing = dict(good)
    del missing[field]
    with pytest.raises(InvalidInput, match="missing"):
        Calibration.from_dict(missing)


def test_a_calibration_for_another_placement_is_not_used(
    session: MotionRecording, session_bouts: tuple[WalkingBout, ...]
) -> None:
    cal = DirectionDetector().calibrate(session, session_bouts, start_s=0.0, end_s=WARM_S)
    pocket = replace(cal, placement="pocket")
    result = DirectionDetector(placement="waist").detect(session, session_bouts, pocket)
    assert not result.calibrated
    assert any("calibration is for pocket" in n for n in result.notes)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("window_s", 1.0),
        ("hop_s", 0.0),
        ("placement", "hand"),
        ("margin", -0.1),
        ("far_margin", 1.5),
        ("min_far_calibration", -0.1),
        ("min_confidence", 1.5),
        ("bout_share", 0.5),
        ("tilt_match_deg", 120.0),
        ("running_cadence_steps_per_min", 20.0),
    ],
)
def test_bad_parameters_are_refused_by_name(name: str, value: object) -> None:
    with pytest.raises(InvalidInput, match=name):
        DirectionDetector(**{name: value})  # type: ignore[arg-type]


# ------------------------------------------------------------------ simulated motion capture


def _clip(shared: Path, stem: str, joint: str, mount: Rotation, seed: int) -> MotionRecording:
    motion = read_bvh(shared / "mocap" / f"{stem}.bvh")
    pose = global_pose(motion)
    lever = (0.0, 0.0, 0.0)
    if joint != "Hips":
        knee = motion.local_translations()[0, motion.joint_index("LowerLeg" + joint[-2:])]
        lever = tuple(0.45 * knee / 100.0)
    sim = ImuSimulator(mounting_rotation=mount, lever_arm_m=lever, seed=seed)  # type: ignore[arg-type]
    return sim.simulate(pose.position_m(joint), pose.orientation(joint), pose.frame_rate_hz)


def _warm_session(
    shared: Path, warm: str, test: str, joint: str, seed: int
) -> tuple[MotionRecording, tuple[WalkingBout, ...], float]:
    """A forward clip then ``test`` at the same mounting, as one recording; one bout each."""
    mount = Rotation.random(random_state=seed)
    a = _clip(shared, warm, joint, mount, seed)
    b = _clip(shared, test, joint, mount, seed + 1)
    split = float(a.time_s[-1]) + 0.01
    assert a.gyro_rad_s is not None and b.gyro_rad_s is not None
    rec = MotionRecording(
        time_s=np.concatenate([a.time_s, b.time_s + split]),
        acc_m_s2=np.concatenate([a.acc_m_s2, b.acc_m_s2]),
        gyro_rad_s=np.concatenate([a.gyro_rad_s, b.gyro_rad_s]),
        gravity_included=True,
        source_format="simulated",
    )
    end = float(rec.time_s[-1])
    bouts = (
        WalkingBout(0.0, split, 0, 0.0, np.zeros(0)),
        WalkingBout(split, end, 0, 0.0, np.zeros(0)),
    )
    return rec, bouts, split


@pytest.mark.parametrize("joint", ["Hips", "UpperLeg_R"])
@pytest.mark.parametrize("style", ["proud", "angry"])
def test_simulated_backward_clip_is_called_backward_after_a_warm_up(
    shared_data: Path, joint: str, style: str
) -> None:
    rec, bouts, split = _warm_session(
        shared_data, f"dataset-1_walk_{style}_001", f"dataset-1_walk-back_{style}_001", joint, 11
    )
    result = DirectionDetector().detect(rec, bouts, warmup_s=split)
    assert result.bouts[1].direction is WalkDirection.BACKWARD


@pytest.mark.parametrize("joint", ["Hips", "UpperLeg_L"])
@pytest.mark.parametrize("kind", ["walk-left", "walk-right"])
@pytest.mark.parametrize("style", ["feminine", "proud", "happy"])
def test_simulated_diagonal_walks_are_never_called_backward(
    shared_data: Path, joint: str, kind: str, style: str
) -> None:
    rec, bouts, split = _warm_session(
        shared_data, f"dataset-1_walk_{style}_001", f"dataset-1_{kind}_{style}_001", joint, 21
    )
    result = DirectionDetector().detect(rec, bouts, warmup_s=split)
    assert result.bouts[1].direction is not WalkDirection.BACKWARD
    assert result.bouts[1].backward_s == 0.0


def _whole(rec: MotionRecording) -> tuple[WalkingBout, ...]:
    return (WalkingBout(float(rec.time_s[0]), float(rec.time_s[-1]), 0, 0.0, np.zeros(0)),)


@pytest.mark.parametrize("joint", ["Hips", "UpperLeg_R"])
@pytest.mark.parametrize("style", ["proud", "angry"])
def test_a_calibration_from_another_attachment_finds_the_simulated_backward_clip(
    shared_data: Path, joint: str, style: str
) -> None:
    """The issue's protocol: calibrated on a forward clip at one mounting rotation, the sensor
    re-attached at another: only the pitch cue carries over, judged over the bout."""
    det = DirectionDetector()
    warm = _clip(shared_data, f"dataset-1_walk_{style}_001", joint, Rotation.random(None, 3), 3)
    cal = det.calibrate(warm, _whole(warm))
    for stem, expected in (
        (f"dataset-1_walk-back_{style}_001", WalkDirection.BACKWARD),
        (f"dataset-1_walk_{style}_002", WalkDirection.FORWARD),
    ):
        rec = _clip(shared_data, stem, joint, Rotation.random(None, 4), 4)
        result = det.detect(rec, _whole(rec), cal)
        assert result.attachment == "changed"
        assert result.bouts[0].direction is expected
        assert result.bouts[0].reason == "pitch-calibrated"


def test_a_faint_signature_is_not_carried_to_another_attachment(shared_data: Path) -> None:
    """A calibrated pitch value near zero (real lower backs whose sign changed between
    attachments) says nothing once the sensor was re-attached: unknown, never backward."""
    det = DirectionDetector()
    warm = _clip(shared_data, "dataset-1_walk_proud_001", "Hips", Rotation.random(None, 3), 3)
    cal = det.calibrate(warm, _whole(warm))
    assert cal.pitch_cue_median is not None and abs(cal.pitch_cue_median) >= 0.3
    faint = replace(cal, pitch_cue_median=0.1 * np.sign(cal.pitch_cue_median))
    rec = _clip(shared_data, "dataset-1_walk-back_proud_001", "Hips", Rotation.random(None, 4), 4)
    result = det.detect(rec, _whole(rec), faint)
    assert result.bouts[0].direction is WalkDirection.UNKNOWN
    assert result.backward_s == 0.0


def test_bout_medians_are_each_bouts_median_over_the_selected_windows() -> None:
    rng = np.random.default_rng(3)
    bout = np.sort(rng.integers(0, 6, 200)).astype(np.intp)
    values = rng.normal(size=200)
    values[rng.random(200) < 0.1] = np.nan
    selected = rng.random(200) < 0.7
    got = bout_medians(values, bout, selected)
    for j in range(6):
        pick = (bout == j) & selected & np.isfinite(values)
        want = np.median(values[pick]) if pick.any() else np.nan
        np.testing.assert_allclose(got[bout == j], want)
    assert np.all(np.isnan(bout_medians(values, bout, np.zeros(200, dtype=bool))))

"""BVH reader and forward kinematics: a tiny hand-written file, known chains, refusals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from retrowalk.errors import InvalidInput, UnsupportedFile
from retrowalk.formats.bvh import global_pose, parse_bvh, read_bvh
from retrowalk.sensing.kinematics import forward_kinematics

# Root with 6 channels; Arm with its OFFSET only (3 rotation channels, order Z X Y);
# Hand with 6 channels whose position channels replace its OFFSET.
TINY = """HIERARCHY
ROOT Root
{
  OFFSET 0 0 0
  CHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation
  JOINT Arm
  {
    OFFSET 10 0 0
    CHANNELS 3 Zrotation Xrotation Yrotation
    JOINT Hand
    {
      OFFSET 99 99 99
      CHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation
      End Site
      {
        OFFSET 0 5 0
      }
    }
  }
}
MOTION
Frames: 2
Frame Time: 0.5
0 100 0 0 0 90   0 0 0   0 20 0 0 0 0
1 100 0 0 0 0    90 90 0  0 20 0 0 0 0
"""


def test_tiny_file_parses_hierarchy_channels_and_frame_time() -> None:
    motion = parse_bvh(TINY)
    assert motion.joint_names == ("Root", "Arm", "Hand")
    assert [j.parent for j in motion.joints] == [-1, 0, 1]
    assert [j.channel_start for j in motion.joints] == [0, 6, 9]
    assert motion.joints[1].rotation_order == "ZXY"
    assert motion.frame_time_s == 0.5
    assert motion.frame_rate_hz == 2.0
    assert motion.frames.shape == (2, 15)
    np.testing.assert_allclose(motion.joints[2].end_site, [0, 5, 0])  # type: ignore[arg-type]


def test_position_channels_replace_the_offset_and_offset_is_used_without_them() -> None:
    t = parse_bvh(TINY).local_translations()
    np.testing.assert_allclose(t[0, 1], [10, 0, 0])  # Arm: OFFSET
    np.testing.assert_allclose(t[0, 2], [0, 20, 0])  # Hand: channels, not OFFSET 99 99 99
    np.testing.assert_allclose(t[1, 0], [1, 100, 0])  # Root: channels


def test_forward_kinematics_of_a_known_chain_in_the_z_up_world_frame() -> None:
    pose = global_pose(parse_bvh(TINY))
    # Frame 0: root at (0, 100, 0) cm (y up), turned +90 deg about y_bvh, which takes the
    # Arm OFFSET (10, 0, 0) to (0, 0, -10): Arm at (0, 100, -10) cm in BVH axes; world axes
    # are (z_bvh, x_bvh, y_bvh) in metres: (-0.10, 0, 1.00).
    np.testing.assert_allclose(pose.position_m("Root")[0], [0, 0, 1.0], atol=1e-12)
    np.testing.assert_allclose(pose.position_m("Arm")[0], [-0.10, 0, 1.0], atol=1e-12)
    # Hand 20 cm along the Arm's y (= y_bvh, up): (-0.10, 0, 1.20).
    np.testing.assert_allclose(pose.position_m("Hand")[0], [-0.10, 0, 1.20], atol=1e-12)


def test_rotation_channels_compose_in_file_order() -> None:
    # Frame 1: Arm Z=90 then X=90 (R = Rz Rx): its local y goes to z_bvh (Rx takes y to z,
    # Rz keeps z). In the other order (Rx Rz) it would go to -x_bvh.
    pose = global_pose(parse_bvh(TINY))
    arm, hand = pose.position_m("Arm")[1], pose.position_m("Hand")[1]
    # Arm at root (1, 100, 0) + (10, 0, 0) = (11, 100, 0) cm; Hand 20 cm along z_bvh.
    np.testing.assert_allclose(arm, [0, 0.11, 1.0], atol=1e-12)
    np.testing.assert_allclose(hand - arm, [0.20, 0, 0], atol=1e-12)
    # The Arm's orientation maps its local y to world x (= z_bvh).
    np.testing.assert_allclose(pose.orientation("Arm")[1].apply([0, 1, 0]), [1, 0, 0], atol=1e-12)


def test_forward_kinematics_matches_matrix_products_for_random_chains() -> None:
    rng = np.random.default_rng(3)
    n_frames, parents = 5, (-1, 0, 1, 1, 3)
    t = rng.normal(size=(n_frames, 5, 3))
    r = Rotation.random(n_frames * 5, random_state=4).as_quat().reshape(n_frames, 5, 4)
    pose = forward_kinematics(
        ("a", "b", "c", "d", "e"), parents, t, r, 30.0, world_from_source=Rotation.identity()
    )
    f = 2  # check one frame against 4x4 homogeneous transforms
    mats = []
    for j, p in enumerate(parents):
        m = np.eye(4)
        m[:3, :3] = Rotation.from_quat(r[f, j]).as_matrix()
        m[:3, 3] = t[f, j]
        mats.append(m if p < 0 else mats[p] @ m)
    np.testing.assert_allclose(pose.positions_m[f], [m[:3, 3] for m in mats], atol=1e-12)
    np.testing.assert_allclose(
        Rotation.from_quat(pose.orientations_xyzw[f]).as_matrix(),
        [m[:3, :3] for m in mats],
        atol=1e-12,
    )


def test_unknown_joint_names_the_joints() -> None:
    motion = parse_bvh(TINY)
    with pytest.raises(InvalidInput, match="Root, Arm, Hand"):
        motion.joint_index("Hips")
    with pytest.raises(InvalidInput, match="joint"):
        global_pose(motion).position_m("Hips")


def _replace(old: str, new: str) -> str:
    assert old in TINY
    return TINY.replace(old, new, 1)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "does not start with HIERARCHY"),
        ("hello world", "does not start with HIERARCHY"),
        (TINY.split("MOTION")[0], "no MOTION section"),
        (_replace("Frames: 2", "Frames: 3"), "Frames says 3 but 2 frame rows"),
        (_replace("Frames: 2", "Frames: two"), "not a frame count"),
        (_replace("Frames: 2", "Frames: 0"), "holds no motion"),
        (_replace("Frame Time: 0.5", "Frame Time: 0"), "must be a positive number"),
        (_replace("Frame Time: 0.5", "Frame Time: x"), "not a number"),
        (_replace("Frame Time: 0.5\n", ""), "'Frames: N' and 'Frame Time: T'"),
        (_replace("0 0 0   0 20", "0 0   0 20"), "frame 1 has 14 values"),
        (_replace("0 0 0   0 20", "0 0 zz   0 20"), "not a number"),
        (_replace("0 0 0   0 20", "0 0 nan   0 20"), "not finite"),
        (_replace("CHANNELS 3 Zrotation", "CHANNELS 3 Wrotation"), "unknown channel 'Wrotation'"),
        (_replace("CHANNELS 3 Zrotation", "CHANNELS 2 Zrotation"), "unexpected 'Yrotation'"),
        (
            _replace("CHANNELS 3 Zrotation Xrotation Yrotation", "CHANNELS 2 Zrotation Xrotation"),
            "frame 1 has 15 values; the hierarchy declares 14",
        ),
        (
            _replace("CHANNELS 3 Zrotation Xrotation", "CHANNELS 3 Xposition Xrotation"),
            "1 position channels",
        ),
        (_replace("CHANNELS 3 Zrotation Xrotation", "CHANNELS 3 Xrotation Xrotation"), "repeated"),
        (_replace("CHANNELS 3", "CHANNELS three"), "not a count"),
        (_replace("OFFSET 10 0 0", "OFFSET 10 0 a"), "OFFSET of Arm"),
        (_replace("JOINT Hand", "JOINT Arm"), "appears twice"),
        (_replace("      End Site", "      Bogus Site"), "unexpected 'Bogus'"),
        (TINY.replace("}\nMOTION", "MOTION"), "hierarchy ends early"),
        (TINY.replace("}\nMOTION", "}\n}\nMOTION"), "unexpected '}' after the root"),
    ],
)
def test_malformed_files_are_refused_with_the_problem_named(text: str, problem: str) -> None:
    with pytest.raises(UnsupportedFile, match=problem) as info:
        parse_bvh(text, source="bad.bvh")
    assert info.value.path == "bad.bvh"


def test_unreadable_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedFile, match="cannot be read"):
        read_bvh(tmp_path / "missing.bvh")
    binary = tmp_path / "binary.bvh"
    binary.write_bytes(b"\xff\xfe\x00HIERARCHY")
    with pytest.raises(UnsupportedFile, match="not a text BVH file"):
        read_bvh(binary)


def test_windows_line_endings_are_read(tmp_path: Path) -> None:
    path = tmp_path / "crlf.bvh"
    path.write_bytes(TINY.replace("\n", "\r\n").encode())
    assert read_bvh(path).n_frames == 2


@pytest.mark.slow
def test_real_clip_parses_with_the_hips_at_walking_height(shared_data: Path) -> None:
    motion = read_bvh(shared_data / "mocap" / "dataset-1_walk_normal_001.bvh")
    assert len(motion.joints) == 22
    assert motion.frame_rate_hz == pytest.approx(30.0, rel=1e-4)
    assert all(len(j.channels) == 6 for j in motion.joints)
    pose = global_pose(motion)
    hips = pose.position_m("Hips")
    # Hips of an adult at 0.8-1.0 m; a walk travels horizontally several metres.
    assert 0.8 < float(np.median(hips[:, 2])) < 1.0
    assert np.linalg.norm(hips[-1, :2] - hips[0, :2]) > 3.0
    # Feet below the hips, head above them, every frame.
    assert np.all(pose.position_m("Foot_L")[:, 2] < hips[:, 2] - 0.4)
    assert np.all(pose.position_m("Head")[:, 2] > hips[:, 2] + 0.3)

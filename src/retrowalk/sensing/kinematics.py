"""Forward kinematics of a joint hierarchy, vectorised over frames.

World frame (used by every function here and by :mod:`retrowalk.sensing.imu_sim`):
right-handed, metres, **z up** (gravity is ``(0, 0, -g)``). Motion capture in the usual
y-up convention (BVH) is turned into it by :data:`Z_UP_FROM_Y_UP`, the cyclic axis
relabelling ``x_world = z_src, y_world = x_src, z_world = y_src`` (a proper rotation, so
handedness and every joint's own axes are kept).

A joint's *orientation* is the rotation taking coordinates in the joint's own frame to world
coordinates (``v_world = R @ v_joint``); each joint's frame is the one the skeleton defines
(for the Bandai Namco skeleton, a segment's local x axis runs along its bone).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.spatial.transform import Rotation

from retrowalk.errors import InvalidInput

Z_UP_FROM_Y_UP: Rotation = Rotation.from_matrix(
    np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
)
"""Rotation taking y-up source coordinates (BVH) to the z-up world frame."""


@dataclass(frozen=True)
class GlobalPose:
    """World pose of every joint in every frame.

    ``positions_m``: (n_frames, n_joints, 3) joint origins in the world frame, metres.
    ``orientations_xyzw``: (n_frames, n_joints, 4) scalar-last unit quaternions of the joint
    orientations (joint frame -> world). ``frame_rate_hz``: frames per second.
    """

    joint_names: tuple[str, ...]
    positions_m: NDArray[np.float64]
    orientations_xyzw: NDArray[np.float64]
    frame_rate_hz: float

    @property
    def n_frames(self) -> int:
        return int(self.positions_m.shape[0])

    def index(self, joint: str) -> int:
        if joint not in self.joint_names:
            raise InvalidInput("joint", joint, ", ".join(self.joint_names))
        return self.joint_names.index(joint)

    def position_m(self, joint: str) -> NDArray[np.float64]:
        """(n_frames, 3) world position of ``joint``, metres."""
        return self.positions_m[:, self.index(joint), :]

    def orientation(self, joint: str) -> Rotation:
        """The n_frames orientations of ``joint`` (joint frame -> world)."""
        return Rotation.from_quat(self.orientations_xyzw[:, self.index(joint), :])


def forward_kinematics(
    joint_names: tuple[str, ...],
    parents: tuple[int, ...],
    local_translations_m: NDArray[np.float64],
    local_rotations_xyzw: NDArray[np.float64],
    frame_rate_hz: float,
    world_from_source: Rotation = Z_UP_FROM_Y_UP,
) -> GlobalPose:
    """Chain the joints' local transforms into world poses.

    ``parents[j]``: index of joint j's parent (-1 for a root); parents come before children.
    ``local_translations_m``: (n_frames, n_joints, 3) joint origin in its parent's frame.
    ``local_rotations_xyzw``: (n_frames, n_joints, 4) joint orientation in its parent's frame.
    A root's parent frame is the source world (y up for BVH); ``world_from_source`` turns it
    into the z-up world frame. The loop runs over joints (tens), each step vectorised over
    frames: ``R_j = R_parent * r_j``, ``p_j = p_parent + R_parent @ t_j``.
    """
    n_joints = len(joint_names)
    if len(parents) != n_joints:
        raise InvalidInput("parents", len(parents), f"one parent per joint ({n_joints})")
    t = np.asarray(local_translations_m, dtype=np.float64)
    q = np.asarray(local_rotations_xyzw, dtype=np.float64)
    if t.ndim != 3 or t.shape[1:] != (n_joints, 3):
        raise InvalidInput("local_translations_m", t.shape, f"(n_frames, {n_joints}, 3)")
    if q.shape != (*t.shape[:2], 4):
        raise InvalidInput("local_rotations_xyzw", q.shape, f"{(*t.shape[:2], 4)}")
    if not frame_rate_hz > 0:
        raise InvalidInput("frame_rate_hz", frame_rate_hz, "> 0")
    n_frames = t.shape[0]
    positions = np.empty_like(t)
    orientations = np.empty_like(q)
    rots: list[Rotation] = []
    for j, parent in enumerate(parents):
        local = Rotation.from_quat(q[:, j, :])
        if parent < 0:
            parent_rot = Rotation.from_quat(np.tile(world_from_source.as_quat(), (n_frames, 1)))
            parent_pos = np.zeros((n_frames, 3))
        elif parent >= j:
            raise InvalidInput("parents", parents, "each parent listed before its children")
        else:
            parent_rot = rots[parent]
            parent_pos = positions[:, parent, :]
        rot = parent_rot * local
        positions[:, j, :] = parent_pos + parent_rot.apply(t[:, j, :])
        orientations[:, j, :] = rot.as_quat()
        rots.append(rot)
    return GlobalPose(
        joint_names=tuple(joint_names),
        positions_m=positions,
        orientations_xyzw=orientations,
        frame_rate_hz=float(frame_rate_hz),
    )

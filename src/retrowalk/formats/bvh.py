"""Biovision Hierarchy (BVH) motion-capture files: a small, strict reader.

A BVH file has a HIERARCHY of joints (each with an OFFSET from its parent and a list of
CHANNELS) followed by MOTION: a frame count, a frame time and one row of channel values per
frame, in the order the channels appear in the hierarchy.

Conventions this reader keeps (those of the Bandai Namco files in ``shared/data/mocap``):

- Rotation channels are Euler angles in degrees, applied in the order listed (``Zrotation
  Xrotation Yrotation`` means ``R = Rz @ Rx @ Ry`` acting on the child's coordinates, the
  intrinsic sequence ``"ZXY"`` in SciPy's notation). Any order of the three axes is accepted.
- When a joint has all three position channels, they *replace* its OFFSET as the joint's
  translation from its parent (adding both would put the hips near 1.8 m in those files);
  a joint without position channels uses its OFFSET every frame.
- Lengths are whatever the file uses (centimetres here); :func:`global_pose` converts to metres.

Why a reader of our own: the PyPI parsers were checked (``bvh`` 0.3 is unmaintained since 2017;
``bvhio`` pins exact versions of two geometry libraries and builds one object per joint per
frame; ``pybvh`` 0.x pulls in matplotlib). The format is small, and reading it here gives the
product's own ``UnsupportedFile`` messages and vectorised arrays.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from scipy.spatial.transform import Rotation

from retrowalk.errors import InvalidInput, UnsupportedFile
from retrowalk.sensing.kinematics import GlobalPose, forward_kinematics

POSITION_CHANNELS = ("Xposition", "Yposition", "Zposition")
ROTATION_CHANNELS = ("Xrotation", "Yrotation", "Zrotation")
_VALID_CHANNELS = frozenset(POSITION_CHANNELS + ROTATION_CHANNELS)
_MAX_JOINTS = 1000
CM_PER_M = 100.0


@dataclass(frozen=True)
class BvhJoint:
    """One joint of the hierarchy.

    ``parent``: index of the parent joint in :attr:`BvhMotion.joints`, -1 for the root.
    ``offset``: (3,) translation from the parent in the file's length unit.
    ``channels``: channel names in file order; ``channel_start``: index of the first of them
    in a frame row. ``end_site``: (3,) offset of the End Site child, or None.
    """

    name: str
    parent: int
    offset: NDArray[np.float64]
    channels: tuple[str, ...]
    channel_start: int
    end_site: NDArray[np.float64] | None = None

    def channel_index(self, channel: str) -> int | None:
        """Column of ``channel`` in a frame row, or None when the joint does not have it."""
        if channel not in self.channels:
            return None
        return self.channel_start + self.channels.index(channel)

    @property
    def rotation_order(self) -> str:
        """Intrinsic Euler sequence of the rotation channels, e.g. ``"ZXY"`` (may be empty)."""
        return "".join(c[0] for c in self.channels if c in ROTATION_CHANNELS)


@dataclass(frozen=True)
class BvhMotion:
    """A parsed BVH file: joints (parents before children) and the frame values.

    ``frames``: (n_frames, n_channels) channel values, lengths in the file's unit, angles in
    degrees. ``frame_time_s``: seconds between frames.
    """

    joints: tuple[BvhJoint, ...]
    frame_time_s: float
    frames: NDArray[np.float64]
    source: str = "<string>"

    @property
    def n_frames(self) -> int:
        return int(self.frames.shape[0])

    @property
    def frame_rate_hz(self) -> float:
        return 1.0 / self.frame_time_s

    @property
    def joint_names(self) -> tuple[str, ...]:
        return tuple(j.name for j in self.joints)

    def joint_index(self, name: str) -> int:
        """Index of the joint called ``name``; InvalidInput naming the joints otherwise."""
        names = self.joint_names
        if name not in names:
            raise InvalidInput("joint", name, ", ".join(names))
        return names.index(name)

    def local_translations(self) -> NDArray[np.float64]:
        """(n_frames, n_joints, 3) translation of each joint from its parent, file units."""
        out = np.empty((self.n_frames, len(self.joints), 3))
        for j, joint in enumerate(self.joints):
            cols = [joint.channel_index(c) for c in POSITION_CHANNELS]
            if all(c is not None for c in cols):
                out[:, j, :] = self.frames[:, [c for c in cols if c is not None]]
            else:
                out[:, j, :] = joint.offset
        return out

    def local_rotations(self) -> NDArray[np.float64]:
        """(n_frames, n_joints, 4) rotation of each joint relative to its parent, as
        scalar-last quaternions (x, y, z, w): the orientation of the joint's frame in its
        parent's frame."""
        out = np.empty((self.n_frames, len(self.joints), 4))
        for j, joint in enumerate(self.joints):
            order = joint.rotation_order
            if not order:
                out[:, j, :] = (0.0, 0.0, 0.0, 1.0)
                continue
            cols = [joint.channel_start + joint.channels.index(f"{a}rotation") for a in order]
            out[:, j, :] = Rotation.from_euler(order, self.frames[:, cols], degrees=True).as_quat()
        return out


def read_bvh(path: str | Path) -> BvhMotion:
    """Read a BVH file; UnsupportedFile naming the problem when it is not a valid one."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise UnsupportedFile(str(p), f"not a text BVH file ({exc.reason})") from exc
    except OSError as exc:
        raise UnsupportedFile(str(p), f"cannot be read ({exc.strerror or exc})") from exc
    return parse_bvh(text, source=str(p))


def parse_bvh(text: str, source: str = "<string>") -> BvhMotion:
    """Parse the text of a BVH file (see the module docstring for the conventions)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    marker = _MOTION_RE.search(text)
    if marker is None:
        if not text.lstrip().startswith("HIERARCHY"):
            raise UnsupportedFile(source, "not a BVH file: it does not start with HIERARCHY")
        raise UnsupportedFile(source, "no MOTION section after the hierarchy")
    head, motion_text = text[: marker.start()], text[marker.end() :]
    joints = _parse_hierarchy(head.split(), source)
    n_channels = sum(len(j.channels) for j in joints)
    frame_time_s, frames = _parse_motion(motion_text, n_channels, source)
    return BvhMotion(joints=joints, frame_time_s=frame_time_s, frames=frames, source=source)


class _Tokens:
    def __init__(self, tokens: list[str], source: str) -> None:
        self.tokens = tokens
        self.pos = 0
        self.source = source

    def next(self, what: str) -> str:
        if self.pos >= len(self.tokens):
            raise UnsupportedFile(self.source, f"hierarchy ends early: expected {what}")
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def expect(self, word: str) -> None:
        tok = self.next(repr(word))
        if tok != word:
            raise UnsupportedFile(self.source, f"hierarchy: expected {word!r}, found {tok!r}")

    def floats(self, n: int, what: str) -> NDArray[np.float64]:
        toks = [self.next(what) for _ in range(n)]
        try:
            values = np.array([float(t) for t in toks])
        except ValueError as exc:
            raise UnsupportedFile(
                self.source, f"{what}: {' '.join(toks)!r} is not numbers"
            ) from exc
        if not np.all(np.isfinite(values)):
            raise UnsupportedFile(self.source, f"{what}: {' '.join(toks)!r} is not finite")
        return values


def _parse_hierarchy(tokens: list[str], source: str) -> tuple[BvhJoint, ...]:
    tk = _Tokens(tokens, source)
    if not tokens or tokens[0] != "HIERARCHY":
        raise UnsupportedFile(source, "not a BVH file: it does not start with HIERARCHY")
    tk.pos = 1
    tk.expect("ROOT")
    joints: list[BvhJoint] = []
    # Iterative walk: a stack of parent indices for the open braces (-2 marks an End Site).
    name = tk.next("the root joint's name")
    channel_start = 0
    pending: tuple[str, int] | None = (name, -1)
    stack: list[int] = []
    while True:
        if pending is not None:
            name, parent = pending
            pending = None
            tk.expect("{")
            tk.expect("OFFSET")
            offset = tk.floats(3, f"OFFSET of {name}")
            tk.expect("CHANNELS")
            count_tok = tk.next(f"the channel count of {name}")
            if not count_tok.isdigit():
                raise UnsupportedFile(source, f"CHANNELS of {name}: {count_tok!r} is not a count")
            channels = tuple(tk.next(f"a channel of {name}") for _ in range(int(count_tok)))
            _check_channels(name, channels, source)
            if name in (j.name for j in joints):
                raise UnsupportedFile(source, f"joint name {name!r} appears twice")
            joints.append(BvhJoint(name, parent, offset, channels, channel_start))
            if len(joints) > _MAX_JOINTS:
                raise UnsupportedFile(source, f"more than {_MAX_JOINTS} joints")
            channel_start += len(channels)
            stack.append(len(joints) - 1)
        if not stack:
            break
        tok = tk.next("JOINT, End Site or '}'")
        if tok == "JOINT":
            pending = (tk.next("a joint name"), stack[-1])
        elif tok == "End":
            tk.expect("Site")
            tk.expect("{")
            tk.expect("OFFSET")
            owner = stack[-1]
            end = tk.floats(3, f"End Site OFFSET of {joints[owner].name}")
            tk.expect("}")
            j = joints[owner]
            joints[owner] = BvhJoint(j.name, j.parent, j.offset, j.channels, j.channel_start, end)
        elif tok == "}":
            stack.pop()
        else:
            raise UnsupportedFile(source, f"hierarchy: unexpected {tok!r}")
    if tk.pos != len(tokens):
        raise UnsupportedFile(source, f"hierarchy: unexpected {tokens[tk.pos]!r} after the root")
    return tuple(joints)


def _check_channels(name: str, channels: tuple[str, ...], source: str) -> None:
    unknown = [c for c in channels if c not in _VALID_CHANNELS]
    if unknown:
        raise UnsupportedFile(
            source,
            f"CHANNELS of {name}: unknown channel {unknown[0]!r}; "
            f"allowed: {', '.join(sorted(_VALID_CHANNELS))}",
        )
    if len(set(channels)) != len(channels):
        raise UnsupportedFile(source, f"CHANNELS of {name}: a channel is repeated")
    n_pos = sum(c in POSITION_CHANNELS for c in channels)
    if n_pos not in (0, 3):
        raise UnsupportedFile(source, f"CHANNELS of {name}: {n_pos} position channels, need 0 or 3")


_MOTION_RE = re.compile(r"^[ \t]*MOTION[ \t]*(?:\n|\Z)", re.MULTILINE)
_FRAMES_RE = re.compile(r"\A\s*Frames:\s*(\S+)\s*\n\s*Frame Time:\s*(\S+)[ \t]*(?:\n|\Z)")


def _parse_motion(text: str, n_channels: int, source: str) -> tuple[float, NDArray[np.float64]]:
    m = _FRAMES_RE.match(text)
    if m is None:
        raise UnsupportedFile(source, "MOTION must be followed by 'Frames: N' and 'Frame Time: T'")
    count_tok, time_tok = m.group(1), m.group(2)
    if not count_tok.isdigit():
        raise UnsupportedFile(source, f"Frames: {count_tok!r} is not a frame count")
    n_frames = int(count_tok)
    try:
        frame_time_s = float(time_tok)
    except ValueError as exc:
        raise UnsupportedFile(source, f"Frame Time: {time_tok!r} is not a number") from exc
    if not (np.isfinite(frame_time_s) and frame_time_s > 0):
        raise UnsupportedFile(source, f"Frame Time: {time_tok!r} must be a positive number")
    if n_frames == 0:
        raise UnsupportedFile(source, "Frames: 0, the file holds no motion")
    lines = [ln for ln in text[m.end() :].splitlines() if ln.strip()]
    if len(lines) != n_frames:
        raise UnsupportedFile(
            source, f"Frames says {n_frames} but {len(lines)} frame rows follow (truncated?)"
        )
    widths = np.fromiter((len(ln.split()) for ln in lines), dtype=np.int64, count=n_frames)
    bad = np.flatnonzero(widths != n_channels)
    if bad.size:
        raise UnsupportedFile(
            source,
            f"frame {int(bad[0]) + 1} has {int(widths[bad[0]])} values; "
            f"the hierarchy declares {n_channels} channels",
        )
    try:
        values = np.array(" ".join(lines).split(), dtype=np.float64)
    except ValueError as exc:
        raise UnsupportedFile(source, f"a frame value is not a number ({exc})") from exc
    frames = values.reshape(n_frames, n_channels)
    if not np.all(np.isfinite(frames)):
        row = int(np.flatnonzero(~np.all(np.isfinite(frames), axis=1))[0]) + 1
        raise UnsupportedFile(source, f"frame {row} holds a value that is not finite")
    return frame_time_s, frames


def global_pose(motion: BvhMotion, length_unit_m: float = 1.0 / CM_PER_M) -> GlobalPose:
    """World positions (metres) and orientations of every joint for every frame.

    ``length_unit_m``: metres per file length unit (BVH files here are in centimetres).
    The world frame is the one of :mod:`retrowalk.sensing.kinematics` (z up, converted from
    the BVH's y up).
    """
    return forward_kinematics(
        joint_names=motion.joint_names,
        parents=tuple(j.parent for j in motion.joints),
        local_translations_m=motion.local_translations() * length_unit_m,
        local_rotations_xyzw=motion.local_rotations(),
        frame_rate_hz=motion.frame_rate_hz,
    )

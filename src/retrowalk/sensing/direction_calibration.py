"""A walker's forward-walking signature at one sensor placement, for direction detection.

Built by :meth:`retrowalk.sensing.direction.DirectionDetector.calibrate` from ordinary forward
walking (the warm-up that starts every program session is one). It holds

- ``forward_sensor``: the direction of travel in the sensor's own frame while walking forward
  (a unit vector, horizontal for ``up_sensor``). A sensor that stays attached keeps it, so a
  later walk travelling the opposite way in the sensor frame is a backward walk.
- ``up_sensor``: the gravity direction in the sensor frame, the attachment's tilt. A later
  recording whose tilt differs by more than the detector's ``tilt_match_deg`` was worn
  differently, and ``forward_sensor`` no longer applies. A sensor turned about the vertical
  (a phone turned round in a belt pouch) keeps its tilt: the detector then needs the pitch
  cue to agree before it says backward.
- ``pitch_cue_median``/``pitch_cue_iqr``: the walker's own value of the orientation-free pitch
  cue (see :mod:`retrowalk.sensing.direction_cues`) in forward walking; its sign belongs to the
  person and the attachment (measured on ../shared/data/waist-imu), not to the direction alone.

Serialisable with :meth:`Calibration.to_dict` / :meth:`Calibration.from_dict` (plain JSON
types) so that a calibration can be stored for a walker and placement.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from retrowalk.errors import InvalidInput

PLACEMENTS = ("waist", "pocket")
FORMAT_VERSION = 1

Vector3 = tuple[float, float, float]


@dataclass(frozen=True)
class Calibration:
    """The forward-walking signature of one walker, placement and attachment (see module doc).

    ``forward_sensor`` is None when the calibration walk did not travel one consistent way in
    the sensor frame (``travel_consistency`` under the detector's minimum): then only the pitch
    cue is calibrated. ``pitch_cue_median``/``pitch_cue_iqr`` are None without a gyroscope.
    ``walking_s``: seconds of forward walking that passed the checks; ``n_windows``: analysis
    windows behind the figures.
    """

    placement: str
    up_sensor: Vector3
    forward_sensor: Vector3 | None
    travel_consistency: float
    travel_strength_median: float
    pitch_cue_median: float | None
    pitch_cue_iqr: float | None
    walking_s: float
    n_windows: int
    has_gyro: bool
    version: int = FORMAT_VERSION

    def __post_init__(self) -> None:
        if self.placement not in PLACEMENTS:
            raise InvalidInput("placement", self.placement, " or ".join(PLACEMENTS))
        _unit("up_sensor", self.up_sensor)
        if self.forward_sensor is not None:
            _unit("forward_sensor", self.forward_sensor)
        for name in ("travel_consistency", "travel_strength_median"):
            value = getattr(self, name)
            if not (isinstance(value, float | int) and 0.0 <= value <= 1.0):
                raise InvalidInput(name, value, "a number from 0 to 1")
        for name in ("pitch_cue_median", "pitch_cue_iqr"):
            value = getattr(self, name)
            if value is not None and not (isinstance(value, float | int) and -1 <= value <= 2):
                raise InvalidInput(name, value, "a number from -1 to 2, or null")
        if (self.pitch_cue_median is None) != (self.pitch_cue_iqr is None):
            raise InvalidInput("pitch_cue_iqr", self.pitch_cue_iqr, "set with pitch_cue_median")
        if not (isinstance(self.walking_s, float | int) and self.walking_s >= 0):
            raise InvalidInput("walking_s", self.walking_s, "0 or more seconds")
        if not (isinstance(self.n_windows, int) and self.n_windows >= 1):
            raise InvalidInput("n_windows", self.n_windows, "a whole number of at least 1")
        if self.version != FORMAT_VERSION:
            raise InvalidInput("version", self.version, str(FORMAT_VERSION))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types; ``Calibration.from_dict(c.to_dict()) == c``."""
        return {
            "version": self.version,
            "placement": self.placement,
            "up_sensor": list(self.up_sensor),
            "forward_sensor": None if self.forward_sensor is None else list(self.forward_sensor),
            "travel_consistency": self.travel_consistency,
            "travel_strength_median": self.travel_strength_median,
            "pitch_cue_median": self.pitch_cue_median,
            "pitch_cue_iqr": self.pitch_cue_iqr,
            "walking_s": self.walking_s,
            "n_windows": self.n_windows,
            "has_gyro": self.has_gyro,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Calibration:
        """Read what :meth:`to_dict` wrote; InvalidInput names a missing or bad field."""
        if not isinstance(data, dict):
            raise InvalidInput("calibration", type(data).__name__, "a JSON object")
        fields = [
            "version",
            "placement",
            "up_sensor",
            "forward_sensor",
            "travel_consistency",
            "travel_strength_median",
            "pitch_cue_median",
            "pitch_cue_iqr",
            "walking_s",
            "n_windows",
            "has_gyro",
        ]
        missing = [f for f in fields if f not in data]
        if missing:
            raise InvalidInput("calibration", f"missing {', '.join(missing)}", ", ".join(fields))
        if not isinstance(data["has_gyro"], bool):
            raise InvalidInput("has_gyro", data["has_gyro"], "true or false")
        forward = data["forward_sensor"]
        return cls(
            placement=data["placement"],
            up_sensor=_vector("up_sensor", data["up_sensor"]),
            forward_sensor=None if forward is None else _vector("forward_sensor", forward),
            travel_consistency=data["travel_consistency"],
            travel_strength_median=data["travel_strength_median"],
            pitch_cue_median=data["pitch_cue_median"],
            pitch_cue_iqr=data["pitch_cue_iqr"],
            walking_s=data["walking_s"],
            n_windows=data["n_windows"],
            has_gyro=data["has_gyro"],
            version=data["version"],
        )


def _vector(name: str, value: Any) -> Vector3:
    if not (isinstance(value, list | tuple) and len(value) == 3):
        raise InvalidInput(name, value, "three numbers")
    if not all(isinstance(v, float | int) and not isinstance(v, bool) for v in value):
        raise InvalidInput(name, value, "three numbers")
    return (float(value[0]), float(value[1]), float(value[2]))


def _unit(name: str, value: Vector3) -> None:
    vec = _vector(name, value)
    norm = math.sqrt(sum(v * v for v in vec))
    if not (math.isfinite(norm) and abs(norm - 1.0) < 1e-6):
        raise InvalidInput(name, value, "a unit vector (length 1)")

"""Walkers' direction calibrations (``sensing.direction_calibration.Calibration`` as JSON)."""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from retrowalk.errors import InvalidInput
from retrowalk.store._base import Repository, aware, checked_id
from retrowalk.store.tables import DirectionCalibrationRow

PLACEMENTS = ("waist", "pocket")


@dataclass(frozen=True, slots=True)
class StoredCalibration:
    """One calibration made: when, for which placement, from which file, and its data."""

    id: str
    placement: str
    created_at: datetime
    source_name: str
    data: dict[str, Any]


class CalibrationRepository(Repository):
    """One row per calibration made; ``latest`` gives the newest per walker and placement
    (earlier ones are kept: a calibration is a measurement, not a setting)."""

    def add(
        self,
        walker_id: str,
        placement: str,
        data: dict[str, Any],
        *,
        source_name: str,
        created_at: datetime | None = None,
        id: str | None = None,
    ) -> str:
        if placement not in PLACEMENTS:
            raise InvalidInput("placement", placement, " or ".join(PLACEMENTS))
        row = DirectionCalibrationRow(
            id=checked_id("direction_calibration.id", id),
            walker_id=walker_id,
            placement=placement,
            created_at=aware("direction_calibration.created_at", created_at or self._clock()),
            source_name=source_name[:500],
            data=dict(data),
        )
        with self._guarded(f"calibration from {source_name!r}"):
            self._session.add(row)
        return row.id

    def latest(self, walker_id: str, placement: str) -> dict[str, Any] | None:
        statement = (
            select(DirectionCalibrationRow)
            .where(
                DirectionCalibrationRow.walker_id == walker_id,
                DirectionCalibrationRow.placement == placement,
            )
            .order_by(DirectionCalibrationRow.created_at.desc(), DirectionCalibrationRow.id.desc())
            .limit(1)
        )
        row = self._session.scalars(statement).first()
        return None if row is None else dict(row.data)

    def list(self, walker_id: str) -> builtins.list[StoredCalibration]:
        """Every calibration of the walker, newest first."""
        statement = (
            select(DirectionCalibrationRow)
            .where(DirectionCalibrationRow.walker_id == walker_id)
            .order_by(DirectionCalibrationRow.created_at.desc(), DirectionCalibrationRow.id.desc())
        )
        return [
            StoredCalibration(
                row.id, row.placement, row.created_at, row.source_name, dict(row.data)
            )
            for row in self._session.scalars(statement)
        ]

"""Direction calibrations stored per walker and placement, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from retrowalk.errors import InvalidInput
from retrowalk.sensing.direction_calibration import Calibration
from retrowalk.services.direction import (
    calibration_lookup,
    latest_calibration,
    store_calibration,
)
from retrowalk.store.unit_of_work import UnitOfWork
from tests.integration.test_store import PROFILE, T0


def calibration(placement: str, pitch: float) -> Calibration:
    return Calibration(
        placement=placement,
        up_sensor=(0.0, 0.6, 0.8),
        forward_sensor=(1.0, 0.0, 0.0),
        travel_consistency=0.93,
        travel_strength_median=0.6,
        pitch_cue_median=pitch,
        pitch_cue_iqr=0.2,
        walking_s=42.0,
        n_windows=37,
        has_gyro=True,
    )


@pytest.fixture
def walker_id(uow: Callable[..., UnitOfWork]) -> str:
    with uow() as work:
        walker = work.walkers.add(PROFILE)
        work.commit()
    return walker.id


def test_the_newest_calibration_per_placement_comes_back_equal(
    uow: Callable[..., UnitOfWork], walker_id: str
) -> None:
    old, new, pocket = (
        calibration("waist", 0.1),
        calibration("waist", -0.3),
        calibration("pocket", 0.4),
    )
    store_calibration(uow, None, old, source_name="a.csv", now=T0)
    store_calibration(uow, None, new, source_name="b.csv", now=T0 + timedelta(days=1))
    store_calibration(uow, None, pocket, source_name="c.csv", now=T0)
    assert latest_calibration(uow, walker_id, "waist") == new
    assert latest_calibration(uow, walker_id, "pocket") == pocket


def test_a_walker_without_calibration_gets_none(
    uow: Callable[..., UnitOfWork], walker_id: str
) -> None:
    assert latest_calibration(uow, walker_id, "waist") is None


def test_an_unknown_placement_is_refused_by_the_repository(
    uow: Callable[..., UnitOfWork], walker_id: str
) -> None:
    with uow() as work, pytest.raises(InvalidInput, match="placement"):
        work.calibrations.add(walker_id, "wrist", {}, source_name="x", created_at=T0)


def test_an_import_s_lookup_reads_both_placements_in_one_unit_of_work(
    uow: Callable[..., UnitOfWork], walker_id: str
) -> None:
    waist, newer = calibration("waist", 0.1), calibration("waist", -0.3)
    store_calibration(uow, None, waist, source_name="a.csv", now=T0)
    store_calibration(uow, None, newer, source_name="b.csv", now=T0 + timedelta(days=1))
    opened: list[bool] = []

    def counting_uow(*args: object, **kwargs: object) -> UnitOfWork:
        opened.append(True)
        return uow(*args, **kwargs)

    lookup = calibration_lookup(counting_uow, walker_id)
    assert opened == []  # nothing read before it is asked
    assert lookup("waist") == newer == latest_calibration(uow, walker_id, "waist")
    assert lookup("pocket") is None
    assert lookup("sideways") is None
    assert len(opened) == 1

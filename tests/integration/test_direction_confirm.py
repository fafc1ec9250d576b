"""The walker confirms the direction of a session the sensor contradicted (issue 7), on SQLite
and PostgreSQL: the answer is a revision, the therapist's flag lasts until it, and sensor
minutes are never made up."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from retrowalk.bootstrap import Services
from retrowalk.domain.access import Actor, Role
from retrowalk.domain.flags import FlagKind
from retrowalk.domain.models import LoggedSession, Modality
from retrowalk.errors import Conflict, InvalidInput, NotFound
from retrowalk.services import direction, patients
from retrowalk.services.direction_check import CONFIRMED, CONTRADICTED, NOT_CHECKED
from retrowalk.services.imports import ImportOptions, ImportStatus
from retrowalk.store.unit_of_work import open_store
from tests.integration.direction_recordings import (
    MOCAP,
    calibration_walk_csv,
    long_forward_csv,
)
from tests.integration.test_imports import ANSWERS

pytestmark = pytest.mark.skipif(not MOCAP.is_dir(), reason="../shared/data/mocap not found")

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
ADMIN = Actor("admin-account", Role.ADMIN, None, "Admin")


@pytest.fixture(scope="module")
def walks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("walks")
    return {
        "calibration": calibration_walk_csv(folder),
        "forward": long_forward_csv(folder),
        "forward2": long_forward_csv(folder, "forward2.csv", seed=50),
    }


@pytest.fixture
def services(database_url: str, walks: dict[str, Path]) -> Iterator[Services]:
    built = Services(open_store(database_url))
    built.enrol("Ann", ANSWERS, weeks=6, now=NOW - timedelta(days=3))
    made = direction.calibrate_file(walks["calibration"], placement="waist")
    built.store_calibration(None, made, source_name="cal.csv", now=NOW - timedelta(days=2))
    try:
        yield built
    finally:
        built.close()


def _import_contradicted(services: Services, path: Path, **extra: object) -> str:
    (outcome,) = services.import_files(
        None,
        [path],
        options=ImportOptions(when=NOW - timedelta(days=1), **extra),  # type: ignore[arg-type]
        now=NOW,
    )
    assert outcome.status is ImportStatus.IMPORTED, outcome.reason
    assert outcome.details is not None and outcome.details["direction_check"] == CONTRADICTED
    assert outcome.session_id is not None
    return outcome.session_id


def _flags(services: Services) -> list[str]:
    (row,) = patients.patient_list(services.uow, ADMIN, now=NOW)
    return [f.kind.value for f in row.flags]


def test_a_contradicted_session_waits_and_the_therapist_sees_the_flag(
    services: Services, walks: dict[str, Path]
) -> None:
    session_id = _import_contradicted(services, walks["forward"])
    assert [s.id for s in services.awaiting_direction(None)] == [session_id]
    (row,) = patients.patient_list(services.uow, ADMIN, now=NOW)
    (flag,) = [f for f in row.flags if f.kind is FlagKind.DIRECTION_UNCONFIRMED]
    assert flag.severity.value == "warning"
    assert (NOW - timedelta(days=1)).date().isoformat() in flag.text
    # still there a month later: it lasts until the walker answers
    (later,) = patients.patient_list(services.uow, ADMIN, now=NOW + timedelta(days=30))
    assert FlagKind.DIRECTION_UNCONFIRMED in [f.kind for f in later.flags]


def test_confirming_backward_keeps_the_sensor_minutes_and_records_a_revision(
    services: Services, walks: dict[str, Path]
) -> None:
    session_id = _import_contradicted(services, walks["forward"])
    before = services.find_session(None, session_id)
    answer = services.confirm_direction(None, session_id[:8] + session_id[8:], "backward", now=NOW)
    assert answer.changed and answer.check_before == CONTRADICTED
    after = answer.stored
    assert after.version == before.version + 1
    assert after.session == before.session  # minutes, pain...: the walker's data unchanged
    d = after.details
    assert d["direction_check"] == CONFIRMED == "declared, confirmed by the walker"
    assert d["declared_direction"] == "backward"
    assert d["direction_needs_confirmation"] is False
    assert d["measured_backward_s"] == before.details["measured_backward_s"] == 0.0
    assert d["direction_confirmation"]["sensor_check"] == CONTRADICTED
    (revision,) = services.session_revisions(None, session_id)
    assert revision.reason == "direction confirmed by the walker: backward"
    assert revision.previous_details["direction_check"] == CONTRADICTED
    assert services.awaiting_direction(None) == []
    assert "direction-unconfirmed" not in _flags(services)


def test_confirming_forward_corrects_the_declaration(
    services: Services, walks: dict[str, Path]
) -> None:
    session_id = _import_contradicted(services, walks["forward"])
    answer = services.confirm_direction(None, session_id, "forward", now=NOW)
    d = answer.stored.details
    assert d["declared_direction"] == "forward" and d["direction_check"] == NOT_CHECKED
    assert d["direction_confirmation"]["declared_before"] == "backward"
    assert "direction-unconfirmed" not in _flags(services)
    # the same answer again changes nothing; another answer is a new revision
    again = services.confirm_direction(None, session_id, "forward", now=NOW)
    assert not again.changed and again.stored.version == answer.stored.version
    back = services.confirm_direction(None, session_id, "backward", now=NOW)
    assert back.changed and back.stored.details["direction_check"] == CONFIRMED
    assert back.stored.details["direction_confirmation"]["sensor_check"] == CONTRADICTED
    assert len(services.session_revisions(None, session_id)) == 2


def test_bad_answers_are_refused_naming_the_field(
    services: Services, walks: dict[str, Path]
) -> None:
    session_id = _import_contradicted(services, walks["forward"])
    with pytest.raises(InvalidInput) as bad:
        services.confirm_direction(None, session_id, "sideways", now=NOW)
    assert bad.value.field == "direction" and "backward or forward" in str(bad.value)
    with pytest.raises(Conflict):
        services.confirm_direction(None, session_id, "backward", now=NOW, expected_version=9)
    with pytest.raises(NotFound):
        services.confirm_direction(None, "no-such-session", "backward", now=NOW)
    manual = services.log_session(
        None,
        LoggedSession(NOW - timedelta(hours=2), Modality.OVERGROUND, 600.0, 1, 1),
        now=NOW,
    )
    with pytest.raises(InvalidInput) as nothing:
        services.confirm_direction(None, manual.session_id, "backward", now=NOW)
    assert nothing.value.field == "session_id" and "nothing to confirm" in str(nothing.value)
    other = services.enrol("Bob", ANSWERS, weeks=6, now=NOW - timedelta(days=3))
    with pytest.raises(NotFound):
        services.confirm_direction(other.walker_id, session_id, "backward", now=NOW)
    assert services.find_session("Ann", session_id).version == 1  # nothing written


def test_reanalysing_keeps_the_walkers_answer(services: Services, walks: dict[str, Path]) -> None:
    session_id = _import_contradicted(services, walks["forward2"])
    services.confirm_direction(None, session_id, "backward", now=NOW)
    (outcome,) = services.import_files(
        None,
        [walks["forward2"]],
        options=ImportOptions(reanalyse=True, when=NOW - timedelta(days=1)),
        now=NOW,
    )
    assert outcome.status is ImportStatus.REPLACED
    assert outcome.details is not None
    assert outcome.details["direction_check"] == CONFIRMED
    assert outcome.details["direction_needs_confirmation"] is False
    assert services.awaiting_direction(None) == []

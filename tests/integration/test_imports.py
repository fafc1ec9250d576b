"""Importing real recordings as sessions (services/imports.py) on SQLite and PostgreSQL.

Expected values come from elsewhere than the importer: the readers' own summaries and the
files' own session messages (FIT), the foot-switch and foot-sensor step truth of the real
walks written in each app's layout (tests/fixtures_sensor.py), and the walker's answers.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from retrowalk.bootstrap import Services
from retrowalk.domain.models import (
    DecisionKind,
    Equipment,
    Goal,
    Modality,
    Place,
    ScreeningAnswers,
)
from retrowalk.errors import InvalidInput, NotFound
from retrowalk.formats.fit import read_fit
from retrowalk.formats.gpx import read_gpx
from retrowalk.services.imports import (
    DeclaredDirection,
    ImportOptions,
    ImportOutcome,
    ImportStatus,
)
from retrowalk.store.unit_of_work import open_store
from tests.fixtures_sensor import (
    SHARED_DATA,
    Walk,
    phone_walk,
    waist_walk,
    write_generic,
    write_phyphox,
    write_physics_toolbox,
    write_sensor_logger,
    write_sensor_logger_json,
    zip_phyphox,
    zip_sensor_logger,
)
from tests.integration.fit_writer import (
    ACTIVITY_TYPE_WALKING,
    FILE_ACTIVITY,
    SPORT_WALKING,
    SUB_SPORT_TREADMILL,
    fit_bytes,
)

pytestmark = pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared/data is absent")

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
FIT = SHARED_DATA / "fit"
GPX = SHARED_DATA / "gpx"
ANSWERS = ScreeningAnswers(
    Goal.KNEE_PAIN, 4, True, 0, False, False, False, False, 58, 72.5,
    frozenset({Equipment.NONE}), Place.PARK, True,
)  # fmt: skip

# Every real FIT and GPX file: imported, or refused with words of its own problem.
REAL_FILES = {
    "fit/Activity.fit": (ImportStatus.REFUSED, "running activity, not a walk"),
    "fit/activity-settings-corruptheader.fit": (ImportStatus.REFUSED, "corrupt header"),
    "fit/activity-unexpected-eof.fit": (ImportStatus.REFUSED, "is truncated"),
    "fit/garmin-fenix-5-bike.fit": (ImportStatus.REFUSED, "cycling activity, not a walk"),
    "fit/garmin-fenix-5-run.fit": (ImportStatus.REFUSED, "running activity, not a walk"),
    "fit/garmin-fenix-5-walk.fit": (ImportStatus.IMPORTED, None),
    "fit/sample-activity-indoor-trainer.fit": (ImportStatus.REFUSED, "cycling activity"),
    "fit/strava-android-app-201.10-b1218918.fit": (ImportStatus.REFUSED, "is damaged"),
    "gpx/Mojstrovka.gpx": (ImportStatus.REFUSED, "--when"),
    "gpx/cerknicko-jezero.gpx": (ImportStatus.IMPORTED, None),
    "gpx/cerknicko-without-times.gpx": (ImportStatus.REFUSED, "--when"),
    "gpx/gpx1.1_with_all_fields.gpx": (ImportStatus.REFUSED, "single track point"),
    "gpx/track-with-empty-segment.gpx": (ImportStatus.REFUSED, "faster than walking"),
    "gpx/track_with_speed.gpx": (ImportStatus.REFUSED, "duration_s: 13.0"),
    "gpx/unicode_with_bom.gpx": (ImportStatus.REFUSED, "no track points"),
}


@pytest.fixture
def services(database_url: str) -> Iterator[Services]:
    built = Services(open_store(database_url))
    built.enrol("Ann", ANSWERS, weeks=6, now=NOW - timedelta(days=3))
    try:
        yield built
    finally:
        built.close()


def import_(services: Services, *paths: Path, **options: object) -> list[ImportOutcome]:
    return services.import_files(
        None,
        list(paths),
        options=ImportOptions(**options),  # type: ignore[arg-type]
        now=NOW,
    )


def stored_counts(services: Services) -> tuple[int, int, int]:
    """Sessions, imported files and decisions of the walker."""
    with services.uow(read_only=True) as work:
        walker = work.walkers.default(None)
        return (
            work.sessions.count(walker.id),
            work.imports.count(walker.id),
            len(work.decisions.list(walker.id)),
        )


def read_summary(path: Path):  # type: ignore[no-untyped-def]
    return read_fit(path) if path.suffix == ".fit" else read_gpx(path)


# --- FIT and GPX -------------------------------------------------------------------------------


def test_every_real_fit_and_gpx_file_imports_or_is_refused_with_its_problem(
    services: Services,
) -> None:
    present = {
        f"{folder.name}/{p.name}"
        for folder in (FIT, GPX)
        for p in folder.iterdir()
        if p.suffix in (".fit", ".gpx")
    }
    assert present == set(REAL_FILES)  # a new data file needs a row here
    names = sorted(REAL_FILES)
    outcomes = import_(services, *(SHARED_DATA / name for name in names))
    for name, outcome in zip(names, outcomes, strict=True):
        status, words = REAL_FILES[name]
        assert outcome.status is status, (name, outcome.reason)
        if status is ImportStatus.REFUSED:
            assert outcome.reason is not None and words in outcome.reason
            assert outcome.reason.startswith(str(SHARED_DATA / name))
            assert outcome.session_id is None
            continue
        summary = read_summary(SHARED_DATA / name)
        session = outcome.session
        assert session is not None and outcome.details is not None
        assert session.performed_at == summary.start_time
        assert session.duration_s == pytest.approx(summary.duration_s)
        assert session.distance_m == pytest.approx(summary.distance_m)
        assert session.speed_m_s == pytest.approx(summary.mean_speed_m_s)
        assert session.incline_pct == 0.0  # an outdoor grade is not a treadmill incline
        assert (session.pain_during_nprs, session.pain_after_nprs) == (None, None)
        assert (session.rails, session.near_falls) == (False, False)
        assert outcome.details["outdoor_grade_pct"] == pytest.approx(summary.mean_grade_pct)
        assert outcome.details["steps"] == summary.steps
        assert outcome.details["declared_direction"] == "backward"
        assert outcome.details["format"] == name[:3]
        assert outcome.details["file_name"] == Path(name).name
    assert stored_counts(services)[:2] == (2, 2)  # refused files left nothing


def test_the_fenix_walk_agrees_with_the_watchs_own_session_message(services: Services) -> None:
    """The issue's bound: duration within 1 s and distance within 1 % of the file's totals."""
    (outcome,) = import_(services, FIT / "garmin-fenix-5-walk.fit")
    assert outcome.session is not None and outcome.details is not None
    totals = outcome.details["file_totals"]
    assert abs(outcome.session.duration_s - totals["total_timer_time"]) <= 1.0
    assert outcome.session.distance_m == pytest.approx(totals["total_distance"], rel=0.01)
    assert outcome.details["steps"] == 2 * totals["total_strides"]  # FIT counts strides
    assert outcome.session.modality is Modality.OVERGROUND  # the walker's target modality


def test_rides_and_runs_import_only_when_the_walker_insists_and_stay_within_session_ranges(
    services: Services,
) -> None:
    names = ["sample-activity-indoor-trainer.fit", "garmin-fenix-5-bike.fit", "Activity.fit"]
    trainer, bike, short_run = import_(services, *(FIT / n for n in names), allow_non_walking=True)
    assert trainer.status is ImportStatus.IMPORTED, trainer.reason
    assert trainer.session is not None and trainer.details is not None
    assert trainer.session.duration_s == pytest.approx(2261.85)  # its session's timer time
    assert trainer.session.distance_m is None
    assert any("--allow-non-walking" in note for note in trainer.details["notes"])
    # Still refused: faster than any walking session, or too short to be one.
    assert bike.status is ImportStatus.REFUSED and "speed_m_s" in (bike.reason or "")
    assert short_run.status is ImportStatus.REFUSED and "duration_s" in (short_run.reason or "")


@pytest.mark.parametrize("name", ["cerknicko-without-times.gpx", "Mojstrovka.gpx"])
def test_a_track_without_times_imports_with_the_start_and_minutes_given(
    services: Services, name: str
) -> None:
    when = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    refused, imported = [
        import_(services, GPX / name, when=when),
        import_(services, GPX / name, when=when, duration_s=1800.0),
    ]
    assert refused[0].status is ImportStatus.REFUSED
    assert "--minutes" in (refused[0].reason or "")
    (outcome,) = imported
    assert outcome.status is ImportStatus.IMPORTED, outcome.reason
    assert outcome.session is not None and outcome.details is not None
    summary = read_gpx(GPX / name)
    assert (outcome.session.performed_at, outcome.session.duration_s) == (when, 1800.0)
    assert outcome.session.distance_m == pytest.approx(summary.distance_m)
    assert outcome.session.speed_m_s is None
    assert outcome.session.incline_pct == 0.0
    assert outcome.details["outdoor_grade_pct"] == pytest.approx(summary.mean_grade_pct)


def test_a_treadmill_fit_walk_is_a_treadmill_session_unless_the_walker_says_otherwise(
    services: Services, tmp_path: Path
) -> None:
    start = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
    records = [
        (
            "record",
            {
                "timestamp": start + timedelta(seconds=s),
                "distance": 1.0 * s,
                "speed": 1.0,
                "cadence": 50,
                "activity_type": ACTIVITY_TYPE_WALKING,
            },
        )
        for s in range(0, 301, 5)
    ]
    session = (
        "session",
        {
            "timestamp": start + timedelta(seconds=300),
            "start_time": start,
            "sport": SPORT_WALKING,
            "sub_sport": SUB_SPORT_TREADMILL,
            "total_elapsed_time": 300.0,
            "total_timer_time": 300.0,
            "total_distance": 300.0,
        },
    )
    file_id = ("file_id", {"type": FILE_ACTIVITY, "manufacturer": 1, "time_created": start})
    path = tmp_path / "treadmill.fit"
    path.write_bytes(fit_bytes([file_id, *records, session]))
    (outcome,) = import_(services, path, incline_pct=4.0)
    assert outcome.session is not None and outcome.details is not None
    assert outcome.session.modality is Modality.TREADMILL
    assert outcome.session.incline_pct == 4.0  # declared by the walker
    assert outcome.details["modality_from"] == "file"
    (again,) = import_(services, path, reanalyse=True, modality=Modality.OVERGROUND)
    assert again.session is not None and again.session.modality is Modality.OVERGROUND


# --- phone motion recordings -------------------------------------------------------------------


PHONE_SECONDS = 60.0  # a session lasts at least 30 s (domain/validation.py)


@cache
def phone() -> Walk:
    """A real phone walk (no gyroscope): its first minute."""
    return phone_walk("Samsung_Jamie_Hard_InHand_1", seconds=PHONE_SECONDS)


@cache
def waist() -> Walk:
    """A real lower-back walk with gyroscope: 20 s, of which about 16 s of walking."""
    return waist_walk("1-1", seconds=20.0)


def phone_truth() -> tuple[int, float]:
    """Foot-switch steps in the first minute (a 0 -> 1 change of either foot), their cadence."""
    folder = SHARED_DATA / "phone-steps" / "Samsung_Jamie_Hard_InHand_1"
    switches = np.loadtxt(folder / "stepcounter.csv", delimiter=",")
    first = np.loadtxt(folder / "accelerometer.csv", delimiter=",", max_rows=1)[0]
    times = (switches[:, 0] - first) / 1e9
    steps = np.concatenate(
        [
            times[np.flatnonzero((switches[1:, c] == 1) & (switches[:-1, c] == 0)) + 1]
            for c in (1, 2)
        ]
    )
    steps = np.sort(steps[(steps >= 0) & (steps <= PHONE_SECONDS)])
    return steps.size, 60.0 * (steps.size - 1) / float(steps[-1] - steps[0])


def _sl_folder(tmp: Path, walk: Walk) -> Path:
    return write_sensor_logger(tmp / "recording", walk, files=("TotalAcceleration",))


# layout id -> (writer of the phone walk, expected format, the file gives its start time)
MOTION = {
    "sensor-logger-folder": (_sl_folder, "sensor-logger", True),
    "sensor-logger-zip": (
        lambda tmp, w: zip_sensor_logger(_sl_folder(tmp, w), tmp / "recording.zip"),
        "sensor-logger",
        True,
    ),
    "sensor-logger-csv": (
        lambda tmp, w: _sl_folder(tmp, w) / "TotalAcceleration.csv",
        "sensor-logger",
        True,
    ),
    "sensor-logger-json": (
        lambda tmp, w: write_sensor_logger_json(tmp / "recording.json", w),
        "sensor-logger",
        True,
    ),
    "phyphox-folder": (lambda tmp, w: write_phyphox(tmp / "ph", w), "phyphox", True),
    "phyphox-zip": (
        lambda tmp, w: zip_phyphox(write_phyphox(tmp / "ph", w), tmp / "ph.zip"),
        "phyphox",
        True,
    ),
    "generic-csv": (
        lambda tmp, w: write_generic(tmp / "walk.csv", w, gyro=False),
        "generic-csv",
        False,
    ),
    "physics-toolbox": (
        lambda tmp, w: write_physics_toolbox(tmp / "ptb.csv", w),
        "physics-toolbox",
        False,
    ),
}


@pytest.mark.parametrize("layout", list(MOTION))
def test_a_phone_recording_in_each_layout_imports_with_bouts_steps_and_cadence(
    services: Services, tmp_path: Path, layout: str
) -> None:
    writer, fmt, timed = MOTION[layout]
    path = writer(tmp_path, phone())
    truth_steps, truth_cadence = phone_truth()
    when = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)
    if not timed:
        (refused,) = import_(services, path)
        assert refused.status is ImportStatus.REFUSED and "--when" in (refused.reason or "")
    (outcome,) = import_(services, path, when=when, pain_during_nprs=1, pain_after_nprs=2)
    assert outcome.status is ImportStatus.IMPORTED, outcome.reason
    assert outcome.format == fmt
    session, details = outcome.session, outcome.details
    assert session is not None and details is not None
    # Steps within the StepCounter's measured error (a few %) plus a step at each window edge.
    assert abs(details["steps"] - truth_steps) <= 0.03 * truth_steps + 2
    assert details["cadence_steps_per_min"] == pytest.approx(truth_cadence, rel=0.05)
    bouts = details["bouts"]
    assert bouts and all(b["start_s"] < b["end_s"] for b in bouts)
    assert sum(b["steps"] for b in bouts) == details["steps"]
    assert session.duration_s == pytest.approx(sum(b["end_s"] - b["start_s"] for b in bouts))
    assert session.duration_s <= details["file_totals"]["recording_s"] + 1e-6
    assert (session.pain_during_nprs, session.pain_after_nprs) == (1, 2)
    assert (session.distance_m, session.speed_m_s) == (None, None)
    if timed:
        assert session.performed_at.date().isoformat() == "2023-11-14"  # the app's own clock
    else:
        assert session.performed_at == when


def test_a_walk_shorter_than_a_session_is_refused_naming_the_duration(
    services: Services, tmp_path: Path
) -> None:
    """The waist walk (with gyroscope) holds about 16 s of walking: too short for a session."""
    (outcome,) = import_(services, write_sensor_logger(tmp_path / "short", waist()))
    assert outcome.status is ImportStatus.REFUSED
    assert "duration_s" in (outcome.reason or "") and "30 to 10800 s" in (outcome.reason or "")
    assert stored_counts(services) == (0, 0, 0)


def test_a_motion_recording_without_walking_is_refused(services: Services, tmp_path: Path) -> None:
    walk = waist()
    still = replace(
        walk,
        acc_m_s2=np.tile([0.0, 0.0, 9.81], (walk.time_s.size, 1)),
        gyro_rad_s=np.zeros_like(walk.acc_m_s2),
    )
    (outcome,) = import_(services, write_sensor_logger(tmp_path / "still", still))
    assert outcome.status is ImportStatus.REFUSED
    assert "no walking found" in (outcome.reason or "")
    assert stored_counts(services) == (0, 0, 0)


# --- idempotence, re-analysis, all-or-nothing -----------------------------------------------


def test_importing_the_same_recording_twice_leaves_one_session(
    services: Services, tmp_path: Path
) -> None:
    folder = _sl_folder(tmp_path, phone())
    copy = shutil.copytree(folder, tmp_path / "elsewhere" / "renamed")  # same content
    (first,) = import_(services, FIT / "garmin-fenix-5-walk.fit", folder)[1:]
    second = import_(services, FIT / "garmin-fenix-5-walk.fit", copy)
    assert [o.status for o in second] == [ImportStatus.SKIPPED, ImportStatus.SKIPPED]
    assert second[1].session_id == first.session_id
    assert "already imported" in (second[1].reason or "")
    assert stored_counts(services)[:2] == (2, 2)


def test_a_changed_folder_is_a_new_recording(services: Services, tmp_path: Path) -> None:
    folder = _sl_folder(tmp_path, phone())
    (first,) = import_(services, folder)
    (folder / "Notes.txt").write_text("walked on the track")
    (second,) = import_(services, folder)
    assert (first.status, second.status) == (ImportStatus.IMPORTED, ImportStatus.IMPORTED)
    assert first.content_sha256 != second.content_sha256


def test_reanalyse_replaces_the_session_keeping_a_revision_and_the_walkers_answers(
    services: Services,
) -> None:
    path = FIT / "garmin-fenix-5-walk.fit"
    (first,) = import_(services, path, direction=DeclaredDirection.MIXED)
    assert first.session_id is not None
    services.add_pain(None, first.session_id, 1, 2, now=NOW)
    (again,) = import_(services, path, reanalyse=True)
    assert again.status is ImportStatus.REPLACED
    assert again.session_id == first.session_id
    assert again.session is not None and again.details is not None
    assert (again.session.pain_during_nprs, again.session.pain_after_nprs) == (1, 2)
    assert again.details["declared_direction"] == "mixed"  # kept: not given again
    with services.uow(read_only=True) as work:
        stored = work.sessions.get(first.session_id)
        revisions = work.sessions.revisions(first.session_id)
    assert stored.version == 3  # imported, pain added, re-analysed
    assert [r.reason for r in revisions] == [
        "pain added",
        "re-analysed on import of garmin-fenix-5-walk.fit",
    ]
    assert revisions[0].previous.pain_during_nprs is None
    assert stored_counts(services)[:2] == (1, 1)


def test_a_damaged_file_in_a_batch_is_refused_and_leaves_nothing_while_the_others_import(
    services: Services, tmp_path: Path
) -> None:
    damaged = tmp_path / "walk-copy.fit"
    damaged.write_bytes((FIT / "garmin-fenix-5-walk.fit").read_bytes()[:-40])  # cut short
    bad_csv = write_generic(tmp_path / "bad.csv", phone(), gyro=False)
    lines = bad_csv.read_text().splitlines()
    fields = lines[50].split(",")
    lines[50] = ",".join([*fields[:2], "oops", *fields[3:]])  # line 51: text in column ay
    bad_csv.write_text("\n".join(lines) + "\n")
    batch = [
        FIT / "garmin-fenix-5-walk.fit",
        damaged,
        bad_csv,
        tmp_path / "missing.gpx",
        GPX / "cerknicko-jezero.gpx",
    ]
    outcomes = import_(services, *batch, when=NOW - timedelta(hours=1))
    assert [o.status for o in outcomes] == [
        ImportStatus.IMPORTED,
        ImportStatus.REFUSED,
        ImportStatus.REFUSED,
        ImportStatus.REFUSED,
        ImportStatus.IMPORTED,
    ]
    assert "truncated" in (outcomes[1].reason or "")
    assert "ay" in (outcomes[2].reason or "") and "51" in (outcomes[2].reason or "")
    assert "no such file" in (outcomes[3].reason or "")
    assert stored_counts(services) == (2, 2, 2)  # a decision after each import, none else


# --- pain and progression ----------------------------------------------------------------------


def test_an_imported_session_holds_until_its_pain_is_added_then_decides_again(
    services: Services,
) -> None:
    (outcome,) = import_(services, GPX / "cerknicko-jezero.gpx")
    assert outcome.status is ImportStatus.IMPORTED and outcome.decision is not None
    assert outcome.pain_missing
    assert outcome.decision.kind is DecisionKind.HOLD
    assert outcome.decision.reasons[0].rule_id == "hold-pain-not-reported"
    assert "2010-08-05" in outcome.decision.reasons[0].text
    assert outcome.session_id is not None
    added = services.add_pain(None, outcome.session_id, 2, 1, now=NOW)
    assert (added.session.pain_during_nprs, added.session.pain_after_nprs) == (2, 1)
    assert "hold-pain-not-reported" not in [r.rule_id for r in added.decision.reasons]
    assert stored_counts(services)[2] == 2  # a second decision for the same session


def test_an_imported_session_decides_like_the_same_session_logged_by_hand(
    services: Services, tmp_path: Path
) -> None:
    services.enrol("Bob", ANSWERS, weeks=6, now=NOW - timedelta(days=3))
    path = write_generic(tmp_path / "walk.csv", phone(), gyro=False)
    (imported,) = services.import_files(
        "Ann",
        [path],
        options=ImportOptions(when=NOW - timedelta(hours=2), pain_during_nprs=6, pain_after_nprs=3),
        now=NOW,
    )
    assert imported.session is not None and imported.decision is not None
    logged = services.log_session("Bob", imported.session, now=NOW)
    assert imported.decision == logged.decision
    assert imported.decision.kind is DecisionKind.REGRESS  # pain 6 is too much (nemex2010)


def test_red_flags_in_a_check_in_still_stop_after_an_unreported_import(
    services: Services,
) -> None:
    from retrowalk.domain.models import CheckIn

    import_(services, FIT / "garmin-fenix-5-walk.fit")
    result = services.check_in(
        None, CheckIn(NOW.date(), 3, 4, swelling=True), today=NOW.date(), now=NOW
    )
    assert result.decision.kind is DecisionKind.STOP


@pytest.mark.parametrize(
    ("during", "after", "field"),
    [(11, 2, "pain_during_nprs"), (2, -1, "pain_after_nprs")],
)
def test_pain_out_of_range_is_refused_naming_the_field(
    services: Services, during: int, after: int, field: str
) -> None:
    (outcome,) = import_(services, FIT / "garmin-fenix-5-walk.fit")
    assert outcome.session_id is not None
    with pytest.raises(InvalidInput) as error:
        services.add_pain(None, outcome.session_id, during, after, now=NOW)
    assert error.value.field == field
    with pytest.raises(InvalidInput) as error:
        import_(
            services, GPX / "cerknicko-jezero.gpx", pain_during_nprs=during, pain_after_nprs=after
        )
    assert error.value.field in ("pain_during_nprs", "pain_after_nprs")


def test_pain_cannot_be_added_to_another_walkers_session(services: Services) -> None:
    services.enrol("Bob", ANSWERS, weeks=6, now=NOW - timedelta(days=3))
    (outcome,) = services.import_files(
        "Ann", [FIT / "garmin-fenix-5-walk.fit"], options=ImportOptions(), now=NOW
    )
    assert outcome.session_id is not None
    with pytest.raises(NotFound):
        services.add_pain("Bob", outcome.session_id, 1, 1, now=NOW)
    with pytest.raises(NotFound):
        services.add_pain("Ann", "00000000-0000-0000-0000-000000000000", 1, 1, now=NOW)


# --- dispatch on content ---------------------------------------------------------------------


def test_the_content_decides_the_reader_not_the_file_name(
    services: Services, tmp_path: Path
) -> None:
    renamed = tmp_path / "walk.gpx"
    renamed.write_bytes((FIT / "garmin-fenix-5-walk.fit").read_bytes())
    text = tmp_path / "notes.fit"
    text.write_text("walked backwards in the park, felt fine\n")
    export = tmp_path / "export.json"
    export.write_text(json.dumps({"format": "retrowalk-export", "format_version": 1}))
    walk, notes, document = import_(services, renamed, text, export)
    assert (walk.status, walk.format) == (ImportStatus.IMPORTED, "fit")
    assert notes.status is ImportStatus.REFUSED and "not a FIT file" in (notes.reason or "")
    assert document.status is ImportStatus.REFUSED
    assert "retrowalk export document" in (document.reason or "")


def test_a_file_imported_by_someone_else_while_it_was_read_is_skipped(
    services: Services,
) -> None:
    """Reading happens outside any transaction; the write checks the content hash again."""
    path = FIT / "garmin-fenix-5-walk.fit"
    others: list[ImportOutcome] = []

    class Meanwhile:
        def file_started(self, path: Path, size_bytes: int) -> None:
            pass

        def bytes_read(self, done_bytes: int, total_bytes: int) -> None:
            if not others:  # another import of the same file commits first
                others.extend(import_(services, path))

        def file_done(self, outcome: ImportOutcome) -> None:
            pass

    (outcome,) = services.import_files(
        None, [path], options=ImportOptions(), now=NOW, progress=Meanwhile()
    )
    assert [o.status for o in others] == [ImportStatus.IMPORTED]
    assert outcome.status is ImportStatus.SKIPPED
    assert outcome.session_id == others[0].session_id
    assert stored_counts(services)[:2] == (1, 1)

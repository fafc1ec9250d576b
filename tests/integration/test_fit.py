"""The FIT reader on every real file in ../shared/data/fit and on small files written here."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import fitdecode
import pytest

from retrowalk.errors import UnsupportedFile
from retrowalk.formats.activity import ensure_walking
from retrowalk.formats.fit import read_fit
from tests.conftest import SHARED_DATA
from tests.integration.fit_writer import (
    ACTIVITY_TYPE_WALKING,
    EVENT_START,
    EVENT_STOP_ALL,
    EVENT_TIMER,
    FILE_ACTIVITY,
    FILE_SETTINGS,
    SPORT_RUNNING,
    SPORT_WALKING,
    SUB_SPORT_TREADMILL,
    fit_bytes,
)

FIT_DIR = SHARED_DATA / "fit"
FIT_FILES = sorted(FIT_DIR.glob("*.fit")) if FIT_DIR.is_dir() else []
# Why each damaged shared file must be refused: words its message must contain.
REFUSALS = {
    "activity-unexpected-eof.fit": ("truncated", "768", "771"),
    "activity-settings-corruptheader.fit": ("corrupt header", "771"),
    "strava-android-app-201.10-b1218918.fit": ("damaged", "7471", "shorter"),
}
SPECIFIC_PROBLEMS = (
    "truncated",
    "corrupt",
    "damaged",
    "checksum",
    "not a FIT file",
    "not a recorded activity",
    "no activity data",
)
START = datetime(2024, 5, 4, 8, 0, tzinfo=UTC)


def shared(name: str) -> Path:
    path = FIT_DIR / name
    if not path.is_file():
        pytest.skip(f"{path} not found")
    return path


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def session_message(path: Path) -> dict[str, object]:
    """The file's session message decoded directly with fitdecode (the reader not involved)."""
    with fitdecode.FitReader(path) as reader:
        for frame in reader:
            if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "session":
                return {f.name: f.value for f in frame.fields}
    raise AssertionError(f"{path} has no session message")


@pytest.mark.slow
@pytest.mark.parametrize("path", FIT_FILES, ids=[p.name for p in FIT_FILES])
def test_every_shared_fit_file_matches_its_own_totals_or_is_refused_specifically(
    path: Path,
) -> None:
    try:
        summary = read_fit(path)
    except UnsupportedFile as exc:
        assert exc.path == str(path)
        assert any(p in exc.problem for p in SPECIFIC_PROBLEMS), exc.problem
        for word in REFUSALS.get(path.name, ()):
            assert word in exc.problem
        return
    assert path.name not in REFUSALS, f"{path.name} should have been refused"
    totals = summary.file_totals
    assert summary.elapsed_s == pytest.approx(totals["total_elapsed_time"], abs=1.0)
    assert summary.timer_s == pytest.approx(totals["total_timer_time"], abs=1.0)
    if totals.get("total_distance"):
        assert summary.distance_m == pytest.approx(totals["total_distance"], rel=0.01)
    # Independently of the summary, the records must tell the same story (their times have
    # 1 s resolution, hence 2 s).
    track = summary.track
    assert track is not None and track.time_s is not None
    assert track.time_s[-1] - track.time_s[0] == pytest.approx(
        totals["total_elapsed_time"], abs=2.0
    )
    if totals.get("total_distance"):
        assert max(track.distance_m) == pytest.approx(totals["total_distance"], rel=0.01)
    assert summary.start_time is not None and summary.start_time.tzinfo is not None


def test_fenix_walk_is_a_walk_starting_at_the_local_time_of_its_records_csv() -> None:
    path = shared("garmin-fenix-5-walk.fit")
    rows = list(csv.DictReader(shared("garmin-fenix-5-walk-records.csv").open()))
    first = datetime.strptime(rows[0]["timestamp"], "%a %b %d %H:%M:%S PDT %Y")
    summary = read_fit(path)
    assert summary.sport == "walking" and summary.is_walking
    assert summary.start_time is not None
    assert summary.start_time.utcoffset() == timedelta(hours=-7)  # PDT, as the CSV says
    assert summary.start_time.replace(tzinfo=None) == first
    assert summary.distance_m == pytest.approx(float(rows[-1]["distance"]), rel=0.01)
    ensure_walking(summary)  # does not raise


def test_fenix_walk_cadence_is_twice_the_stride_cadence_of_its_records_csv() -> None:
    rows = list(csv.DictReader(shared("garmin-fenix-5-walk-records.csv").open()))
    # The CSV's cadence column is the raw FIT cadence: strides (one foot) per minute.
    csv_steps_per_min = 2 * sum(int(r["cadence"]) for r in rows) / len(rows)
    summary = read_fit(shared("garmin-fenix-5-walk.fit"))
    assert summary.cadence_steps_per_min == pytest.approx(csv_steps_per_min, abs=2.0)
    assert 90 <= summary.cadence_steps_per_min <= 140  # a walking step rate, not strides


def test_fenix_walk_steps_are_the_watch_stride_count_doubled_and_near_its_cadence() -> None:
    path = shared("garmin-fenix-5-walk.fit")
    rows = list(csv.DictReader(shared("garmin-fenix-5-walk-records.csv").open()))
    times = [datetime.strptime(r["timestamp"], "%a %b %d %H:%M:%S PDT %Y") for r in rows]
    csv_steps = sum(
        2 * int(rows[i]["cadence"]) * (times[i] - times[i - 1]).total_seconds() / 60
        for i in range(1, len(rows))
    )
    summary = read_fit(path)
    assert summary.steps == 2 * session_message(path)["total_strides"]
    # The watch counted 82 steps where its own cadence records imply about 93: the reader
    # keeps the device's count and says so.
    assert summary.steps == pytest.approx(csv_steps, rel=0.15)
    assert any("cadence records imply" in note for note in summary.notes)


def test_fenix_walk_mean_heart_rate_matches_its_records_csv() -> None:
    rows = list(csv.DictReader(shared("garmin-fenix-5-walk-records.csv").open()))
    summary = read_fit(shared("garmin-fenix-5-walk.fit"))
    csv_mean = sum(int(r["heart_rate"]) for r in rows) / len(rows)
    assert summary.mean_heart_rate_bpm == pytest.approx(csv_mean, abs=3.0)


def test_bike_ride_is_refused_as_a_walk_unless_the_walker_insists() -> None:
    summary = read_fit(shared("garmin-fenix-5-bike.fit"))
    assert summary.sport == "cycling" and not summary.is_walking
    assert summary.steps is None and summary.cadence_steps_per_min is None
    with pytest.raises(
        UnsupportedFile, match="this is a cycling activity, not a walk; use --allow-non-walking"
    ):
        ensure_walking(summary)
    ensure_walking(summary, allow_non_walking=True)


def test_run_counts_steps_but_is_not_a_walk() -> None:
    path = shared("garmin-fenix-5-run.fit")
    summary = read_fit(path)
    assert summary.steps == 2 * session_message(path)["total_strides"]
    assert 140 <= summary.cadence_steps_per_min <= 200  # a running step rate
    with pytest.raises(UnsupportedFile, match="running activity"):
        ensure_walking(summary)


def test_indoor_trainer_without_distance_reports_distance_unknown() -> None:
    summary = read_fit(shared("sample-activity-indoor-trainer.fit"))
    assert summary.distance_m is None and summary.mean_speed_m_s is None
    assert any("no distance" in note for note in summary.notes)
    assert any("pedal" in note for note in summary.notes)
    assert summary.start_time is not None and summary.start_time.utcoffset() == timedelta(0)


def test_time_zone_comes_from_the_activity_local_timestamp() -> None:
    path = shared("Activity.fit")
    with fitdecode.FitReader(path) as reader:
        activity = next(
            f for f in reader if isinstance(f, fitdecode.FitDataMessage) and f.name == "activity"
        )
    offset = activity.get_value("local_timestamp") - activity.get_value("timestamp")
    assert read_fit(path).start_time.utcoffset() == offset


def test_truncated_file_is_refused_even_with_a_complete_session_summary() -> None:
    # Decided: a truncated file cannot be checksum-verified, so nothing of it is imported.
    path = shared("activity-unexpected-eof.fit")
    assert "session" in {
        f.name for f in _frames_until_error(path) if isinstance(f, fitdecode.FitDataMessage)
    }
    with pytest.raises(UnsupportedFile, match="is truncated"):
        read_fit(path)


def _frames_until_error(path: Path) -> list[object]:
    frames: list[object] = []
    try:
        for frame in fitdecode.FitReader(path):
            frames.append(frame)
    except fitdecode.FitError:
        pass
    return frames


@pytest.mark.parametrize("keep_bytes", [20, 300, 700])
def test_file_cut_anywhere_is_refused_as_truncated(tmp_path: Path, keep_bytes: int) -> None:
    data = shared("Activity.fit").read_bytes()[:keep_bytes]
    with pytest.raises(UnsupportedFile, match="truncated") as refused:
        read_fit(write(tmp_path, "cut.fit", data))
    assert refused.value.path.endswith("cut.fit")


def test_checksum_mismatch_is_refused(tmp_path: Path) -> None:
    data = bytearray(shared("Activity.fit").read_bytes())
    data[-2] ^= 0xFF
    with pytest.raises(UnsupportedFile, match=r"checksum \(CRC\)"):
        read_fit(write(tmp_path, "bad-crc.fit", bytes(data)))


def test_chained_settings_file_with_repaired_header_reads_as_the_activity(tmp_path: Path) -> None:
    data = bytearray(shared("activity-settings-corruptheader.fit").read_bytes())
    assert data[771 + 8 : 771 + 12] == b".GIT"  # the corruption: one letter of '.FIT'
    data[771 + 8 : 771 + 12] = b".FIT"
    summary = read_fit(write(tmp_path, "chained.fit", bytes(data)))
    assert summary.distance_m == pytest.approx(5.73)


def test_trailing_zero_padding_is_ignored_with_a_note(tmp_path: Path) -> None:
    data = shared("Activity.fit").read_bytes() + b"\x00" * 16
    summary = read_fit(write(tmp_path, "padded.fit", data))
    assert summary.distance_m == pytest.approx(5.73)
    assert any("padding" in note for note in summary.notes)


def test_settings_file_is_refused_as_not_an_activity(tmp_path: Path) -> None:
    data = fit_bytes(
        [("file_id", {"type": FILE_SETTINGS, "manufacturer": 1, "time_created": START})]
    )
    with pytest.raises(UnsupportedFile, match=r"is a FIT settings file .*not a recorded activity"):
        read_fit(write(tmp_path, "settings.fit", data))


def test_activity_file_without_any_activity_message_is_refused(tmp_path: Path) -> None:
    data = fit_bytes(
        [("file_id", {"type": FILE_ACTIVITY, "manufacturer": 1, "time_created": START})]
    )
    with pytest.raises(UnsupportedFile, match="no activity data"):
        read_fit(write(tmp_path, "empty-activity.fit", data))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "is empty"),
        (b"timestamp,heart_rate\n1,2\n3,4\n", "not a FIT file"),
        (b'<?xml version="1.0"?><gpx version="1.1"></gpx>', "looks like XML"),
    ],
    ids=["empty", "text", "gpx-renamed"],
)
def test_file_that_is_not_fit_is_refused_naming_the_file(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = write(tmp_path, "walk.fit", content)
    with pytest.raises(UnsupportedFile, match=expected) as refused:
        read_fit(path)
    assert refused.value.path == str(path)


def _walk_records(
    cadence: int, seconds: range, fractional: float = 0.0
) -> list[tuple[str, dict[str, float | datetime]]]:
    return [
        (
            "record",
            {
                "timestamp": START + timedelta(seconds=s),
                "distance": 1.0 * s,
                "speed": 1.0,
                "cadence": cadence,
                "fractional_cadence": fractional,
                "activity_type": ACTIVITY_TYPE_WALKING,
            },
        )
        for s in seconds
    ]


def test_treadmill_session_recorded_as_running_counts_as_a_walk_when_records_say_walking(
    tmp_path: Path,
) -> None:
    file_id = ("file_id", {"type": FILE_ACTIVITY, "manufacturer": 1, "time_created": START})
    session = (
        "session",
        {
            "timestamp": START + timedelta(seconds=60),
            "start_time": START,
            "sport": SPORT_RUNNING,
            "sub_sport": SUB_SPORT_TREADMILL,
            "total_elapsed_time": 60.0,
            "total_timer_time": 60.0,
            "total_distance": 60.0,
        },
    )
    data = fit_bytes([file_id, *_walk_records(55, range(61), fractional=0.5), session])
    summary = read_fit(write(tmp_path, "treadmill.fit", data))
    assert (summary.sport, summary.sub_sport, summary.is_walking) == ("running", "treadmill", True)
    assert summary.cadence_steps_per_min == pytest.approx(111.0)  # 2 x 55.5 strides/min
    # No stride total in the session: steps come from the cadence, 111/min for 60 s.
    assert summary.steps == 111
    assert any("estimated from its cadence" in note for note in summary.notes)


def test_file_without_session_takes_timer_time_from_its_timer_events(tmp_path: Path) -> None:
    def event(second: int, kind: int) -> tuple[str, dict[str, float | datetime]]:
        return (
            "event",
            {
                "timestamp": START + timedelta(seconds=second),
                "event": EVENT_TIMER,
                "event_type": kind,
            },
        )

    records = _walk_records(55, range(31)) + _walk_records(55, range(60, 91))
    data = fit_bytes(
        [
            ("file_id", {"type": FILE_ACTIVITY, "manufacturer": 1, "time_created": START}),
            event(0, EVENT_START),
            *records[:31],
            event(30, EVENT_STOP_ALL),
            event(60, EVENT_START),
            *records[31:],
            event(90, EVENT_STOP_ALL),
        ]
    )
    summary = read_fit(write(tmp_path, "no-session.fit", data))
    assert summary.elapsed_s == pytest.approx(90.0)
    assert summary.timer_s == pytest.approx(60.0)
    assert summary.sport == "unknown" and summary.is_walking  # its records say walking
    assert any("no session or lap summary" in note for note in summary.notes)


def test_cadence_already_in_steps_per_minute_is_not_doubled(tmp_path: Path) -> None:
    data = fit_bytes(
        [
            ("file_id", {"type": FILE_ACTIVITY, "manufacturer": 1, "time_created": START}),
            *_walk_records(130, range(61)),
            (
                "session",
                {
                    "start_time": START,
                    "sport": SPORT_WALKING,
                    "total_elapsed_time": 60.0,
                    "total_timer_time": 60.0,
                },
            ),
        ]
    )
    summary = read_fit(write(tmp_path, "steps-cadence.fit", data))
    assert summary.cadence_steps_per_min == pytest.approx(130.0)
    assert any("already steps per minute" in note for note in summary.notes)


def test_records_going_back_in_time_are_refused(tmp_path: Path) -> None:
    records = _walk_records(55, range(10))
    records[5][1]["timestamp"] = START - timedelta(hours=1)
    data = fit_bytes(
        [("file_id", {"type": FILE_ACTIVITY, "manufacturer": 1, "time_created": START}), *records]
    )
    with pytest.raises(UnsupportedFile, match="record times go backwards at record 6"):
        read_fit(write(tmp_path, "backwards.fit", data))


def test_summary_only_file_reads_the_device_totals_without_records(tmp_path: Path) -> None:
    session = {
        "start_time": START,
        "sport": SPORT_WALKING,
        "total_elapsed_time": 600.0,
        "total_timer_time": 540.0,
        "total_distance": 700.0,
        "total_cycles": 300,
    }
    data = fit_bytes(
        [
            ("file_id", {"type": FILE_ACTIVITY, "manufacturer": 1, "time_created": START}),
            ("session", session),
        ]
    )
    summary = read_fit(write(tmp_path, "summary-only.fit", data))
    assert (summary.elapsed_s, summary.timer_s, summary.distance_m) == (600.0, 540.0, 700.0)
    assert summary.steps == 600  # 300 strides
    assert summary.mean_speed_m_s == pytest.approx(700.0 / 540.0)
    assert summary.track is None
    assert not any("records" in note for note in summary.notes)

"""Motion-sensor readers on real walks re-written in each app's layout (tests/fixtures_sensor.py).

Expected values come from the walks themselves (what was written), not from the reader.
"""

from __future__ import annotations

import csv
import re
import shutil
from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from retrowalk.errors import UnsupportedFile
from retrowalk.formats.sensor_csv import read_motion, sniff_motion_format
from retrowalk.sensing.recording import MotionRecording
from tests.fixtures_sensor import (
    EPOCH_START_NS,
    PHYPHOX_START_EPOCH_S,
    SHARED_DATA,
    G,
    Walk,
    phone_walk,
    sensor_logger_csv,
    waist_walk,
    write_generic,
    write_phyphox,
    write_physics_toolbox,
    write_sensor_logger,
    write_sensor_logger_json,
    zip_phyphox,
    zip_sensor_logger,
)

pytestmark = pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared/data is absent")


@cache
def waist() -> Walk:
    return waist_walk("1-1", seconds=20.0)


@cache
def phone() -> Walk:
    return phone_walk("Samsung_Jamie_Hard_InHand_1", seconds=30.0)


@cache
def irregular_phone() -> Walk:
    return phone_walk("Pixel_Jamie_Hard_FrontPocket_1", seconds=20.0)


def assert_same_samples(rec: MotionRecording, walk: Walk, rtol: float = 1e-6) -> None:
    assert rec.n_samples == walk.time_s.size
    np.testing.assert_allclose(rec.time_s, walk.time_s - walk.time_s[0], atol=1e-6)
    np.testing.assert_allclose(rec.acc_m_s2, walk.acc_m_s2, rtol=rtol, atol=1e-6)


def median_magnitude(rec: MotionRecording) -> float:
    return float(np.median(np.linalg.norm(rec.acc_m_s2, axis=1)))


def replace_line(path: Path, line_number: int, text: str) -> None:
    lines = path.read_text().splitlines()
    lines[line_number - 1] = text
    path.write_text("\n".join(lines) + "\n")


def refused(path: Path) -> UnsupportedFile:
    with pytest.raises(UnsupportedFile) as info:
        read_motion(path)
    return info.value


# ------------------------------------------------------------------------ Sensor Logger


def test_sensor_logger_folder_reads_every_sample_and_maps_z_y_x_columns_to_x_y_z(
    tmp_path: Path,
) -> None:
    folder = write_sensor_logger(tmp_path / "rec", waist())
    rec = read_motion(folder)
    assert_same_samples(rec, waist())
    assert rec.gyro_rad_s is not None
    np.testing.assert_allclose(rec.gyro_rad_s, waist().gyro_rad_s, rtol=1e-6, atol=1e-9)
    assert rec.gravity_included
    assert rec.source_format == "sensor-logger"
    assert rec.start_epoch_s == pytest.approx(EPOCH_START_NS / 1e9)
    # Independent of the reader: the file's own first row, by column name.
    with (folder / "TotalAcceleration.csv").open() as file:
        reader = csv.DictReader(file)
        assert reader.fieldnames == ["time", "seconds_elapsed", "z", "y", "x"]
        first = next(reader)
    assert rec.acc_m_s2[0].tolist() == pytest.approx(
        [float(first["x"]), float(first["y"]), float(first["z"])]
    )


def test_sensor_logger_zip_reads_like_the_folder(tmp_path: Path) -> None:
    folder = write_sensor_logger(tmp_path / "rec", waist())
    archive = zip_sensor_logger(folder, tmp_path / "rec.zip")
    from_folder, from_zip = read_motion(folder), read_motion(archive)
    np.testing.assert_array_equal(from_zip.acc_m_s2, from_folder.acc_m_s2)
    np.testing.assert_array_equal(from_zip.time_s, from_folder.time_s)
    assert from_zip.gyro_rad_s is not None and from_folder.gyro_rad_s is not None
    np.testing.assert_array_equal(from_zip.gyro_rad_s, from_folder.gyro_rad_s)


def test_sensor_logger_in_g_is_converted_to_m_s2(tmp_path: Path) -> None:
    folder = write_sensor_logger(tmp_path / "ios", phone(), unit="g", files=("TotalAcceleration",))
    rec = read_motion(folder)
    assert 9.3 < median_magnitude(rec) < 10.3
    assert_same_samples(rec, phone())
    assert any("in g" in note for note in rec.notes)


def test_sensor_logger_without_total_rebuilds_it_from_accelerometer_plus_gravity(
    tmp_path: Path,
) -> None:
    folder = write_sensor_logger(tmp_path / "rec", phone(), files=("Accelerometer", "Gravity"))
    rec = read_motion(folder)
    assert rec.gravity_included
    assert_same_samples(rec, phone(), rtol=1e-5)
    assert any("Accelerometer.csv + Gravity.csv" in note for note in rec.notes)


def test_sensor_logger_accelerometer_alone_is_read_as_gravity_free_with_a_note(
    tmp_path: Path,
) -> None:
    folder = write_sensor_logger(tmp_path / "rec", phone(), files=("Accelerometer",))
    rec = read_motion(folder)
    assert not rec.gravity_included
    assert rec.n_samples == phone().time_s.size
    assert median_magnitude(rec) < 5.0
    assert any("linear acceleration only" in note for note in rec.notes)


def test_sensor_logger_bogus_first_row_is_dropped_with_a_note(tmp_path: Path) -> None:
    folder = write_sensor_logger(tmp_path / "rec", waist(), bogus_first_row=True)
    rec = read_motion(folder)
    assert_same_samples(rec, waist())
    assert rec.start_epoch_s == pytest.approx(EPOCH_START_NS / 1e9)
    assert any("bogus leading row" in note for note in rec.notes)


def test_sensor_logger_without_gyroscope_has_no_gyro(tmp_path: Path) -> None:
    folder = write_sensor_logger(tmp_path / "rec", waist(), files=("TotalAcceleration",))
    assert read_motion(folder).gyro_rad_s is None


def test_a_single_sensor_logger_csv_file_is_read_alone(tmp_path: Path) -> None:
    folder = write_sensor_logger(tmp_path / "rec", waist())
    rec = read_motion(folder / "TotalAcceleration.csv")
    assert_same_samples(rec, waist())
    assert rec.gyro_rad_s is None


def test_sensor_logger_gyroscope_on_its_own_clock_is_interpolated(tmp_path: Path) -> None:
    walk = waist()
    folder = write_sensor_logger(tmp_path / "rec", walk, files=("TotalAcceleration",))
    assert walk.gyro_rad_s is not None
    # gyroscope samples 5 ms after each accelerometer sample
    (folder / "Gyroscope.csv").write_text(
        sensor_logger_csv(walk.time_ns + 5_000_000, walk.gyro_rad_s)
    )
    rec = read_motion(folder)
    # the first accelerometer sample precedes every gyroscope sample: dropped
    assert rec.n_samples == walk.time_s.size - 1
    assert rec.gyro_rad_s is not None
    midpoints = (walk.gyro_rad_s[:-1] + walk.gyro_rad_s[1:]) / 2
    np.testing.assert_allclose(rec.gyro_rad_s, midpoints, atol=1e-6)
    assert any("interpolated" in note for note in rec.notes)


def test_sensor_logger_json_export_reads_like_the_csv_folder(tmp_path: Path) -> None:
    path = write_sensor_logger_json(tmp_path / "export.json", waist())
    rec = read_motion(path)
    assert_same_samples(rec, waist(), rtol=1e-12)
    assert rec.gyro_rad_s is not None
    np.testing.assert_allclose(rec.gyro_rad_s, waist().gyro_rad_s, rtol=1e-12)
    assert rec.start_epoch_s == pytest.approx(EPOCH_START_NS / 1e9)
    assert any("bogus leading row" in note for note in rec.notes)


# ------------------------------------------------------------------------------ phyphox


@pytest.mark.parametrize("variant", ["comma", "tab", "semicolon"])
@pytest.mark.parametrize("raw_data", [False, True], ids=["per-sensor", "raw-data"])
def test_phyphox_export_reads_in_every_separator(
    tmp_path: Path, variant: str, raw_data: bool
) -> None:
    folder = write_phyphox(tmp_path / "px", waist(), variant=variant, raw_data=raw_data)
    rec = read_motion(folder)
    assert rec.source_format == "phyphox"
    assert_same_samples(rec, waist())
    assert rec.gyro_rad_s is not None
    np.testing.assert_allclose(rec.gyro_rad_s, waist().gyro_rad_s, rtol=1e-6, atol=1e-9)
    assert rec.start_epoch_s == pytest.approx(PHYPHOX_START_EPOCH_S)


def test_phyphox_semicolon_variant_has_decimal_commas_and_e_notation(tmp_path: Path) -> None:
    folder = write_phyphox(tmp_path / "px", waist(), variant="semicolon")
    text = (folder / "Accelerometer.csv").read_text()
    assert re.search(r"\d,\d+E[+-]\d+;", text)  # the fixture really is in that variant
    assert "." not in text.splitlines()[1]
    assert_same_samples(read_motion(folder), waist())


def test_phyphox_zip_reads_like_the_folder(tmp_path: Path) -> None:
    folder = write_phyphox(tmp_path / "px", waist(), variant="tab")
    archive = zip_phyphox(folder, tmp_path / "px.zip")
    np.testing.assert_array_equal(read_motion(archive).acc_m_s2, read_motion(folder).acc_m_s2)


def test_phyphox_linear_acceleration_is_gravity_free(tmp_path: Path) -> None:
    folder = write_phyphox(tmp_path / "px", irregular_phone(), linear=True)
    rec = read_motion(folder)
    assert not rec.gravity_included
    assert rec.gyro_rad_s is None
    assert median_magnitude(rec) < 5.0


def test_phyphox_single_file_without_meta_reads_with_unknown_start(tmp_path: Path) -> None:
    folder = write_phyphox(tmp_path / "px", waist(), raw_data=True, meta=False)
    rec = read_motion(folder / "Raw Data.csv")
    assert_same_samples(rec, waist())
    assert rec.start_epoch_s is None
    assert any("start time unknown" in note for note in rec.notes)


# -------------------------------------------------------------- generic CSV, Physics Toolbox


def test_generic_csv_with_gyroscope_in_m_s2(tmp_path: Path) -> None:
    rec = read_motion(write_generic(tmp_path / "walk.csv", waist()))
    assert rec.source_format == "generic-csv"
    assert_same_samples(rec, waist())
    assert rec.gyro_rad_s is not None
    np.testing.assert_allclose(rec.gyro_rad_s, waist().gyro_rad_s, rtol=1e-6, atol=1e-9)
    assert rec.start_epoch_s is None


def test_generic_csv_in_g_from_a_phone_walk_reads_about_9_81(tmp_path: Path) -> None:
    rec = read_motion(write_generic(tmp_path / "walk.csv", phone(), unit="g", gyro=False))
    assert 9.3 < median_magnitude(rec) < 10.3
    assert_same_samples(rec, phone())
    assert rec.gyro_rad_s is None


def test_generic_csv_with_bom_semicolons_and_decimal_commas(tmp_path: Path) -> None:
    path = write_generic(tmp_path / "walk.csv", waist(), bom=True, variant="semicolon")
    assert path.read_bytes().startswith(b"\xef\xbb\xbftime_s;ax")
    assert_same_samples(read_motion(path), waist())


def test_irregular_sampling_is_kept_and_its_rate_and_jitter_noted(tmp_path: Path) -> None:
    walk = irregular_phone()
    rec = read_motion(write_generic(tmp_path / "walk.csv", walk, gyro=False, time_offset_s=500))
    assert_same_samples(rec, walk)
    expected_hz = 1.0 / np.median(np.diff(walk.time_s))
    assert expected_hz > 300  # the Pixel's irregular ~400 Hz events
    rate_note = next(n for n in rec.notes if "median sampling rate" in n)
    noted = re.search(r"median sampling rate ([\d.]+) Hz", rate_note)
    assert noted is not None and float(noted.group(1)) == pytest.approx(expected_hz, rel=0.01)
    assert "jitter" in rate_note


@pytest.mark.parametrize("clock", [False, True], ids=["seconds", "clock"])
def test_physics_toolbox_g_force_is_converted_to_m_s2(tmp_path: Path, clock: bool) -> None:
    rec = read_motion(write_physics_toolbox(tmp_path / "pt.csv", waist(), clock=clock))
    assert rec.source_format == "physics-toolbox"
    assert rec.n_samples == waist().time_s.size
    np.testing.assert_allclose(rec.time_s, waist().time_s, atol=1e-6)
    np.testing.assert_allclose(rec.acc_m_s2, waist().acc_m_s2, atol=1e-4 * G)


# ------------------------------------------------------------------ detection, progress


def test_sniff_names_each_layout(tmp_path: Path) -> None:
    sl = write_sensor_logger(tmp_path / "sl", waist())
    px = write_phyphox(tmp_path / "px", waist())
    cases = {
        sl: "sensor-logger",
        zip_sensor_logger(sl, tmp_path / "sl.zip"): "sensor-logger",
        write_sensor_logger_json(tmp_path / "sl.json", waist()): "sensor-logger",
        px: "phyphox",
        zip_phyphox(px, tmp_path / "px.zip"): "phyphox",
        write_generic(tmp_path / "g.csv", waist()): "generic-csv",
        write_physics_toolbox(tmp_path / "pt.csv", waist()): "physics-toolbox",
        SHARED_DATA / "phone-steps" / "Samsung_Jamie_Hard_InHand_1" / "accelerometer.csv": None,
        SHARED_DATA / "gpx" / "cerknicko-jezero.gpx": None,
        SHARED_DATA / "fit" / "Activity.fit": None,
        tmp_path / "missing.csv": None,
    }
    assert {path: sniff_motion_format(path) for path in cases} == cases


def test_progress_reports_bytes_up_to_the_total(tmp_path: Path) -> None:
    path = write_generic(tmp_path / "walk.csv", waist())
    calls: list[tuple[int, int]] = []
    read_motion(path, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (path.stat().st_size, path.stat().st_size)
    done = [d for d, _ in calls]
    assert done == sorted(done)


# ----------------------------------------------------------------------------- refusals


def _generic(tmp_path: Path) -> Path:
    return write_generic(tmp_path / "walk.csv", waist())


def _edit_generic(edit: Callable[[Path], None]) -> Callable[[Path], Path]:
    def make(tmp_path: Path) -> Path:
        path = _generic(tmp_path)
        edit(path)
        return path

    return make


def _swap_lines(path: Path) -> None:
    lines = path.read_text().splitlines()
    lines[100], lines[500] = lines[500], lines[100]  # lines 101 and 501: two steps back
    path.write_text("\n".join(lines) + "\n")


def _scaled(factor: float) -> Callable[[Path], Path]:
    def make(tmp_path: Path) -> Path:
        walk = waist()
        scaled = Walk(walk.time_s, walk.acc_m_s2 * factor, walk.gyro_rad_s, walk.time_ns)
        return write_generic(tmp_path / "walk.csv", scaled)

    return make


def _deg_s(tmp_path: Path) -> Path:
    walk = waist()
    assert walk.gyro_rad_s is not None
    deg = Walk(walk.time_s, walk.acc_m_s2, np.degrees(walk.gyro_rad_s) * 20, walk.time_ns)
    return write_generic(tmp_path / "walk.csv", deg)


def _text_in_time(tmp_path: Path) -> Path:
    folder = write_sensor_logger(tmp_path / "rec", waist(), files=("TotalAcceleration",))
    replace_line(folder / "TotalAcceleration.csv", 9, "oops,0.07,1,2,3")
    return folder


def _sensor_logger_missing_x(tmp_path: Path) -> Path:
    folder = write_sensor_logger(tmp_path / "rec", waist(), files=("TotalAcceleration",))
    path = folder / "TotalAcceleration.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(",".join(line.split(",")[:4]) for line in lines) + "\n")
    return folder


def _json_text(tmp_path: Path) -> Path:
    path = write_sensor_logger_json(tmp_path / "export.json", waist(), bogus_first_row=False)
    text = path.read_text()
    first_x = re.search(r'"x": "([^"]+)"', text)
    assert first_x is not None
    path.write_text(text.replace(first_x.group(0), '"x": "n/a"', 1))
    return path


def _only_gyroscope(tmp_path: Path) -> Path:
    return write_sensor_logger(tmp_path / "rec", waist(), files=("Gyroscope",))


def _phyphox_without_acceleration(tmp_path: Path) -> Path:
    folder = write_phyphox(tmp_path / "px", waist())
    (folder / "Accelerometer.csv").unlink()
    return folder


def _header_only(tmp_path: Path) -> Path:
    path = tmp_path / "walk.csv"
    path.write_text("time_s,ax,ay,az\n")
    return path


def _empty(tmp_path: Path) -> Path:
    path = tmp_path / "walk.csv"
    path.write_bytes(b"")
    return path


def _zip_without_motion(tmp_path: Path) -> Path:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "readme.txt").write_text("hello\n")
    (tmp_path / "notes" / "other.txt").write_text("bye\n")
    return Path(shutil.make_archive(str(tmp_path / "notes"), "zip", tmp_path / "notes"))


def _real_raw_phone_file(tmp_path: Path) -> Path:
    return SHARED_DATA / "phone-steps" / "Samsung_Jamie_Hard_InHand_1" / "accelerometer.csv"


REFUSALS: list[tuple[str, Callable[[Path], Path], str, str]] = [
    # (case, make the input, file named in the message, problem pattern)
    ("unknown layout", _real_raw_phone_file, "accelerometer.csv", r"unknown layout"),
    ("empty file", _empty, "walk.csv", r"empty file"),
    ("header only", _header_only, "walk.csv", r"no data rows"),
    (
        "missing column",
        _edit_generic(lambda p: p.write_text(p.read_text().replace("ax,ay,az", "ax,ay,zz", 1))),
        "walk.csv",
        r"missing column\(s\) az",
    ),
    (
        "missing Sensor Logger column",
        _sensor_logger_missing_x,
        "TotalAcceleration.csv",
        r"missing column\(s\) x\b",
    ),
    (
        "text in a number column",
        _edit_generic(lambda p: replace_line(p, 7, "0.05,1.0,abc,9.7,0,0,0")),
        "walk.csv",
        r"column 'ay' holds text 'abc' on line 7",
    ),
    (
        "text in the time column",
        _text_in_time,
        "TotalAcceleration.csv",
        r"column 'time'.*'oops' on line 9",
    ),
    (
        "text in a JSON value",
        _json_text,
        "export.json",
        r"TotalAcceleration record 1: field 'x' holds 'n/a'",
    ),
    (
        "time going backwards",
        _edit_generic(_swap_lines),
        "walk.csv",
        r"time goes backwards by 3.99 s on line 102 .*; 2 such step",
    ),
    (
        "empty cell",
        _edit_generic(lambda p: replace_line(p, 40, "0.38,1.0,,9.7,0,0,0")),
        "walk.csv",
        r"column 'ay' is empty or NaN on line 40",
    ),
    (
        "malformed line",
        _edit_generic(lambda p: replace_line(p, 30, "0.28,1,2,3,4,5,6,7,8")),
        "walk.csv",
        r"line 30 has 9 field\(s\), the header has 7",
    ),
    ("magnitude 3x gravity", _scaled(3.0), "walk.csv", r"not consistent with gravity in any unit"),
    ("magnitude a fifth of gravity", _scaled(0.2), "walk.csv", r"not consistent with gravity"),
    ("gyroscope in deg/s", _deg_s, "walk.csv", r"deg/s"),
    ("only a gyroscope", _only_gyroscope, "rec", r"no accelerometer data"),
    (
        "phyphox without acceleration",
        _phyphox_without_acceleration,
        "px",
        r"no acceleration columns",
    ),
    ("zip without motion files", _zip_without_motion, "notes.zip", r"no motion file among"),
    ("no such file", lambda tmp_path: tmp_path / "nope.csv", "nope.csv", r"no such file"),
]


@pytest.mark.parametrize(
    ("make", "file_name", "problem"),
    [case[1:] for case in REFUSALS],
    ids=[case[0] for case in REFUSALS],
)
def test_bad_input_is_refused_naming_the_file_and_the_problem(
    tmp_path: Path, make: Callable[[Path], Path], file_name: str, problem: str
) -> None:
    error = refused(make(tmp_path))
    assert Path(error.path).name == file_name or error.path.endswith(file_name)
    assert re.search(problem, error.problem), error.problem
    assert file_name in str(error)


def _duplicate_rows(path: Path, rows: list[int]) -> None:
    lines = path.read_text().splitlines()
    for row in sorted(rows, reverse=True):
        lines.insert(row, lines[row - 1])  # line `row` repeated right after itself
    path.write_text("\n".join(lines) + "\n")


def test_a_few_duplicated_timestamps_are_dropped_with_a_note(tmp_path: Path) -> None:
    path = _generic(tmp_path)
    _duplicate_rows(path, [10, 20, 30])
    rec = read_motion(path)
    assert_same_samples(rec, waist())
    assert any("3 sample(s) with a duplicated timestamp dropped" in n for n in rec.notes)


def test_many_duplicated_timestamps_are_refused(tmp_path: Path) -> None:
    path = _generic(tmp_path)
    _duplicate_rows(path, list(range(10, 1900, 20)))  # 95 of 2000 samples, about 5 %
    error = refused(path)
    assert "duplicated" in error.problem and "line 11" in error.problem


def test_a_cut_off_last_line_is_dropped_with_a_note(tmp_path: Path) -> None:
    path = _generic(tmp_path)
    text = path.read_text()
    path.write_text(text[: text.rstrip("\n").rfind(",")])  # last line loses its last field
    rec = read_motion(path)
    assert rec.n_samples == waist().time_s.size - 1
    assert any("incomplete last line 2001" in n for n in rec.notes)


def test_windows_line_endings_are_read(tmp_path: Path) -> None:
    path = write_generic(tmp_path / "walk.csv", waist())
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert_same_samples(read_motion(path), waist())


def _every_real_walk() -> list[tuple[str, Walk]]:
    import pyarrow.csv as pacsv

    walks = []
    for folder in sorted((SHARED_DATA / "phone-steps").glob("*/accelerometer.csv")):
        table = pacsv.read_csv(
            folder, read_options=pacsv.ReadOptions(column_names=["t", "a", "x", "y", "z"])
        )
        ns = table.column("t").to_numpy() - table.column("t")[0].as_py()
        acc = np.column_stack([table.column(c).to_numpy() for c in "xyz"])
        walks.append((folder.parent.name, Walk(ns / 1e9, acc, None, ns)))
    for path in sorted((SHARED_DATA / "waist-imu").glob("*_lb.txt")):
        walks.append((path.name, waist_walk(path.name.removesuffix("_lb.txt"), seconds=600)))
    return walks


@pytest.mark.slow
def test_units_and_gravity_are_detected_on_every_real_walk() -> None:
    from retrowalk.formats.motion_units import AccUnit, check_acceleration
    from tests.fixtures_sensor import gravity_of

    walks = _every_real_walk()
    assert len(walks) >= 48 + 60
    for name, walk in walks:
        in_m_s2 = check_acceleration(walk.acc_m_s2, walk.time_s)
        in_g = check_acceleration(walk.acc_m_s2 / G, walk.time_s)
        linear = check_acceleration(walk.acc_m_s2 - gravity_of(walk), walk.time_s)
        assert (in_m_s2.unit, in_m_s2.gravity_included) == (AccUnit.M_S2, True), name
        assert (in_g.unit, in_g.gravity_included) == (AccUnit.G, True), name
        assert not linear.gravity_included, name


def test_json_export_read_in_many_small_chunks_reads_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from retrowalk.formats import sensor_logger

    path = write_sensor_logger_json(tmp_path / "export.json", waist())
    whole = read_motion(path)
    monkeypatch.setattr(sensor_logger, "JSON_CHUNK_BYTES", 997)  # objects split everywhere
    chunked = read_motion(path)
    np.testing.assert_array_equal(chunked.acc_m_s2, whole.acc_m_s2)
    np.testing.assert_array_equal(chunked.time_s, whole.time_s)


def test_line_numbers_stay_right_across_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from retrowalk.formats import motion_io

    monkeypatch.setattr(motion_io, "BLOCK_SIZE_BYTES", 4096)  # about 60 lines a block
    path = _generic(tmp_path)
    replace_line(path, 1500, "14.98,1.0,2.0,x9.7,0,0,0")
    replace_line(path, 1400, "13.98,1.0,,9.7,0,0,0")
    assert "column 'az' holds text 'x9.7' on line 1500" in refused(path).problem
    replace_line(path, 1500, "14.98,1.0,2.0,9.7,0,0,0")
    assert "column 'ay' is empty or NaN on line 1400" in refused(path).problem

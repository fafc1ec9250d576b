"""The GPX reader on every real file in ../shared/data/gpx and on small files written here.

gpxpy's own totals (length_2d, get_duration, get_uphill_downhill) are a second, independent
implementation to check ours against: the reader uses gpxpy only to parse.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import gpxpy
import pytest

from retrowalk.errors import UnsupportedFile
from retrowalk.formats.activity import ensure_walking
from retrowalk.formats.gpx import read_gpx
from retrowalk.sensing.track import EARTH_RADIUS_M
from tests.conftest import SHARED_DATA

GPX_DIR = SHARED_DATA / "gpx"
GPX_FILES = sorted(GPX_DIR.glob("*.gpx")) if GPX_DIR.is_dir() else []
REFUSALS = {
    "unicode_with_bom.gpx": ("no track points", "1 waypoint"),
    "gpx1.1_with_all_fields.gpx": ("single track point", "2 route(s) and 2 waypoint(s)"),
}
SPECIFIC_PROBLEMS = (
    "no track points",
    "single track point",
    "not well-formed XML",
    "not GPX",
    "DOCTYPE",
    "backwards",
)
# gpxpy measures on a sphere of the equatorial radius (6378.137 km), we on the mean radius.
GPXPY_RADIUS_RATIO = 6_378_137.0 / EARTH_RADIUS_M
START = datetime(2024, 5, 4, 8, 0, tzinfo=UTC)
MILLIDEGREE_M = 111.19  # 0.001 degree of latitude


def shared(name: str) -> Path:
    path = GPX_DIR / name
    if not path.is_file():
        pytest.skip(f"{path} not found")
    return path


def gpxpy_of(path: Path) -> gpxpy.gpx.GPX:
    return gpxpy.parse(path.read_text(encoding="utf-8-sig"))


def trkseg(points: list[tuple[float, float, float | None, datetime | None]]) -> str:
    rows = []
    for lat, lon, ele, time in points:
        ele_tag = "" if ele is None else f"<ele>{ele}</ele>"
        time_tag = "" if time is None else f"<time>{time.strftime('%Y-%m-%dT%H:%M:%SZ')}</time>"
        rows.append(f'<trkpt lat="{lat}" lon="{lon}">{ele_tag}{time_tag}</trkpt>')
    return f"<trkseg>{''.join(rows)}</trkseg>"


def walk(n: int = 11, step_s: float = 80.0, lat0: float = 46.0, t0: datetime = START) -> str:
    """n points due north, 0.001 degree (111 m) apart, every step_s seconds, climbing 1 m each."""
    return trkseg(
        [(lat0 + 0.001 * i, 14.0, 300.0 + i, t0 + timedelta(seconds=step_s * i)) for i in range(n)]
    )


def gpx_file(tmp_path: Path, body: str, name: str = "walk.gpx", head: str = "") -> Path:
    path = tmp_path / name
    path.write_text(
        f'{head}<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">'
        f"{body}</gpx>",
        encoding="utf-8",
    )
    return path


@pytest.mark.slow
@pytest.mark.parametrize("path", GPX_FILES, ids=[p.name for p in GPX_FILES])
def test_every_shared_gpx_file_matches_gpxpy_or_is_refused_specifically(path: Path) -> None:
    try:
        summary = read_gpx(path)
    except UnsupportedFile as exc:
        assert exc.path == str(path)
        assert any(p in exc.problem for p in SPECIFIC_PROBLEMS), exc.problem
        for words in REFUSALS.get(path.name, ()):
            assert words in exc.problem
        return
    assert path.name not in REFUSALS, f"{path.name} should have been refused"
    reference = gpxpy_of(path)
    assert summary.file_totals == {}  # GPX states no totals of its own
    assert summary.distance_m == pytest.approx(reference.length_2d() / GPXPY_RADIUS_RATIO, rel=0.01)
    if summary.timer_s is None:
        assert any("duration is unknown" in note for note in summary.notes)
    else:
        assert summary.timer_s == pytest.approx(reference.get_duration(), abs=1.0)
        assert summary.elapsed_s is not None and summary.elapsed_s >= summary.timer_s
        assert summary.moving_s is not None and summary.moving_s <= summary.timer_s
        assert summary.start_time is not None and summary.start_time.tzinfo is not None
    assert any("(2D" in note and "(3D)" in note for note in summary.notes)


def test_track_without_times_reads_its_distance_and_says_the_duration_is_unknown() -> None:
    timed = read_gpx(shared("cerknicko-jezero.gpx"))
    untimed = read_gpx(shared("cerknicko-without-times.gpx"))
    assert untimed.distance_m == pytest.approx(timed.distance_m, rel=1e-9)  # same points
    assert untimed.elapsed_s is None and untimed.timer_s is None and untimed.start_time is None
    assert any("duration is unknown" in note for note in untimed.notes)


def test_empty_segment_is_skipped_with_a_note() -> None:
    summary = read_gpx(shared("track-with-empty-segment.gpx"))
    assert "Track 1, segment 2 has no points and was skipped." in summary.notes
    assert summary.elapsed_s == pytest.approx(76.0)  # 17:26:26 to 17:27:42


def test_file_with_byte_order_mark_is_parsed() -> None:
    # The BOM file holds one waypoint: the refusal names it, so the XML was read.
    with pytest.raises(UnsupportedFile, match="1 waypoint"):
        read_gpx(shared("unicode_with_bom.gpx"))


def test_track_with_byte_order_mark_reads(tmp_path: Path) -> None:
    path = gpx_file(
        tmp_path, f"<trk>{walk()}</trk>", head='\ufeff<?xml version="1.0" encoding="UTF-8"?>'
    )
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert read_gpx(path).distance_m == pytest.approx(10 * MILLIDEGREE_M, rel=1e-3)


def test_several_tracks_are_summed_with_their_waypoints_noted() -> None:
    summary = read_gpx(shared("cerknicko-jezero.gpx"))
    reference = gpxpy_of(shared("cerknicko-jezero.gpx"))
    bounds = reference.get_time_bounds()
    wall_clock_s = (bounds.end_time - bounds.start_time).total_seconds()
    # Each track's own time is summed, not the hours between tracks.
    assert summary.elapsed_s is not None and summary.elapsed_s < wall_clock_s
    assert any("7 tracks" in note for note in summary.notes)
    assert any("7 waypoint(s)" in note for note in summary.notes)


def test_mountain_hike_climb_agrees_with_gpxpy_and_placeholder_times_are_not_a_duration() -> None:
    path = shared("Mojstrovka.gpx")
    summary = read_gpx(path)
    uphill_m = gpxpy_of(path).get_uphill_downhill().uphill
    assert summary.elevation_gain_m == pytest.approx(uphill_m, rel=0.10)
    assert summary.mean_grade_pct == pytest.approx(
        100 * summary.elevation_gain_m / summary.distance_m
    )
    assert summary.elapsed_s is None
    assert any("same time" in note for note in summary.notes)


def test_synthetic_walk_has_the_distance_duration_speed_and_grade_it_was_made_with(
    tmp_path: Path,
) -> None:
    summary = read_gpx(gpx_file(tmp_path, f"<trk><type>walking</type>{walk()}</trk>"))
    assert summary.sport == "walking" and summary.is_walking
    assert summary.start_time == START
    assert summary.elapsed_s == 800.0 and summary.moving_s == 800.0
    assert summary.distance_m == pytest.approx(1111.9, rel=1e-3)
    assert summary.mean_speed_m_s == pytest.approx(1111.9 / 800.0, rel=1e-3)
    assert summary.elevation_gain_m == pytest.approx(10.0)
    assert summary.mean_grade_pct == pytest.approx(100 * 10.0 / 1111.9, rel=1e-3)


def test_two_walks_hours_apart_count_only_their_own_time(tmp_path: Path) -> None:
    later = START + timedelta(hours=5)
    body = f"<trk>{walk()}</trk><trk>{walk(lat0=46.1, t0=later)}</trk>"
    summary = read_gpx(gpx_file(tmp_path, body))
    assert summary.elapsed_s == 1600.0
    assert summary.distance_m == pytest.approx(2 * 1111.9, rel=1e-3)


def test_a_ride_in_gpx_is_refused_as_a_walk(tmp_path: Path) -> None:
    summary = read_gpx(gpx_file(tmp_path, f"<trk><type>Biking</type>{walk(step_s=20)}</trk>"))
    assert summary.sport == "cycling"
    with pytest.raises(UnsupportedFile, match="cycling activity, not a walk"):
        ensure_walking(summary)


def test_untyped_track_at_running_speed_is_not_taken_as_a_walk(tmp_path: Path) -> None:
    summary = read_gpx(gpx_file(tmp_path, f"<trk>{walk(step_s=30)}</trk>"))  # 3.7 m/s
    assert summary.sport == "unknown" and not summary.is_walking
    with pytest.raises(UnsupportedFile, match="does not say it is a walk"):
        ensure_walking(summary)


def test_times_without_time_zone_are_taken_as_utc_with_a_note(tmp_path: Path) -> None:
    body = walk(n=3).replace("Z</time>", "</time>")
    summary = read_gpx(gpx_file(tmp_path, f"<trk>{body}</trk>"))
    assert summary.start_time == START
    assert any("no time zone" in note for note in summary.notes)


def test_latin_1_file_with_its_encoding_declared_reads(tmp_path: Path) -> None:
    text = (
        '<?xml version="1.0" encoding="ISO-8859-1"?><gpx version="1.1" creator="t">'
        f"<trk><name>Jezero Cerkni\u0161ko \u00e9t\u00e9</name>{walk()}</trk></gpx>"
    ).replace("\u0161", "s")
    path = tmp_path / "latin1.gpx"
    path.write_bytes(text.encode("iso-8859-1"))
    assert read_gpx(path).distance_m == pytest.approx(1111.9, rel=1e-3)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("", "has no track points"),
        ("<trk><trkseg></trkseg></trk>", "has no track points"),
        (
            '<rte><rtept lat="46" lon="14"/><rtept lat="46.1" lon="14"/></rte>',
            r"no track points.*1 route",
        ),
        ('<trk><trkseg><trkpt lat="46" lon="14"/></trkseg></trk>', "single track point"),
    ],
    ids=["nothing", "empty-segment-only", "route-only", "one-point"],
)
def test_gpx_without_a_walk_in_it_is_refused(tmp_path: Path, body: str, expected: str) -> None:
    path = gpx_file(tmp_path, body)
    with pytest.raises(UnsupportedFile, match=expected) as refused:
        read_gpx(path)
    assert refused.value.path == str(path)


def test_time_going_backwards_is_refused(tmp_path: Path) -> None:
    points = [(46.0, 14.0, None, START), (46.001, 14.0, None, START - timedelta(minutes=5))]
    with pytest.raises(UnsupportedFile, match="times going backwards in track 1, segment 1"):
        read_gpx(gpx_file(tmp_path, f"<trk>{trkseg(points)}</trk>"))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "is empty"),
        (b"lat,lon\n46,14\n", "not well-formed XML"),
        (b"<gpx><trk></gpx>", "not well-formed XML"),
        (b'<kml xmlns="http://www.opengis.net/kml/2.2"><Document/></kml>', "root element is <kml>"),
        (b"\x0e\x10\xd9\x07\x00\x00\x00\x00.FIT" + b"\x00" * 40, "looks like a FIT file"),
    ],
    ids=["empty", "csv", "broken-xml", "kml", "fit-renamed"],
)
def test_file_that_is_not_gpx_is_refused_naming_the_file(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "walk.gpx"
    path.write_bytes(content)
    with pytest.raises(UnsupportedFile, match=expected) as refused:
        read_gpx(path)
    assert refused.value.path == str(path)


def test_xml_bomb_is_refused_before_any_expansion(tmp_path: Path) -> None:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    )
    path = gpx_file(
        tmp_path,
        "<trk><name>&lol9;</name></trk>",
        head=f"<!DOCTYPE gpx [{entities}]>",
    )
    with pytest.raises(UnsupportedFile, match="DOCTYPE"):
        read_gpx(path)


def test_external_entity_is_refused_and_the_file_it_names_is_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    path = gpx_file(
        tmp_path,
        f"<trk><name>&secret;</name>{walk()}</trk>",
        head=f'<!DOCTYPE gpx [<!ENTITY secret SYSTEM "file://{secret}">]>',
    )
    with pytest.raises(UnsupportedFile, match="external entities") as refused:
        read_gpx(path)
    assert "TOP-SECRET" not in str(refused.value)

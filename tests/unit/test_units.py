import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retrowalk.domain import units

# Independent reference values: 1 mile = 1609.344 m exactly, 1 h = 3600 s.
MILE_M = 1609.344


@pytest.mark.parametrize(
    ("kmh", "m_s"),
    [(3.6, 1.0), (0.0, 0.0), (18.0, 5.0), (2.2, 2.2 / 3.6)],
)
def test_kmh_and_m_s_convert_both_ways(kmh: float, m_s: float) -> None:
    assert units.kmh_to_m_s(kmh) == pytest.approx(m_s)
    assert units.m_s_to_kmh(m_s) == pytest.approx(kmh)


@pytest.mark.parametrize("mph", [1.0, 2.5, 3.5, 4.0])
def test_mph_and_m_s_convert_both_ways(mph: float) -> None:
    m_s = mph * MILE_M / 3600
    assert units.mph_to_m_s(mph) == pytest.approx(m_s)
    assert units.m_s_to_mph(m_s) == pytest.approx(mph)


def test_compendium_speed_of_three_and_a_half_mph_is_five_point_six_km_h() -> None:
    assert units.m_s_to_kmh(units.mph_to_m_s(3.5)) == pytest.approx(5.632704)


@pytest.mark.parametrize(("minutes", "seconds"), [(5, 300), (10, 600), (1.5, 90), (0, 0)])
def test_minutes_and_seconds_convert_both_ways(minutes: float, seconds: float) -> None:
    assert units.minutes_to_s(minutes) == seconds
    assert units.s_to_minutes(seconds) == minutes


@pytest.mark.parametrize(
    ("speed_m_s", "treadmill", "shown"),
    [
        (0.6, True, "2.2 km/h"),
        (0.5, True, "1.8 km/h"),
        (1.6, True, "5.8 km/h"),
        (0.6, False, "0.60 m/s (2.2 km/h)"),
        (None, True, "your own comfortable pace"),
        (None, False, "your own comfortable pace"),
    ],
)
def test_format_speed_shows_km_h_for_treadmills(
    speed_m_s: float | None, treadmill: bool, shown: str
) -> None:
    assert units.format_speed(speed_m_s, treadmill) == shown


@pytest.mark.parametrize(("speed_m_s", "kmh"), [(0.6, 2.2), (0.5, 1.8), (0.64, 2.3), (1.0, 3.6)])
def test_treadmill_speed_is_rounded_to_the_display_step(speed_m_s: float, kmh: float) -> None:
    rounded = units.round_to_treadmill_step(speed_m_s)
    assert units.m_s_to_kmh(rounded) == pytest.approx(kmh)
    assert abs(rounded - speed_m_s) <= units.kmh_to_m_s(0.05) + 1e-12


@pytest.mark.parametrize(
    ("duration_s", "shown"),
    [(300, "5 min"), (450, "7 min 30 s"), (45, "45 s"), (600.4, "10 min"), (0, "0 s")],
)
def test_format_duration(duration_s: float, shown: str) -> None:
    assert units.format_duration(duration_s) == shown


@pytest.mark.parametrize(
    ("value", "shown"), [(5.0, "5 %"), (0, "0 %"), (27.5, "27.5 %"), (55, "55 %")]
)
def test_format_pct_drops_a_pointless_decimal(value: float, shown: str) -> None:
    assert units.format_pct(value) == shown


def test_format_incline_and_load() -> None:
    assert units.format_incline(0) == "level (0 %)"
    assert units.format_incline(10) == "10 % incline"
    assert units.format_load(20, 70) == "20 % of body mass (14 kg)"
    assert units.format_load(55) == "55 % of body mass"
    assert units.format_load(None) == "no load"


def test_conversion_constants_are_exact() -> None:
    assert units.M_S_PER_MPH == MILE_M / 3600
    assert math.isclose(units.M_S_PER_KMH * 3.6, 1.0)


# --- durations as people type them: minutes:seconds or minutes -------------------------------


@pytest.mark.parametrize(
    ("duration_s", "shown"),
    [
        (364.0, "6:04"),
        (363.7, "6:04"),  # rounded to whole seconds
        (363.4, "6:03"),
        (300.0, "5:00"),
        (30.0, "0:30"),
        (59.6, "1:00"),  # the rounding carries into the minutes
        (0.0, "0:00"),
        (3 * 3600.0, "180:00"),  # no hours: sessions are counted in minutes
        (6.06667 * 60, "6:04"),  # what the edit page used to show as "6.06667"
    ],
)
def test_a_duration_is_shown_as_minutes_and_seconds(duration_s: float, shown: str) -> None:
    assert units.format_minutes_seconds(duration_s) == shown


@pytest.mark.parametrize(
    ("typed", "duration_s"),
    [
        ("6:04", 364.0),
        ("0:30", 30.0),
        ("180:00", 10800.0),
        ("06:04", 364.0),
        (" 6:04 ", 364.0),
        ("6", 360.0),
        ("6.5", 390.0),
        ("6,5", 390.0),
        ("0.5", 30.0),
        ("6.06667", 6.06667 * 60),  # the old display, typed back
    ],
)
def test_minutes_and_seconds_or_plain_minutes_are_read(typed: str, duration_s: float) -> None:
    assert units.parse_minutes_seconds(typed) == pytest.approx(duration_s)


@pytest.mark.parametrize(
    "typed",
    [
        "6:75",
        "6:60",
        "6:4",
        "6:045",
        ":30",
        "6:",
        "abc",
        "",
        "-6",
        "-6:04",
        "6:-4",
        "1e3",
        "inf",
        "nan",
        "6.5:00",
        "1:02:03",
        "6 min",
        "٦:٠٤",
        "6..5",
        ".",
    ],
)
def test_anything_else_is_refused(typed: str) -> None:
    with pytest.raises(ValueError, match="minutes:seconds"):
        units.parse_minutes_seconds(typed)


@given(st.floats(min_value=0, max_value=3 * 3600, allow_nan=False))
def test_a_shown_duration_reads_back_as_its_whole_seconds(duration_s: float) -> None:
    assert units.parse_minutes_seconds(units.format_minutes_seconds(duration_s)) == round(
        duration_s
    )

"""Walk or not: the table of decisions, the refusal message, and format sniffing."""

from __future__ import annotations

import pytest

from retrowalk.errors import UnsupportedFile
from retrowalk.formats.activity import (
    WALKING_SPEED_CEILING_M_S,
    ActivitySummary,
    decide_walking,
    detect_format,
    ensure_walking,
)


@pytest.mark.parametrize(
    ("sport", "sub_sport", "speed_m_s", "device", "walking"),
    [
        ("walking", None, 1.4, None, True),
        ("hiking", None, None, None, True),
        ("walking", "treadmill", 0.8, None, True),
        ("cycling", None, 1.0, None, False),  # a slow ride is still a ride
        ("running", None, 1.2, None, False),  # the device said run
        ("cycling", "indoor_cycling", None, None, False),
        ("running", "treadmill", 0.9, "walking", True),  # device records say walking
        ("running", "treadmill", 0.9, "running", False),
        ("running", "treadmill", 0.9, None, True),  # walking speed on a treadmill
        ("running", "treadmill", 2.8, None, False),
        ("fitness_equipment", None, WALKING_SPEED_CEILING_M_S, None, True),
        ("unknown", None, 2.5, None, False),
        ("unknown", None, None, None, True),  # no sport, no speed: the walker's word
        ("fitness_equipment", "treadmill", None, None, False),
        ("swimming", None, 0.5, None, False),
    ],
)
def test_what_counts_as_a_walk(
    sport: str, sub_sport: str | None, speed_m_s: float | None, device: str | None, walking: bool
) -> None:
    is_walking, why = decide_walking(sport, sub_sport, speed_m_s, device)
    assert is_walking is walking
    said_walk = sport in {"walking", "hiking"}
    ambiguous = sport in {"unknown", "fitness_equipment"} or sub_sport == "treadmill"
    assert (why is not None) is (ambiguous and not said_walk)  # judgement calls are explained


def _summary(sport: str, is_walking: bool) -> ActivitySummary:
    return ActivitySummary(
        source_path="/walks/ride.fit",
        source_format="fit",
        sport=sport,
        sub_sport=None,
        is_walking=is_walking,
        start_time=None,
        elapsed_s=60.0,
        timer_s=60.0,
        moving_s=None,
        distance_m=None,
        mean_speed_m_s=None,
        elevation_gain_m=None,
        mean_grade_pct=None,
        steps=None,
        cadence_steps_per_min=None,
        mean_heart_rate_bpm=None,
    )


def test_a_ride_is_refused_with_the_file_and_the_way_to_insist() -> None:
    with pytest.raises(UnsupportedFile) as refused:
        ensure_walking(_summary("cycling", False))
    assert refused.value.path == "/walks/ride.fit"
    assert refused.value.problem == (
        "this is a cycling activity, not a walk; use --allow-non-walking to import it anyway"
    )


def test_an_activity_of_unknown_sport_that_is_not_a_walk_says_so() -> None:
    with pytest.raises(UnsupportedFile, match="does not say it is a walk"):
        ensure_walking(_summary("unknown", False))


def test_a_walk_passes_and_the_walker_may_insist_on_anything() -> None:
    ensure_walking(_summary("walking", True))
    ensure_walking(_summary("running", False), allow_non_walking=True)


def test_duration_is_timer_time_when_known_else_elapsed_time() -> None:
    summary = _summary("walking", True)
    assert summary.duration_s == 60.0


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\x0e\x10\xd9\x07\x00\x00\x00\x00.FIT\x00\x00", "fit"),
        (b'<?xml version="1.0"?><gpx>', "gpx"),
        (b"\xef\xbb\xbf\n  <gpx>", "gpx"),
        (b"time,ax,ay,az\n", None),
        (b"", None),
    ],
)
def test_the_format_is_recognised_from_the_first_bytes(head: bytes, expected: str | None) -> None:
    assert detect_format(head) == expected

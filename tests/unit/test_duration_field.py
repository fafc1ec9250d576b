"""The log form's duration field (web.forms.duration): minutes:seconds or minutes, within the
domain's session range, and a correction saved unchanged keeps the stored seconds exactly."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retrowalk.domain import units
from retrowalk.domain.validation import DURATION_S
from retrowalk.errors import InvalidInput
from retrowalk.web import forms

stored_durations = st.floats(min_value=DURATION_S.low, max_value=DURATION_S.high)


def duration(typed: str, shown_s: float | None = None) -> float:
    return forms.duration({"minutes": typed}, "minutes", shown_s=shown_s)


@pytest.mark.parametrize(
    ("typed", "duration_s"),
    [("6:04", 364.0), ("6", 360.0), ("6.5", 390.0), ("0:30", 30.0), ("180:00", 10800.0)],
)
def test_the_field_takes_minutes_and_seconds_or_minutes(typed: str, duration_s: float) -> None:
    assert duration(typed) == duration_s


@pytest.mark.parametrize(
    "typed", ["6:75", "abc", "-6", "", "0:29", "180:01", "181", "0.4", "99999:00"]
)
def test_bad_or_out_of_range_text_names_the_field_and_the_range(typed: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        duration(typed)
    assert refused.value.field == "minutes"
    assert str(refused.value) == (
        f"minutes: {typed!r} is not allowed; allowed: minutes:seconds from 0:30 to 180:00 "
        "(such as 6:04), or minutes (such as 6.5)"
    )


@pytest.mark.parametrize(
    ("typed", "stored_s", "saved_s"),
    [
        ("6:04", 363.7, 363.7),  # unchanged: the stored fractional seconds stay
        ("6:04", 364.0, 364.0),
        (" 6:04 ", 363.7, 363.7),
        ("6:05", 363.7, 365.0),  # changed: what was typed
        ("6.0667", 363.7, 6.0667 * 60),  # the same minute, typed differently: what was typed
        ("6:04", None, 364.0),  # nothing stored (a new session): what was typed
    ],
)
def test_a_correction_keeps_the_stored_seconds_only_while_the_text_is_unchanged(
    typed: str, stored_s: float | None, saved_s: float
) -> None:
    assert duration(typed, shown_s=stored_s) == pytest.approx(saved_s, abs=1e-9)


@given(stored_durations)
def test_saving_a_shown_duration_unchanged_keeps_it_exactly(stored_s: float) -> None:
    shown = units.format_minutes_seconds(stored_s)
    assert duration(shown, shown_s=stored_s) == stored_s
    assert duration(shown) == round(stored_s)  # a new session: the whole seconds shown


def test_a_stored_duration_outside_the_range_is_still_refused() -> None:
    with pytest.raises(InvalidInput):
        duration("0:10", shown_s=10.0)

"""Pairing check-ins with sessions: the bisection gives what the plain definition gives."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from retrowalk.domain.models import CheckIn, LoggedSession, Modality
from retrowalk.domain.progression_history import checkins_by_session

START = datetime(2026, 3, 2, 7, 0)
ZONES = [timezone(timedelta(hours=h)) for h in (-10, 0, 1, 13)]


def _session(at: datetime) -> LoggedSession:
    return LoggedSession(
        performed_at=at,
        modality=Modality.OVERGROUND,
        duration_s=600.0,
        pain_during_nprs=2,
        pain_after_nprs=2,
    )


def _definition(
    sessions: Sequence[LoggedSession], checkins: Sequence[CheckIn]
) -> list[list[CheckIn]]:
    """The docstring read literally: a check-in on day D belongs to the latest session (in the
    order given) done before D, else to the latest done on D, else to none."""
    days = [s.performed_at.date() for s in sessions]
    owned: list[list[CheckIn]] = [[] for _ in sessions]
    for checkin in checkins:
        before = [i for i, day in enumerate(days) if day < checkin.on]
        same = [i for i, day in enumerate(days) if day == checkin.on]
        owner = before[-1] if before else (same[-1] if same else None)
        if owner is not None:
            owned[owner].append(checkin)
    return owned


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[LoggedSession], list[CheckIn]]:
    """Sessions in time order (local days in order in one zone; possibly out of order when the
    walker travelled across zones) and check-ins on days around them."""
    hours = sorted(draw(st.lists(st.integers(0, 24 * 40), max_size=30)))
    travelled = draw(st.booleans())
    sessions = []
    for hour in hours:
        zone = draw(st.sampled_from(ZONES)) if travelled else ZONES[2]
        sessions.append(_session((START + timedelta(hours=hour)).replace(tzinfo=zone)))
    days = draw(st.lists(st.integers(-2, 43), max_size=30))
    checkins = [
        CheckIn(
            on=date(2026, 3, 2) + timedelta(days=d), pain_next_morning_nprs=1, usual_pain_nprs=2
        )
        for d in days
    ]
    return sessions, checkins


@settings(max_examples=300, deadline=None)
@given(histories())
def test_each_checkin_belongs_to_the_session_the_definition_names(
    history: tuple[list[LoggedSession], list[CheckIn]],
) -> None:
    sessions, checkins = history
    assert checkins_by_session(sessions, checkins) == _definition(sessions, checkins)


def test_a_next_morning_checkin_belongs_to_the_evening_session_not_the_morning_one() -> None:
    morning = _session(datetime(2026, 3, 2, 7, 0, tzinfo=ZONES[2]))
    evening = _session(datetime(2026, 3, 2, 19, 0, tzinfo=ZONES[2]))
    next_day = CheckIn(on=date(2026, 3, 3), pain_next_morning_nprs=1, usual_pain_nprs=2)
    same_day_only = CheckIn(on=date(2026, 3, 2), pain_next_morning_nprs=1, usual_pain_nprs=2)
    before_any = CheckIn(on=date(2026, 3, 1), pain_next_morning_nprs=1, usual_pain_nprs=2)
    owned = checkins_by_session([morning, evening], [next_day, same_day_only, before_any])
    assert owned == [[], [next_day, same_day_only]]

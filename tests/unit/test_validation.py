"""Ranges checked before a logged session is stored (domain/validation.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from retrowalk.domain.models import LoggedSession, Modality
from retrowalk.domain.validation import validate_logged_session
from retrowalk.errors import InvalidInput

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def session(**overrides: object) -> LoggedSession:
    fields: dict[str, object] = {
        "performed_at": NOW - timedelta(hours=2),
        "modality": Modality.OVERGROUND,
        "duration_s": 300.0,
        "pain_during_nprs": 2,
        "pain_after_nprs": 1,
    }
    fields.update(overrides)
    return LoggedSession(**fields)  # type: ignore[arg-type]


def test_pain_not_reported_yet_is_accepted() -> None:
    validate_logged_session(session(pain_during_nprs=None, pain_after_nprs=None), NOW)


@pytest.mark.parametrize(
    ("field", "value"),
    [("pain_during_nprs", 11), ("pain_after_nprs", -1), ("pain_during_nprs", 2.5)],
)
def test_a_reported_pain_must_be_a_whole_number_from_0_to_10(field: str, value: object) -> None:
    with pytest.raises(InvalidInput) as error:
        validate_logged_session(session(**{field: value}), NOW)
    assert error.value.field == field


def test_a_typed_session_older_than_a_year_is_refused_but_a_recording_is_not() -> None:
    old = session(performed_at=NOW - timedelta(days=800))
    with pytest.raises(InvalidInput, match="within the last year"):
        validate_logged_session(old, NOW)
    validate_logged_session(old, NOW, max_age=None)


def test_a_recording_from_the_future_is_refused_even_without_an_age_limit() -> None:
    with pytest.raises(InvalidInput) as error:
        validate_logged_session(session(performed_at=NOW + timedelta(hours=1)), NOW, max_age=None)
    assert error.value.field == "performed_at"

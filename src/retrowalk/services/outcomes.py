"""Record outcome tests (3-metre backward walk, TUG, KOOS-12) with their interpretation."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from retrowalk.domain import outcomes
from retrowalk.domain.models import OutcomeKind, OutcomeResult, StartMethod
from retrowalk.domain.validation import validate_taken_at
from retrowalk.errors import InvalidInput
from retrowalk.formats.codec import encode
from retrowalk.services.uow import UowFactory, find_walker
from retrowalk.services.views import RecordedOutcome


def _store(
    uow: UowFactory,
    walker_ref: str | None,
    result: OutcomeResult,
    details: dict[str, object],
    taken_at: datetime,
) -> RecordedOutcome:
    with uow() as work:
        walker = find_walker(work, walker_ref)
        stored = work.outcomes.add(walker.id, result, details=details, taken_at=taken_at)
        work.commit()
    return RecordedOutcome(stored.id, result)


def record_3mbwt(
    uow: UowFactory,
    walker_ref: str | None,
    time_s: float,
    start: StartMethod,
    population: outcomes.BackwardWalkPopulation,
    *,
    taken_at: datetime,
    now: datetime,
) -> RecordedOutcome:
    validate_taken_at(taken_at, now)
    result = outcomes.score_3mbwt(time_s, start, population)
    return _store(
        uow, walker_ref, result, {"start": start.value, "population": population.value}, taken_at
    )


def record_tug(
    uow: UowFactory, walker_ref: str | None, time_s: float, *, taken_at: datetime, now: datetime
) -> RecordedOutcome:
    validate_taken_at(taken_at, now)
    with uow(read_only=True) as work:
        walker = find_walker(work, walker_ref)
        earlier = [
            o for o in work.outcomes.list(walker.id, kind=OutcomeKind.TUG) if o.taken_at <= taken_at
        ]
    previous_s = earlier[-1].outcome.value if earlier else None
    result = outcomes.score_tug(time_s, previous_s)
    return _store(uow, walker_ref, result, {"previous_s": previous_s}, taken_at)


def record_koos12(
    uow: UowFactory,
    walker_ref: str | None,
    answers: Mapping[str, int | None],
    *,
    taken_at: datetime,
    now: datetime,
) -> RecordedOutcome:
    """Stored with the Summary Knee Impact score as its value (koos12); scales in details."""
    validate_taken_at(taken_at, now)
    score = outcomes.score_koos12(answers)
    if score.summary is None:
        raise InvalidInput(
            "answers",
            f"{sum(v is not None for v in answers.values())} items answered",
            "at least 2 answered items in each of pain, function and quality of life (koos12)",
        )
    result = OutcomeResult(OutcomeKind.KOOS12, score.summary, "0-100 (100 = best)", score.reasons)
    details = {k: v for k, v in encode(score).items() if k != "reasons"}
    details["answers"] = dict(answers)
    return _store(uow, walker_ref, result, details, taken_at)

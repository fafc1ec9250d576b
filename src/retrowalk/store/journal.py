"""What happens between sessions and around them: check-ins, outcome tests, decisions."""

from __future__ import annotations

import builtins
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, select

from retrowalk.domain.models import CheckIn, Decision, OutcomeKind, OutcomeResult, Reason
from retrowalk.errors import InvalidInput, NotFound
from retrowalk.formats.codec import decode, decode_value, encode, encode_value
from retrowalk.store._base import Repository, aware, checked_id, page
from retrowalk.store.records import StoredCheckIn, StoredDecision, StoredOutcome
from retrowalk.store.tables import CheckInRow, DecisionRow, OutcomeTestRow

REASONS = tuple[Reason, ...]


# Statements built once (construction and cache key are most of a small query's CPU).
_CHECKIN_COLUMNS = (
    CheckInRow.on_date,
    CheckInRow.pain_next_morning_nprs,
    CheckInRow.usual_pain_nprs,
    CheckInRow.swelling,
    CheckInRow.giving_way,
)
_OF_WALKER = CheckInRow.walker_id == bindparam("walker_id")
_CHECKINS = select(*_CHECKIN_COLUMNS).where(_OF_WALKER).order_by(CheckInRow.on_date)
_CHECKINS_AFTER = _CHECKINS.where(CheckInRow.on_date > bindparam("day"))
_CHECKINS_ON = _CHECKINS.where(CheckInRow.on_date == bindparam("day"))
_LATEST_CHECKIN_DAY = select(func.max(CheckInRow.on_date)).where(_OF_WALKER)
_INSERT_DECISION = insert(cast(Table, DecisionRow.__table__))
_LATEST_LINK = (
    select(DecisionRow.id, DecisionRow.session_id, DecisionRow.changes)
    .where(DecisionRow.walker_id == bindparam("walker_id"))
    .order_by(DecisionRow.made_at.desc(), DecisionRow.id.desc())
    .limit(1)
)


class CheckInRepository(Repository):
    """Next-morning check-ins, one per walker and date.

    ``add`` refuses a second check-in for the same date with ``Conflict`` (nothing is silently
    overwritten); ``replace`` is the explicit correction of that date's check-in.
    """

    def add(self, walker_id: str, checkin: CheckIn, *, id: str | None = None) -> StoredCheckIn:
        row = CheckInRow(id=checked_id("checkin.id", id), walker_id=walker_id)
        _set_checkin(row, checkin)
        with self._guarded(f"check-in of walker {walker_id} on {checkin.on.isoformat()}"):
            self._session.add(row)
        return _checkin(row)

    def restore(self, stored: StoredCheckIn) -> bool:
        """Store a check-in with its id (importing an export): True when written, False when
        already stored, ``Conflict`` when that id holds another check-in or the date is taken."""
        row = self._session.get(CheckInRow, stored.id)
        if row is not None:
            self._check_same(f"check-in {stored.id}", _checkin(row), stored)
            return False
        self.add(stored.walker_id, stored.checkin, id=stored.id)
        return True

    def replace(self, walker_id: str, checkin: CheckIn) -> StoredCheckIn:
        """Overwrite the check-in of ``checkin.on`` (``NotFound`` if there is none)."""
        row = self._row_on(walker_id, checkin.on)
        if row is None:
            raise NotFound(f"no check-in of walker {walker_id} on {checkin.on.isoformat()}")
        with self._guarded(f"check-in of walker {walker_id} on {checkin.on.isoformat()}"):
            _set_checkin(row, checkin)
        return _checkin(row)

    def on(self, walker_id: str, day: date) -> StoredCheckIn | None:
        row = self._row_on(walker_id, day)
        return None if row is None else _checkin(row)

    def list(
        self, walker_id: str, *, since: date | None = None, until: date | None = None
    ) -> list[StoredCheckIn]:
        """Check-ins in date order; ``since`` and ``until`` are inclusive."""
        statement = select(CheckInRow).where(CheckInRow.walker_id == walker_id)
        if since is not None:
            statement = statement.where(CheckInRow.on_date >= since)
        if until is not None:
            statement = statement.where(CheckInRow.on_date <= until)
        statement = statement.order_by(CheckInRow.on_date)
        return [_checkin(row) for row in self._session.scalars(statement)]

    def history(self, walker_id: str) -> builtins.list[CheckIn]:
        """The walker's check-ins in date order, without their records (one light query:
        what a decision reads)."""
        return self._light(_CHECKINS, walker_id)

    def recent(self, walker_id: str, *, after: date) -> builtins.list[CheckIn]:
        """``history`` from the day after ``after`` on; when there is none, the latest
        check-in alone (what ``progression.decide_recent`` needs besides the sessions)."""
        found = self._light(_CHECKINS_AFTER, walker_id, after)
        if found:
            return found
        latest = self._session.scalar(_LATEST_CHECKIN_DAY, {"walker_id": walker_id})
        return [] if latest is None else self._light(_CHECKINS_ON, walker_id, latest)

    def _light(
        self, statement: Any, walker_id: str, day: date | None = None
    ) -> builtins.list[CheckIn]:
        rows = self._session.execute(statement, {"walker_id": walker_id, "day": day})
        return [CheckIn(*values) for values in rows]

    def _row_on(self, walker_id: str, day: date) -> CheckInRow | None:
        statement = select(CheckInRow).where(
            CheckInRow.walker_id == walker_id, CheckInRow.on_date == day
        )
        return self._session.scalars(statement).first()


def _set_checkin(row: CheckInRow, checkin: CheckIn) -> None:
    if isinstance(checkin.on, datetime) or not isinstance(checkin.on, date):
        raise InvalidInput("checkin.on", checkin.on, "a calendar date")
    row.on_date = checkin.on
    row.pain_next_morning_nprs = checkin.pain_next_morning_nprs
    row.usual_pain_nprs = checkin.usual_pain_nprs
    row.swelling = checkin.swelling
    row.giving_way = checkin.giving_way


def _checkin(row: CheckInRow) -> StoredCheckIn:
    checkin = CheckIn(
        on=row.on_date,
        pain_next_morning_nprs=row.pain_next_morning_nprs,
        usual_pain_nprs=row.usual_pain_nprs,
        swelling=row.swelling,
        giving_way=row.giving_way,
    )
    return StoredCheckIn(row.id, row.walker_id, checkin)


class OutcomeRepository(Repository):
    def add(
        self,
        walker_id: str,
        outcome: OutcomeResult,
        *,
        details: dict[str, Any] | None = None,
        id: str | None = None,
        taken_at: datetime | None = None,
    ) -> StoredOutcome:
        row = OutcomeTestRow(
            id=checked_id("outcome.id", id),
            walker_id=walker_id,
            kind=OutcomeKind(outcome.kind).value,
            taken_at=aware("outcome.taken_at", taken_at or self._clock()),
            value=outcome.value,
            unit=outcome.unit,
            details=encode_value(details or {}, dict[str, Any], path="outcome.details"),
            interpretation=encode_value(
                outcome.interpretation, REASONS, path="outcome.interpretation"
            ),
        )
        with self._guarded(f"outcome test of walker {walker_id}"):
            self._session.add(row)
        return _outcome(row)

    def restore(self, stored: StoredOutcome) -> bool:
        """Store an outcome test with its id and time; False if already stored, ``Conflict``
        if that id holds another one."""
        row = self._session.get(OutcomeTestRow, stored.id)
        if row is not None:
            self._check_same(f"outcome test {stored.id}", _outcome(row), stored)
            return False
        self.add(
            stored.walker_id,
            stored.outcome,
            details=stored.details,
            id=stored.id,
            taken_at=stored.taken_at,
        )
        return True

    def list(self, walker_id: str, *, kind: OutcomeKind | None = None) -> list[StoredOutcome]:
        statement = select(OutcomeTestRow).where(OutcomeTestRow.walker_id == walker_id)
        if kind is not None:
            statement = statement.where(OutcomeTestRow.kind == OutcomeKind(kind).value)
        statement = statement.order_by(OutcomeTestRow.taken_at, OutcomeTestRow.id)
        return [_outcome(row) for row in self._session.scalars(statement)]


def _outcome(row: OutcomeTestRow) -> StoredOutcome:
    outcome = OutcomeResult(
        kind=OutcomeKind(row.kind),
        value=row.value,
        unit=row.unit,
        interpretation=decode_value(row.interpretation, REASONS, path="outcome.interpretation"),
    )
    return StoredOutcome(row.id, row.walker_id, row.taken_at, outcome, dict(row.details))


class DecisionRepository(Repository):
    def add(
        self,
        walker_id: str,
        decision: Decision,
        *,
        session_id: str | None = None,
        id: str | None = None,
        made_at: datetime | None = None,
    ) -> StoredDecision:
        encoded = encode(decision)
        values: dict[str, Any] = {
            "id": checked_id("decision.id", id),
            "walker_id": walker_id,
            "made_at": aware("decision.made_at", made_at or self._clock()),
            "kind": encoded["kind"],
            "reasons": encoded["reasons"],
            "changes": encoded["changes"],
            "next_target": encoded["next_target"],
            "session_id": session_id,
        }
        # A Core insert: the record is made from the values, no ORM object is needed after.
        with self._guarded(f"decision of walker {walker_id}"):
            self._session.connection().execute(_INSERT_DECISION, values)
        return _decision_from(values)

    def restore(self, stored: StoredDecision) -> bool:
        """Store a decision with its id, time and session link; False if already stored,
        ``Conflict`` if that id holds another one."""
        row = self._session.get(DecisionRow, stored.id)
        if row is not None:
            self._check_same(f"decision {stored.id}", _decision(row), stored)
            return False
        self.add(
            stored.walker_id,
            stored.decision,
            session_id=stored.session_id,
            id=stored.id,
            made_at=stored.made_at,
        )
        return True

    def latest(self, walker_id: str) -> StoredDecision | None:
        statement = (
            select(DecisionRow)
            .where(DecisionRow.walker_id == walker_id)
            .order_by(DecisionRow.made_at.desc(), DecisionRow.id.desc())
            .limit(1)
        )
        row = self._session.scalars(statement).first()
        return None if row is None else _decision(row)

    def latest_link(self, walker_id: str) -> tuple[str, str | None, bool] | None:
        """``latest`` without decoding it: (id, session id, whether it changed the target)."""
        found = self._session.execute(_LATEST_LINK, {"walker_id": walker_id}).first()
        return None if found is None else (found[0], found[1], bool(found[2]))

    def get(self, decision_id: str) -> StoredDecision:
        row = self._session.get(DecisionRow, decision_id)
        if row is None:
            raise NotFound(f"decision {decision_id} not found")
        return _decision(row)

    def list(
        self, walker_id: str, *, limit: int | None = None, offset: int = 0
    ) -> list[StoredDecision]:
        statement = (
            select(DecisionRow)
            .where(DecisionRow.walker_id == walker_id)
            .order_by(DecisionRow.made_at, DecisionRow.id)
        )
        return [_decision(row) for row in self._session.scalars(page(statement, limit, offset))]


def _decision(row: DecisionRow) -> StoredDecision:
    columns = ("id", "walker_id", "made_at", "kind", "reasons", "changes", "next_target")
    return _decision_from({name: getattr(row, name) for name in (*columns, "session_id")})


def _decision_from(values: dict[str, Any]) -> StoredDecision:
    data = {name: values[name] for name in ("kind", "reasons", "changes", "next_target")}
    decision = decode(Decision, data, path="decision")
    return StoredDecision(
        values["id"], values["walker_id"], values["made_at"], decision, values["session_id"]
    )

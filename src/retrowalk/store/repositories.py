"""Repositories: domain objects and records in, domain objects and records out.

SQLAlchemy rows never leave this package. Every ``add`` accepts an ``id`` and a time so an
export and import keeps both; without them a new UUID and the unit of work's clock are used.
Lookups of one thing by id raise ``NotFound``; lookups of "the latest" return ``None``.

Walkers and screenings live here; the others have their own modules, re-exported here:
``programs``, ``session_log`` (edits with history), ``journal`` (check-ins, outcome tests,
decisions) and ``imported_files``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select

from retrowalk.domain.models import Goal, Reason, ScreeningAnswers, ScreeningResult, Verdict
from retrowalk.errors import Conflict, NotFound
from retrowalk.formats.codec import decode, decode_value, encode, encode_value
from retrowalk.store._base import Repository, aware, checked_id, page
from retrowalk.store.imported_files import ImportRepository
from retrowalk.store.journal import CheckInRepository, DecisionRepository, OutcomeRepository
from retrowalk.store.programs import FIRST_SESSION, ProgramRepository
from retrowalk.store.records import StoredScreening, Walker, WalkerProfile, WalkerStatus
from retrowalk.store.session_log import SessionLogRepository
from retrowalk.store.tables import ScreeningRow, WalkerRow, WalkerStampRow

_STAMP = select(WalkerStampRow.version).where(WalkerStampRow.walker_id == bindparam("walker_id"))

__all__ = [
    "FIRST_SESSION",
    "CheckInRepository",
    "DecisionRepository",
    "ImportRepository",
    "OutcomeRepository",
    "ProgramRepository",
    "ScreeningRepository",
    "SessionLogRepository",
    "WalkerRepository",
]

REASONS = tuple[Reason, ...]


class WalkerRepository(Repository):
    def add(
        self,
        profile: WalkerProfile,
        *,
        status: WalkerStatus = WalkerStatus.ACTIVE,
        id: str | None = None,
        created_at: datetime | None = None,
    ) -> Walker:
        row = WalkerRow(
            id=checked_id("walker.id", id),
            created_at=aware("walker.created_at", created_at or self._clock()),
            status=WalkerStatus(status).value,
        )
        _set_profile(row, profile)
        with self._guarded(f"walker {row.id}"):
            self._session.add(row)
        return _walker(row)

    def restore(self, walker: Walker) -> bool:
        """Store ``walker`` with its id, time and status (importing an export): True when
        written, False when the same walker is already stored, ``Conflict`` when that id holds
        a different walker."""
        row = self._session.get(WalkerRow, walker.id)
        if row is not None:
            self._check_same(f"walker {walker.id}", _walker(row), walker)
            return False
        self.add(walker.profile, status=walker.status, id=walker.id, created_at=walker.created_at)
        return True

    def get(self, walker_id: str) -> Walker:
        return _walker(self._row(walker_id))

    def find(self, walker_id: str) -> Walker | None:
        """The walker with this id, or None (``get`` without the error)."""
        row = self._session.get(WalkerRow, walker_id)
        return None if row is None else _walker(row)

    def stamp(self, walker_id: str, *, hold: bool = False) -> int | None:
        """The walker's change counter (``walker_stamp``, kept by database triggers: it moves
        with every change to the walker, its sessions, check-ins, programs, resumes and
        decisions), or None for an unknown walker. ``hold`` locks the counter's row until the
        transaction ends (PostgreSQL; a SQLite writer holds the whole database already), so
        no other writer can change the walker in between."""
        statement = _STAMP.with_for_update() if hold else _STAMP
        found = self._session.execute(statement, {"walker_id": walker_id}).scalar()
        return None if found is None else int(found)

    def list(self, *, limit: int | None = None, offset: int = 0) -> list[Walker]:
        statement = select(WalkerRow).order_by(WalkerRow.created_at, WalkerRow.id)
        return [_walker(row) for row in self._session.scalars(page(statement, limit, offset))]

    def default(self, display_name: str | None = None) -> Walker:
        """The walker with the id or name ``display_name``, or the only walker when none is
        given (an id wins over a name: web and API address walkers by id, the CLI by name).

        ``NotFound`` when there is none; ``Conflict`` when the choice is ambiguous.
        """
        if display_name is not None:
            by_id = self._session.get(WalkerRow, display_name)
            if by_id is not None:
                return _walker(by_id)
        statement = select(WalkerRow).order_by(WalkerRow.created_at).limit(2)
        if display_name is not None:
            statement = statement.where(WalkerRow.display_name == display_name)
        rows = list(self._session.scalars(statement))
        if not rows:
            named = f" named {display_name!r}" if display_name is not None else ""
            raise NotFound(f"no walker{named} is stored yet")
        if len(rows) > 1:
            named = f" are named {display_name!r}" if display_name is not None else " are stored"
            raise Conflict(f"several walkers{named}; choose one with --walker NAME or its id")
        return _walker(rows[0])

    def update_profile(self, walker_id: str, profile: WalkerProfile) -> Walker:
        row = self._row(walker_id)
        with self._guarded(f"walker {walker_id}"):
            _set_profile(row, profile)
        return _walker(row)

    def set_status(self, walker_id: str, status: WalkerStatus) -> Walker:
        row = self._row(walker_id)
        with self._guarded(f"walker {walker_id}"):
            row.status = WalkerStatus(status).value
        return _walker(row)

    def _row(self, walker_id: str) -> WalkerRow:
        row = self._session.get(WalkerRow, walker_id)
        if row is None:
            raise NotFound(f"walker {walker_id} not found")
        return row


def _set_profile(row: WalkerRow, profile: WalkerProfile) -> None:
    row.display_name = profile.display_name
    row.age_years = profile.age_years
    row.body_mass_kg = profile.body_mass_kg
    row.goal = Goal(profile.goal).value
    row.usual_pain_nprs = profile.usual_pain_nprs
    row.forward_speed_m_s = profile.forward_speed_m_s


def _walker(row: WalkerRow) -> Walker:
    profile = WalkerProfile(
        display_name=row.display_name,
        age_years=row.age_years,
        body_mass_kg=row.body_mass_kg,
        goal=Goal(row.goal),
        usual_pain_nprs=row.usual_pain_nprs,
        forward_speed_m_s=row.forward_speed_m_s,
    )
    return Walker(row.id, row.created_at, WalkerStatus(row.status), profile)


class ScreeningRepository(Repository):
    def add(
        self,
        walker_id: str,
        answers: ScreeningAnswers,
        result: ScreeningResult,
        *,
        id: str | None = None,
        taken_at: datetime | None = None,
    ) -> StoredScreening:
        row = ScreeningRow(
            id=checked_id("screening.id", id),
            walker_id=walker_id,
            taken_at=aware("screening.taken_at", taken_at or self._clock()),
            answers=encode(answers),
            verdict=Verdict(result.verdict).value,
            reasons=encode_value(result.reasons, REASONS, path="screening.reasons"),
        )
        with self._guarded(f"screening of walker {walker_id}"):
            self._session.add(row)
        return _screening(row)

    def restore(self, screening: StoredScreening) -> bool:
        """Store ``screening`` with its id and time; False if already stored (see
        ``WalkerRepository.restore``)."""
        row = self._session.get(ScreeningRow, screening.id)
        if row is not None:
            self._check_same(f"screening {screening.id}", _screening(row), screening)
            return False
        self.add(
            screening.walker_id,
            screening.answers,
            screening.result,
            id=screening.id,
            taken_at=screening.taken_at,
        )
        return True

    def latest(self, walker_id: str) -> StoredScreening | None:
        statement = (
            select(ScreeningRow)
            .where(ScreeningRow.walker_id == walker_id)
            .order_by(ScreeningRow.taken_at.desc(), ScreeningRow.id.desc())
            .limit(1)
        )
        row = self._session.scalars(statement).first()
        return None if row is None else _screening(row)

    def list(self, walker_id: str) -> list[StoredScreening]:
        statement = (
            select(ScreeningRow)
            .where(ScreeningRow.walker_id == walker_id)
            .order_by(ScreeningRow.taken_at, ScreeningRow.id)
        )
        return [_screening(row) for row in self._session.scalars(statement)]


def _screening(row: ScreeningRow) -> StoredScreening:
    result = ScreeningResult(
        verdict=Verdict(row.verdict),
        reasons=decode_value(row.reasons, REASONS, path="screening.reasons"),
    )
    answers = decode(ScreeningAnswers, row.answers, path="screening.answers")
    return StoredScreening(row.id, row.walker_id, row.taken_at, answers, result)

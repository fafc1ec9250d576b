"""The unit of work (cosmicpython): one transaction, the repositories that share it, and
``commit``. Leaving the ``with`` block without ``commit()``, or with an exception, rolls
everything back: a failing use case writes nothing.

    with UnitOfWork(session_factory) as uow:
        walker = uow.walkers.default()
        uow.sessions.add(walker.id, logged)
        uow.commit()

On SQLite a unit of work takes the write lock when it starts (``BEGIN IMMEDIATE``) so two
writers queue instead of one failing on a stale snapshot (they wait their turn on a file lock,
``store.writer_turns``, then SQLite's busy timeout); ``read_only=True`` starts a plain deferred
transaction that never blocks writers (WAL) and refuses ``commit``.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from types import TracebackType
from typing import Self

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from retrowalk.store._base import Clock, utc_now
from retrowalk.store.accounts import AccountRepository
from retrowalk.store.bulk import BulkRepository
from retrowalk.store.calibrations import CalibrationRepository
from retrowalk.store.care import CareRepository
from retrowalk.store.engine import SQLITE_BEGIN_OPTION, make_engine
from retrowalk.store.migrate import upgrade
from retrowalk.store.repositories import (
    CheckInRepository,
    DecisionRepository,
    ImportRepository,
    OutcomeRepository,
    ProgramRepository,
    ScreeningRepository,
    SessionLogRepository,
    WalkerRepository,
)
from retrowalk.store.writer_turns import writer_turn

SessionFactory = Callable[[], Session]


def open_store(url: str) -> sessionmaker[Session]:
    """Open the database at ``url``, migrate it to the newest schema and return the session
    factory a ``UnitOfWork`` needs. ``close_store`` releases its connections."""
    engine = make_engine(url)
    try:
        upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return sessionmaker(bind=engine, expire_on_commit=False)


def close_store(session_factory: sessionmaker[Session]) -> None:
    bind = session_factory.kw.get("bind")
    if isinstance(bind, Engine):
        bind.dispose()


class UnitOfWork:
    walkers: WalkerRepository
    screenings: ScreeningRepository
    programs: ProgramRepository
    sessions: SessionLogRepository
    checkins: CheckInRepository
    outcomes: OutcomeRepository
    decisions: DecisionRepository
    imports: ImportRepository
    accounts: AccountRepository
    care: CareRepository
    bulk: BulkRepository
    calibrations: CalibrationRepository

    def __init__(
        self, session_factory: SessionFactory, *, read_only: bool = False, clock: Clock = utc_now
    ) -> None:
        self._session_factory = session_factory
        self._read_only = read_only
        self._clock = clock
        self._session: Session | None = None
        self._turn = ExitStack()

    def __enter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("this unit of work is already open")
        session = self._session_factory()
        mode = "DEFERRED" if self._read_only else "IMMEDIATE"
        turn = ExitStack()
        try:
            if not self._read_only:
                turn.enter_context(writer_turn(session.get_bind().engine.url))
            session.connection(execution_options={SQLITE_BEGIN_OPTION: mode})
        except BaseException:
            session.close()
            turn.close()
            raise
        self._session = session
        self._turn = turn
        clock = self._clock
        self.walkers = WalkerRepository(session, clock)
        self.screenings = ScreeningRepository(session, clock)
        self.programs = ProgramRepository(session, clock)
        self.sessions = SessionLogRepository(session, clock)
        self.checkins = CheckInRepository(session, clock)
        self.outcomes = OutcomeRepository(session, clock)
        self.decisions = DecisionRepository(session, clock)
        self.imports = ImportRepository(session, clock)
        self.accounts = AccountRepository(session, clock)
        self.care = CareRepository(session, clock)
        self.bulk = BulkRepository(session, clock)
        self.calibrations = CalibrationRepository(session, clock)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        session, self._session = self._session, None
        if session is None:
            return
        try:
            session.rollback()
        finally:
            session.close()
            self._turn.close()

    def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        self._open().commit()

    def rollback(self) -> None:
        self._open().rollback()

    def _open(self) -> Session:
        if self._session is None:
            raise RuntimeError("use the unit of work in a `with` block")
        return self._session

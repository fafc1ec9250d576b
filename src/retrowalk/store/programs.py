"""Programs: the prescription document, its status and the target of the next session."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final, cast

from sqlalchemy import CursorResult, bindparam, select, update

from retrowalk.domain.models import Goal, Program, SessionTarget
from retrowalk.errors import Conflict, NotFound
from retrowalk.formats.codec import decode, encode
from retrowalk.store._base import Repository, aware, checked_id
from retrowalk.store.records import ProgramState, ProgramStatus, StoredProgram
from retrowalk.store.tables import ProgramRow


class _FirstSession:
    def __repr__(self) -> str:
        return "FIRST_SESSION"


FIRST_SESSION: Final = _FirstSession()
"""Default ``current_target`` of a new program: the target of its first planned session."""


_CURRENT_STATE = (  # built once: construction and cache key are most of a small query's CPU
    select(
        ProgramRow.id,
        ProgramRow.walker_id,
        ProgramRow.created_at,
        ProgramRow.goal,
        ProgramRow.status,
        ProgramRow.version,
        ProgramRow.current_target,
    )
    .where(
        ProgramRow.walker_id == bindparam("walker_id"),
        ProgramRow.status != ProgramStatus.ENDED.value,
    )
    .order_by(ProgramRow.created_at.desc(), ProgramRow.id.desc())
    .limit(1)
)


class ProgramRepository(Repository):
    """Programs and their status; at most one program of a walker is not ended when ``add``
    ends the earlier ones (the default)."""

    def add(
        self,
        walker_id: str,
        program: Program,
        *,
        goal: Goal,
        current_target: SessionTarget | _FirstSession | None = FIRST_SESSION,
        status: ProgramStatus = ProgramStatus.ACTIVE,
        end_previous: bool = True,
        id: str | None = None,
        created_at: datetime | None = None,
    ) -> StoredProgram:
        if isinstance(current_target, _FirstSession):
            current_target = program.sessions[0].target if program.sessions else None
        now = aware("program.created_at", created_at or self._clock())
        row = ProgramRow(
            id=checked_id("program.id", id),
            walker_id=walker_id,
            created_at=now,
            updated_at=now,
            weeks=program.weeks,
            sessions_per_week=program.sessions_per_week,
            goal=Goal(goal).value,
            status=ProgramStatus(status).value,
            version=1,
            document=encode(program),
            current_target=None if current_target is None else encode(current_target),
        )
        with self._guarded(f"program of walker {walker_id}"):
            if end_previous:
                self._session.execute(
                    update(ProgramRow)
                    .where(
                        ProgramRow.walker_id == walker_id,
                        ProgramRow.status != ProgramStatus.ENDED.value,
                    )
                    .values(
                        status=ProgramStatus.ENDED.value,
                        version=ProgramRow.version + 1,
                        updated_at=self._clock(),
                    )
                )
            self._session.add(row)
        return _program(row)

    def restore(self, stored: StoredProgram) -> bool:
        """Store a program exactly as given (id, times, status, version, current target) and
        leave the walker's other programs alone (importing an export). True when written, False
        when the same program is already stored, ``Conflict`` when that id holds another."""
        row = self._session.get(ProgramRow, stored.id)
        if row is not None:
            self._check_same(f"program {stored.id}", _program(row), stored)
            return False
        target = stored.current_target
        row = ProgramRow(
            id=checked_id("program.id", stored.id),
            walker_id=stored.walker_id,
            created_at=aware("program.created_at", stored.created_at),
            updated_at=aware("program.updated_at", stored.updated_at),
            weeks=stored.program.weeks,
            sessions_per_week=stored.program.sessions_per_week,
            goal=Goal(stored.goal).value,
            status=ProgramStatus(stored.status).value,
            version=stored.version,
            document=encode(stored.program),
            current_target=None if target is None else encode(target),
        )
        with self._guarded(f"program {stored.id}"):
            self._session.add(row)
        return True

    def get(self, program_id: str) -> StoredProgram:
        return _program(self._row(program_id))

    def current(self, walker_id: str) -> StoredProgram | None:
        """The walker's newest program that is not ended (active or paused), if any."""
        statement = (
            select(ProgramRow)
            .where(
                ProgramRow.walker_id == walker_id,
                ProgramRow.status != ProgramStatus.ENDED.value,
            )
            .order_by(ProgramRow.created_at.desc(), ProgramRow.id.desc())
            .limit(1)
        )
        row = self._session.scalars(statement).first()
        return None if row is None else _program(row)

    def current_state(self, walker_id: str) -> ProgramState | None:
        """``current`` without the plan document (decoded only when no target was ever set)."""
        found = self._session.execute(_CURRENT_STATE, {"walker_id": walker_id}).first()
        if found is None:
            return None
        program_id, walker, created_at, goal, status, version, target = found
        if target is None:
            target = encode(self.get(program_id).program.sessions[0].target)
        return ProgramState(
            id=program_id,
            walker_id=walker,
            created_at=created_at,
            goal=Goal(goal),
            status=ProgramStatus(status),
            version=version,
            target=decode(SessionTarget, target, path="program.current_target"),
        )

    def list(self, walker_id: str) -> list[StoredProgram]:
        statement = (
            select(ProgramRow)
            .where(ProgramRow.walker_id == walker_id)
            .order_by(ProgramRow.created_at, ProgramRow.id)
        )
        return [_program(row) for row in self._session.scalars(statement)]

    def update(self, program_id: str, program: Program, *, expected_version: int) -> StoredProgram:
        """Replace the program (e.g. a therapist's edit); ``Conflict`` on a stale version."""
        return self._change(
            program_id,
            expected_version,
            document=encode(program),
            weeks=program.weeks,
            sessions_per_week=program.sessions_per_week,
        )

    def update_current_target(
        self, program_id: str, target: SessionTarget, *, expected_version: int | None = None
    ) -> StoredProgram:
        return self._change(program_id, expected_version, current_target=encode(target))

    def move_target(self, program_id: str, target: SessionTarget) -> None:
        """``update_current_target`` without reading the program back (a decision moves the
        target after every logged session)."""
        statement = (
            update(ProgramRow)
            .where(ProgramRow.id == program_id)
            .values(
                version=ProgramRow.version + 1,
                updated_at=self._clock(),
                current_target=encode(target),
            )
            # keeps a program row this unit of work already holds up to date, without a read
            .execution_options(synchronize_session="evaluate")
        )
        with self._guarded(f"program {program_id}"):
            changed = cast(CursorResult[Any], self._session.execute(statement)).rowcount
        if changed != 1:
            raise NotFound(f"program {program_id} not found")

    def set_status(
        self, program_id: str, status: ProgramStatus, *, expected_version: int | None = None
    ) -> StoredProgram:
        return self._change(program_id, expected_version, status=ProgramStatus(status).value)

    def pause(self, program_id: str) -> StoredProgram:
        return self.set_status(program_id, ProgramStatus.PAUSED)

    def resume(self, program_id: str) -> StoredProgram:
        return self.set_status(program_id, ProgramStatus.ACTIVE)

    def end(self, program_id: str) -> StoredProgram:
        return self.set_status(program_id, ProgramStatus.ENDED)

    def _change(
        self, program_id: str, expected_version: int | None, **values: Any
    ) -> StoredProgram:
        statement = update(ProgramRow).where(ProgramRow.id == program_id)
        if expected_version is not None:
            statement = statement.where(ProgramRow.version == expected_version)
        statement = statement.values(
            version=ProgramRow.version + 1, updated_at=self._clock(), **values
        ).execution_options(synchronize_session=False)
        with self._guarded(f"program {program_id}"):
            changed = cast(CursorResult[Any], self._session.execute(statement)).rowcount
        row = self._row(program_id)
        self._session.refresh(row)
        if changed != 1:
            raise Conflict(
                f"program {program_id} is at version {row.version}, not {expected_version}: "
                "it was changed meanwhile; reload it and try again"
            )
        return _program(row)

    def _row(self, program_id: str) -> ProgramRow:
        row = self._session.get(ProgramRow, program_id)
        if row is None:
            raise NotFound(f"program {program_id} not found")
        return row


def _program(row: ProgramRow) -> StoredProgram:
    target = row.current_target
    return StoredProgram(
        id=row.id,
        walker_id=row.walker_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
        goal=Goal(row.goal),
        status=ProgramStatus(row.status),
        version=row.version,
        program=decode(Program, row.document, path="program.document"),
        current_target=None
        if target is None
        else decode(SessionTarget, target, path="program.current_target"),
    )

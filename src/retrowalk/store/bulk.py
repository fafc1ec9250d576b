"""Many rows of one walker at once: sessions, check-ins and decisions written with one
``INSERT`` each (executemany), and the program's final state in one ``UPDATE``.

For the demo clinic at benchmark scale (``services.demo_bulk``): the rows are exactly those the
repositories write one by one (same columns, same encodings), without a savepoint per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, update

from retrowalk.domain.models import CheckIn, Decision, LoggedSession, SessionTarget
from retrowalk.formats.codec import encode
from retrowalk.store._base import Repository, aware
from retrowalk.store.records import ProgramStatus, SessionSource
from retrowalk.store.session_log import _columns as session_columns
from retrowalk.store.tables import CheckInRow, DecisionRow, ProgramRow, SessionLogRow


class BulkRepository(Repository):
    def add_sessions(
        self,
        walker_id: str,
        program_id: str | None,
        sessions: Sequence[tuple[str, LoggedSession, datetime]],
    ) -> None:
        """(id, session, logged at) for each session, as ``SessionLogRepository.add``."""
        rows: list[dict[str, Any]] = []
        for session_id, session, logged_at in sessions:
            at = aware("session.created_at", logged_at)
            row = session_columns(session)
            row.update(
                id=session_id,
                walker_id=walker_id,
                program_id=program_id,
                source=SessionSource.MANUAL.value,
                details={},
                version=1,
                created_at=at,
                updated_at=at,
                deleted_at=None,
            )
            rows.append(row)
        if rows:
            self._session.execute(insert(SessionLogRow), rows)

    def add_checkins(self, walker_id: str, checkins: Sequence[tuple[str, CheckIn]]) -> None:
        rows = [
            {
                "id": checkin_id,
                "walker_id": walker_id,
                "on_date": c.on,
                "pain_next_morning_nprs": c.pain_next_morning_nprs,
                "usual_pain_nprs": c.usual_pain_nprs,
                "swelling": c.swelling,
                "giving_way": c.giving_way,
            }
            for checkin_id, c in checkins
        ]
        if rows:
            self._session.execute(insert(CheckInRow), rows)

    def add_decisions(
        self,
        walker_id: str,
        decisions: Sequence[tuple[str, Decision, datetime, str | None]],
    ) -> None:
        """(id, decision, made at, session id) for each decision, as ``DecisionRepository``."""
        rows = []
        for decision_id, decision, made_at, session_id in decisions:
            encoded = encode(decision)
            rows.append(
                {
                    "id": decision_id,
                    "walker_id": walker_id,
                    "made_at": aware("decision.made_at", made_at),
                    "kind": encoded["kind"],
                    "reasons": encoded["reasons"],
                    "changes": encoded["changes"],
                    "next_target": encoded["next_target"],
                    "session_id": session_id,
                }
            )
        if rows:
            self._session.execute(insert(DecisionRow), rows)

    def set_program_state(
        self,
        program_id: str,
        *,
        current_target: SessionTarget,
        status: ProgramStatus,
        changes: int,
    ) -> None:
        """The program's target and status after ``changes`` one-by-one updates (each of which
        would have added 1 to its version)."""
        if changes <= 0:
            return
        self._session.execute(
            update(ProgramRow)
            .where(ProgramRow.id == program_id)
            .values(
                current_target=encode(current_target),
                status=ProgramStatus(status).value,
                version=ProgramRow.version + changes,
                updated_at=self._clock(),
            )
            .execution_options(synchronize_session=False)
        )

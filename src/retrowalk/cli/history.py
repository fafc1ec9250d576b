"""`retrowalk sessions`, `edit`, `delete` and `history`: logged sessions, corrected with care.

An edit or a deletion never loses anything: the previous state is kept as a revision
(`retrowalk history ID`), and the progression decision is taken again on the corrected data.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import typer
from rich.table import Table

from retrowalk.cli import render
from retrowalk.cli.app import app, cli, handled
from retrowalk.cli.ask import parse_choice
from retrowalk.cli.sessions import parse_when
from retrowalk.domain.models import Modality
from retrowalk.domain.units import kmh_to_m_s
from retrowalk.domain.validation import MINUTES, PAIN, RPE, SPEED_KMH
from retrowalk.errors import InvalidInput
from retrowalk.formats.codec import to_jsonable
from retrowalk.store.records import StoredSession

SHORT_ID = 8


def _row(stored: StoredSession) -> dict[str, Any]:
    return {
        "id": stored.id,
        "version": stored.version,
        "source": stored.source.value,
        "deleted": stored.deleted,
        "session": to_jsonable(stored.session),
    }


@app.command(name="sessions")
def list_sessions(
    limit: int = typer.Option(20, "--limit", help="How many, newest first (1-500)."),
) -> None:
    """List your logged sessions, newest first, with the ids that `edit` and `delete` take."""
    c = cli()
    with handled():
        if not 1 <= limit <= 500:
            raise InvalidInput("--limit", limit, "1 to 500")
        page = c.services.sessions_page(c.walker, limit=limit)

        def human() -> None:
            table = Table(title=f"{page.total} sessions (newest first)")
            for name in ("id", "when", "modality", "min", "pain during/after", "source", "v"):
                table.add_column(name)
            for stored in page.items:
                s = stored.session
                table.add_row(
                    stored.id[:SHORT_ID],
                    f"{s.performed_at:%Y-%m-%d %H:%M}",
                    s.modality.value,
                    f"{s.duration_s / 60:.1f}",
                    "not reported"
                    if s.pain_during_nprs is None
                    else render.pain_text(s).removeprefix("pain "),
                    stored.source.value,
                    str(stored.version),
                )
            c.console.print(table)

        c.emit({"total": page.total, "sessions": [_row(s) for s in page.items]}, human)


@app.command()
def edit(
    session_id: str = typer.Argument(..., help="The session's id (or its first 8 characters)."),
    when: str | None = typer.Option(None, "--when", help="When (ISO date-time)."),
    modality: str | None = typer.Option(None, "--modality", help="How you walked."),
    minutes: float | None = typer.Option(None, "--minutes", help="Minutes walked."),
    pain_during: int | None = typer.Option(None, "--pain-during", help="Pain during, 0-10."),
    pain_after: int | None = typer.Option(None, "--pain-after", help="Pain after, 0-10."),
    speed_kmh: float | None = typer.Option(None, "--speed-kmh", help="Speed in km/h."),
    rpe: int | None = typer.Option(None, "--rpe", help="Perceived exertion, Borg 6-20."),
    notes: str | None = typer.Option(None, "--notes", help="Replace the notes."),
    expected_version: int | None = typer.Option(
        None, "--version", help="Only edit if the session is still at this version."
    ),
) -> None:
    """Correct a logged session; its previous state is kept in its history."""
    c = cli()
    with handled():
        stored = c.services.find_session(c.walker, session_id)
        MINUTES.check("--minutes", minutes)
        PAIN.check("--pain-during", pain_during)
        PAIN.check("--pain-after", pain_after)
        SPEED_KMH.check("--speed-kmh", speed_kmh)
        RPE.check("--rpe", rpe)
        changes: dict[str, Any] = {}
        if when is not None:
            changes["performed_at"] = parse_when(when, "--when")
        if modality is not None:
            changes["modality"] = parse_choice(modality, Modality, "--modality")
        if minutes is not None:
            changes["duration_s"] = minutes * 60
        if pain_during is not None:
            changes["pain_during_nprs"] = pain_during
        if pain_after is not None:
            changes["pain_after_nprs"] = pain_after
        if speed_kmh is not None:
            changes["speed_m_s"] = kmh_to_m_s(speed_kmh)
        if rpe is not None:
            changes["rpe"] = rpe
        if notes is not None:
            changes["notes"] = notes
        if not changes:
            raise InvalidInput("options", None, "at least one field to change, e.g. --minutes 6")
        change = c.services.edit_session(
            c.walker,
            stored.id,
            replace(stored.session, **changes),
            expected_version=stored.version if expected_version is None else expected_version,
            now=datetime.now(UTC),
        )
        _report(change, "Edited")


@app.command()
def delete(
    session_id: str = typer.Argument(..., help="The session's id (or its first 8 characters)."),
    expected_version: int | None = typer.Option(
        None, "--version", help="Only delete if the session is still at this version."
    ),
) -> None:
    """Delete a logged session (it stays in its history and in exports)."""
    c = cli()
    with handled():
        stored = c.services.find_session(c.walker, session_id)
        change = c.services.delete_session(
            c.walker,
            stored.id,
            expected_version=stored.version if expected_version is None else expected_version,
            now=datetime.now(UTC),
        )
        _report(change, "Deleted")


def _report(change: Any, verb: str) -> None:
    c = cli()
    document = {
        "session": _row(change.stored),
        "decision": None if change.decision is None else to_jsonable(change.decision),
    }

    def human() -> None:
        c.console.print(
            f"{verb} session {change.stored.id[:SHORT_ID]} (now version "
            f"{change.stored.version}; the earlier state is in its history)."
        )
        if change.decision is not None:
            render.decision(c.console, change.decision)

    c.emit(document, human)


@app.command()
def history(
    session_id: str = typer.Argument(..., help="The session's id (or its first 8 characters)."),
) -> None:
    """Every earlier state of a session (edits and deletion), oldest first."""
    c = cli()
    with handled():
        stored = c.services.find_session(c.walker, session_id, include_deleted=True)
        revisions = c.services.session_revisions(c.walker, stored.id)
        document = {
            "current": _row(stored),
            "revisions": [
                {
                    "version": r.version,
                    "recorded_at": r.recorded_at.isoformat(),
                    "reason": r.reason,
                    "session": to_jsonable(r.previous),
                }
                for r in revisions
            ],
        }

        def human() -> None:
            table = Table(title=f"History of session {stored.id[:SHORT_ID]}")
            for name in ("version", "replaced at", "why", "minutes", "pain"):
                table.add_column(name)
            for r in revisions:
                table.add_row(
                    str(r.version),
                    f"{r.recorded_at:%Y-%m-%d %H:%M}",
                    r.reason,
                    f"{r.previous.duration_s / 60:.1f}",
                    render.pain_text(r.previous),
                )
            state = "deleted" if stored.deleted else "current"
            table.add_row(
                str(stored.version),
                "",
                state,
                f"{stored.session.duration_s / 60:.1f}",
                render.pain_text(stored.session),
            )
            c.console.print(table)

        c.emit(document, human)

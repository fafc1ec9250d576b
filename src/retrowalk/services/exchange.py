"""Export all of a walker's data as one JSON document, and import such a document back.

Exports round-trip exactly: export -> import into an empty database -> export gives the same
document (``exported_at`` aside), ids, times, versions, statuses and edit history included.
Imports are all-or-nothing and idempotent (product.md, "Nothing is lost"): the whole document
is checked before anything is written, everything is written in one unit of work, and records
are matched by id, so importing the same document twice leaves one copy. A record stored under
the same id with other content is a ``Conflict`` (nothing is overwritten, nothing written).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from retrowalk.errors import Conflict, NotFound
from retrowalk.formats.export import (
    LISTS,
    SessionHistory,
    WalkerData,
    build_document,
    read_document,
)
from retrowalk.store.records import Walker
from retrowalk.store.unit_of_work import UnitOfWork

UnitOfWorkFactory = Callable[..., UnitOfWork]
TABLES = (*LISTS, "session_revisions")


def export_walker(
    uow: UnitOfWorkFactory, walker_ref: str | None, *, now: datetime
) -> dict[str, Any]:
    """The export document of one walker (see ``formats.export``), JSON-safe.

    ``walker_ref``: a display name, a walker id, or None for the only walker. ``NotFound`` when
    there is no such walker; ``Conflict`` when the choice is ambiguous. ``now`` becomes
    ``exported_at``.
    """
    with uow(read_only=True) as work:
        walker = _find_walker(work, walker_ref)
        revisions: dict[str, list[Any]] = {}
        for revision in work.sessions.walker_revisions(walker.id):
            revisions.setdefault(revision.session_id, []).append(revision)
        data = WalkerData(
            walker=walker,
            screenings=tuple(work.screenings.list(walker.id)),
            programs=tuple(work.programs.list(walker.id)),
            sessions=tuple(
                SessionHistory(stored, tuple(revisions.get(stored.id, ())))
                for stored in work.sessions.list(walker.id, include_deleted=True)
            ),
            checkins=tuple(work.checkins.list(walker.id)),
            outcomes=tuple(work.outcomes.list(walker.id)),
            decisions=tuple(work.decisions.list(walker.id)),
            imported_files=tuple(work.imports.list(walker.id)),
        )
    return build_document(data, exported_at=now)


def import_document(uow: UnitOfWorkFactory, document: Any, *, source: str) -> dict[str, Any]:
    """Import an export document (parsed JSON) in one unit of work.

    ``source`` names the document in messages (its file name). Returns ``{"walker_id",
    "display_name", "created" (the walker was new), "counts" (records added per table),
    "skipped" (records already stored, per table)}``. Raises ``UnsupportedFile`` (not a
    retrowalk export), ``InvalidInput`` (naming the path of the problem) or ``Conflict`` (the
    database holds other content under an id of the document, or another walker has the
    display name); in every case nothing is written.
    """
    data = read_document(document, source=source)
    walker = data.walker
    counts = dict.fromkeys(TABLES, 0)
    skipped = dict.fromkeys(TABLES, 0)

    def tally(table: str, added: bool) -> None:
        (counts if added else skipped)[table] += 1

    with uow() as work:
        try:
            _check_name_free(work, walker)
            created = work.walkers.restore(walker)
            for screening in data.screenings:
                tally("screenings", work.screenings.restore(screening))
            for program in data.programs:
                tally("programs", work.programs.restore(program))
            for history in data.sessions:
                tally("sessions", work.sessions.restore(history.stored))
                for revision in history.revisions:
                    tally("session_revisions", work.sessions.restore_revision(revision))
            for checkin in data.checkins:
                tally("checkins", work.checkins.restore(checkin))
            for outcome in data.outcomes:
                tally("outcomes", work.outcomes.restore(outcome))
            for decision in data.decisions:
                tally("decisions", work.decisions.restore(decision))
            for imported in data.imported_files:
                tally("imported_files", work.imports.restore(imported))
        except Conflict as exc:
            raise Conflict(f"{source}: {exc}; nothing was imported") from exc
        work.commit()
    return {
        "walker_id": walker.id,
        "display_name": walker.profile.display_name,
        "created": created,
        "counts": counts,
        "skipped": skipped,
    }


def _find_walker(work: UnitOfWork, walker_ref: str | None) -> Walker:
    try:
        return work.walkers.default(walker_ref)
    except NotFound:
        if walker_ref is None or not _is_uuid(walker_ref):
            raise
    return work.walkers.get(walker_ref)


def _check_name_free(work: UnitOfWork, walker: Walker) -> None:
    name = walker.profile.display_name
    try:
        named = work.walkers.default(name)
    except NotFound:
        return
    except Conflict:  # several walkers have the name: at least one is another walker
        named = None
    if named is None or named.id != walker.id:
        raise Conflict(
            f"the display name {name!r} is already used by another walker (the document's "
            f"walker has id {walker.id}); rename that walker before importing"
        )


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True

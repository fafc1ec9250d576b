"""Import recordings (FIT, GPX, phone motion) as logged sessions; add their pain later.

Every file is one unit of work: it is read and analysed first (outside any transaction, so a
long analysis never holds the database's write lock), then its session, its content hash and
the progression decision are written together or not at all. A refused file leaves nothing.

Idempotent by content: the SHA-256 of a file's bytes (of a folder: its files' sorted relative
paths and contents) is recorded per walker, so the same recording imported again is
``skipped`` and names the session it already is. With ``reanalyse`` it is read and analysed
again (after a reader or analysis fix) and its session is ``replaced``: edited with the
earlier state kept as a revision, keeping what only the walker knows (pain, rails, falls,
notes, and the modality and direction unless given again).

After a session is added or replaced, the same decision step as hand logging runs
(``services.deciding.decide_and_apply``), so the progression engine treats an imported session
like a hand-logged one. An imported session has no pain until the walker reports it (None):
the decision holds until ``add_pain`` (thomee1997: progression is guided by reported pain).

A retrowalk export document (JSON) is not a recording: interfaces hand it to
``services.exchange.import_document`` (``read_export_document`` tells them apart).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from retrowalk.domain.models import Decision, LoggedSession, Modality
from retrowalk.domain.validation import PAIN, validate_logged_session
from retrowalk.errors import Conflict, InvalidInput, NotFound, UnsupportedFile
from retrowalk.services.deciding import decide_and_apply, require_program, require_state
from retrowalk.services.direction import calibration_lookup
from retrowalk.services.direction_check import CalibrationLookup, answered, awaiting_answer
from retrowalk.services.heap import reusing_freed_memory
from retrowalk.services.recording_import import (
    ByteProgress,
    DeclaredDirection,
    ImportOptions,
    ReadRecording,
    content_sha256,
    read_recording,
    size_bytes,
)
from retrowalk.services.uow import UowFactory
from retrowalk.services.views import LogResult
from retrowalk.services.warmup_rule import WarmupPlan
from retrowalk.store.records import SessionSource, StoredSession
from retrowalk.store.unit_of_work import UnitOfWork

__all__ = [
    "DeclaredDirection",
    "ImportOptions",
    "ImportOutcome",
    "ImportProgress",
    "ImportStatus",
    "add_pain",
    "import_files",
    "read_export_document",
]

EXPORT_FORMAT = "retrowalk-export"
#: Export documents are small; a JSON file larger than this is not read whole to check.
EXPORT_MAX_BYTES = 256 << 20


class ImportStatus(StrEnum):
    IMPORTED = "imported"
    SKIPPED = "skipped"
    REPLACED = "replaced"
    REFUSED = "refused"


@dataclass(frozen=True)
class ImportOutcome:
    """What became of one file. ``reason`` says why it was refused or skipped."""

    path: str
    status: ImportStatus
    format: str | None = None
    content_sha256: str | None = None
    session_id: str | None = None
    session: LoggedSession | None = None
    details: dict[str, Any] | None = None
    decision: Decision | None = None
    reason: str | None = None

    @property
    def pain_missing(self) -> bool:
        s = self.session
        return s is not None and (s.pain_during_nprs is None or s.pain_after_nprs is None)


class ImportProgress(Protocol):
    """Told how an import goes (a progress bar); every method is optional to act on."""

    def file_started(self, path: Path, size_bytes: int) -> None: ...

    def bytes_read(self, done_bytes: int, total_bytes: int) -> None: ...

    def file_done(self, outcome: ImportOutcome) -> None: ...


def import_files(
    uow: UowFactory,
    walker_ref: str | None,
    paths: Sequence[str | Path],
    *,
    options: ImportOptions,
    now: datetime,
    progress: ImportProgress | None = None,
) -> list[ImportOutcome]:
    """Import each file as one session (one unit of work per file); never stops at a refusal.

    Raises only for what concerns the whole import: no such walker, no program yet
    (``NotFound``), or options out of range (``InvalidInput`` naming the field).
    """
    _check_options(options)
    with uow(read_only=True) as work:
        walker = work.walkers.default(walker_ref)
        # the plan document (about 120 kB of JSON) is decoded once: its warm-ups tell whether
        # a recording's first walk may calibrate the direction check (services.warmup_rule)
        stored = require_program(work, walker)
        target = stored.current_target or stored.program.sessions[0].target
        plan = WarmupPlan.of(stored.program)
        names_seen = {imported.original_name for imported in work.imports.list(walker.id)}
    outcomes: list[ImportOutcome] = []
    with (
        reusing_freed_memory(),  # large NumPy temporaries: fewer page faults (services.heap)
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="retrowalk-hash") as hasher,
    ):
        for raw in paths:
            path = Path(raw)
            # A file of a name imported before is likely the same file again: its hash alone
            # then settles it, without reading it. Any other file is hashed while it is read.
            hash_first = path.name in names_seen and not options.reanalyse
            outcome = _import_one(
                uow,
                walker.id,
                path,
                options,
                now,
                target.modality,
                progress,
                hasher,
                hash_first,
                plan,
            )
            if outcome.status in (ImportStatus.IMPORTED, ImportStatus.REPLACED):
                names_seen.add(path.name)
            outcomes.append(outcome)
            if progress is not None:
                progress.file_done(outcome)
    return outcomes


def _import_one(
    uow: UowFactory,
    walker_id: str,
    path: Path,
    options: ImportOptions,
    now: datetime,
    target_modality: Modality,
    progress: ImportProgress | None,
    hasher: Executor,
    hash_first: bool,
    plan: WarmupPlan | None = None,
) -> ImportOutcome:
    """Hash, read and analyse, store.

    Unless ``hash_first``, the content hash is computed in ``hasher`` (a thread; hashing
    releases the GIL) while this thread parses and analyses the file: it starts once the
    reader has read all the bytes, so that it does not compete with the parser's own threads.
    Either way the outcome is the same: a file that cannot be read to hash it is refused; a
    file known by its hash is skipped (unless re-analysed), whether or not it reads.
    """
    name = str(path)
    if not path.exists():
        return _refused(name, UnsupportedFile(name, "no such file or folder"))
    try:
        total = size_bytes(path)
    except OSError as error:
        return _unreadable(name, error)
    if progress is not None:
        progress.file_started(path, total)
    digest = _Digest(hasher, path)
    if hash_first:
        settled = _settled_by_hash(uow, walker_id, name, digest, options)
        if settled is not None:
            return settled

    def bytes_read(done_bytes: int, total_bytes: int) -> None:
        if progress is not None:
            progress.bytes_read(done_bytes, total_bytes)
        if done_bytes >= total_bytes:
            digest.start()

    read, failure = _read(
        path,
        options,
        target_modality,
        now,
        bytes_read,
        calibration_for=calibration_lookup(uow, walker_id),  # one read for both placements
        warmup_plan=plan,
    )
    if not hash_first:
        settled = _settled_by_hash(uow, walker_id, name, digest, options)
        if settled is not None:
            return settled
    if failure is not None:
        return _refused(name, failure)
    assert read is not None
    sha256 = digest.result()
    details = {**read.details, "content_sha256": sha256}
    try:
        return _store(uow, walker_id, name, sha256, read, details, options, now)
    except Conflict as error:
        # Another import of the same content committed first (its row is unique per walker),
        # or the session was edited meanwhile: nothing of this file was written.
        with uow(read_only=True) as work:
            known = work.imports.find(walker_id, sha256)
        if known is not None and not options.reanalyse:
            return _skipped(name, sha256, known.session_id, known.format)
        return _refused(name, UnsupportedFile(name, f"was not imported: {error}"))


class _Digest:
    """The SHA-256 of a file's content (``content_sha256``), computed in ``hasher`` from the
    first call of ``start`` (or ``result``)."""

    def __init__(self, hasher: Executor, path: Path) -> None:
        self._hasher = hasher
        self._path = path
        self._future: Future[str] | None = None

    def start(self) -> None:
        if self._future is None:
            self._future = self._hasher.submit(content_sha256, self._path)

    def result(self) -> str:
        """The hex digest; raises the ``OSError`` of a file that could not be read."""
        self.start()
        assert self._future is not None
        return self._future.result()


def _settled_by_hash(
    uow: UowFactory,
    walker_id: str,
    name: str,
    digest: _Digest,
    options: ImportOptions,
) -> ImportOutcome | None:
    """Refused when the file cannot be read to hash it, skipped when its content was imported
    before (and not re-analysed); None when the import goes on."""
    try:
        sha256 = digest.result()
    except OSError as error:
        return _unreadable(name, error)
    with uow(read_only=True) as work:
        known = work.imports.find(walker_id, sha256)
    if known is not None and not options.reanalyse:
        return _skipped(name, sha256, known.session_id, known.format)
    return None


def _read(
    path: Path,
    options: ImportOptions,
    target_modality: Modality,
    now: datetime,
    bytes_read: ByteProgress,
    *,
    calibration_for: CalibrationLookup,
    warmup_plan: WarmupPlan | None = None,
) -> tuple[ReadRecording | None, UnsupportedFile | None]:
    """The recording read and analysed, or why it cannot be imported."""
    name = str(path)
    if read_export_document(path) is not None:
        return None, UnsupportedFile(name, "is a retrowalk export document, not a recording")
    try:
        read = read_recording(
            path,
            options,
            target_modality=target_modality,
            progress=bytes_read,
            calibration_for=calibration_for,
            warmup_plan=warmup_plan,
        )
        validate_logged_session(read.session, now, max_age=None)
    except UnsupportedFile as error:
        return None, error
    except InvalidInput as error:
        return None, UnsupportedFile(name, f"cannot become a session: {error}")
    except OSError as error:
        return None, UnsupportedFile(name, f"cannot be read ({error.strerror or error})")
    return read, None


def _unreadable(name: str, error: OSError) -> ImportOutcome:
    return _refused(name, UnsupportedFile(name, f"cannot be read ({error.strerror or error})"))


def _store(
    uow: UowFactory,
    walker_id: str,
    name: str,
    digest: str,
    read: ReadRecording,
    details: dict[str, Any],
    options: ImportOptions,
    now: datetime,
) -> ImportOutcome:
    with uow() as work:
        walker = work.walkers.get(walker_id)
        state = require_state(work, walker)
        known = work.imports.find(walker_id, digest)  # again: another import may have won
        if known is not None and not options.reanalyse:
            return _skipped(name, digest, known.session_id, known.format)
        if known is not None:
            if known.session_id is None:
                return _skipped(name, digest, None, known.format, "its session was deleted")
            try:
                current = work.sessions.get(known.session_id)
            except NotFound:
                return _skipped(
                    name, digest, known.session_id, known.format, "its session was deleted"
                )
            session, details = _keep_walker_answers(
                current.session, current.details, read, options, details
            )
            saved = work.sessions.edit(
                current.id,
                session,
                expected_version=current.version,
                reason=f"re-analysed on import of {Path(name).name}",
                details=details,
            )
            status = ImportStatus.REPLACED
        else:
            saved = work.sessions.add(
                walker_id,
                read.session,
                program_id=state.id,
                source=SessionSource.IMPORT,
                details=details,
                created_at=now,
            )
            work.imports.add(
                walker_id,
                content_sha256=digest,
                original_name=Path(name).name,
                format=read.format,
                session_id=saved.id,
                imported_at=now,
            )
            status = ImportStatus.IMPORTED
        decision = decide_and_apply(work, walker, state, now)
        work.commit()
    return ImportOutcome(
        path=name,
        status=status,
        format=read.format,
        content_sha256=digest,
        session_id=saved.id,
        session=saved.session,
        details=saved.details,
        decision=decision,
    )


def _keep_walker_answers(
    before: LoggedSession,
    before_details: dict[str, Any],
    read: ReadRecording,
    options: ImportOptions,
    details: dict[str, Any],
) -> tuple[LoggedSession, dict[str, Any]]:
    """The re-analysed session with what only the walker knows kept from the stored one."""
    session = replace(
        read.session,
        modality=options.modality or before.modality,
        incline_pct=before.incline_pct if options.incline_pct is None else options.incline_pct,
        pain_during_nprs=_given(options.pain_during_nprs, before.pain_during_nprs),
        pain_after_nprs=_given(options.pain_after_nprs, before.pain_after_nprs),
        load_kg=before.load_kg,
        rails=before.rails,
        rpe=before.rpe,
        near_falls=before.near_falls,
        fell=before.fell,
        swelling=before.swelling,
        giving_way=before.giving_way,
        chest_symptoms=before.chest_symptoms,
        notes=before.notes,
    )
    if options.direction is None and "declared_direction" in before_details:
        details = {**details, "declared_direction": before_details["declared_direction"]}
    answer = before_details.get("direction_confirmation")
    if options.direction is None and isinstance(answer, dict) and awaiting_answer(details):
        # the walker answered the question the new analysis asks again: keep their answer
        details = answered(details, answer["direction"], answer["confirmed_at"])
    return session, details


def _given(value: int | None, before: int | None) -> int | None:
    return before if value is None else value


def _skipped(
    name: str, digest: str, session_id: str | None, fmt: str, why: str = "already imported"
) -> ImportOutcome:
    reason = why if session_id is None else f"{why} as session {session_id}"
    return ImportOutcome(
        path=name,
        status=ImportStatus.SKIPPED,
        format=fmt,
        content_sha256=digest,
        session_id=session_id,
        reason=reason,
    )


def _refused(name: str, error: UnsupportedFile) -> ImportOutcome:
    return ImportOutcome(path=name, status=ImportStatus.REFUSED, reason=str(error))


def _check_options(options: ImportOptions) -> None:
    PAIN.check("pain_during_nprs", options.pain_during_nprs)
    PAIN.check("pain_after_nprs", options.pain_after_nprs)
    if options.warmup_s is not None and not options.warmup_s > 0:
        raise InvalidInput("warmup_s", options.warmup_s, "a positive number of seconds")
    if options.when is not None and options.when.tzinfo is None:
        raise InvalidInput("when", options.when.isoformat(), "a time with a zone")


# --- pain added later ------------------------------------------------------------------------


def add_pain(
    uow: UowFactory,
    walker_ref: str | None,
    session_id: str,
    pain_during: int,
    pain_after: int,
    *,
    now: datetime,
) -> LogResult:
    """Report (or correct) a session's pain: the session is edited with a revision kept, then
    the progression decides again, as after hand logging."""
    PAIN.check("pain_during_nprs", pain_during)
    PAIN.check("pain_after_nprs", pain_after)
    if pain_during is None or pain_after is None:
        raise InvalidInput("pain", None, "pain during and pain after, each 0-10")
    with uow() as work:
        walker = work.walkers.default(walker_ref)
        stored = _own_session(work, walker.id, session_id)
        before = stored.session
        reported = before.pain_during_nprs is not None and before.pain_after_nprs is not None
        session = replace(before, pain_during_nprs=pain_during, pain_after_nprs=pain_after)
        saved = work.sessions.edit(
            stored.id,
            session,
            expected_version=stored.version,
            reason="pain corrected" if reported else "pain added",
        )
        decision = decide_and_apply(work, walker, require_state(work, walker), now)
        work.commit()
    return LogResult(saved.id, saved.session, decision)


def _own_session(work: UnitOfWork, walker_id: str, session_id: str) -> StoredSession:
    """The walker's own session (another walker's session is "not found", never shown)."""
    try:
        stored = work.sessions.get(session_id)
    except NotFound:
        raise NotFound(f"session {session_id} not found") from None
    if stored.walker_id != walker_id:
        raise NotFound(f"session {session_id} not found")
    return stored


# --- export documents ---------------------------------------------------------------------------


def read_export_document(path: Path) -> dict[str, Any] | None:
    """The parsed document when ``path`` is a retrowalk export (a JSON object with
    ``"format": "retrowalk-export"``), else None. Never raises for other files."""
    try:
        if not path.is_file() or path.stat().st_size > EXPORT_MAX_BYTES:
            return None
        with path.open("rb") as stream:
            head = stream.read(1024)
        if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
            return None
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None
    if isinstance(document, dict) and document.get("format") == EXPORT_FORMAT:
        return document
    return None

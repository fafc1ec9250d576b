"""Checks of a decoded export document beyond what the codec checks (types, keys, enums).

They mirror what the store guarantees (its check and unique constraints, column lengths,
PostgreSQL's 32-bit integers and its refusal of NUL characters in text) plus the document's own
consistency: ids are UUIDs, unique in their list; every record belongs to the exported walker;
links (a session's program, a decision's or an imported file's session) point at records of the
same document; a session's revisions are earlier versions of it. So anything the database would
refuse is refused first, with its path, before anything is written.

They do not re-judge records by today's domain rules (those belong to the use cases that create
records): a record the store once accepted is importable again.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from retrowalk.domain.models import LoggedSession
from retrowalk.errors import InvalidInput

if TYPE_CHECKING:
    from retrowalk.formats.export import WalkerData

INT32_MAX = 2**31 - 1
DISPLAY_NAME_MAX = 200  # tables.NAME
ORIGINAL_NAME_MAX = 500  # imported_file.original_name
FILE_FORMAT_MAX = 40  # imported_file.format
UNIT_MAX = 32  # outcome_test.unit
RPE_MAX = 20  # session_log rpe_range (Borg 6-20 or CR10)
AGE_MAX = 130  # walker age_years_range


def check_strings(document: Any, path: str = "") -> None:
    """Refuse text with NUL characters anywhere in the document (PostgreSQL cannot store it)."""
    if isinstance(document, str):
        if "\x00" in document:
            raise InvalidInput(path, document, "text without NUL characters (\\u0000)")
    elif isinstance(document, Mapping):
        for key, value in document.items():
            inner = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and "\x00" in key:
                raise InvalidInput(inner, key, "keys without NUL characters (\\u0000)")
            check_strings(value, inner)
    elif isinstance(document, list):
        for i, value in enumerate(document):
            check_strings(value, f"{path}[{i}]")


def check_contents(data: WalkerData) -> None:
    """Raise ``InvalidInput`` naming the path of the first record the store could not hold as
    it is (see the module docstring)."""
    walker = data.walker
    _uuid("walker.id", walker.id)
    profile = walker.profile
    _length("walker.profile.display_name", profile.display_name, DISPLAY_NAME_MAX)
    _pain("walker.profile.usual_pain_nprs", profile.usual_pain_nprs)
    _between("walker.profile.age_years", profile.age_years, 0, AGE_MAX)
    if not profile.body_mass_kg > 0:
        raise InvalidInput("walker.profile.body_mass_kg", profile.body_mass_kg, "more than 0 kg")
    _not_negative("walker.profile.forward_speed_m_s", profile.forward_speed_m_s)

    own = _Records(walker.id)
    for i, screening in enumerate(data.screenings):
        own.record(f"screenings[{i}]", screening)
    for i, program in enumerate(data.programs):
        path = f"programs[{i}]"
        own.record(path, program)
        _between(f"{path}.version", program.version, 1, INT32_MAX)
        _between(f"{path}.program.weeks", program.program.weeks, 1, INT32_MAX)
        spw = program.program.sessions_per_week
        _between(f"{path}.program.sessions_per_week", spw, 1, INT32_MAX)
    for i, history in enumerate(data.sessions):
        path = f"sessions[{i}]"
        stored = history.stored
        own.record(path, stored)
        _between(f"{path}.version", stored.version, 1, INT32_MAX)
        _link(f"{path}.program_id", stored.program_id, own.of("programs"), "a program")
        _logged(f"{path}.session", stored.session)
        _revisions(path, history)
    checkin_dates: set[Any] = set()
    for i, checkin in enumerate(data.checkins):
        path = f"checkins[{i}]"
        own.record(path, checkin)
        _pain(f"{path}.checkin.pain_next_morning_nprs", checkin.checkin.pain_next_morning_nprs)
        _pain(f"{path}.checkin.usual_pain_nprs", checkin.checkin.usual_pain_nprs)
        _unique(f"{path}.checkin.on", checkin.checkin.on, checkin_dates, "one check-in a day")
    for i, outcome in enumerate(data.outcomes):
        own.record(f"outcomes[{i}]", outcome)
        _length(f"outcomes[{i}].outcome.unit", outcome.outcome.unit, UNIT_MAX)
    for i, decision in enumerate(data.decisions):
        own.record(f"decisions[{i}]", decision)
        _link(f"decisions[{i}].session_id", decision.session_id, own.of("sessions"), "a session")
    digests: set[Any] = set()
    for i, imported in enumerate(data.imported_files):
        path = f"imported_files[{i}]"
        own.record(path, imported)
        digest = imported.content_sha256
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise InvalidInput(f"{path}.content_sha256", digest, "64 lowercase hexadecimal digits")
        _unique(f"{path}.content_sha256", digest, digests, "each file once")
        _length(f"{path}.original_name", imported.original_name, ORIGINAL_NAME_MAX)
        _length(f"{path}.format", imported.format, FILE_FORMAT_MAX)
        _link(f"{path}.session_id", imported.session_id, own.of("sessions"), "a session")


class _Records:
    """The walker every record must belong to, and the ids seen in each list."""

    def __init__(self, walker_id: str) -> None:
        self.walker_id = walker_id
        self.ids: dict[str, set[Any]] = {}

    def record(self, path: str, record: Any) -> None:
        _uuid(f"{path}.id", record.id)
        seen = self.ids.setdefault(path.partition("[")[0], set())
        _unique(f"{path}.id", record.id, seen, "an id used once in its list")
        if record.walker_id != self.walker_id:
            raise InvalidInput(
                f"{path}.walker_id", record.walker_id, f"the exported walker's id {self.walker_id}"
            )

    def of(self, key: str) -> set[Any]:
        return self.ids.get(key, set())


def _revisions(path: str, history: Any) -> None:
    stored = history.stored
    versions: set[Any] = set()
    for j, revision in enumerate(history.revisions):
        where = f"{path}.revisions[{j}]"
        if revision.session_id != stored.id:
            raise InvalidInput(f"{where}.session_id", revision.session_id, f"{stored.id}")
        allowed = f"an earlier version of the session: 1 to {stored.version - 1}, each once"
        if not 1 <= revision.version < stored.version:
            raise InvalidInput(f"{where}.version", revision.version, allowed)
        _unique(f"{where}.version", revision.version, versions, allowed)
        _logged(f"{where}.previous", revision.previous)


def _logged(path: str, session: LoggedSession) -> None:
    if session.pain_during_nprs is not None:  # None: not reported yet (imported recordings)
        _pain(f"{path}.pain_during_nprs", session.pain_during_nprs)
    if session.pain_after_nprs is not None:
        _pain(f"{path}.pain_after_nprs", session.pain_after_nprs)
    if session.rpe is not None:
        _between(f"{path}.rpe", session.rpe, 0, RPE_MAX)
    _not_negative(f"{path}.duration_s", session.duration_s)
    _not_negative(f"{path}.distance_m", session.distance_m)
    _not_negative(f"{path}.speed_m_s", session.speed_m_s)
    _not_negative(f"{path}.load_kg", session.load_kg)
    offset = session.performed_at.utcoffset()
    if offset is not None and offset % timedelta(seconds=1):
        raise InvalidInput(
            f"{path}.performed_at",
            session.performed_at.isoformat(),
            "a UTC offset in whole seconds",
        )


def _pain(path: str, value: int) -> None:
    if not 0 <= value <= 10:
        raise InvalidInput(path, value, "a whole number from 0 to 10")


def _between(path: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise InvalidInput(path, value, f"a whole number from {low} to {high}")


def _not_negative(path: str, value: float | None) -> None:
    if value is not None and value < 0:
        raise InvalidInput(path, value, "0 or more")


def _length(path: str, value: str, most: int) -> None:
    if len(value) > most:
        raise InvalidInput(path, value[:40] + "...", f"text of at most {most} characters")


def _uuid(path: str, value: str) -> None:
    try:
        ok = len(value) == 36 and str(uuid.UUID(value)) == value.lower()
    except ValueError:
        ok = False
    if not ok:
        raise InvalidInput(path, value, "a UUID such as 123e4567-e89b-12d3-a456-426614174000")


def _unique(path: str, value: Any, seen: set[Any], allowed: str) -> None:
    if value in seen:
        raise InvalidInput(path, value, f"{allowed} (this one is repeated)")
    seen.add(value)


def _link(path: str, value: str | None, ids: set[Any], what: str) -> None:
    if value is not None and value not in ids:
        raise InvalidInput(path, value, f"null or the id of {what} in this document")

"""The export document: all of one walker's data as one JSON document, and back (pure).

Layout (``format_version`` 1); every record is the ``formats.codec`` encoding of the store
record of the same name, so it decodes back to the very same record::

    {
      "format": "retrowalk-export",
      "format_version": 1,
      "exported_at": "2025-03-10T08:00:00+00:00",
      "walker": Walker,
      "screenings": [StoredScreening, ...],
      "programs": [StoredProgram, ...],
      "sessions": [StoredSession + {"revisions": [SessionRevision, ...]}, ...],
      "checkins": [StoredCheckIn, ...],
      "outcomes": [StoredOutcome, ...],
      "decisions": [StoredDecision, ...],
      "imported_files": [ImportedFile, ...]
    }

Sessions include deleted ones (``deleted_at`` set) and each carries its edit history. Lists are
in a fixed order (time, then id) so the same data always gives the same document.

``read_document`` is strict and reads everything before anything is written: a document that is
not a retrowalk export is an ``UnsupportedFile``; any other problem is an ``InvalidInput`` naming
its path (``sessions[3].session.pain_during_nprs``). Checks are those of the store (see
``export_checks``), not today's domain rules, so every export can be imported back.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, TypeVar

from retrowalk.errors import InvalidInput, UnsupportedFile
from retrowalk.formats.codec import MISSING, decode, decode_value, encode
from retrowalk.formats.export_checks import check_contents, check_strings
from retrowalk.store.records import (
    ImportedFile,
    SessionRevision,
    StoredCheckIn,
    StoredDecision,
    StoredOutcome,
    StoredProgram,
    StoredScreening,
    StoredSession,
    Walker,
)

FORMAT: Final = "retrowalk-export"
FORMAT_VERSION: Final = 1
LISTS: Final = (
    "screenings",
    "programs",
    "sessions",
    "checkins",
    "outcomes",
    "decisions",
    "imported_files",
)
KEYS: Final = ("format", "format_version", "exported_at", "walker", *LISTS)

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class SessionHistory:
    """A logged session and its earlier states (edits and deletion), oldest first."""

    stored: StoredSession
    revisions: tuple[SessionRevision, ...] = ()


@dataclass(frozen=True, slots=True)
class WalkerData:
    """Everything stored about one walker: what an export holds."""

    walker: Walker
    screenings: tuple[StoredScreening, ...] = ()
    programs: tuple[StoredProgram, ...] = ()
    sessions: tuple[SessionHistory, ...] = ()
    checkins: tuple[StoredCheckIn, ...] = ()
    outcomes: tuple[StoredOutcome, ...] = ()
    decisions: tuple[StoredDecision, ...] = ()
    imported_files: tuple[ImportedFile, ...] = ()


def build_document(data: WalkerData, *, exported_at: datetime) -> dict[str, Any]:
    """The export document of ``data`` (JSON-safe; see the module docstring)."""
    if not isinstance(exported_at, datetime) or exported_at.utcoffset() is None:
        raise InvalidInput("exported_at", exported_at, "a date and time with a UTC offset")

    def encoded(records: tuple[R, ...], key: Callable[[R], Any]) -> list[dict[str, Any]]:
        return [encode(record) for record in sorted(records, key=key)]

    sessions = []
    for history in sorted(data.sessions, key=_session_order):
        item = encode(history.stored)
        revisions = sorted(history.revisions, key=lambda r: r.version)
        item["revisions"] = [encode(revision) for revision in revisions]
        sessions.append(item)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": exported_at.isoformat(),
        "walker": encode(data.walker),
        "screenings": encoded(data.screenings, lambda r: (r.taken_at, r.id)),
        "programs": encoded(data.programs, lambda r: (r.created_at, r.id)),
        "sessions": sessions,
        "checkins": encoded(data.checkins, lambda r: (r.checkin.on, r.id)),
        "outcomes": encoded(data.outcomes, lambda r: (r.taken_at, r.id)),
        "decisions": encoded(data.decisions, lambda r: (r.made_at, r.id)),
        "imported_files": encoded(data.imported_files, lambda r: (r.imported_at, r.id)),
    }


def _session_order(history: SessionHistory) -> tuple[datetime, datetime, str]:
    stored = history.stored
    return stored.session.performed_at, stored.created_at, stored.id


def is_export_document(document: Any) -> bool:
    """Whether ``document`` (parsed JSON) says it is a retrowalk export (any version)."""
    return isinstance(document, Mapping) and document.get("format") == FORMAT


def read_document(document: Any, *, source: str) -> WalkerData:
    """The records of an export document (parsed JSON), checked whole; nothing is guessed.

    ``source`` names the document in errors (a file name). ``UnsupportedFile`` when it is not a
    retrowalk export; ``InvalidInput`` naming the path of the first problem otherwise.
    """
    if not is_export_document(document):
        raise UnsupportedFile(source, _not_an_export(document))
    version = document.get("format_version", MISSING)
    if isinstance(version, bool) or version != FORMAT_VERSION:
        raise InvalidInput(
            "format_version",
            version,
            f"{FORMAT_VERSION} (the export format this version of retrowalk reads)",
        )
    for key in document:
        if key not in KEYS:
            raise InvalidInput(key, _brief(document[key]), f"only the keys {', '.join(KEYS)}")
    for key in KEYS:
        if key not in document:
            raise InvalidInput(key, MISSING, f"every key of an export: {', '.join(KEYS)}")
    check_strings(document)
    decode_value(document["exported_at"], datetime, path="exported_at")
    data = WalkerData(
        walker=decode(Walker, document["walker"], path="walker"),
        screenings=_records(document, "screenings", StoredScreening),
        programs=_records(document, "programs", StoredProgram),
        sessions=tuple(
            _session(item, f"sessions[{i}]") for i, item in _items(document, "sessions")
        ),
        checkins=_records(document, "checkins", StoredCheckIn),
        outcomes=_records(document, "outcomes", StoredOutcome),
        decisions=_records(document, "decisions", StoredDecision),
        imported_files=_records(document, "imported_files", ImportedFile),
    )
    check_contents(data)
    return data


def _not_an_export(document: Any) -> str:
    expected = f'a JSON object with "format": "{FORMAT}"'
    if not isinstance(document, Mapping):
        return f"not a retrowalk export (expected {expected}, found {_brief(document)})"
    if "format" not in document:
        return f'not a retrowalk export (no "format" marker; expected {expected})'
    return f"not a retrowalk export (format {_brief(document['format'])!r}; expected {expected})"


def _brief(value: Any) -> Any:
    """``value`` for an error message: containers are described, not dumped."""
    if isinstance(value, Mapping):
        return "(a JSON object)"
    if isinstance(value, list | tuple):
        return f"(a list of {len(value)})"
    if isinstance(value, str) and len(value) > 60:
        return value[:57] + "..."
    return value


def _items(document: Mapping[str, Any], key: str) -> enumerate[Any]:
    items = document[key]
    if not isinstance(items, list):
        raise InvalidInput(key, _brief(items), "a list (possibly empty)")
    return enumerate(items)


def _records(document: Mapping[str, Any], key: str, cls: type[R]) -> tuple[R, ...]:
    return tuple(decode(cls, item, path=f"{key}[{i}]") for i, item in _items(document, key))


def _session(item: Any, path: str) -> SessionHistory:
    if not isinstance(item, Mapping):
        raise InvalidInput(path, _brief(item), "an object with the fields of StoredSession")
    known = (*(f.name for f in dataclasses.fields(StoredSession)), "revisions")
    for key in item:
        if key not in known:
            raise InvalidInput(f"{path}.{key}", _brief(item[key]), f"the fields {', '.join(known)}")
    fields = {name: value for name, value in item.items() if name != "revisions"}
    stored = decode(StoredSession, fields, path=path)
    if "revisions" not in item:
        raise InvalidInput(f"{path}.revisions", MISSING, "a list of SessionRevision (or [])")
    revisions = item["revisions"]
    if not isinstance(revisions, list):
        raise InvalidInput(f"{path}.revisions", _brief(revisions), "a list of SessionRevision")
    return SessionHistory(
        stored=stored,
        revisions=tuple(
            decode(SessionRevision, revision, path=f"{path}.revisions[{j}]")
            for j, revision in enumerate(revisions)
        ),
    )


def counts(data: WalkerData) -> dict[str, int]:
    """How many records of each kind ``data`` holds (revisions counted apart)."""
    out = {key: len(getattr(data, key)) for key in LISTS}
    out["session_revisions"] = sum(len(history.revisions) for history in data.sessions)
    return out


__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "KEYS",
    "LISTS",
    "SessionHistory",
    "WalkerData",
    "build_document",
    "counts",
    "is_export_document",
    "read_document",
]

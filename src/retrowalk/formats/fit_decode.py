"""Decode a FIT file's bytes with fitdecode, checking every checksum; refuse damaged files.

Keeps only the messages an activity summary needs (file_id, session, lap, event, activity,
sport, and a few fields of each record), so memory stays small. Every decoding failure becomes
an UnsupportedFile naming the file and the problem: not a FIT file, corrupt header (also of a
second FIT file chained after the first), checksum mismatch, truncated, undecodable data.
Trailing padding (zero bytes or a newline) after complete FIT data is ignored with a warning.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import fitdecode

from retrowalk.errors import UnsupportedFile

RECORD_FIELDS = (
    "timestamp",
    "distance",
    "enhanced_speed",
    "speed",
    "enhanced_altitude",
    "altitude",
    "heart_rate",
    "cadence",
    "fractional_cadence",
    "activity_type",
    "position_lat",
    "position_long",
)
KEPT_MESSAGES = frozenset({"file_id", "session", "lap", "event", "activity", "sport"})


@dataclass
class FitMessages:
    """The kept messages as ``{field name: value}`` dicts, records apart; decoder warnings."""

    by_name: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    records: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def get(self, name: str) -> list[dict[str, Any]]:
        return self.by_name.get(name, [])


def decode_fit(name: str, data: bytes) -> FitMessages:
    """Decode every FIT file chained in ``data``; ``name`` only names the file in errors."""
    messages = FitMessages()
    complete_bytes = 0  # bytes of the chained FIT files read to their checksum so far
    header: fitdecode.FitHeader | None = None
    reader = fitdecode.FitReader(
        data,
        check_crc=fitdecode.CrcCheck.RAISE,
        error_handling=fitdecode.ErrorHandling.WARN,
    )
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for frame in reader:
                if isinstance(frame, fitdecode.FitHeader):
                    header = frame
                elif isinstance(frame, fitdecode.FitCRC) and header is not None:
                    complete_bytes += header.header_size + header.body_size + 2
                elif isinstance(frame, fitdecode.FitDataMessage):
                    _keep(messages, frame)
        messages.warnings = sorted({str(w.message) for w in caught})
    except fitdecode.FitHeaderError as exc:
        trailer = data[complete_bytes:]
        if complete_bytes == 0 or trailer.strip(b"\x00\r\n\t ") != b"":
            raise UnsupportedFile(name, _header_problem(complete_bytes, len(data))) from exc
        messages.warnings = [f"{len(trailer)} padding bytes after the FIT data were ignored"]
    except fitdecode.FitCRCError as exc:
        raise UnsupportedFile(
            name, "is corrupt: its checksum (CRC) does not match its contents"
        ) from exc
    except fitdecode.FitEOFError as exc:
        declared = _declared_size(header, complete_bytes)
        raise UnsupportedFile(
            name,
            f"is truncated: it ends at byte {len(data)} but its header declares {declared} "
            "bytes, so its checksum cannot be verified; copy it again from the device",
        ) from exc
    except fitdecode.FitParseError as exc:
        declared = _declared_size(header, complete_bytes)
        short = f"; it is also {declared - len(data)} bytes shorter than its header declares"
        raise UnsupportedFile(
            name,
            f"is damaged: it cannot be decoded past byte {exc.offset} of {len(data)} "
            f"(decoder: {str(exc).split(': ', 1)[-1]}), as when the recording app crashed"
            + (short if declared > len(data) else ""),
        ) from exc
    except (fitdecode.FitError, ValueError, KeyError, IndexError, OverflowError) as exc:
        raise UnsupportedFile(name, f"cannot be decoded as FIT ({exc})") from exc
    finally:
        reader.close()
    return messages


def _header_problem(complete_bytes: int, size: int) -> str:
    if complete_bytes == 0:
        return "has a corrupt FIT header (its '.FIT' signature or header size is wrong)"
    return (
        f"is damaged: its first {complete_bytes} bytes are a complete FIT file, but the "
        f"{size - complete_bytes} bytes after them do not start with a valid FIT header "
        "(a second, chained FIT file with a corrupt header)"
    )


def _declared_size(header: fitdecode.FitHeader | None, complete_bytes: int) -> int:
    if header is None:
        return complete_bytes
    return complete_bytes + int(header.header_size) + int(header.body_size) + 2


def _keep(messages: FitMessages, frame: fitdecode.FitDataMessage) -> None:
    if frame.name == "record":
        messages.records.append(
            {n: frame.get_value(n) for n in RECORD_FIELDS if frame.has_field(n)}
        )
    elif frame.name in KEPT_MESSAGES:
        values = {f.name: f.value for f in frame.fields if f.value is not None}
        messages.by_name.setdefault(frame.name, []).append(values)


def require_activity(name: str, messages: FitMessages) -> None:
    """Refuse a FIT file that is not an activity recording (settings, course...) or is empty."""
    types = {str(m.get("type")) for m in messages.get("file_id")}
    if types and "activity" not in types:
        kind = " and ".join(sorted(types))
        raise UnsupportedFile(name, f"is a FIT {kind} file (device data), not a recorded activity")
    if not (messages.get("session") or messages.get("lap") or messages.records):
        raise UnsupportedFile(name, "holds no activity data (no session, lap or record messages)")

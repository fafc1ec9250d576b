"""A minimal FIT encoder for tests: the few messages the reader uses, FIT protocol 2.0.

Field numbers, base types, scales and offsets are those of the FIT profile (Garmin FIT SDK,
Profile.xlsx), so files written here decode with any FIT decoder.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from fitdecode.utils import compute_crc

FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)
# base type name -> (FIT base type code, struct format)
_BASE = {
    "enum": (0x00, "B"),
    "uint8": (0x02, "B"),
    "uint16": (0x84, "H"),
    "sint32": (0x85, "i"),
    "uint32": (0x86, "I"),
}
# message name -> (global number, {field: (field number, base type, scale, offset)})
_MESSAGES: dict[str, tuple[int, dict[str, tuple[int, str, float, float]]]] = {
    "file_id": (
        0,
        {
            "type": (0, "enum", 1, 0),
            "manufacturer": (1, "uint16", 1, 0),
            "time_created": (4, "uint32", 1, 0),
        },
    ),
    "session": (
        18,
        {
            "start_time": (2, "uint32", 1, 0),
            "sport": (5, "enum", 1, 0),
            "sub_sport": (6, "enum", 1, 0),
            "total_elapsed_time": (7, "uint32", 1000, 0),
            "total_timer_time": (8, "uint32", 1000, 0),
            "total_distance": (9, "uint32", 100, 0),
            "total_cycles": (10, "uint32", 1, 0),
            "avg_heart_rate": (16, "uint8", 1, 0),
            "timestamp": (253, "uint32", 1, 0),
        },
    ),
    "record": (
        20,
        {
            "altitude": (2, "uint16", 5, 500),
            "heart_rate": (3, "uint8", 1, 0),
            "cadence": (4, "uint8", 1, 0),
            "distance": (5, "uint32", 100, 0),
            "speed": (6, "uint16", 1000, 0),
            "activity_type": (42, "enum", 1, 0),
            "fractional_cadence": (53, "uint8", 128, 0),
            "timestamp": (253, "uint32", 1, 0),
        },
    ),
    "event": (
        21,
        {
            "event": (0, "enum", 1, 0),
            "event_type": (1, "enum", 1, 0),
            "timestamp": (253, "uint32", 1, 0),
        },
    ),
    "activity": (
        34,
        {"local_timestamp": (5, "uint32", 1, 0), "timestamp": (253, "uint32", 1, 0)},
    ),
}
# FIT profile enum values used by the tests
FILE_ACTIVITY, FILE_SETTINGS = 4, 2
SPORT_RUNNING, SPORT_CYCLING, SPORT_WALKING = 1, 2, 11
SUB_SPORT_TREADMILL = 1
ACTIVITY_TYPE_WALKING = 6
EVENT_TIMER, EVENT_START, EVENT_STOP_ALL = 0, 0, 4


def fit_bytes(messages: Sequence[tuple[str, Mapping[str, float | datetime]]]) -> bytes:
    """A complete FIT file (header, definitions, data, checksums) holding ``messages``."""
    body = bytearray()
    local_numbers: dict[tuple[str, tuple[str, ...]], int] = {}
    for name, values in messages:
        global_number, layout = _MESSAGES[name]
        fields = tuple(values)
        key = (name, fields)
        if key not in local_numbers:
            local_numbers[key] = len(local_numbers)
            assert len(local_numbers) <= 16, "too many message layouts for this tiny encoder"
            body += struct.pack(
                "<BBBHB", 0x40 | local_numbers[key], 0, 0, global_number, len(fields)
            )
            for field in fields:
                number, base, _, _ = layout[field]
                code, fmt = _BASE[base]
                body += struct.pack("<BBB", number, struct.calcsize(fmt), code)
        body.append(local_numbers[key])
        for field in fields:
            _, base, scale, offset = layout[field]
            value = values[field]
            seconds = (value - FIT_EPOCH).total_seconds() if isinstance(value, datetime) else value
            body += struct.pack("<" + _BASE[base][1], round((seconds + offset) * scale))
    header = struct.pack("<BBHI4s", 14, 0x20, 2132, len(body), b".FIT")
    header += struct.pack("<H", compute_crc(header))
    return header + bytes(body) + struct.pack("<H", compute_crc(header + body))

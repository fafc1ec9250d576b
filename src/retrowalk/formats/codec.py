"""Domain value objects (and store records) to and from JSON-safe data, losslessly.

Pure functions driven by the dataclasses' type hints, so a new field is covered without a new
line here:

- enums become their stable string values;
- datetimes become ISO 8601 text with the UTC offset (naive datetimes are refused), dates
  ``YYYY-MM-DD``;
- tuples become lists, frozensets sorted lists (enums sorted by value), nested dataclasses
  objects with one key per field (defaults included, so a document is complete);
- floats must be finite (JSON has no NaN).

``decode(cls, data)`` is strict: an unknown or missing key, a value of the wrong type or an
unknown enum value raises ``InvalidInput`` naming the path (``program.sessions[2].target.
modality``), the value and what is allowed. So ``decode(type(x), encode(x)) == x`` for every
object, and a damaged document is refused instead of half-read.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import Any, TypeVar

from retrowalk.errors import InvalidInput

T = TypeVar("T")


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


MISSING = _Missing()


def encode(obj: Any) -> dict[str, Any]:
    """A dataclass instance as a JSON-safe dict (see module docstring)."""
    if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
        raise TypeError(f"encode takes a dataclass instance, not {type(obj).__name__}")
    result = _encode(obj, type(obj), _path_root(type(obj)))
    assert isinstance(result, dict)
    return result


def decode(cls: type[T], data: Any, *, path: str | None = None) -> T:
    """The ``cls`` instance that ``encode`` turned into ``data``; strict (see module docstring)."""
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"decode builds dataclasses, not {cls!r}")
    return typing.cast(T, _decode(data, cls, path or _path_root(cls)))


def encode_value(value: Any, hint: Any, *, path: str = "value") -> Any:
    """Encode one value of the given type (e.g. ``tuple[Reason, ...]``)."""
    return _encode(value, hint, path)


def decode_value(data: Any, hint: Any, *, path: str = "value") -> Any:
    """Decode one value of the given type (e.g. ``tuple[Reason, ...]``)."""
    return _decode(data, hint, path)


def _path_root(cls: type) -> str:
    return cls.__name__[0].lower() + cls.__name__[1:]


@cache
def _fields(cls: type) -> tuple[tuple[str, Any, bool], ...]:
    """(name, resolved type hint, required) of each init field of a dataclass."""
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        if not f.init:
            continue
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        out.append((f.name, hints[f.name], required))
    return tuple(out)


def _is_union(origin: Any) -> bool:
    return origin is typing.Union or origin is types.UnionType


def _describe(hint: Any) -> str:
    if hint is type(None):
        return "null"
    if isinstance(hint, type) and issubclass(hint, Enum):
        return "one of " + ", ".join(str(member.value) for member in hint)
    names = {
        bool: "true or false",
        int: "a whole number",
        float: "a finite number",
        str: "text",
        datetime: "an ISO 8601 date and time with a UTC offset",
        date: "an ISO 8601 date (YYYY-MM-DD)",
    }
    if hint in names:
        return names[hint]
    origin = typing.get_origin(hint)
    if _is_union(origin):
        return " or ".join(_describe(arg) for arg in typing.get_args(hint))
    if origin in (tuple, list, frozenset, set):
        return f"a list of {_describe(typing.get_args(hint)[0])}"
    if origin in (dict, Mapping):
        return "a JSON object"
    if dataclasses.is_dataclass(hint):
        return f"an object with the fields of {getattr(hint, '__name__', hint)}"
    return str(hint)


def _refuse(path: str, value: Any, hint: Any) -> InvalidInput:
    return InvalidInput(path, value, _describe(hint))


def _encode(value: Any, hint: Any, path: str) -> Any:
    origin = typing.get_origin(hint)
    if hint is Any:
        return _json_safe(value, path)
    if hint is type(None):
        if value is None:
            return None
        raise _refuse(path, value, hint)
    if _is_union(origin):
        for arg in typing.get_args(hint):
            if _matches(value, arg):
                return _encode(value, arg, path)
        raise _refuse(path, value, hint)
    if isinstance(hint, type) and issubclass(hint, Enum):
        if isinstance(value, hint):
            return value.value
        raise _refuse(path, value, hint)
    if hint is bool:
        if isinstance(value, bool):
            return value
        raise _refuse(path, value, hint)
    if hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise _refuse(path, value, hint)
    if hint is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            if not math.isfinite(value):
                raise _refuse(path, value, hint)
            return value
        raise _refuse(path, value, hint)
    if hint is str:
        if isinstance(value, str):
            return value
        raise _refuse(path, value, hint)
    if hint is datetime:
        if isinstance(value, datetime) and value.utcoffset() is not None:
            return value.isoformat()
        raise _refuse(path, value, hint)
    if hint is date:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value.isoformat()
        raise _refuse(path, value, hint)
    if origin in (tuple, list):
        if not isinstance(value, tuple | list):
            raise _refuse(path, value, hint)
        item = _item_hint(hint, path)
        return [_encode(v, item, f"{path}[{i}]") for i, v in enumerate(value)]
    if origin in (frozenset, set):
        if not isinstance(value, frozenset | set):
            raise _refuse(path, value, hint)
        item = typing.get_args(hint)[0]
        encoded = [_encode(v, item, f"{path}[]") for v in value]
        try:
            return sorted(encoded)
        except TypeError:
            return sorted(encoded, key=_sort_key)
    if origin in (dict, Mapping):
        if not isinstance(value, Mapping):
            raise _refuse(path, value, hint)
        return _json_safe(value, path)
    if dataclasses.is_dataclass(hint):
        if not isinstance(value, hint):  # type: ignore[arg-type]
            raise _refuse(path, value, hint)
        return {
            name: _encode(getattr(value, name), field_hint, f"{path}.{name}")
            for name, field_hint, _ in _fields(hint)  # type: ignore[arg-type]
        }
    raise TypeError(f"{path}: the codec does not know the type {hint!r}")


def _matches(value: Any, hint: Any) -> bool:
    """Whether ``value`` belongs to ``hint`` (for picking the member of a union to encode)."""
    origin = typing.get_origin(hint)
    if hint is Any:
        return True
    if hint is type(None):
        return value is None
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is date:
        return isinstance(value, date) and not isinstance(value, datetime)
    if origin is not None:
        runtime = {tuple: tuple, list: list, frozenset: frozenset, set: set, dict: dict}
        return isinstance(value, runtime.get(origin, object))
    return isinstance(value, hint)


def _item_hint(hint: Any, path: str) -> Any:
    args = typing.get_args(hint)
    if typing.get_origin(hint) is tuple and not (len(args) == 2 and args[1] is Ellipsis):
        raise TypeError(f"{path}: only homogeneous tuples (tuple[X, ...]) are supported")
    return args[0]


def _sort_key(encoded: Any) -> tuple[str, str]:
    return (type(encoded).__name__, repr(encoded))


def _json_safe(value: Any, path: str) -> Any:
    """A deep copy of plain JSON data; anything else (NaN, sets, objects) is refused."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise InvalidInput(path, value, "a finite number")
        return value
    if isinstance(value, list | tuple):
        return [_json_safe(v, f"{path}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, Mapping):
        out = {}
        for key, v in value.items():
            if not isinstance(key, str):
                raise InvalidInput(f"{path} key", key, "text keys")
            out[key] = _json_safe(v, f"{path}.{key}")
        return out
    raise InvalidInput(path, value, "JSON data (null, true/false, numbers, text, lists, objects)")


def _decode(data: Any, hint: Any, path: str) -> Any:
    origin = typing.get_origin(hint)
    if hint is Any:
        return _json_safe(data, path)
    if hint is type(None):
        if data is None:
            return None
        raise _refuse(path, data, hint)
    if _is_union(origin):
        args = typing.get_args(hint)
        if data is not None:
            args = tuple(arg for arg in args if arg is not type(None))
            if len(args) == 1:  # an optional value: keep the precise message of its type
                return _decode(data, args[0], path)
        for arg in args:
            try:
                return _decode(data, arg, path)
            except InvalidInput:
                continue
        raise _refuse(path, data, hint)
    if isinstance(hint, type) and issubclass(hint, Enum):
        try:
            return hint(data)
        except ValueError:
            raise _refuse(path, data, hint) from None
    if hint is bool:
        if isinstance(data, bool):
            return data
        raise _refuse(path, data, hint)
    if hint is int:
        if isinstance(data, int) and not isinstance(data, bool):
            return data
        raise _refuse(path, data, hint)
    if hint is float:
        if isinstance(data, int | float) and not isinstance(data, bool) and math.isfinite(data):
            return float(data)
        raise _refuse(path, data, hint)
    if hint is str:
        if isinstance(data, str):
            return data
        raise _refuse(path, data, hint)
    if hint is datetime:
        return _decode_datetime(data, path)
    if hint is date:
        return _decode_date(data, path)
    if origin in (tuple, list, frozenset, set):
        if not isinstance(data, list):
            raise _refuse(path, data, hint)
        item = _item_hint(hint, path) if origin is tuple else typing.get_args(hint)[0]
        items = [_decode(v, item, f"{path}[{i}]") for i, v in enumerate(data)]
        return {tuple: tuple, list: list, frozenset: frozenset, set: set}[origin](items)
    if origin in (dict, Mapping):
        if not isinstance(data, Mapping):
            raise _refuse(path, data, hint)
        return _json_safe(data, path)
    if dataclasses.is_dataclass(hint):
        return _decode_dataclass(data, typing.cast(type, hint), path)
    raise TypeError(f"{path}: the codec does not know the type {hint!r}")


def _decode_datetime(data: Any, path: str) -> datetime:
    if isinstance(data, str):
        try:
            value = datetime.fromisoformat(data)
        except ValueError:
            value = None
        if value is not None and value.utcoffset() is not None:
            return value
    raise _refuse(path, data, datetime)


def _decode_date(data: Any, path: str) -> date:
    if isinstance(data, str) and len(data) == 10:
        try:
            return date.fromisoformat(data)
        except ValueError:
            pass
    raise _refuse(path, data, date)


def _decode_dataclass(data: Any, cls: type, path: str) -> Any:
    if not isinstance(data, Mapping):
        raise _refuse(path, data, cls)
    fields = _fields(cls)
    known = {name for name, _, _ in fields}
    for key in data:
        if key not in known:
            raise InvalidInput(f"{path}.{key}", data[key], f"the fields {', '.join(sorted(known))}")
    kwargs = {}
    for name, field_hint, required in fields:
        if name in data:
            kwargs[name] = _decode(data[name], field_hint, f"{path}.{name}")
        elif required:
            raise InvalidInput(f"{path}.{name}", MISSING, _describe(field_hint))
    try:
        return cls(**kwargs)
    except (KeyError, ValueError, TypeError) as exc:
        raise InvalidInput(path, "(the object)", str(exc).strip("'\"")) from exc


def to_jsonable(value: Any) -> Any:
    """Any dataclass, or a sequence of them, as JSON-safe data (for output documents)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return encode(value)
    if isinstance(value, list | tuple):
        return [to_jsonable(item) for item in value]
    return encode_value(value, type(value))

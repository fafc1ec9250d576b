"""One exception hierarchy for the whole product.

Interfaces translate these: the CLI prints a one-line message and exits 2, the API answers
with a problem+json body naming the field.
"""

from __future__ import annotations

from typing import Any


class RetrowalkError(Exception):
    """Base of every error retrowalk raises on purpose."""


class InvalidInput(RetrowalkError):
    """A value outside what is allowed; names the field, the value and the allowed range."""

    def __init__(self, field: str, value: Any, allowed: str) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        super().__init__(f"{field}: {value!r} is not allowed; allowed: {allowed}")


class UnsupportedFile(RetrowalkError):
    """A file that cannot be read, or is not what it should be (a ride is not a walk)."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class NotFound(RetrowalkError):
    """The thing asked for does not exist (or is not visible to the one asking)."""


class Conflict(RetrowalkError):
    """A write that would silently overwrite another one, or a duplicate."""


class Forbidden(RetrowalkError):
    """The one asking may not do this."""

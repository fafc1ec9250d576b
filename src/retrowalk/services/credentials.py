"""Secrets: password hashes, session and API tokens, invitation codes.

- Passwords: argon2id with argon2-cffi's ``PasswordHasher`` defaults (RFC 9106's low-memory
  profile); a hash made with older parameters is replaced at the next successful sign-in
  (``check_needs_rehash``). An unknown email is checked against a dummy hash, so a sign-in
  takes as long whether or not the account exists.
- Tokens: ``secrets.token_urlsafe(32)`` (256 bits); only their SHA-256 is stored, and stored
  digests are compared in constant time.
- Invitation codes: 16 characters from an alphabet without look-alikes (I/1, O/0, L), shown as
  ``ABCD-EFGH-JKMN-PQRS`` so a patient can type one (about 79 bits); stored as SHA-256.

Nothing here logs or returns a secret except the new token or code handed to its owner once.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

HASHER = PasswordHasher()
"""The hasher in use (tests may swap in cheaper parameters; production keeps the defaults)."""

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 16
CODE_GROUP = 4

_dummy_hashes: dict[tuple[int, int, int], str] = {}


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> tuple[bool, str | None]:
    """(whether ``password`` matches, a new hash when the stored one used old parameters).

    ``stored_hash`` None (no such account) costs the same time and never matches.
    """
    if stored_hash is None:
        with contextlib.suppress(VerificationError, InvalidHashError):
            HASHER.verify(_dummy_hash(), password)
        return False, None
    try:
        HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False, None
    return True, HASHER.hash(password) if HASHER.check_needs_rehash(stored_hash) else None


def _dummy_hash() -> str:
    key = (HASHER.time_cost, HASHER.memory_cost, HASHER.parallelism)
    if key not in _dummy_hashes:
        _dummy_hashes[key] = HASHER.hash(secrets.token_urlsafe(32))
    return _dummy_hashes[key]


def new_token() -> str:
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """SHA-256 of a token or a normalised invitation code, as 64 hex characters."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def same_digest(stored: str, computed: str) -> bool:
    return hmac.compare_digest(stored.encode("ascii"), computed.encode("ascii"))


def new_invitation_code() -> str:
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(code[i : i + CODE_GROUP] for i in range(0, CODE_LENGTH, CODE_GROUP))


def normalise_code(code: str) -> str | None:
    """The code as stored (upper case, no spaces or dashes), or None if it cannot be one."""
    if not isinstance(code, str) or len(code) > 4 * CODE_LENGTH:
        return None
    cleaned = "".join(ch for ch in code.upper() if ch not in " -\t")
    if len(cleaned) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in cleaned):
        return None
    return cleaned

"""Secrets: password hashes, tokens and invitation codes (services.credentials)."""

from __future__ import annotations

import hashlib

import pytest
from argon2 import PasswordHasher

from retrowalk.services import credentials

CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(credentials, "HASHER", CHEAP)


def test_a_password_verifies_only_against_its_own_hash() -> None:
    stored = credentials.hash_password("correct horse battery")
    assert credentials.verify_password(stored, "correct horse battery") == (True, None)
    assert credentials.verify_password(stored, "correct horse batterY") == (False, None)
    assert credentials.verify_password("not a hash", "correct horse battery") == (False, None)


def test_no_account_never_matches() -> None:
    assert credentials.verify_password(None, "anything at all") == (False, None)


def test_an_old_hash_is_replaced_by_one_with_the_current_parameters() -> None:
    old = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1).hash("correct horse battery")
    ok, new_hash = credentials.verify_password(old, "correct horse battery")
    assert ok and new_hash is not None
    assert not CHEAP.check_needs_rehash(new_hash)


def test_tokens_are_long_random_and_stored_as_sha256() -> None:
    tokens = {credentials.new_token() for _ in range(50)}
    assert len(tokens) == 50
    assert all(len(t) >= 43 for t in tokens)
    token = tokens.pop()
    assert credentials.digest(token) == hashlib.sha256(token.encode()).hexdigest()
    assert credentials.same_digest(credentials.digest(token), credentials.digest(token))
    assert not credentials.same_digest(credentials.digest(token), credentials.digest(token + "x"))


def test_invitation_codes_are_typeable_and_normalised() -> None:
    code = credentials.new_invitation_code()
    groups = code.split("-")
    assert [len(g) for g in groups] == [4, 4, 4, 4]
    assert all(ch in credentials.CODE_ALPHABET for ch in "".join(groups))
    assert credentials.normalise_code(f"  {code.lower().replace('-', ' ')} ") == "".join(groups)


@pytest.mark.parametrize(
    "code",
    ["", "ABCD-EFGH-JKMN-PQR", "ABCD-EFGH-JKMN-PQRST", "ABCD-EFGH-JKMN-PQR1", "O" * 16, "x" * 500],
)
def test_what_cannot_be_a_code_is_refused(code: str) -> None:
    """Too short, too long, or with look-alikes the alphabet leaves out (1, O...)."""
    assert credentials.normalise_code(code) is None

"""Accounts and their credentials: accounts, sign-in sessions, API tokens, login attempts.

Only digests reach this module: sessions and API tokens are looked up by the SHA-256 of the
token, passwords are argon2 hashes made by ``services.accounts``. Lookups of one account by
id raise ``NotFound``; lookups by email, session or token return ``None`` when there is none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, delete, select, update

from retrowalk.domain.access import LoginAttempt, Role
from retrowalk.errors import NotFound
from retrowalk.store._base import Repository, aware, checked_id, new_id
from retrowalk.store.accounts_tables import (
    AccountRow,
    ApiTokenRow,
    AuthSessionRow,
    LoginAttemptRow,
)


@dataclass(frozen=True, slots=True)
class Account:
    id: str
    email: str
    role: Role
    display_name: str
    walker_id: str | None
    created_at: datetime
    password_hash: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class Credential:
    """The account behind a session or API token (found by the token's SHA-256), and when that
    credential was made and last used."""

    account: Account
    token_sha256: str
    created_at: datetime
    last_used_at: datetime | None


def _account(row: AccountRow) -> Account:
    return Account(
        id=row.id,
        email=row.email,
        role=Role(row.role),
        display_name=row.display_name,
        walker_id=row.walker_id,
        created_at=row.created_at,
        password_hash=row.password_hash,
    )


_API_TOKEN = (  # built once: every API request reads its token
    select(ApiTokenRow, AccountRow)
    .join(AccountRow, AccountRow.id == ApiTokenRow.account_id)
    .where(ApiTokenRow.token_sha256 == bindparam("token_sha256"))
)


class AccountRepository(Repository):
    # --- accounts -----------------------------------------------------------------------------

    def add(
        self,
        *,
        email: str,
        password_hash: str,
        role: Role,
        display_name: str,
        walker_id: str | None = None,
        id: str | None = None,
        created_at: datetime | None = None,
    ) -> Account:
        """``Conflict`` when the email (or the walker) already has an account."""
        row = AccountRow(
            id=checked_id("account.id", id),
            email=email,
            password_hash=password_hash,
            role=Role(role).value,
            display_name=display_name,
            walker_id=walker_id,
            created_at=aware("account.created_at", created_at or self._clock()),
        )
        with self._guarded("account"):
            self._session.add(row)
        return _account(row)

    def get(self, account_id: str) -> Account:
        return _account(self._row(account_id))

    def by_email(self, email: str) -> Account | None:
        row = self._session.scalars(select(AccountRow).where(AccountRow.email == email)).first()
        return None if row is None else _account(row)

    def by_walker(self, walker_id: str) -> Account | None:
        statement = select(AccountRow).where(AccountRow.walker_id == walker_id)
        row = self._session.scalars(statement).first()
        return None if row is None else _account(row)

    def set_password_hash(self, account_id: str, password_hash: str) -> None:
        row = self._row(account_id)
        with self._guarded(f"account {account_id}"):
            row.password_hash = password_hash

    def link_walker(self, account_id: str, walker_id: str) -> Account:
        """``Conflict`` when the walker belongs to another account; ``NotFound`` when it does
        not exist."""
        row = self._row(account_id)
        with self._guarded(f"walker profile of account {account_id}"):
            row.walker_id = walker_id
        return _account(row)

    def _row(self, account_id: str) -> AccountRow:
        row = self._session.get(AccountRow, account_id)
        if row is None:
            raise NotFound(f"account {account_id} not found")
        return row

    # --- sign-in sessions ---------------------------------------------------------------------

    def add_session(self, token_sha256: str, account_id: str, *, at: datetime) -> None:
        at = aware("auth_session.created_at", at)
        row = AuthSessionRow(
            token_sha256=token_sha256, account_id=account_id, created_at=at, last_seen_at=at
        )
        with self._guarded("sign-in session"):
            self._session.add(row)

    def session(self, token_sha256: str) -> Credential | None:
        statement = (
            select(AuthSessionRow, AccountRow)
            .join(AccountRow, AccountRow.id == AuthSessionRow.account_id)
            .where(AuthSessionRow.token_sha256 == token_sha256)
        )
        found = self._session.execute(statement).first()
        if found is None:
            return None
        session, account = found
        return Credential(
            _account(account), session.token_sha256, session.created_at, session.last_seen_at
        )

    def touch_session(self, token_sha256: str, *, at: datetime) -> None:
        self._session.execute(
            update(AuthSessionRow)
            .where(AuthSessionRow.token_sha256 == token_sha256)
            .values(last_seen_at=aware("auth_session.last_seen_at", at))
        )

    def delete_session(self, token_sha256: str) -> None:
        self._session.execute(
            delete(AuthSessionRow).where(AuthSessionRow.token_sha256 == token_sha256)
        )

    def delete_sessions_idle_since(self, before: datetime) -> int:
        result = self._session.execute(
            delete(AuthSessionRow).where(AuthSessionRow.last_seen_at < aware("before", before))
        )
        return int(getattr(result, "rowcount", 0) or 0)

    # --- API tokens ---------------------------------------------------------------------------

    def add_api_token(self, token_sha256: str, account_id: str, *, name: str, at: datetime) -> None:
        """``Conflict`` when the account already has a token of that name."""
        row = ApiTokenRow(
            token_sha256=token_sha256,
            account_id=account_id,
            name=name,
            created_at=aware("api_token.created_at", at),
            last_used_at=None,
        )
        with self._guarded(f"API token {name!r}"):
            self._session.add(row)

    def api_token(self, token_sha256: str) -> Credential | None:
        found = self._session.execute(_API_TOKEN, {"token_sha256": token_sha256}).first()
        if found is None:
            return None
        token, account = found
        return Credential(
            _account(account), token.token_sha256, token.created_at, token.last_used_at
        )

    def touch_api_token(self, token_sha256: str, *, at: datetime) -> None:
        self._session.execute(
            update(ApiTokenRow)
            .where(ApiTokenRow.token_sha256 == token_sha256)
            .values(last_used_at=aware("api_token.last_used_at", at))
        )

    def api_token_names(self, account_id: str) -> list[str]:
        statement = (
            select(ApiTokenRow.name)
            .where(ApiTokenRow.account_id == account_id)
            .order_by(ApiTokenRow.name)
        )
        return list(self._session.scalars(statement))

    def delete_api_token(self, account_id: str, name: str) -> bool:
        result = self._session.execute(
            delete(ApiTokenRow).where(
                ApiTokenRow.account_id == account_id, ApiTokenRow.name == name
            )
        )
        return bool(getattr(result, "rowcount", 0))

    # --- login attempts -----------------------------------------------------------------------

    def add_attempt(self, *, email: str, client_key: str, at: datetime, ok: bool) -> None:
        row = LoginAttemptRow(
            id=new_id(),
            email=email,
            client_key=client_key,
            at=aware("login_attempt.at", at),
            ok=ok,
        )
        with self._guarded("login attempt"):
            self._session.add(row)

    def attempts(self, *, email: str, client_key: str, since: datetime) -> list[LoginAttempt]:
        """Attempts since ``since`` (inclusive) for this email or from this client, oldest
        first."""
        statement = (
            select(LoginAttemptRow)
            .where(
                LoginAttemptRow.at >= aware("since", since),
                (LoginAttemptRow.email == email) | (LoginAttemptRow.client_key == client_key),
            )
            .order_by(LoginAttemptRow.at, LoginAttemptRow.id)
        )
        return [
            LoginAttempt(row.email, row.client_key, row.at, row.ok)
            for row in self._session.scalars(statement)
        ]

    def prune_attempts(self, *, before: datetime) -> None:
        self._session.execute(
            delete(LoginAttemptRow).where(LoginAttemptRow.at < aware("before", before))
        )

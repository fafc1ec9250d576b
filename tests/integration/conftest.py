"""Fixtures the integration tests share: the store on the parametrised database (a real SQLite
file and the real PostgreSQL server, ``tests/conftest.py``) and units of work on it."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

import pytest
from sqlalchemy.orm import Session, sessionmaker

from retrowalk.services.uow import UowFactory
from retrowalk.store.unit_of_work import UnitOfWork, close_store, open_store


@pytest.fixture
def store(database_url: str) -> Iterator[sessionmaker[Session]]:
    """The migrated database's session factory, closed after the test."""
    factory = open_store(database_url)
    yield factory
    close_store(factory)


@pytest.fixture
def uow(store: sessionmaker[Session]) -> UowFactory:
    """``UnitOfWork`` on ``store``: ``uow()`` to write, ``uow(read_only=True)`` to read."""
    return partial(UnitOfWork, store)

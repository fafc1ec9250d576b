"""Persistence: SQLAlchemy 2 tables, Alembic migrations, repositories and the unit of work.

Entry points: ``unit_of_work.open_store(url)`` (migrates, returns the session factory) and
``unit_of_work.UnitOfWork(session_factory)``; ``codec`` turns domain objects into JSON-safe
data and back. Nothing outside this package sees a SQLAlchemy row.
"""

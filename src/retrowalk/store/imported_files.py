"""Files already imported, by content hash (idempotent imports)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from retrowalk.errors import InvalidInput
from retrowalk.store._base import Repository, aware, checked_id
from retrowalk.store.records import ImportedFile
from retrowalk.store.tables import ImportedFileRow


class ImportRepository(Repository):
    """Files already imported, by the SHA-256 of their bytes: the same file twice is found here
    (``find``) and refused by the database (``add`` raises ``Conflict``)."""

    def add(
        self,
        walker_id: str,
        *,
        content_sha256: str,
        original_name: str,
        format: str,
        session_id: str | None,
        id: str | None = None,
        imported_at: datetime | None = None,
    ) -> ImportedFile:
        digest = content_sha256.lower()
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise InvalidInput("content_sha256", content_sha256, "64 hexadecimal digits")
        row = ImportedFileRow(
            id=checked_id("imported_file.id", id),
            walker_id=walker_id,
            content_sha256=digest,
            original_name=original_name,
            format=format,
            imported_at=aware("imported_file.imported_at", imported_at or self._clock()),
            session_id=session_id,
        )
        with self._guarded(f"file {original_name!r} (sha256 {digest[:12]}...)"):
            self._session.add(row)
        return _imported(row)

    def restore(self, imported: ImportedFile) -> bool:
        """Store ``imported`` with its id and time (importing an export): True when written,
        False when already stored, ``Conflict`` when that id holds another record or the walker
        already has this file under another id."""
        row = self._session.get(ImportedFileRow, imported.id)
        if row is not None:
            self._check_same(f"imported file {imported.id}", _imported(row), imported)
            return False
        self.add(
            imported.walker_id,
            content_sha256=imported.content_sha256,
            original_name=imported.original_name,
            format=imported.format,
            session_id=imported.session_id,
            id=imported.id,
            imported_at=imported.imported_at,
        )
        return True

    def find(self, walker_id: str, content_sha256: str) -> ImportedFile | None:
        statement = select(ImportedFileRow).where(
            ImportedFileRow.walker_id == walker_id,
            ImportedFileRow.content_sha256 == content_sha256.lower(),
        )
        row = self._session.scalars(statement).first()
        return None if row is None else _imported(row)

    def list(self, walker_id: str) -> list[ImportedFile]:
        statement = (
            select(ImportedFileRow)
            .where(ImportedFileRow.walker_id == walker_id)
            .order_by(ImportedFileRow.imported_at, ImportedFileRow.id)
        )
        return [_imported(row) for row in self._session.scalars(statement)]

    def count(self, walker_id: str) -> int:
        statement = (
            select(func.count())
            .select_from(ImportedFileRow)
            .where(ImportedFileRow.walker_id == walker_id)
        )
        return int(self._session.scalar(statement) or 0)


def _imported(row: ImportedFileRow) -> ImportedFile:
    return ImportedFile(
        id=row.id,
        walker_id=row.walker_id,
        content_sha256=row.content_sha256,
        original_name=row.original_name,
        format=row.format,
        imported_at=row.imported_at,
        session_id=row.session_id,
    )

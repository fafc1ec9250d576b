"""File access for the motion readers: folders and zips, header sniffing, streamed CSV columns.

CSV files are read with pyarrow's streaming reader in blocks of ``BLOCK_SIZE_BYTES``, only the
needed columns, straight to float64/int64 NumPy arrays: memory grows with the samples kept
(8 bytes per value), not with the file. Parsing is single-threaded so that pyarrow reports
the line of a bad value.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any, TypeAlias, cast

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
from numpy.typing import NDArray

from retrowalk.errors import UnsupportedFile

BLOCK_SIZE_BYTES = 1 << 20
HEAD_BYTES = 8192
ProgressCallback = Callable[[int, int], None]


class Progress:
    """Bytes read so far over the bytes to read, reported to the caller's callback."""

    def __init__(self, total_bytes: int, callback: ProgressCallback | None) -> None:
        self.total_bytes = max(total_bytes, 1)
        self.done_bytes = 0
        self._callback = callback

    def add(self, n_bytes: int) -> None:
        self.done_bytes = min(self.done_bytes + n_bytes, self.total_bytes)
        if self._callback is not None:
            self._callback(self.done_bytes, self.total_bytes)

    def finish(self) -> None:
        self.add(self.total_bytes)


class _CountingReader(io.RawIOBase):
    """A file (or zip member) that reports the bytes read to a ``Progress``.

    ``read`` hands back the underlying file's own bytes (pyarrow wraps them without a copy).
    """

    def __init__(
        self,
        raw: io.RawIOBase | io.BufferedIOBase,
        progress: Progress | None,
        archive: zipfile.ZipFile | None = None,
    ) -> None:
        self._raw = raw
        self._progress = progress
        self._archive = archive

    def readable(self) -> bool:
        return True

    def _count(self, n: int) -> None:
        if self._progress is not None and n:
            self._progress.add(n)

    def read(self, size: int | None = -1) -> bytes:
        data = self._raw.read(-1 if size is None else size)
        self._count(len(data))
        return data

    def readall(self) -> bytes:
        return self.read(-1)

    def readinto(self, buffer: Any) -> int:
        # straight into the caller's buffer (a file's and a zip member's own readinto): no
        # bytes object per block to copy from
        n = self._raw.readinto(buffer) or 0
        self._count(n)
        return n

    def close(self) -> None:
        self._raw.close()
        if self._archive is not None:
            self._archive.close()
        super().close()


@dataclass(frozen=True)
class Source:
    """One file to read: on disk, or a member of a zip. ``display`` names it in messages."""

    display: str
    size: int
    disk_path: Path | None = None
    zip_path: Path | None = None
    member: str | None = None

    def open(self, progress: Progress | None = None) -> IO[bytes]:
        """A buffered stream of the file's bytes (for text, JSON and sniffing)."""
        return io.BufferedReader(self.open_raw(progress), buffer_size=1 << 20)

    def open_raw(self, progress: Progress | None = None) -> _CountingReader:
        """The file's bytes without a buffer in between, for pyarrow's reader, which reads
        large blocks itself (a Python buffer in between would copy every block once more)."""
        if self.disk_path is not None:
            raw = open(self.disk_path, "rb", buffering=0)  # noqa: SIM115 - closed with the reader
            return _CountingReader(raw, progress)
        assert self.zip_path is not None and self.member is not None
        archive = zipfile.ZipFile(self.zip_path)
        member = cast(io.BufferedIOBase, archive.open(self.member))  # a ZipExtFile
        return _CountingReader(member, progress, archive)

    def head(self, n_bytes: int = HEAD_BYTES) -> bytes:
        """The first ``n_bytes`` (fewer in a shorter file), read without a buffer in between
        (a buffered stream would read a whole megabyte for a few kilobytes of head)."""
        parts: list[bytes] = []
        with self.open_raw() as stream:
            while n_bytes > 0 and (part := stream.read(n_bytes)):
                parts.append(part)
                n_bytes -= len(part)
        return b"".join(parts)


@dataclass(frozen=True)
class Bundle:
    """The files of one recording, keyed by path relative to the recording's folder."""

    display: str
    files: dict[str, Source]

    def find(self, name: str) -> Source | None:
        """A file of the recording's top folder by name, ignoring case."""
        for key, source in self.files.items():
            if key.lower() == name.lower():
                return source
        return None


_RECORDING_FILES = {
    "accelerometer.csv",
    "totalacceleration.csv",
    "gravity.csv",
    "gyroscope.csv",
    "linear accelerometer.csv",
    "raw data.csv",
}


def open_bundle(path: Path) -> Bundle:
    """A folder, a zip of a recording, or a single file, as a Bundle; refuses what is neither."""
    display = str(path)
    if path.is_dir():
        # the recording's own files and those one folder down (phyphox's meta/), no deeper
        entries = sorted(path.iterdir())
        entries += [p for d in entries if d.is_dir() for p in sorted(d.iterdir())]
        files = {
            p.relative_to(path).as_posix(): Source(str(p), p.stat().st_size, disk_path=p)
            for p in entries
            if p.is_file()
        }
        return Bundle(display, files)
    if not path.is_file():
        raise UnsupportedFile(display, "no such file or folder")
    if zipfile.is_zipfile(path):
        return Bundle(display, _zip_files(path))
    return Bundle(display, {path.name: Source(display, path.stat().st_size, disk_path=path)})


def _zip_files(path: Path) -> dict[str, Source]:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = [
                i for i in archive.infolist() if not i.is_dir() and "__MACOSX" not in i.filename
            ]
    except zipfile.BadZipFile as exc:
        raise UnsupportedFile(str(path), f"damaged zip file: {exc}") from exc
    # The recording's folder: the shallowest folder holding a known motion file, else the
    # shallowest folder holding any file.
    roots = [
        PurePosixPath(i.filename).parent
        for i in infos
        if PurePosixPath(i.filename).name.lower() in _RECORDING_FILES
    ] or [PurePosixPath(i.filename).parent for i in infos]
    if not roots:
        return {}
    root = min(roots, key=lambda p: len(p.parts))
    files = {}
    for info in infos:
        member = PurePosixPath(info.filename)
        if member.parent != root and member.parent.parent != root:
            continue
        key = member.relative_to(root).as_posix()
        display = f"{path}/{info.filename}"
        files[key] = Source(display, info.file_size, zip_path=path, member=info.filename)
    return files


@dataclass(frozen=True)
class CsvLayout:
    """Separator, decimal mark and column names of a delimited text file (one header line)."""

    delimiter: str
    decimal_point: str
    columns: tuple[str, ...]
    first_data_line: str | None

    def index(self, name: str) -> int | None:
        lowered = [c.lower() for c in self.columns]
        return lowered.index(name.lower()) if name.lower() in lowered else None


_DECIMAL_COMMA = re.compile(r"\d,\d")


def sniff_layout(head: bytes) -> CsvLayout | None:
    """Read the header line: separator (comma, semicolon or tab), quoted names, BOM.

    A decimal comma is assumed when the separator is not a comma and the first data line has
    a digit-comma-digit. None for an empty head.
    """
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    header = lines[0]
    best: tuple[int, str] = (0, ",")
    for delimiter in (",", ";", "\t"):
        count = len(next(csv.reader([header], delimiter=delimiter)))
        if count > best[0]:
            best = (count, delimiter)
    delimiter = best[1]
    columns = tuple(c.strip() for c in next(csv.reader([header], delimiter=delimiter)))
    first = lines[1] if len(lines) > 1 else None
    decimal = "," if delimiter != "," and first and _DECIMAL_COMMA.search(first) else "."
    return CsvLayout(delimiter, decimal, columns, first)


class BadValue(Exception):
    """Raised by a column transform: the value at ``index`` of the batch is not readable."""

    def __init__(self, index: int, value: object) -> None:
        super().__init__(index, value)
        self.index = index
        self.value = value


ColumnTransform = Callable[[pa.Array], NDArray[Any]]
Chunk: TypeAlias = "pa.Array | NDArray[Any]"

_CONVERSION = re.compile(r"In CSV column #(\d+): Row #(\d+): CSV conversion error to \w+: (.*)")


def _chunk_values(chunk: Chunk) -> NDArray[Any]:
    """A chunk's values as NumPy, without a copy when Arrow's buffer allows (no nulls)."""
    if isinstance(chunk, np.ndarray):
        return chunk
    values: NDArray[Any] = chunk.to_numpy(zero_copy_only=False)  # float nulls become NaN
    return values


class Columns:
    """The columns read from one CSV file, by column index, as chunks of rows.

    ``column(i)`` is one column as a NumPy array; ``stack(i, j, k)`` puts columns side by side
    in one C-ordered (rows, 3) float64 array, filled chunk by chunk straight from the parsed
    blocks (no whole-column intermediate, so one copy of the values instead of two).
    """

    def __init__(self, chunks: dict[int, list[Chunk]], dtypes: dict[int, np.dtype[Any]]) -> None:
        self._chunks = chunks
        self._dtypes = dtypes

    def column(self, index: int) -> NDArray[Any]:
        parts = [_chunk_values(c) for c in self._chunks[index]]
        if not parts:
            return np.empty(0, dtype=self._dtypes[index])
        if len(parts) > 1:
            return np.concatenate(parts)
        # one block: its own array, not a read-only view of Arrow's buffer
        return parts[0] if parts[0].flags.writeable else parts[0].copy()

    def stack(self, *indices: int) -> NDArray[np.float64]:
        columns = [self._chunks[i] for i in indices]
        lengths = [[len(c) for c in chunks] for chunks in columns]
        if any(other != lengths[0] for other in lengths[1:]):  # blocks not aligned: never
            return np.column_stack([self.column(i) for i in indices]).astype(np.float64)
        out = np.empty((sum(lengths[0]), len(indices)), dtype=np.float64)
        # the columns of one parsed block side by side, block after block: each block of the
        # output is written while it is in the cache
        row = 0
        for parts in zip(*columns, strict=True):
            m = len(parts[0])
            for j, chunk in enumerate(parts):
                out[row : row + m, j] = _chunk_values(chunk)
            row += m
        return out


def read_columns(
    source: Source,
    layout: CsvLayout,
    wanted: dict[int, pa.DataType],
    progress: Progress | None,
    transforms: dict[int, ColumnTransform] | None = None,
) -> tuple[Columns, tuple[str, ...]]:
    """Read the wanted columns (by index) of a one-header-line CSV.

    Float columns keep empty cells as NaN (the caller decides); integer columns refuse them.
    Text where a number belongs and malformed lines are refused naming column and line; a cut
    off last line (a recording that was stopped abruptly) is dropped with a note.
    ``transforms`` turn a column's Arrow array into a NumPy array (e.g. clock text to seconds).

    A clean file is parsed by pyarrow's multi-threaded reader, blockwise, keeping only the
    wanted columns; anything unusual (a bad value, a malformed line, an empty integer) is
    re-read with the single-threaded streaming reader, which knows line numbers.
    """
    names = [f"c{i}" for i in range(len(layout.columns))]
    dtypes = {i: np.dtype(t.to_pandas_dtype()) for i, t in wanted.items()}
    if not transforms:
        done_before = progress.done_bytes if progress is not None else 0
        chunks = _read_clean(source, layout, names, wanted, progress)
        if chunks is not None:
            return Columns(chunks, dtypes), ()
        if progress is not None:
            progress.done_bytes = done_before
    chunks, notes = _read_streaming(source, layout, names, wanted, progress, transforms or {})
    return Columns(chunks, dtypes), notes


def _options(
    layout: CsvLayout, names: list[str], wanted: dict[int, pa.DataType], threads: bool
) -> dict[str, Any]:
    return {
        "read_options": pacsv.ReadOptions(
            skip_rows=1, column_names=names, use_threads=threads, block_size=BLOCK_SIZE_BYTES
        ),
        "convert_options": pacsv.ConvertOptions(
            include_columns=[names[i] for i in wanted],
            column_types={names[i]: t for i, t in wanted.items()},
            decimal_point=layout.decimal_point,
        ),
    }


def _read_clean(
    source: Source,
    layout: CsvLayout,
    names: list[str],
    wanted: dict[int, pa.DataType],
    progress: Progress | None,
) -> dict[int, list[Chunk]] | None:
    """The fast path: None when the file needs the careful reader."""
    invalid: list[str] = []

    def on_invalid(row: Any) -> str:
        invalid.append(row.text)
        return "skip"

    parse = pacsv.ParseOptions(delimiter=layout.delimiter, invalid_row_handler=on_invalid)
    with source.open_raw(progress) as stream:
        try:
            table = pacsv.read_csv(
                stream, parse_options=parse, **_options(layout, names, wanted, threads=True)
            )
        except pa.ArrowInvalid:
            return None
    if invalid:
        return None
    columns = {i: table.column(names[i]) for i in wanted}
    if any(col.null_count and pa.types.is_integer(col.type) for col in columns.values()):
        return None
    return {i: list(col.chunks) for i, col in columns.items()}


def _read_streaming(
    source: Source,
    layout: CsvLayout,
    names: list[str],
    wanted: dict[int, pa.DataType],
    progress: Progress | None,
    transforms: dict[int, ColumnTransform],
) -> tuple[dict[int, list[Chunk]], tuple[str, ...]]:
    """The careful path: batch by batch, single-threaded, so errors carry line numbers."""
    invalid: list[tuple[int | None, str]] = []

    def on_invalid(row: Any) -> str:
        invalid.append((row.number, row.text))
        return "skip"

    chunks: dict[int, list[Chunk]] = {i: [] for i in wanted}
    n_rows = 0
    with source.open_raw(progress) as stream:
        try:
            parse = pacsv.ParseOptions(delimiter=layout.delimiter, invalid_row_handler=on_invalid)
            reader = pacsv.open_csv(
                stream, parse_options=parse, **_options(layout, names, wanted, threads=False)
            )
            for batch in _batches(reader):
                for i, dtype in wanted.items():
                    column = batch.column(names[i])
                    if column.null_count and pa.types.is_integer(dtype):
                        nulls = column.is_null().to_numpy(zero_copy_only=False)
                        row = int(np.flatnonzero(nulls)[0])
                        raise UnsupportedFile(
                            source.display,
                            f"column '{layout.columns[i]}' is empty on line {n_rows + row + 2}",
                        )
                    if i in transforms:
                        try:
                            chunks[i].append(transforms[i](column))
                        except BadValue as bad:
                            raise UnsupportedFile(
                                source.display,
                                f"column '{layout.columns[i]}' holds {bad.value!r} on line "
                                f"{n_rows + bad.index + 2}, which is not readable",
                            ) from None
                    else:
                        chunks[i].append(column)
                n_rows += batch.num_rows
        except pa.ArrowInvalid as exc:
            raise UnsupportedFile(source.display, _conversion_problem(str(exc), layout)) from exc
    notes: list[str] = []
    if invalid:
        last_line = n_rows + len(invalid) + 1
        number, text = invalid[0]
        if len(invalid) == 1 and number == last_line:
            notes.append(f"{source.display}: incomplete last line {number} dropped ({text[:40]!r})")
        else:
            raise UnsupportedFile(
                source.display,
                f"line {number} has {len(next(csv.reader([text], delimiter=layout.delimiter)))} "
                f"field(s), the header has {len(layout.columns)}: {text[:60]!r}",
            )
    return chunks, tuple(notes)


def _batches(reader: pacsv.CSVStreamingReader) -> Iterator[pa.RecordBatch]:
    while True:
        try:
            yield reader.read_next_batch()
        except StopIteration:
            return


def _conversion_problem(message: str, layout: CsvLayout) -> str:
    match = _CONVERSION.search(message)
    if match is None:
        return f"cannot be read as delimited text: {message}"
    column = layout.columns[int(match.group(1))]
    value = match.group(3).removeprefix("invalid value ")
    return f"column '{column}' holds text {value} on line {match.group(2)}, where a number belongs"


def first_nan(values: NDArray[np.float64]) -> int | None:
    """Index of the first row holding a NaN, or None."""
    bad = np.isnan(values)
    rows = np.flatnonzero(bad if bad.ndim == 1 else bad.any(axis=1))
    return int(rows[0]) if rows.size else None

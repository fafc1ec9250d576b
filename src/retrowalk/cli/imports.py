"""`retrowalk import FILE...` (recordings and export documents) and `retrowalk pain`.

Recordings (FIT, GPX, phone motion folders, zips, CSV and JSON files) become sessions through
``services.imports``; retrowalk export documents go to ``services.exchange``. A progress bar on
standard error while files are read, then a summary table (or ``--json``). Imported sessions
have no pain yet: it is asked for when someone can answer (a terminal, no ``--yes``/``--json``);
otherwise nothing waits and the output says how to add it later with `retrowalk pain`.
Exit code 0 when every file was imported or skipped, 2 when any was refused (the others are
imported all the same).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from retrowalk.cli.app import Cli, app, cli, handled
from retrowalk.cli.ask import parse_choice
from retrowalk.cli.import_render import Row, pain_added, row_document, summary
from retrowalk.cli.sessions import parse_when
from retrowalk.domain.models import Modality
from retrowalk.domain.validation import INCLINE_PCT, MINUTES, PAIN
from retrowalk.errors import RetrowalkError
from retrowalk.formats.codec import to_jsonable
from retrowalk.services.imports import (
    DeclaredDirection,
    ImportOptions,
    ImportOutcome,
    ImportStatus,
    read_export_document,
)
from retrowalk.services.views import LogResult

#: A file bigger than this gets a byte-level progress bar (smaller ones are read at once).
BIG_FILE_BYTES = 1 << 20


@app.command(name="import")
def import_(
    files: list[Path] = typer.Argument(
        ...,
        help="Recordings: FIT, GPX, phone motion (Sensor Logger, phyphox, generic CSV, Physics "
        "Toolbox; a folder, zip, CSV or JSON), or retrowalk export documents (.json).",
    ),
    modality: str | None = typer.Option(
        None, "--modality", help="How you walked (default: your current target's modality)."
    ),
    when: str | None = typer.Option(
        None, "--when", help="Start (ISO date-time) of recordings that do not say it."
    ),
    minutes: float | None = typer.Option(
        None, "--minutes", help="Duration of recordings without times (0.5-180)."
    ),
    incline: float | None = typer.Option(
        None, "--incline", help="Treadmill incline in % (0-30); default 0."
    ),
    direction: str | None = typer.Option(
        None, "--direction", help="backward (default), forward or mixed: how you walked."
    ),
    pain_during: int | None = typer.Option(None, "--pain-during", help="Pain during, 0-10."),
    pain_after: int | None = typer.Option(None, "--pain-after", help="Pain right after, 0-10."),
    allow_non_walking: bool = typer.Option(
        False, "--allow-non-walking", help="Import a ride or a run as a walking session."
    ),
    reanalyse: bool = typer.Option(
        False, "--reanalyse", help="Read files imported before again and replace their sessions."
    ),
    warmup_s: float | None = typer.Option(
        None,
        "--warmup-s",
        help="Motion recordings start with N s of forward warm-up (calibrates the direction).",
    ),
) -> None:
    """Import recordings as logged sessions (or export documents); then add the pain."""
    c = cli()
    with handled({"warmup_s": "--warmup-s"}):
        options = _options(
            modality,
            when,
            minutes,
            incline,
            direction,
            pain_during,
            pain_after,
            allow_non_walking,
            reanalyse,
            warmup_s,
        )
        now = datetime.now(UTC)
        rows: list[Row] = []
        with _progress(c, len(files)) as bar:
            for path in files:
                rows.append(_import_path(c, path, options, now, bar))
        asked = _ask_pain(c, rows, now)
        c.emit(
            {"files": [row_document(r) for r in rows]},
            lambda: summary(c.console, rows, asked),
        )
    if any(r.status is ImportStatus.REFUSED for r in rows):
        raise typer.Exit(code=2)


@app.command()
def pain(
    session_id: str = typer.Argument(..., help="The session (its id, shown after an import)."),
    during: int | None = typer.Option(None, "--during", help="Worst pain during, 0-10."),
    after: int | None = typer.Option(None, "--after", help="Pain right after, 0-10."),
) -> None:
    """Add (or correct) the pain of a session; the progression then decides again."""
    c = cli()
    with handled():
        pain_during = c.asker.integer(
            during, flag="--during", question="Worst knee pain DURING the session", allowed=PAIN
        )
        pain_after = c.asker.integer(
            after, flag="--after", question="Knee pain right AFTER the session", allowed=PAIN
        )
        result = c.services.add_pain(
            c.walker, session_id.strip(), pain_during, pain_after, now=datetime.now(UTC)
        )
        c.emit(
            {
                "session_id": result.session_id,
                "session": to_jsonable(result.session),
                "decision": to_jsonable(result.decision),
            },
            lambda: pain_added(c.console, result),
        )


# --- options -----------------------------------------------------------------------------------


def _options(
    modality: str | None,
    when: str | None,
    minutes: float | None,
    incline: float | None,
    direction: str | None,
    pain_during: int | None,
    pain_after: int | None,
    allow_non_walking: bool,
    reanalyse: bool,
    warmup_s: float | None = None,
) -> ImportOptions:
    MINUTES.check("--minutes", minutes)
    INCLINE_PCT.check("--incline", incline)
    PAIN.check("--pain-during", pain_during)
    PAIN.check("--pain-after", pain_after)
    return ImportOptions(
        modality=None if modality is None else parse_choice(modality, Modality, "--modality"),
        when=None if when is None else parse_when(when, "--when"),
        duration_s=None if minutes is None else minutes * 60.0,
        incline_pct=incline,
        direction=(
            None if direction is None else parse_choice(direction, DeclaredDirection, "--direction")
        ),
        pain_during_nprs=pain_during,
        pain_after_nprs=pain_after,
        allow_non_walking=allow_non_walking,
        reanalyse=reanalyse,
        warmup_s=warmup_s,
    )


# --- importing ---------------------------------------------------------------------------------


def _import_path(
    c: Cli, path: Path, options: ImportOptions, now: datetime, bar: _Bar | None
) -> Row:
    document = read_export_document(path)
    if document is None:
        (outcome,) = c.services.import_files(
            c.walker, [path], options=options, now=now, progress=bar
        )
        return Row(str(path), "recording", outcome.status, outcome=outcome, reason=outcome.reason)
    if bar is not None:
        bar.file_started(path, 0)
    try:
        summary = c.services.import_document(document, source=str(path))
    except RetrowalkError as error:
        row = Row(str(path), "export-document", ImportStatus.REFUSED, reason=f"{path}: {error}")
    except ModuleNotFoundError:  # the export importer is not part of this build
        row = Row(
            str(path),
            "export-document",
            ImportStatus.REFUSED,
            reason=f"{path}: export documents cannot be imported by this version",
        )
    else:
        row = Row(str(path), "export-document", ImportStatus.IMPORTED, export=summary)
    if bar is not None:
        bar.done()
    return row


class _Bar:
    """The Rich progress bar as the import service's progress listener."""

    def __init__(self, progress: Progress, n_files: int) -> None:
        self._progress = progress
        self._files: TaskID = progress.add_task("files", total=n_files)
        self._bytes: TaskID | None = None

    def file_started(self, path: Path, size_bytes: int) -> None:
        name = path.name or str(path)
        self._progress.update(self._files, description=f"importing {name}")
        if self._bytes is not None:
            self._progress.remove_task(self._bytes)
            self._bytes = None
        if size_bytes >= BIG_FILE_BYTES:
            self._bytes = self._progress.add_task(f"  reading {name}", total=size_bytes)

    def bytes_read(self, done_bytes: int, total_bytes: int) -> None:
        if self._bytes is not None:
            self._progress.update(self._bytes, completed=done_bytes, total=total_bytes)

    def file_done(self, outcome: ImportOutcome) -> None:
        self.done()

    def done(self) -> None:
        self._progress.advance(self._files)


@contextmanager
def _progress(c: Cli, n_files: int) -> Iterator[_Bar | None]:
    """A progress bar on standard error when it is a terminal; nothing otherwise."""
    if not c.err.is_terminal:
        yield None
        return
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:.0f}/{task.total:.0f}", style="dim"),
        DownloadColumn(),
        TimeElapsedColumn(),
        console=c.err,
        transient=True,
    )
    with progress:
        yield _Bar(progress, n_files)


# --- pain ---------------------------------------------------------------------------------------


def _ask_pain(c: Cli, rows: list[Row], now: datetime) -> dict[str, LogResult]:
    """Ask the pain of each new session without it, when someone can answer (Enter skips)."""
    answered: dict[str, LogResult] = {}
    if not c.asker.interactive:
        return answered
    for row in rows:
        outcome = row.outcome
        if outcome is None or not outcome.pain_missing or outcome.session_id is None:
            continue
        if outcome.status not in (ImportStatus.IMPORTED, ImportStatus.REPLACED):
            continue
        assert outcome.session is not None
        c.console.print(
            f"Pain for {Path(row.file).name} ({outcome.session.performed_at:%Y-%m-%d %H:%M}), "
            "Enter to add it later:"
        )
        during = _ask_one(c, "--pain-during", "  Worst knee pain DURING the walk")
        if during is None:
            continue
        after = _ask_one(c, "--pain-after", "  Knee pain right AFTER the walk")
        if after is None:
            continue
        answered[outcome.session_id] = c.services.add_pain(
            c.walker, outcome.session_id, during, after, now=now
        )
    return answered


def _ask_one(c: Cli, flag: str, question: str) -> int | None:
    value = c.asker.number(None, flag=flag, question=question, allowed=PAIN, optional=True)
    return None if value is None else int(value)

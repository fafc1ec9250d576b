"""Output of `retrowalk import` and `retrowalk pain`: the summary table, the JSON document."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from retrowalk.cli import render
from retrowalk.domain.models import Decision
from retrowalk.formats.codec import to_jsonable
from retrowalk.services.imports import ImportOutcome, ImportStatus
from retrowalk.services.views import LogResult

STATUS_STYLE = {
    ImportStatus.IMPORTED: "green",
    ImportStatus.REPLACED: "cyan",
    ImportStatus.SKIPPED: "yellow",
    ImportStatus.REFUSED: "red",
}
PAIN_HINT = "retrowalk pain {id} --during N --after N"


@dataclass
class Row:
    """One file of the summary: a recording's outcome, or an export document's result."""

    file: str
    kind: str
    status: ImportStatus
    outcome: ImportOutcome | None = None
    export: dict[str, Any] | None = None
    reason: str | None = None


def row_document(row: Row) -> dict[str, Any]:
    document: dict[str, Any] = {
        "file": row.file,
        "kind": row.kind,
        "status": row.status.value,
        "reason": row.reason,
    }
    if row.export is not None:
        document["result"] = row.export
    outcome = row.outcome
    if outcome is None:
        return document
    document.update(
        format=outcome.format,
        content_sha256=outcome.content_sha256,
        session_id=outcome.session_id,
        session=None if outcome.session is None else to_jsonable(outcome.session),
        details=outcome.details,
        decision=None if outcome.decision is None else to_jsonable(outcome.decision),
        pain_missing=outcome.pain_missing,
    )
    details = outcome.details or {}
    if "direction_check" in details:
        document["measured_backward_min"] = details["measured_backward_s"] / 60.0
        document["direction_check"] = details["direction_check"]
    if "warmup_calibration" in details:
        document["warmup_calibration"] = details["warmup_calibration"]
    if outcome.pain_missing and outcome.session_id is not None:
        document["add_pain"] = PAIN_HINT.format(id=outcome.session_id)
    return document


def summary(console: Console, rows: list[Row], answered: dict[str, LogResult]) -> None:
    table = Table(title="Import", title_justify="left")
    table.add_column("file", overflow="fold")
    table.add_column("status")
    table.add_column("when")
    for column in ("min", "km", "steps", "steps/min", "back min"):
        table.add_column(column, justify="right")
    table.add_column("direction")
    for row in rows:
        table.add_row(*_cells(row))
    console.print(table)
    for row in rows:
        if row.status is ImportStatus.REFUSED:
            console.print(f"[red]refused[/red] {row.reason}", soft_wrap=True)
        elif row.status is ImportStatus.SKIPPED:
            console.print(f"[yellow]skipped[/yellow] {row.file}: {row.reason}", soft_wrap=True)
        elif row.export is not None:
            console.print(f"export document {row.file}: {row.export.get('counts', '')}")
    for row in rows:
        details = (row.outcome.details or {}) if row.outcome is not None else {}
        warmup = details.get("warmup_calibration")
        if isinstance(warmup, dict):
            verdict = (
                "calibrated on the plan's forward warm-up"
                if warmup.get("used")
                else "the plan's forward warm-up was not used to calibrate"
            )
            console.print(
                f"direction {Path(row.file).name}: {verdict}: {warmup.get('reason')}.",
                soft_wrap=True,
            )
        if row.outcome is not None and details.get("direction_check") == "contradicted":
            console.print(
                f"[red]check[/red] {Path(row.file).name}: declared backward, but the sensor saw "
                "forward walking with confidence. Please confirm how you walked (`retrowalk "
                f"confirm {(row.outcome.session_id or '')[:8]} --direction backward|forward`); "
                "the session is kept as declared.",
                soft_wrap=True,
            )
    latest = _latest_decision(rows, answered)
    if latest is not None:
        render.decision(console, latest)
    missing = [
        r.outcome
        for r in rows
        if r.outcome is not None
        and r.outcome.pain_missing
        and r.outcome.session_id not in answered
        and r.outcome.status in (ImportStatus.IMPORTED, ImportStatus.REPLACED)
    ]
    if missing:
        console.print(
            "Pain not reported yet: the program holds until you add it "
            "(progression is guided by your pain). Add it with:"
        )
        for outcome in missing:
            console.print(f"  {PAIN_HINT.format(id=outcome.session_id)}", soft_wrap=True)


def _cells(row: Row) -> list[str]:
    style = STATUS_STYLE[row.status]
    status = f"[{style}]{row.status.value}[/{style}]"
    name = Path(row.file).name or row.file
    outcome = row.outcome
    if outcome is None or outcome.session is None:
        return [name, status, "", "", "", "", "", "", ""]
    session, details = outcome.session, outcome.details or {}
    steps = details.get("steps")
    cadence = details.get("cadence_steps_per_min")
    return [
        name,
        status,
        f"{session.performed_at:%Y-%m-%d %H:%M}",
        f"{session.duration_s / 60:.1f}",
        "" if session.distance_m is None else f"{session.distance_m / 1000:.2f}",
        "" if steps is None else str(steps),
        "" if cadence is None else f"{cadence:.0f}",
        ""
        if "measured_backward_s" not in details
        else f"{details['measured_backward_s'] / 60:.1f}",
        _check_cell(details.get("direction_check")),
    ]


def _check_cell(check: str | None) -> str:
    if check is None:
        return ""
    if check == "contradicted":
        return "[red]contradicted[/red]"
    return f"[green]{check}[/green]" if check == "verified" else check


def _latest_decision(rows: list[Row], answered: dict[str, LogResult]) -> Decision | None:
    """The decision in force after the import (the last one made)."""
    if answered:
        return list(answered.values())[-1].decision
    made = [r.outcome.decision for r in rows if r.outcome is not None and r.outcome.decision]
    return made[-1] if made else None


def pain_added(console: Console, result: LogResult) -> None:
    s = result.session
    console.print(
        f"Pain added to the session of {s.performed_at:%Y-%m-%d %H:%M}: during "
        f"{s.pain_during_nprs}/10, after {s.pain_after_nprs}/10."
    )
    render.decision(console, result.decision)

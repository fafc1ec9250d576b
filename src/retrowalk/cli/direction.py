"""`retrowalk analyze FILE` (walking bouts and their direction) and `retrowalk calibrate FILE`.

``analyze`` needs no database: it reads the file, finds the walking bouts and says for each
whether the sensor saw backward, forward or sideways walking (or cannot tell: ``unknown``).
``calibrate`` takes an ordinary forward walk of the walker with the sensor worn as usual and
writes the calibration to a file (``--out``) or keeps it for the walker and placement (imports
then use it).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from retrowalk.cli.app import app, cli, handled
from retrowalk.errors import InvalidInput
from retrowalk.sensing.direction_calibration import Calibration
from retrowalk.services import direction as service
from retrowalk.services import direction_confirm
from retrowalk.services.direction import MotionAnalysis
from retrowalk.services.direction_check import check_answer
from retrowalk.store.records import StoredSession

PLACEMENT_HELP = "Where the sensor was worn: pocket (front trouser pocket), waist, or auto."
FLAGS = {
    "placement": "--placement",
    "warmup_s": "--warmup-s",
    "start_s": "--start-s",
    "end_s": "--end-s",
    "start_s/end_s": "--start-s/--end-s",
}


@app.command()
def analyze(
    file: Path = typer.Argument(..., help="A motion recording (folder, zip, CSV or JSON)."),
    placement: str = typer.Option("auto", "--placement", help=PLACEMENT_HELP),
    calibration: Path | None = typer.Option(
        None, "--calibration", help="A calibration file written by `retrowalk calibrate --out`."
    ),
    warmup_s: float | None = typer.Option(
        None, "--warmup-s", help="The first N seconds are a forward warm-up (they calibrate)."
    ),
) -> None:
    """Walking bouts of a motion recording and their direction (backward, forward, ...)."""
    c = cli()
    with handled(FLAGS):
        if warmup_s is not None and not warmup_s > 0:
            raise InvalidInput("--warmup-s", warmup_s, "a positive number of seconds")
        given = None if calibration is None else service.read_calibration_file(calibration)
        result = service.analyze_file(
            file, placement=placement, calibration=given, warmup_s=warmup_s
        )
        c.emit(service.analysis_document(result), lambda: _show_analysis(c.console, result))


@app.command()
def calibrate(
    file: Path = typer.Argument(..., help="An ordinary forward walk, the sensor worn as usual."),
    placement: str = typer.Option("auto", "--placement", help=PLACEMENT_HELP),
    start_s: float | None = typer.Option(None, "--start-s", help="Use the walk from N s on."),
    end_s: float | None = typer.Option(None, "--end-s", help="Use the walk up to N s."),
    out: Path | None = typer.Option(
        None, "--out", help="Write the calibration to this JSON file instead of keeping it."
    ),
) -> None:
    """Learn how your forward walking looks to the sensor (imports then use it)."""
    c = cli()
    with handled(FLAGS):
        made = service.calibrate_file(file, placement=placement, start_s=start_s, end_s=end_s)
        document: dict[str, object] = {"calibration": made.to_dict()}
        if out is not None:
            service.write_calibration_file(made, out)
            document["written_to"] = str(out)
        else:
            document["stored_id"] = c.services.store_calibration(
                c.walker, made, source_name=file.name, now=datetime.now(UTC)
            )
        c.emit(document, lambda: _show_calibration(c.console, made, out))


def _show_analysis(console: Console, result: MotionAnalysis) -> None:
    table = Table(title=f"Walking in {Path(result.file).name}", title_justify="left")
    for name in ("start s", "end s", "steps", "steps/min", "direction", "confidence", "calib."):
        table.add_column(name, justify="left" if name == "direction" else "right")
    for b in result.bouts:
        table.add_row(
            f"{b.start_s:.1f}",
            f"{b.end_s:.1f}",
            str(b.steps),
            f"{b.cadence_steps_per_min:.0f}",
            b.direction,
            f"{b.confidence:.2f}",
            "yes" if b.calibrated else "no",
        )
    console.print(table)
    console.print(
        f"Walking {result.walking_s / 60:.1f} min; measured backward {result.backward_s / 60:.1f}"
        f" min (placement {result.placement}, calibration {result.calibration_source})."
    )
    for note in result.notes:
        console.print(f"note: {note}", soft_wrap=True)


def _show_calibration(console: Console, made: Calibration, out: Path | None) -> None:
    where = f"written to {out}" if out is not None else "kept for your imports"
    console.print(
        f"Calibration for the {made.placement} from {made.walking_s:.0f} s of forward walking: "
        f"{where}.",
        soft_wrap=True,
    )


@app.command()
def confirm(
    session_id: str | None = typer.Argument(
        None, help="The session (its id or first 8 characters); none: list those waiting."
    ),
    direction: str | None = typer.Option(
        None, "--direction", help="How you walked it: backward or forward."
    ),
) -> None:
    """Say how you walked a session the sensor saw differently (backward or forward)."""
    c = cli()
    with handled({"direction": "--direction", "session_id": "SESSION_ID"}):
        if session_id is None:
            waiting = c.services.awaiting_direction(c.walker)
            c.emit(
                {"awaiting": [_waiting_row(s) for s in waiting]},
                lambda: _show_waiting(c.console, waiting),
            )
            return
        stored = c.services.find_session(c.walker, session_id)
        if direction is not None:
            check_answer(direction)
        answer = c.asker.choice(
            direction,
            direction_confirm.WalkedDirection,
            flag="--direction",
            question="Did you walk this session backward or forward?",
        )
        result = c.services.confirm_direction(
            c.walker, stored.id, answer.value, now=datetime.now(UTC)
        )
        details = result.stored.details
        document = {
            "session_id": result.stored.id,
            "version": result.stored.version,
            "changed": result.changed,
            "declared_direction": details.get("declared_direction"),
            "direction_check": details.get("direction_check"),
            "measured_backward_min": float(details.get("measured_backward_s") or 0.0) / 60.0,
            "direction_confirmation": details.get("direction_confirmation"),
        }
        c.emit(document, lambda: _show_answer(c.console, result))


def _waiting_row(stored: StoredSession) -> dict[str, object]:
    return {
        "session_id": stored.id,
        "performed_at": stored.session.performed_at.isoformat(),
        "minutes": stored.session.duration_s / 60.0,
        "file_name": stored.details.get("file_name"),
        "declared_direction": stored.details.get("declared_direction"),
        "direction_check": stored.details.get("direction_check"),
    }


def _show_waiting(console: Console, waiting: list[StoredSession]) -> None:
    if not waiting:
        console.print("No session waits for you to confirm its direction.")
        return
    console.print(
        "The sensor saw forward walking in these sessions you declared backward; say how you "
        "walked each: `retrowalk confirm ID --direction backward|forward`.",
        soft_wrap=True,
    )
    for s in waiting:
        name = s.details.get("file_name") or "recording"
        console.print(
            f"  {s.id[:8]}  {s.session.performed_at:%Y-%m-%d %H:%M}  "
            f"{s.session.duration_s / 60:.0f} min  {name}"
        )


def _show_answer(console: Console, result: direction_confirm.DirectionAnswer) -> None:
    short = result.stored.id[:8]
    if not result.changed:
        console.print(f"Session {short} already said {result.direction}: nothing changed.")
        return
    if result.direction == "backward":
        text = (
            f"Session {short}: backward, confirmed by you. The sensor's view stays as measured "
            "(no measured backward minutes); your therapist sees it as declared and confirmed."
        )
    else:
        text = f"Session {short}: corrected to forward walking (the sensor agreed)."
    console.print(text + " The earlier state is in its history.", soft_wrap=True)

"""`retrowalk export`: all of a walker's data as one JSON document.

Export documents are imported by `retrowalk import` (cli/imports.py), which also imports
recordings.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import typer

from retrowalk.cli.app import app, cli, handled


@app.command()
def export(
    out: Path | None = typer.Option(None, "--out", "-o", help="Write to FILE (default: stdout)."),
) -> None:
    """Export all of your data as one JSON document (a lossless round trip with `import`)."""
    c = cli()
    with handled():
        document = c.services.export_walker(c.walker, now=datetime.now(UTC))
        text = json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        if out is None:
            sys.stdout.write(text)
            return
        tmp = out.with_name(out.name + ".part")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(out)
        if not c.json_output:
            c.err.print(f"Exported to {out}")

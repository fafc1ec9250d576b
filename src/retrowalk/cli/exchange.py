"""`retrowalk export` and `retrowalk import`: all of a walker's data as one JSON document."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import typer

from retrowalk.cli.app import app, cli, handled
from retrowalk.errors import UnsupportedFile


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


@app.command(name="import")
def import_(
    files: list[Path] = typer.Argument(..., help="retrowalk export documents (.json)."),
) -> None:
    """Import retrowalk export documents (FIT, GPX and sensor files come later)."""
    c = cli()
    with handled():
        results = []
        for path in files:
            if not path.is_file():
                raise UnsupportedFile(str(path), "no such file")
            try:
                document = json.loads(path.read_text(encoding="utf-8-sig"))
            except (UnicodeDecodeError, json.JSONDecodeError) as error:
                raise UnsupportedFile(str(path), f"not a retrowalk JSON export ({error})") from None
            summary = c.services.import_document(document, source=str(path))
            results.append({"file": str(path), **summary})
        c.emit(
            {"imported": results},
            lambda: [
                c.console.print(
                    f"{r['file']}: walker {r['display_name']!r} "
                    f"{'created' if r['created'] else 'already present, merged'}; "
                    f"{r['counts']}"
                )
                for r in results
            ],
        )

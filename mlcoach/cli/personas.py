"""`mlcoach personas list | show ID | validate PATH`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mlcoach.visible import one_line

app = typer.Typer(help="List, show and validate interviewer personas.", no_args_is_help=True)


@app.command("list")
def list_() -> None:
    """List the personas found (your own in $MLCOACH_HOME/personas shadow built-in ones).

    Example: mlcoach personas list
    """
    from mlcoach import personas
    from mlcoach.errors import MlcoachError
    from mlcoach.ui import render

    rows = []
    for pid, path in personas.available().items():
        try:
            p = personas.load(str(path))
            rows.append((pid, f"{p.name}, {p.role}", ", ".join(s.id for s in p.scenarios), str(path)))
        except MlcoachError as exc:
            rows.append((pid, f"invalid: {exc}", "", str(path)))
    render.personas_table(rows)


@app.command()
def show(ref: Annotated[str, typer.Argument(help="A persona id or a path to a persona TOML file.")]) -> None:
    """Show a persona: identity, rules, phases with minutes, scenarios and rubric.

    Example: mlcoach personas show ml-engineer
    """
    from mlcoach import personas
    from mlcoach.ui import render

    render.persona(personas.load(ref))


@app.command()
def validate(path: Annotated[Path, typer.Argument(help="A persona TOML file.")]) -> None:
    """Check a persona file: structure, references, and its questions against its own never-do rules.

    Exit 0 when valid; otherwise one line naming the file, the key and the problem, and exit 2.
    Example: mlcoach personas validate personas/ml-engineer.toml
    """
    from mlcoach import personas
    p = personas.load_path(path, strict=True)
    count = len(p.all_questions())
    print(one_line(f"{path}: ok ({p.id}: {len(p.phases)} phases, {len(p.scenarios)} scenarios, "
          f"{len(p.concepts)} concepts, {count} interviewer lines checked against {len(p.forbidden)} never-do checks)"))

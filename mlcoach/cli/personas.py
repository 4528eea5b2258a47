"""`mlcoach personas list | show ID | validate PATH`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mlcoach.visible import one_line

app = typer.Typer(help="List, show and validate interviewer personas.", no_args_is_help=True)


JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON to stdout instead of a table.")]


@app.command("list")
def list_(as_json: JsonOpt = False) -> None:
    """List the personas found (your own in $MLCOACH_HOME/personas shadow built-in ones).

    Example: mlcoach personas list
    """
    from mlcoach import personas
    from mlcoach.errors import MlcoachError
    from mlcoach.ui import render

    rows, found = [], []
    for pid, path in personas.available().items():
        try:
            p = personas.load(str(path))
            rows.append((pid, f"{p.name}, {p.role}", ", ".join(s.id for s in p.scenarios), str(path)))
            found.append({"id": pid, "interviewer": p.name, "role": p.role, "scenarios": [s.id for s in p.scenarios],
                          "file": str(path), "error": None})
        except MlcoachError as exc:
            rows.append((pid, f"invalid: {exc}", "", str(path)))
            found.append({"id": pid, "interviewer": None, "role": None, "scenarios": [], "file": str(path),
                          "error": str(exc)})
    if as_json:
        from mlcoach.cli.options import print_json

        print_json(found)
        return
    render.personas_table(rows)


@app.command()
def show(ref: Annotated[str, typer.Argument(help="A persona id or a path to a persona TOML file.")],
         as_json: JsonOpt = False,
         topics: Annotated[bool, typer.Option("--topics", help="List what a scripted answer may be `about`: one id "
                                              "per line, then its description.")] = False) -> None:
    """Show a persona: identity, rules, phases with minutes, scenarios and rubric.

    Example: mlcoach personas show ml-engineer
    """
    from mlcoach import personas
    from mlcoach.ui import render

    p = personas.load(ref)
    if topics:
        found = p.topics()
        if as_json:
            from mlcoach.cli.options import print_json

            print_json(found)
            return
        width = max(len(t) for t in found)
        for tid, text in found.items():
            print(one_line(f"{tid:<{width}}  {text}"))
        return
    if as_json:
        from mlcoach.cli.options import print_json

        print_json(_persona_dict(p))
        return
    render.persona(p)


def _persona_dict(p) -> dict:
    return {"id": p.id, "interviewer": p.name, "role": p.role, "years": p.years, "expertise": list(p.expertise),
            "style": p.style, "file": str(p.path),
            "phases": [{"id": ph.id, "title": ph.title, "minutes": list(ph.minutes), "questions": len(ph.questions)}
                       for ph in p.phases],
            "scenarios": [{"id": s.id, "title": s.title, "type": s.problem_type,
                           "prompt": s.prompt.replace("{product}", s.product)} for s in p.scenarios],
            "never": list(p.never), "always": list(p.always),
            "criteria": [{"id": c.id, "label": c.label} for c in p.criteria],
            "red_flags": [{"id": f.id, "label": f.label} for f in p.red_flags], "concepts": len(p.concepts)}


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

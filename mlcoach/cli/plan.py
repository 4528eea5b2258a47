"""`mlcoach plan`: what to practise next, from the candidate's own complete sessions (plan.py)."""

from __future__ import annotations

from typing import Annotated

import typer

from mlcoach.cli.options import JsonOpt, SessionsDir
from mlcoach.visible import one_line


def register(app: typer.Typer) -> None:
    app.command("plan")(plan_command)


def plan_command(
    candidate: Annotated[str | None, typer.Option("--candidate", help="Whose plan \\[default: the configured name; "
                                                  "all: every candidate's sessions].", show_default=False)] = None,
    as_json: JsonOpt = False,
    sessions_dir: SessionsDir = None,
) -> None:
    """The rubric criteria to practise next, most due first: each with its scores so far, when it is due (a weak one
    soon, a strong one later) and the command that practises it; and what improved since the plan was last shown.

    Example: mlcoach plan --candidate Priya
    """
    from datetime import date

    from mlcoach import config
    from mlcoach.cli.options import print_json

    settings = config.resolve(sessions_dir=str(sessions_dir) if sessions_dir else None)
    items, counting, improved = current(settings, candidate, remember=True)
    if as_json:
        print_json({**counting.as_dict(), "items": [i.to_dict() for i in items], "improved": improved})
        return
    if not items:
        print(one_line(f"No scored sessions in {counting.describe()} yet: run an interview first "
                       "(mlcoach interview)."))
        return
    print(one_line(f"Practice plan from {counting.describe()}:"))
    for n, item in enumerate(items, 1):
        print(one_line(f"{n}. {item.line(date.today())}"))
    if improved:
        print(one_line("Improved since the plan was last shown: " + "; ".join(improved) + "."))


def current(settings, candidate: str | None, remember: bool = False):
    """(the plan's items, which sessions it counts, what improved since it was last shown)."""
    from mlcoach import history, plan, trend

    who = settings.name if candidate is None else (None if candidate.strip().lower() == "all" else candidate)
    counting = trend.Counting((who or "").strip() or None)
    rows, _ = history.list_sessions(settings.sessions_dir)
    t = trend.trend(rows, counting)
    items = plan.plan(t, trend.labels(rows))
    before = _shown()
    key = (counting.candidate or "*").casefold()
    improved = plan.improved(items, before.get(key, {}))
    if remember and items:
        before[key] = {i.criterion: i.latest for i in items}
        _remember(before)
    return items, t.counting, improved


def _shown() -> dict:
    from mlcoach import config
    from mlcoach.limits import json_loads

    try:
        data = json_loads((config.home() / "plan-shown.json").read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _remember(shown: dict) -> None:
    import json

    from mlcoach import config
    from mlcoach.errors import MlcoachError
    from mlcoach.sessions import atomic_write

    try:
        config.home().mkdir(parents=True, exist_ok=True)
        atomic_write(config.home() / "plan-shown.json", json.dumps(shown).encode("utf-8"))
    except (OSError, MlcoachError):
        pass  # a read-only home: the plan is shown, what improved is just not tracked

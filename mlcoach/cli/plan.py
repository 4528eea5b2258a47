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
        if item.evidence:
            print("   " + one_line(item.evidence))
    if improved:
        print(one_line("Improved since the plan was last shown: " + "; ".join(improved) + "."))


def current(settings, candidate: str | None, remember: bool = False):
    """(the plan's items, which sessions it counts, what improved since it was last shown)."""
    from dataclasses import replace

    from mlcoach import history, plan, trend

    who = settings.name if candidate is None else (None if candidate.strip().lower() == "all" else candidate)
    counting = trend.Counting((who or "").strip() or None, drills=True)
    rows, _ = history.list_sessions(settings.sessions_dir)
    t = trend.trend(rows, counting)
    drills, every = _drills(settings)
    items = plan.plan(t, trend.labels(rows) | _labels(settings), drills, every)
    by_id = {r.session_id: r for r in rows}
    items = [replace(i, evidence=_evidence(settings.sessions_dir, t, i.criterion, by_id)) for i in items]
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


def _persona(settings):
    from mlcoach import personas
    from mlcoach.errors import MlcoachError

    try:
        return personas.load(settings.persona)
    except MlcoachError:
        return None


def _drills(settings) -> tuple[dict[str, str], tuple[str, ...]]:
    """(criterion id -> the drill topic that practises it, every criterion id) in the configured persona (none if
    it does not load)."""
    from mlcoach import drill

    persona = _persona(settings)
    if persona is None:
        return {}, ()
    drills = {c.id: t.id for c in persona.criteria if (t := drill.drill_for(c.id, persona)) is not None}
    return drills, tuple(c.id for c in persona.criteria)


def _labels(settings) -> dict[str, str]:
    persona = _persona(settings)
    return {c.id: c.label for c in persona.criteria} if persona is not None else {}


def _evidence(directory, t, cid: str, rows: dict) -> str:
    """What the latest session that judged the criterion said of it: its best quote, else what it missed."""
    from mlcoach import history, sessions
    from mlcoach.coach import verbatim
    from mlcoach.errors import MlcoachError
    from mlcoach.records import Score

    if cid not in t.criteria:
        return ""
    latest = next((sid for sid, v in zip(reversed(t.sessions), reversed(t.criteria[cid]), strict=True)
                   if v is not None), None)
    if latest is None or latest not in rows:
        return ""
    row = rows[latest]
    kind = f"drill {row.topic}" if row.topic else "interview"
    try:
        data = sessions.read_summary(history.log_path(directory, row).with_suffix(".toml"))
        score = Score.from_dict(data.get("score") or {})
    except (MlcoachError, AttributeError):
        return ""
    result = next((c for c in score.criteria if c.id == cid), None)
    if result is None:
        return ""
    where = f"Latest ({kind} {row.started[:10]}):"
    if result.evidence:
        best = result.evidence[0]
        return f"{where} turn {best.turn}: “{verbatim(best.quote, 120)}”"
    missing = [score.concept_labels.get(m, m.replace("_", " ")) for m in result.missing[:3]]
    return f"{where} nothing said of it was explained" + (f"; missing: {', '.join(missing)}" if missing else "")

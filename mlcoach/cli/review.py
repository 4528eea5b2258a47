"""`mlcoach review`: list sessions, show or replay one, export it, follow the trend, rescore."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from mlcoach.cli.options import ApiBaseOpt, JsonOpt, JudgeOpt, ModelOpt, OfflineOpt, SessionsDir, TimeoutOpt
from mlcoach.errors import BadInput, ExitCode, NotFound

JSON_FIELDS = ("session_id", "started", "candidate", "persona", "scenario", "interviewer", "status", "overall",
               "band")


def register(app: typer.Typer) -> None:
    app.command()(review)


def review(
    session_id: Annotated[str | None, typer.Argument(help="A session id or a unique prefix of one.",
                                                     show_default=False)] = None,
    latest: Annotated[bool, typer.Option("--latest", help="The newest session.")] = False,
    limit: Annotated[int, typer.Option("-n", "--limit", min=0, help="Sessions to list (0: all).")] = 20,
    status: Annotated[str | None, typer.Option("--status", help="Only complete or incomplete sessions.",
                                               show_default=False)] = None,
    scenario: Annotated[str | None, typer.Option("--scenario", "-s", help="Only this scenario.",
                                                 show_default=False)] = None,
    query: Annotated[str | None, typer.Option("-q", "--query", help="Only sessions whose transcript contains "
                                              "this text (case-insensitive).", show_default=False)] = None,
    as_json: JsonOpt = False,
    replay: Annotated[bool, typer.Option("--replay", help="Play the session back with its own pacing.")] = False,
    speed: Annotated[float, typer.Option("--speed", min=0.01, help="Replay this many times faster.")] = 1.0,
    export: Annotated[str | None, typer.Option("--export", help="md or html: the transcript and the feedback.",
                                               show_default=False)] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="The export's file [default: stdout].",
                                                show_default=False)] = None,
    trend: Annotated[bool, typer.Option("--trend", help="Scores per criterion across sessions.")] = False,
    plot: Annotated[Path | None, typer.Option("--plot", help="With --trend: also write a PNG chart here.",
                                              show_default=False)] = None,
    rescore: Annotated[bool, typer.Option("--rescore", help="Run the current judge over the session again (or "
                                          "over every listed session with --all); the old score stays in the "
                                          "log.")] = False,
    every: Annotated[bool, typer.Option("--all", help="With --rescore: every session that matches the "
                                        "filters.")] = False,
    offline: OfflineOpt = False,
    model: ModelOpt = None,
    api_base: ApiBaseOpt = None,
    judge: JudgeOpt = None,
    timeout: TimeoutOpt = None,
    sessions_dir: SessionsDir = None,
) -> None:
    """List past sessions, newest first; show, replay or export one; follow the trend; rescore.

    Examples: mlcoach review · mlcoach review 20261129T0915 · mlcoach review --latest --export html -o s.html ·
    mlcoach review --trend --plot trend.png · mlcoach review --rescore --all --offline
    """
    from mlcoach import config, history

    settings = config.resolve(sessions_dir=str(sessions_dir) if sessions_dir else None, model=model,
                              api_base=api_base, judge=judge, timeout=timeout)
    directory = settings.sessions_dir
    if status and status not in ("complete", "incomplete"):
        raise BadInput(f"--status: expected complete or incomplete, got {status!r}")
    if export and export not in ("md", "html"):
        raise BadInput(f"--export: expected md or html, got {export!r}")
    if session_id and latest:
        raise BadInput("review: give a session id or --latest, not both")

    if rescore:
        _rescore(settings, offline, session_id, latest, every, status, scenario, query)
        return
    if session_id or latest:
        path = _pick(directory, session_id, latest)
        _one(path, replay=replay, speed=speed, export=export, output=output, as_json=as_json)
        return
    if export or replay:
        raise BadInput("review: --export and --replay need a session id or --latest")

    rows, warnings = history.list_sessions(directory)
    _warn(warnings)
    total = len(rows)
    rows = _filter(rows, directory, status, scenario, query)
    if trend or plot:
        _trend(rows, plot, as_json)
        return
    shown = rows if limit == 0 else rows[:limit]
    if as_json:
        json.dump([{k: r.get(k) for k in JSON_FIELDS} for r in shown], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return
    from mlcoach.ui import render
    from mlcoach.ui.review import sessions_table

    out = render.console()
    out.print(sessions_table(shown, total, out.width))


# ---------------------------------------------------------------------------------------------- helpers


def _warn(warnings: list[str]) -> None:
    for w in warnings:
        print(f"mlcoach: warning: {w}", file=sys.stderr)


def _pick(directory: Path, session_id: str | None, latest: bool) -> Path:
    from mlcoach import history, sessions

    if session_id:
        return sessions.find(directory, session_id)
    path = history.latest(directory)
    if path is None:
        raise NotFound(f"{directory}: no sessions yet")
    return path


def _filter(rows: list[dict], directory: Path, status, scenario, query) -> list[dict]:
    if status:
        rows = [r for r in rows if r.get("status") == status]
    if scenario:
        rows = [r for r in rows if r.get("scenario") == scenario]
    if query:
        rows = [r for r in rows if _mentions(directory / f"{r['session_id']}.jsonl", query)]
    return rows


def _mentions(path: Path, query: str) -> bool:
    """The text appears in something said in the session (a fast scan of the raw log first)."""
    try:
        raw = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    needle = query.casefold()
    if needle not in raw.casefold():
        return False
    for line in raw.splitlines():
        if needle in line.casefold():
            try:
                ev = json.loads(line)
            except ValueError:
                continue
            if ev.get("type") in ("interviewer", "candidate") and needle in str(ev.get("text", "")).casefold():
                return True
    return False


def _one(path: Path, *, replay: bool, speed: float, export: str | None, output: Path | None,
         as_json: bool) -> None:
    from mlcoach import sessions
    from mlcoach.summary import summarize

    loaded = sessions.read_events(path)
    _warn(loaded.warnings)
    events = loaded.events
    try:
        summary = summarize(events)  # the log is the truth; the TOML is derived from it
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise BadInput(f"{path}: damaged session ({type(exc).__name__}: {exc})") from None
    name = _interviewer_name(events)
    if export:
        from mlcoach import export as exporter

        text = exporter.markdown(events, summary, name) if export == "md" else exporter.html_page(events, summary,
                                                                                                 name)
        if output is None:
            sys.stdout.write(text)
            return
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise BadInput(f"{output}: cannot write ({exc.strerror})") from None
        print(f"Wrote {output}")
        return
    if as_json:
        json.dump(summary, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return
    from mlcoach.ui import render
    from mlcoach.ui.report import report
    from mlcoach.ui.review import header, transcript
    from mlcoach.ui.review import replay as play

    out = render.console()
    out.print(header(summary))
    if replay:
        try:
            play(events, name, out, speed)
        except KeyboardInterrupt:
            out.print("\nReplay stopped.")
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
    else:
        out.print(transcript(events, name))
    out.print(report(summary))


def _interviewer_name(events: list[dict]) -> str:
    """The persona's interviewer name, from the greeting ("I'm Alex"), else "Interviewer"."""
    import re

    for ev in events:
        if ev.get("type") == "interviewer":
            m = re.search(r"\bI'm ([A-Z][a-z]+)\b", ev.get("text", ""))
            if m:
                return m.group(1)
    return "Interviewer"


def _trend(rows: list[dict], plot: Path | None, as_json: bool) -> None:
    from mlcoach.trend import trend

    t = trend(rows)
    if not t.sessions:
        raise NotFound("review --trend: no scored sessions yet")
    labels = _labels()
    if as_json:
        json.dump({"sessions": list(t.sessions), "dates": list(t.dates), "overall": list(t.overall),
                   "criteria": {c: list(v) for c, v in t.criteria.items()}, "weakest": list(t.weakest)},
                  sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        from mlcoach.ui import render
        from mlcoach.ui.review import trend_view

        render.console().print(trend_view(t, labels))
    if plot:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            raise BadInput("--plot: needs matplotlib: pip install 'mlcoach[plot]'") from None
        from mlcoach.ui.review import plot as draw

        if plot.is_dir():
            raise BadInput(f"--plot: {plot} is a directory; give a file name such as {plot / 'trend.png'}")
        if plot.suffix.lower() not in (".png", ".svg", ".pdf"):
            plot = plot.with_name(plot.name + ".png")  # what matplotlib would write: say so truthfully

        try:
            draw(t, labels, plot)
        except OSError as exc:
            raise BadInput(f"{plot}: cannot write ({exc.strerror})") from None
        print(f"Wrote {plot}", file=sys.stderr if as_json else sys.stdout)


def _labels() -> dict[str, str]:
    from mlcoach import persona as personas

    try:
        return {c.id: c.label for c in personas.load("ml-engineer").criteria}
    except Exception:  # noqa: BLE001 - labels are a nicety; ids will do
        return {}


def _rescore(settings, offline: bool, session_id, latest, every, status, scenario, query) -> None:
    from mlcoach import history, wiring
    from mlcoach.errors import MlcoachError
    from mlcoach.rescore import rescore

    directory = settings.sessions_dir
    if session_id or latest:
        paths = [_pick(directory, session_id, latest)]
    elif every:
        rows, warnings = history.list_sessions(directory)
        _warn(warnings)
        paths = [directory / f"{r['session_id']}.jsonl" for r in _filter(rows, directory, status, scenario, query)]
    else:
        raise BadInput("review --rescore: give a session id, --latest or --all")
    failed = 0
    for path in paths:
        judge = wiring.build(settings, offline).judge
        try:
            try:
                before, after, warnings, scored_by = rescore(path, judge)
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise BadInput(f"{path}: damaged session ({type(exc).__name__}: {exc})") from None
        except MlcoachError as exc:
            if len(paths) == 1:
                raise  # one session asked for: its own error and exit code
            _warn([str(exc)])
            failed += 1
            continue
        _warn(warnings)
        was = "-" if before is None else str(before)
        print(f"{path.stem}: {was} -> {after} ({scored_by} judge)")
    if failed and failed == len(paths):
        raise typer.Exit(int(ExitCode.ERROR))

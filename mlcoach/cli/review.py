"""`mlcoach review`: list sessions, show or replay one, export it, follow the trend, rescore.

Subcommands over the core (`history`, `trend`, `rescore`, `export`); the earlier single command's spellings keep
working: anything after `review` that is not a subcommand (`review`, `review ID`, `review --latest --export html`,
`review --trend`, `review --rescore --all`) is read by `legacy`, which calls the same functions.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from typer.core import TyperGroup

from mlcoach.cli.options import (
    ApiBaseOpt,
    JsonOpt,
    JudgeOpt,
    ModelOpt,
    OfflineOpt,
    SessionsDir,
    TimeoutOpt,
    print_json,
)
from mlcoach.errors import BadInput, ExitCode, regular_file
from mlcoach.visible import one_line

if TYPE_CHECKING:
    from mlcoach.records import Event
    from mlcoach.summary import Summary

JSON_FIELDS = ("session_id", "started", "candidate", "persona", "scenario", "interviewer", "status", "overall",
               "band", "topic")
FORMATS = ("md", "html")
LEGACY = "legacy"

def _complete_id(incomplete: str) -> list[str]:
    """Session ids for shell completion, newest first (from the configured sessions folder)."""
    from mlcoach import config, sessions

    try:
        found = sessions.session_files(config.resolve().sessions_dir)
    except Exception:  # noqa: BLE001 - completion never fails loudly
        return []
    return [p.stem for p in found if p.stem.startswith(incomplete)][:50]


IdArg = Annotated[str | None, typer.Argument(help="A session id or a unique prefix of one.", show_default=False,
                                             autocompletion=_complete_id)]
LatestOpt = Annotated[bool, typer.Option("--latest", help="The newest session.")]
LimitOpt = Annotated[int, typer.Option("-n", "--limit", min=0, help="Sessions to list (0: all).")]
StatusOpt = Annotated[Literal["complete", "incomplete"] | None, typer.Option(
    "--status", help="Only complete or incomplete sessions.", show_default=False)]
ScenarioOpt = Annotated[str | None, typer.Option("--scenario", "-s", help="Only this scenario.", show_default=False)]
QueryOpt = Annotated[str | None, typer.Option("-q", "--query", help="Only sessions whose transcript contains this "
                                              "text (case-insensitive).", show_default=False)]
ReplayOpt = Annotated[bool, typer.Option("--replay", help="Play the session back with its own pacing.")]
SpeedOpt = Annotated[float, typer.Option("--speed", min=0.01, help="Replay this many times faster.")]
OutputOpt = Annotated[Path | None, typer.Option("-o", "--output", help="The export's file \\[default: stdout].",
                                                show_default=False)]
PlotOpt = Annotated[Path | None, typer.Option("--plot", help="Also write a PNG chart here.", show_default=False)]
AllOpt = Annotated[bool, typer.Option("--all", help="Every session that matches the filters.")]
CandidateOpt = Annotated[str | None, typer.Option(
    "--candidate", help="Whose sessions count: a name (case-insensitive, the whole name), or all for everyone; by "
    "default the configured name (everyone when none is configured).", show_default=False)]
BatchOpt = Annotated[bool, typer.Option("--include-batch", help="Also count batch sessions (mlcoach batch); by "
                                        "default only live interviews count.")]
IncompleteOpt = Annotated[bool, typer.Option("--include-incomplete", help="Also count incomplete sessions; by "
                                             "default only complete ones count.")]


class _Review(TyperGroup):
    """`review SUBCOMMAND ...`; anything else (`review`, `review ID`, `review --trend`) is the earlier single
    command, read by the hidden `legacy` command under the name `review` (so its usage lines read as before)."""

    def make_context(self, info_name, args, parent=None, **extra):
        first = args[0] if args else None
        if first is None and extra.get("resilient_parsing"):  # shell completion: offer the subcommands
            return super().make_context(info_name, args, parent=parent, **extra)
        if first in (parent.help_option_names if parent else ["--help"]):
            args = [first]  # `review --help ...`: this group's help, whatever follows
        elif first not in self.commands:
            return self.commands[LEGACY].make_context(info_name, list(args), parent=parent, **extra)
        return super().make_context(info_name, args, parent=parent, **extra)


app = typer.Typer(
    cls=_Review,
    help="List past sessions, newest first; show, replay or export one; follow the trend; rescore.\n\n"
         "`mlcoach review` lists and `mlcoach review ID` shows one; the options of these short forms (--latest, "
         "--json, --replay, --export md|html, --trend, --plot, --rescore, --all) keep working.\n\n"
         "Examples: mlcoach review · mlcoach review 20261129T0915 · mlcoach review show --latest · "
         "mlcoach review export --latest --format html -o s.html · mlcoach review trend --plot trend.png · "
         "mlcoach review rescore --all --offline",
)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="review")


# ---------------------------------------------------------------------------------------------- subcommands


@app.command("list")
def list_(limit: LimitOpt = 20, status: StatusOpt = None, scenario: ScenarioOpt = None, query: QueryOpt = None,
          as_json: JsonOpt = False, sessions_dir: SessionsDir = None) -> None:
    """List past sessions, newest first.

    Example: mlcoach review list --status complete --scenario spam -q precision -n 5

    The same as: mlcoach review --status complete --scenario spam -q precision -n 5
    """
    _list(_settings(sessions_dir).sessions_dir, _filters(status, scenario, query), limit, as_json)


@app.command()
def show(session_id: IdArg = None, latest: LatestOpt = False, replay: ReplayOpt = False, speed: SpeedOpt = 1.0,
         as_json: JsonOpt = False, sessions_dir: SessionsDir = None) -> None:
    """Show one session: its transcript, then the feedback report (--json: its summary).

    Example: mlcoach review show 20261129T0915 --replay --speed 5

    The same as: mlcoach review 20261129T0915 --replay --speed 5
    """
    directory = _settings(sessions_dir).sessions_dir
    _show(_pick(directory, session_id, latest, "review show"), replay, speed, as_json)


@app.command()
def export(session_id: IdArg = None, latest: LatestOpt = False,
           fmt: Annotated[Literal["md", "html"], typer.Option("--format", "-f",
                                                               help="md or html (a self-contained page).")] = "md",
           output: OutputOpt = None, sessions_dir: SessionsDir = None) -> None:
    """Export one session's transcript and feedback as Markdown or a self-contained HTML page.

    Example: mlcoach review export --latest --format html -o session.html

    The same as: mlcoach review --latest --export html -o session.html
    """
    directory = _settings(sessions_dir).sessions_dir
    _check_format("--format", fmt)
    _export(_pick(directory, session_id, latest, "review export"), fmt, output)


@app.command()
def trend(candidate: CandidateOpt = None, include_batch: BatchOpt = False, include_incomplete: IncompleteOpt = False,
          plot: PlotOpt = None, as_json: JsonOpt = False, status: StatusOpt = None, scenario: ScenarioOpt = None,
          query: QueryOpt = None, sessions_dir: SessionsDir = None) -> None:
    """Scores per criterion across one candidate's scored sessions, and their weakest criteria lately.

    Counted: the configured name's complete live interviews (everyone's without a name), never an empty one.

    Example: mlcoach review trend --candidate Priya --plot trend.png

    The same as: mlcoach review --trend --candidate Priya --plot trend.png
    """
    settings = _settings(sessions_dir)
    counting = _counting(settings, candidate, include_batch, include_incomplete)
    _trend(settings.sessions_dir, _filters(status, scenario, query), counting, plot, as_json, "review trend")


@app.command()
def rescore(session_id: IdArg = None, latest: LatestOpt = False, every: AllOpt = False, status: StatusOpt = None,
            scenario: ScenarioOpt = None, query: QueryOpt = None, offline: OfflineOpt = False,
            model: ModelOpt = None, api_base: ApiBaseOpt = None, judge: JudgeOpt = None,
            timeout: TimeoutOpt = None, as_json: JsonOpt = False, sessions_dir: SessionsDir = None) -> None:
    """Run the current judge over one session again, or every matching one; the old score stays in the log.

    Example: mlcoach review rescore --all --scenario spam --offline

    The same as: mlcoach review --rescore --all --scenario spam --offline
    """
    settings = _settings(sessions_dir, model=model, api_base=api_base, judge=judge, timeout=timeout)
    filters = _filters(status, scenario, query)
    _rescore(settings, offline, session_id, latest, every, filters, "review rescore", as_json)


@app.command(LEGACY, hidden=True)
def legacy(
    session_id: IdArg = None,
    latest: LatestOpt = False,
    limit: LimitOpt = 20,
    status: StatusOpt = None,
    scenario: ScenarioOpt = None,
    query: QueryOpt = None,
    as_json: JsonOpt = False,
    replay: ReplayOpt = False,
    speed: SpeedOpt = 1.0,
    export: Annotated[Literal["md", "html"] | None, typer.Option(
        "--export", help="md or html: the transcript and the feedback.", show_default=False)] = None,
    output: OutputOpt = None,
    trend: Annotated[bool, typer.Option("--trend", help="Scores per criterion across one candidate's complete live "
                                        "sessions (--candidate, --include-batch, --include-incomplete).")] = False,
    plot: Annotated[Path | None, typer.Option("--plot", help="With --trend: also write a PNG chart here.",
                                              show_default=False)] = None,
    candidate: CandidateOpt = None,
    include_batch: BatchOpt = False,
    include_incomplete: IncompleteOpt = False,
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
    settings = _settings(sessions_dir, model=model, api_base=api_base, judge=judge, timeout=timeout)
    directory = settings.sessions_dir
    filters = _filters(status, scenario, query)
    if export:
        _check_format("--export", export)
    if session_id and latest:
        raise BadInput("review: give a session id or --latest, not both")
    trending = (trend or plot) and not (rescore or session_id or latest or export or replay)
    if (candidate is not None or include_batch or include_incomplete) and not trending:
        raise BadInput("review: --candidate, --include-batch and --include-incomplete go with --trend")
    if rescore:
        _rescore(settings, offline, session_id, latest, every, filters, "review --rescore", as_json)
    elif session_id or latest:
        path = _pick(directory, session_id, latest, "review")
        _export(path, export, output) if export else _show(path, replay, speed, as_json)
    elif export or replay:
        raise BadInput("review: --export and --replay need a session id or --latest")
    elif trend or plot:
        counting = _counting(settings, candidate, include_batch, include_incomplete)
        _trend(directory, filters, counting, plot, as_json, "review --trend")
    else:
        _list(directory, filters, limit, as_json)


# ---------------------------------------------------------------------------------------------- shared by both


def _settings(sessions_dir: Path | None, **flags):
    from mlcoach import config

    return config.resolve(sessions_dir=str(sessions_dir) if sessions_dir else None, **flags)


def _filters(status: str | None, scenario: str | None, query: str | None):
    from mlcoach.history import STATUSES, Filters

    if status and status not in STATUSES:
        raise BadInput(f"--status: expected complete or incomplete, got {status!r}")
    return Filters(status, scenario, query)


def _counting(settings, candidate: str | None, batch: bool, incomplete: bool):
    """Whose sessions, of which kinds, a trend counts: --candidate (all: everyone), else the configured name."""
    from mlcoach.trend import EVERYONE, Counting

    if candidate is None:
        name = settings.name.strip()
        return Counting(name or None, batch, incomplete, unnamed=not name)
    if not candidate.strip():
        raise BadInput("--candidate: give a name, or all for every candidate")
    return Counting(None if candidate.strip().casefold() == EVERYONE else candidate.strip(), batch, incomplete)


def _check_format(option: str, fmt: str) -> None:
    if fmt not in FORMATS:
        raise BadInput(f"{option}: expected md or html, got {fmt!r}")


def _warn(warnings) -> None:
    for w in warnings:
        print(f"mlcoach: warning: {one_line(w)}", file=sys.stderr)


def _pick(directory: Path, session_id: str | None, latest: bool, command: str) -> Path:
    from mlcoach import history

    if session_id and latest:
        raise BadInput(f"{command}: give a session id or --latest, not both")
    if not session_id and not latest:
        raise BadInput(f"{command}: give a session id or --latest")
    return history.pick(directory, session_id)


def _list(directory: Path, filters, limit: int, as_json: bool) -> None:
    from mlcoach import history

    listing = history.search(directory, filters)
    _warn(listing.warnings)
    shown = listing.rows if limit == 0 else listing.rows[:limit]
    if as_json:
        _json([{k: r.to_dict()[k] for k in JSON_FIELDS} for r in shown])
        return
    from mlcoach.ui import render
    from mlcoach.ui.review import sessions_table

    out = render.console()
    plain = not out.is_terminal
    out.print(sessions_table(shown, listing.total, out.width, plain=plain), soft_wrap=plain)


def _open(path: Path) -> tuple[list[Event], Summary]:
    """(events, summary) of one session; the log's warnings on stderr first."""
    from mlcoach import history, sessions

    loaded = sessions.read_events(path)
    _warn(loaded.warnings)
    return loaded.records, history.summary_of(path, loaded.records)


def _show(path: Path, replay: bool, speed: float, as_json: bool) -> None:
    events, summary = _open(path)
    name = summary.interviewer_name
    if as_json:
        _json(summary.to_dict())
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
    if summary.topic:  # a drill: its report on the topic, not an interview's feedback
        from mlcoach.cli.drill import show_report

        if show_report(events, path):
            return
    out.print(report(summary))


def _export(path: Path, fmt: str, output: Path | None) -> None:
    from mlcoach import export as exporter
    from mlcoach.cli.drill import report_lines

    events, summary = _open(path)
    drill = report_lines(events, path) if summary.topic else None  # a drill: its report, not interview feedback
    text = exporter.markdown(events, summary, drill) if fmt == "md" else exporter.html_page(events, summary, drill)
    if output is None:
        sys.stdout.write(text)
        return
    regular_file(output)  # a FIFO would block the write, a device swallow it
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise BadInput(f"{output}: cannot write ({exc.strerror})") from None
    print(one_line(f"Wrote {output}"))


def _trend(directory: Path, filters, counting, plot: Path | None, as_json: bool, command: str) -> None:
    from mlcoach import history
    from mlcoach import trend as trends
    from mlcoach.errors import NotFound

    listing = history.search(directory, filters)
    _warn(listing.warnings)
    t = trends.trend(listing.rows, counting)
    drills = trends.drill_rows(listing.rows, counting)
    if not t.sessions and not drills:
        if not any(n for reason, n in t.left_out.items() if reason != trends.UNSCORED):
            raise NotFound(f"{command}: no scored sessions yet")
        raise NotFound(one_line(f"{command}: no scored sessions among {counting.describe()}; not counted: "
                                f"{trends.left_out_text(t.left_out)}"))
    labels = trends.labels(trends.counted(listing.rows, counting)[0] + drills)
    if as_json:
        _json(t.as_dict() | {"drills": trends.drill_dicts(drills)}, ensure_ascii=True)
    else:
        from mlcoach.ui import render
        from mlcoach.ui.review import drills_view, trend_view

        if t.sessions:
            render.console().print(trend_view(t, labels))
        else:
            print(one_line(f"No scored interviews among {counting.describe()} yet; drills below."))
        if drills:
            render.console().print(drills_view(drills, labels))
    if plot and t.sessions:
        _plot(t, labels, plot, sys.stderr if as_json else sys.stdout)


def _plot(t, labels: dict[str, str], plot: Path, said) -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise BadInput("--plot: needs matplotlib: pip install 'mlcoach[plot]'") from None
    from mlcoach.ui.plot import plot as draw

    if plot.is_dir():
        raise BadInput(f"--plot: {plot} is a directory; give a file name such as {plot / 'trend.png'}")
    regular_file(plot)
    if plot.suffix.lower() not in (".png", ".svg", ".pdf"):
        plot = plot.with_name(plot.name + ".png")  # what matplotlib would write: say so truthfully
    try:
        draw(t, labels, plot)
    except OSError as exc:
        raise BadInput(f"{plot}: cannot write ({exc.strerror})") from None
    print(one_line(f"Wrote {plot}"), file=said)


def _rescore(settings, offline: bool, session_id: str | None, latest: bool, every: bool, filters,
             command: str, as_json: bool = False) -> None:
    from mlcoach import history, wiring
    from mlcoach.rescore import rescore_each

    directory = settings.sessions_dir
    if session_id or latest:
        paths = [_pick(directory, session_id, latest, command)]
    elif every:
        listing = history.search(directory, filters)
        _warn(listing.warnings)
        paths = [history.log_path(directory, r) for r in listing.rows]
    else:
        raise BadInput(f"{command}: give a session id, --latest or --all")
    failed, rows = 0, []
    for done in rescore_each(paths, lambda: wiring.build(settings, offline).judge):
        rows.append({"session_id": done.path.stem, "before": done.before, "after": None if done.error else done.after,
                     "judge": None if done.error else done.scored_by, "error": done.error or None})
        if done.error:
            _warn([done.error])
            failed += 1
            continue
        _warn(done.warnings)
        if not as_json:
            print(one_line(f"{done.path.stem}: {'-' if done.before is None else done.before} -> {done.after} "
                  f"({done.scored_by} judge)"))
    if as_json:
        _json(rows)
    if failed and failed == len(paths):
        raise typer.Exit(int(ExitCode.ERROR))


def _json(data, ensure_ascii: bool = False) -> None:
    print_json(data, ensure_ascii)


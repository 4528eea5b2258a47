"""`mlcoach batch FILE...`: scripted mock interviews, no terminal interaction."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Literal

import typer

from mlcoach.cli.options import (
    ApiBaseOpt,
    DurationOpt,
    JsonOpt,
    JudgeOpt,
    MaxCostOpt,
    ModelOpt,
    OfflineOpt,
    PersonaOpt,
    SeedOpt,
    SessionsDir,
    SttModelOpt,
    SttOpt,
    TimeoutOpt,
)
from mlcoach.errors import ExitCode
from mlcoach.visible import one_line


def register(app: typer.Typer) -> None:
    app.command()(batch)


def batch(
    files: Annotated[list[Path] | None, typer.Argument(help="Candidate script TOML files (none with --simulate).",
                                                       show_default=False)] = None,
    offline: OfflineOpt = False,
    as_json: JsonOpt = False,
    sessions_dir: SessionsDir = None,
    seed: SeedOpt = None,
    persona: PersonaOpt = None,
    duration: DurationOpt = None,
    model: ModelOpt = None,
    api_base: ApiBaseOpt = None,
    judge: JudgeOpt = None,
    max_cost: MaxCostOpt = None,
    timeout: TimeoutOpt = None,
    concurrency: Annotated[int, typer.Option("--concurrency", "-j", min=1, max=64,
                                             help="Sessions run at once (useful with a model).")] = 1,
    shard: Annotated[str | None, typer.Option("--shard", help="K/N: run only the K-th of N slices of the files "
                                              "(1-based), to split a large run across machines.",
                                              show_default=False)] = None,
    stt: SttOpt = "whisper-local",
    stt_model: SttModelOpt = None,
    fallback: Annotated[Literal["", "offline"], typer.Option("--fallback", help="offline: run offline when the model cannot work "
                                          "(no key, its server down) instead of failing before the first "
                                          "interview (exit 2).", show_default=False)] = "",
    report: Annotated[bool, typer.Option("--report", help="Also check how the interviewer behaved in every "
                                         "interview: questions per phase, topics asked twice, questions after their "
                                         "topic was explained, never-do wording, approval of wrong claims, planted "
                                         "traits caught and missed, time per phase, agreement with the level.")
                      ] = False,
    simulate: Annotated[str | None, typer.Option("--simulate", help="A model plays the candidate from this "
                                                 "profile: strong, average, weak (built in) or a profile TOML file.",
                                                 show_default=False)] = None,
    count: Annotated[int, typer.Option("--count", "-n", min=1, max=1000, help="With --simulate: how many "
                                       "interviews.")] = 1,
    candidate_model: Annotated[str | None, typer.Option("--candidate-model", help="With --simulate: the model that "
                                                        "plays the candidate \\[default: --model].",
                                                        show_default=False)] = None,
) -> None:
    """Run one full mock interview per candidate script on a simulated clock.

    Every file is validated first; a bad one stops the batch before anything runs.
    Example: mlcoach batch tests/candidates/strong-spam.toml --offline --json
    """
    from mlcoach import config
    from mlcoach.batch import notices, prepare_batch, quality_report, run_batch
    from mlcoach.ui import render

    settings = config.resolve(sessions_dir=str(sessions_dir) if sessions_dir else None, duration=duration,
                              model=model, api_base=api_base, judge=judge, max_cost=max_cost, timeout=timeout)
    if fallback not in ("", "offline"):
        from mlcoach.errors import BadInput

        raise BadInput(f"--fallback: expected offline, not {fallback!r}")
    if not files and not simulate:
        from mlcoach.errors import BadInput

        raise BadInput("batch: give candidate script files, or --simulate PROFILE")
    job = prepare_batch(files or [], settings, offline=offline, persona=persona, seed=seed, shard=shard, stt=stt,
                        stt_model=stt_model, fallback=fallback, simulate=simulate, count=count,
                        candidate_model=candidate_model)
    with render.progress(len(job.scripts), enabled=len(job.scripts) > 3) as step:
        results = run_batch(job, concurrency=concurrency, step=step)
    for line in notices(results):  # on stderr: stdout stays the report or the JSON
        print(f"mlcoach: warning: {one_line(line)}", file=sys.stderr)
    _output(results, quality_report(job, results) if report else None, settings, as_json)
    errors = [r for r in results if r.error]
    for r in errors:
        print(f"mlcoach: error: {one_line(r.error)}", file=sys.stderr)
    if errors:  # the others ran and are reported above; the batch as a whole did not succeed
        raise typer.Exit(int(ExitCode.ERROR))


def _output(results, checked, settings, as_json: bool) -> None:
    """The results (and the quality report) as a table, or as JSON on stdout."""
    from mlcoach.batch import as_row
    from mlcoach.ui import render

    if as_json:
        rows: list | dict = [as_row(r) for r in results]
        if checked:
            rows = {"results": rows, "report": {"interviews": [r.to_dict() for r in checked[0]],
                                                "totals": checked[1].to_dict()}}
        json.dump(rows, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    render.batch_table(results, settings.sessions_dir)
    if checked:
        render.quality_table(*checked)

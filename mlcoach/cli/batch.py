"""`mlcoach batch FILE...`: scripted mock interviews, no terminal interaction."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

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
    load_persona,
)
from mlcoach.errors import BadInput


def _score(summary: dict) -> dict:
    score = summary.get("score", {})
    return {"overall": score.get("overall", 0), "band": score.get("band", ""), "judge": score.get("judge", ""),
            "criteria": {cid: c.get("score", 0) for cid, c in score.get("criteria", {}).items()},
            "red_flags": list(score.get("red_flags", {}))}


def _shard(files: list[Path], spec: str | None) -> list[Path]:
    """The K-th of N interleaved slices of the files, in a stable order (sorted paths)."""
    if not spec:
        return files
    try:
        k, n = (int(x) for x in spec.split("/"))
        if not 1 <= k <= n:
            raise ValueError
    except ValueError:
        raise BadInput(f"--shard: expected K/N with 1 <= K <= N, got {spec!r}") from None
    ordered = sorted(files, key=str)
    return [f for i, f in enumerate(ordered) if i % n == k - 1]


def register(app: typer.Typer) -> None:
    app.command()(batch)


def batch(
    files: Annotated[list[Path], typer.Argument(help="Candidate script TOML files.", show_default=False)],
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
) -> None:
    """Run one full mock interview per candidate script on a simulated clock.

    Every file is validated first; a bad one stops the batch before anything runs.
    Example: mlcoach batch tests/candidates/strong-spam.toml --offline --json
    """
    from mlcoach import config, script, wiring
    from mlcoach.batch import run_script
    from mlcoach.ui import render

    settings = config.resolve(sessions_dir=str(sessions_dir) if sessions_dir else None, duration=duration,
                              model=model, api_base=api_base, judge=judge, max_cost=max_cost, timeout=timeout)
    wiring.build(settings, offline)  # a bad combination fails here, before anything runs
    files = _shard(files, shard)
    scripts = [script.load(f) for f in files]
    for s in scripts:  # personas and scenarios are checked before the first interview starts
        if persona or not s.persona:
            p = load_persona(persona or settings.persona, "--persona" if persona else config.origin(settings, "persona"))
        else:  # a bad script is bad input, like any other key of it
            p = load_persona(s.persona, f"{s.path}: persona", BadInput)
        if s.scenario:
            try:
                p.scenario(s.scenario)
            except BadInput as exc:
                raise BadInput(f"{s.path}: {exc}") from None
    transcribe = None
    if any(a.audio is not None for s in scripts for items in s.answers.values() for a in items):
        from mlcoach.voice.stt import Transcriber

        client = None
        if stt == "openai":
            client = wiring.build(settings, offline).client
        transcriber = Transcriber(stt, stt_model or "", client=client)
        transcriber.load()  # once for the whole batch; a missing part stops it here, before any interview
        transcribe = transcriber.file

    def one(s):
        return run_script(s, sessions_dir=settings.sessions_dir, persona_ref=persona or s.persona or settings.persona,
                          seed=seed, duration=settings.duration, factory=lambda: wiring.build(settings, offline),
                          transcribe=transcribe)

    results = []
    with render.progress(len(scripts), enabled=len(scripts) > 3) as step:
        if concurrency == 1 or len(scripts) <= 1:
            for s in scripts:
                results.append(one(s))
                step()
        else:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(max_workers=concurrency) as pool:
                futures = [pool.submit(one, s) for s in scripts]
                for future in futures:  # in the order of the files
                    results.append(future.result())
                    step()
    told: set[str] = set()
    for r in results:  # the model's trouble, once per kind, on stderr (stdout stays the report or the JSON)
        for text in r.notices:
            if text not in told:
                told.add(text)
                print(f"mlcoach: warning: {os.path.basename(r.file)}: {text}", file=sys.stderr)
    if as_json:
        rows = [{"file": r.file, "session_id": r.session_id, "candidate": r.candidate, "scenario": r.scenario,
                 "status": r.status, "questions": r.questions, "phases": list(r.phases), **_score(r.summary)}
                for r in results]
        json.dump(rows, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        render.batch_table(results, settings.sessions_dir)

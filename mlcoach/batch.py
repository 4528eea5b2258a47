"""Batch mock interviews: one full scripted interview per candidate script, on a simulated clock.

`prepare_batch` checks everything first (the settings, the shard, every script, its persona and scenario, the
speech recognition for audio answers), so a bad file stops the batch before any interview runs; `run_batch` then
runs the interviews, one at a time or several at once, and gives the results in the order of the files.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mlcoach import personas, wiring
from mlcoach import script as scripts
from mlcoach import simulate as simulation
from mlcoach.clock import SimClock
from mlcoach.config import Settings, origin
from mlcoach.engine import Notice, Session
from mlcoach.errors import BadInput, MlcoachError, NotFound
from mlcoach.interviewers import ScriptedInterviewer
from mlcoach.judge import OfflineJudge
from mlcoach.script import Script, ScriptAnswer, topics_problem, traits_problem
from mlcoach.summary import Summary
from mlcoach.visible import one_line
from mlcoach.wiring import Team

MAX_TURNS = 400  # a guard against a planner bug turning a batch into an endless loop


@dataclass(frozen=True)
class Result:
    file: str
    session_id: str
    candidate: str
    scenario: str
    status: str
    questions: int
    phases: tuple[str, ...]
    summary: Summary | None  # None: the interview could not run (see `error`)
    session: Session | None
    notices: tuple[str, ...] = ()  # what a live candidate would have been told (a model unreachable...), once each
    error: str = ""  # why this script's interview could not run; the others still do


def failed(script: Script, exc: MlcoachError) -> Result:
    """The result of a script whose interview could not run (no free session id, a full disk): one row saying
    why, so the rest of the batch still runs and reports."""
    return Result(file=str(script.path), session_id="", candidate=script.name, scenario=script.scenario,
                  status="error", questions=0, phases=(), summary=None, session=None, error=str(exc))


NOTHING = "I don't have anything to add on that one."  # a keyed script's candidate, asked what no answer is about


def next_answer(queue: list[ScriptAnswer], state) -> ScriptAnswer | None:
    """The script's answer to the question just asked: an unused answer keyed to it (its move id, its topic, or a
    concept it asks about), else the next plain answer in order, else None. Taken out of the queue."""
    last = state.last_question
    keys = {last.move, state.topic_of(last.move), *state.covers_of(last.move)} - {""} if last else set()
    chosen = next((a for a in queue if a.about and a.about in keys), None) or \
        next((a for a in queue if not a.about), None)
    if chosen is not None:
        queue.remove(chosen)
    return chosen


def _simulated_turn(session: Session, profile, candidate, notices: list[str]) -> None:
    """The simulated candidate answers the question just asked; a candidate model that fails ends the interview
    (incomplete, with the reason), as the candidate leaving would."""
    from mlcoach.llm import LLMError
    from mlcoach.records import conversation

    try:
        text = simulation.answer(candidate, profile, conversation(session.records))
    except LLMError as exc:
        notices.append(f"the candidate's model failed: {exc}")
        _drain(session.finish("incomplete", "the simulated candidate's model failed"), notices)
        return
    _drain(session.submit(text or NOTHING, input="simulated"), notices)


def _drain(outputs, notices: list[str]) -> None:
    for out in outputs:
        if isinstance(out, Notice) and out.text not in notices:
            notices.append(out.text)


def run_script(script: Script, *, sessions_dir: Path, persona_ref: str | None = None, seed: int | None = None,
               duration: float = 45, factory: Callable[[], Team] | None = None,
               transcribe: Callable | None = None, mode: str = "batch", candidate=None) -> Result:
    """One scripted interview on a simulated clock. `factory` gives a fresh Team for the session (default:
    scripted and offline); `mode` is what the session is logged as (a batch run; "live" to stand in for one).
    A script with a `profile` is a simulated candidate: `candidate` is the model client that plays it."""
    ref = persona_ref or script.persona or "ml-engineer"
    persona = personas.load(ref)
    if script.scenario:
        persona.scenario(script.scenario)
    team = factory() if factory else Team(ScriptedInterviewer(), OfflineJudge())
    interviewer, judge = team.interviewer, team.judge
    session = Session.create(persona, candidate=script.name, sessions_dir=sessions_dir, clock=SimClock(),
                             interviewer=interviewer, judge=judge, scenario=script.scenario or None,
                             seed=seed if seed is not None else 0, duration=duration, persona_ref=ref,
                             level=script.level, mode=mode)
    notices: list[str] = []
    try:
        _drain(session.start(), notices)
        queues = {phase: list(items) for phase, items in script.answers.items()}
        turns = 0
        while not session.done and turns < MAX_TURNS:
            turns += 1
            if script.profile is not None:
                _simulated_turn(session, script.profile, candidate, notices)
                continue
            queue = queues.get(session.state.phase, [])
            if not queue:
                _drain(session.next_phase(), notices)
                continue
            answer = next_answer(queue, session.state)
            if answer is None:  # only keyed answers left, none about this question
                _drain(session.submit(NOTHING, input="script", script=""), notices)
                continue
            extra = {"script": answer.where}  # which answer of the script this is
            text, seconds, kind = answer.text, answer.seconds, "script"
            if answer.audio is not None and transcribe is not None:
                heard = transcribe(answer.audio)
                text, seconds, kind, extra = heard.text, heard.duration_seconds, "voice", heard.metrics()
            _drain(session.submit(text, input=kind, seconds=seconds, **extra), notices)
        if not session.done:
            _drain(session.finish("incomplete", "turn limit reached"), notices)
        unused = {p: len(q) for p, q in queues.items() if q}
        if unused:
            session.note("unused_answers", "scripted answers not reached: " +
                         ", ".join(f"{p} {n}" for p, n in unused.items()))
            session._write_summary()
    except BaseException:
        if not session.done:
            for _ in session.finish("incomplete", "batch interrupted", quick=True):
                pass
        raise
    finally:
        session.close()
    summary = session.summary()
    return Result(file=str(script.path), session_id=session.id, candidate=script.name,
                  scenario=summary.scenario, status=summary.status, questions=summary.questions,
                  phases=tuple(p.id for p in summary.phases), summary=summary, session=session,
                  notices=tuple(notices))


# ---------------------------------------------------------------------------------------------- a whole batch


@dataclass(frozen=True)
class Batch:
    """A checked batch, ready to run."""

    scripts: tuple[Script, ...]
    personas: tuple[str, ...]  # the persona each script runs with
    settings: Settings
    offline: bool = False
    seed: int | None = None
    transcribe: Callable | None = None  # for audio answers: one speech recognizer, loaded once for the batch
    candidate: Callable | None = None  # for simulated candidates: a fresh client of the candidate's model


def prepare_batch(files: list[Path], settings: Settings, *, offline: bool = False, persona: str | None = None,
                  seed: int | None = None, shard: str | None = None, stt: str = "whisper-local",
                  stt_model: str | None = None, fallback: str = "", simulate: str | None = None, count: int = 1,
                  candidate_model: str | None = None, backend=None) -> Batch:
    """Check everything before anything runs. `persona` (the --persona flag) overrides the scripts' own; a script
    without one gets the configured persona. `shard` is "K/N": the K-th of N slices of the files. A configured
    model that cannot work (no key, no provider, its local server down) fails the batch here, unless `fallback`
    is "offline": then the batch runs offline, and says so."""
    if wiring.uses_model(settings, offline) and (problem := wiring.preflight(settings)):
        if fallback != "offline":
            raise BadInput(f"{problem} (or run with --fallback offline)")
        print(f"mlcoach: warning: {one_line(problem)}; the batch runs offline (--fallback offline)", file=sys.stderr)
        offline = True
    wiring.build(settings, offline)  # a bad combination fails here, before anything runs
    loaded = tuple(s for f in shard_files(files, shard) for s in scripts.load_file(f))
    candidate = None
    if simulate:
        profile = simulation.load(simulate)
        loaded += tuple(scripts.Script(profile.path, profile.name, profile.scenario, "", profile.level, {},
                                       profile.traits, profile) for _ in range(count))
    for s in loaded:  # personas and scenarios are checked before the first interview starts
        if persona or not s.persona:
            p = _persona(persona or settings.persona, "--persona" if persona else origin(settings, "persona"))
        else:  # a bad script is bad input, like any other key of it
            p = _persona(s.persona, f"{s.path}: persona", BadInput)
        if s.scenario:
            try:
                p.scenario(s.scenario)
            except BadInput as exc:
                raise BadInput(f"{s.path}: {exc}") from None
        known = {f.id for f in p.red_flags} | {m.id for m in p.misconceptions}
        if problem := topics_problem(s, p.topics()) or traits_problem(s, known):
            raise BadInput(problem)
    if any(s.profile is not None for s in loaded):  # checked first: a bad trait is said before a server is tried
        candidate = _candidate_client(settings, candidate_model, backend)
    refs = tuple(persona or s.persona or settings.persona for s in loaded)
    return Batch(loaded, refs, settings, offline, seed, _transcriber(loaded, settings, offline, stt, stt_model),
                 candidate)


def _candidate_client(settings: Settings, model: str | None, backend) -> Callable:
    """A factory of clients for the simulated candidate's model (its own, or the interviewer's)."""
    import dataclasses

    from mlcoach import config

    chosen = config.read_file().get("aliases", {}).get(model, model) if model else settings.model
    if not chosen:
        raise BadInput("--simulate: a model plays the candidate: give --candidate-model M (or --model M)")
    own = dataclasses.replace(settings, model=chosen, judge="offline")
    if backend is None and (problem := wiring.preflight(own)):
        raise BadInput(f"--candidate-model: {problem}")
    return lambda: wiring.build(own, False, backend).client


def run_batch(batch: Batch, *, concurrency: int = 1, step: Callable[[], None] | None = None) -> list[Result]:
    """Every script's interview, `concurrency` at once; results in the order of the files. `step` is called as each
    one is taken in (for a progress bar)."""
    settings, offline = batch.settings, batch.offline

    def one(i: int) -> Result:
        simulated = batch.scripts[i].profile is not None
        seed = (batch.seed or 0) + i if simulated else batch.seed  # N simulated interviews, N different ones
        try:
            return run_script(batch.scripts[i], sessions_dir=settings.sessions_dir, persona_ref=batch.personas[i],
                              seed=seed, duration=settings.duration,
                              factory=lambda: wiring.build(settings, offline), transcribe=batch.transcribe,
                              candidate=batch.candidate() if simulated and batch.candidate else None)
        except MlcoachError as exc:
            return failed(batch.scripts[i], exc)

    tick = step or (lambda: None)
    results = []
    if concurrency == 1 or len(batch.scripts) <= 1:
        for i in range(len(batch.scripts)):
            results.append(one(i))
            tick()
        return results
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        futures = [pool.submit(one, i) for i in range(len(batch.scripts))]
        for future in futures:  # in the order of the files
            results.append(future.result())
            tick()
    return results


def quality_report(batch: Batch, results: list[Result]) -> tuple[list, object]:
    """The interview-quality rows and their totals (quality.py), one per script, in the order of the files."""
    from mlcoach import quality

    rows = [quality.row(r, personas.load(ref), s.traits, s.level)
            for r, s, ref in zip(results, batch.scripts, batch.personas, strict=True)]
    return rows, quality.totals(rows)


def shard_files(files: list[Path], spec: str | None) -> list[Path]:
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


def notices(results: list[Result]) -> list[str]:
    """The model's trouble during the batch, once per kind: "file: what happened"."""
    told: set[str] = set()
    out = []
    for r in results:
        for text in r.notices:
            if text not in told:
                told.add(text)
                out.append(f"{os.path.basename(r.file)}: {text}")
    return out


def as_row(r: Result) -> dict:
    """One result as a JSON row."""
    score = r.summary.score if r.summary else None
    row = {"file": r.file, "session_id": r.session_id, "candidate": r.candidate, "scenario": r.scenario,
            "status": r.status, "questions": r.questions, "phases": list(r.phases),
            "overall": score.overall if score else 0, "band": score.band if score else "",
            "judge": score.judge if score else "", "criteria": score.scores if score else {},
            "red_flags": [fid for fid, _ in score.red_flags] if score else []}
    summary = r.summary
    row["interviewer"] = summary.interviewer if summary else ""
    row["usage"] = summary.usage.to_dict() if summary and summary.usage else None  # the model's calls, tokens, cost
    row["fallbacks"] = list(r.notices)  # what a live candidate would have been told: the model unreachable, ...
    if r.error:
        row["error"] = r.error
    return row


def _persona(ref: str, where: str, error: type[MlcoachError] = NotFound) -> personas.Persona:
    """A persona by id or path; an unknown one is one line naming where the id came from."""
    try:
        return personas.load(ref)
    except NotFound as exc:
        raise error(f"{where}: {str(exc).removeprefix('persona: ')}") from None


def _transcriber(loaded: tuple[Script, ...], settings: Settings, offline: bool, stt: str,
                 stt_model: str | None) -> Callable | None:
    """Speech recognition for audio answers, loaded once for the whole batch (a missing part stops it here, before
    any interview); None when no answer is audio."""
    if not any(a.audio is not None for s in loaded for items in s.answers.values() for a in items):
        return None
    from mlcoach.voice.stt import Transcriber

    client = wiring.build(settings, offline).client if stt == "openai" else None
    transcriber = Transcriber(stt, stt_model or "", client=client)
    transcriber.load()
    return transcriber.file

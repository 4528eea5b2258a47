"""Crafted and hand-edited files, hostile names and answers (issue 15): each gives one warning or one error line
and a named exit code, never "internal error"; the rest of the history still lists; nothing from a file or an
answer is read as Rich markup or reaches the terminal as an escape sequence."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlcoach.cli import app
from tests.helpers import run

runner = CliRunner()
ESC = "\x1b"
HOSTILE = "Eve\x1b]0;PWNED\x07\x1b[2J [bold]x[/bold] [/x] \x9b31m\u202egnp.exe"
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _session(directory: Path, candidate: str = "strong-spam") -> Path:
    run(candidate, directory)
    return max(directory.glob("*.jsonl"))


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """Two sessions: one to damage, one that must keep listing."""
    directory = tmp_path_factory.mktemp("base")
    run("strong-spam", directory)
    run("average-spam", directory, seed=8)
    return directory


@pytest.fixture
def two(base, tmp_path) -> tuple[Path, Path, Path]:
    directory = tmp_path / "s"
    shutil.copytree(base, directory)
    logs = sorted(directory.glob("*.jsonl"))
    return directory, logs[0], logs[1]


def _cli(*args: str):
    return runner.invoke(app, list(args))


def _no_crash(out) -> None:
    assert "internal error" not in out.output and "Traceback" not in out.output, out.output
    assert out.exception is None or isinstance(out.exception, SystemExit), repr(out.exception)


def _edit_score(log: Path, change) -> None:
    """Hand-edit the score event of a log and the [score] table of its summary the same way."""
    lines = [json.loads(x) for x in log.read_text().splitlines()]
    for ev in lines:
        if ev["type"] == "score":
            change(ev)
    log.write_text("".join(json.dumps(ev) + "\n" for ev in lines))
    import tomllib

    import tomli_w

    summary = log.with_suffix(".toml")
    data = tomllib.loads(summary.read_text())
    change(data["score"])
    summary.write_text(tomli_w.dumps(data))


def _every_view(directory: Path, session: str) -> list:
    outs = [_cli("review", "list", "--sessions-dir", str(directory)),
            _cli("review", "show", session, "--sessions-dir", str(directory)),
            _cli("review", "show", session, "--json", "--sessions-dir", str(directory)),
            _cli("review", "export", session, "--format", "md", "--sessions-dir", str(directory)),
            _cli("review", "export", session, "--format", "html", "--sessions-dir", str(directory)),
            _cli("review", "trend", "--include-batch", "--sessions-dir", str(directory))]  # made by batch
    for out in outs:
        _no_crash(out)
    return outs


# ---------------------------------------------------------------------------------------------- nesting


def test_a_deeply_nested_log_line_is_skipped_with_a_warning_and_the_history_still_lists(two):
    directory, damaged, other = two
    with damaged.open("a") as f:
        f.write('{"type": "note", "note": "x", "text": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    out = _cli("review", "list", "--sessions-dir", str(directory))
    _no_crash(out)
    assert out.exit_code == 0 and other.stem in out.stdout and damaged.stem in out.stdout
    shown = _cli("review", "show", damaged.stem, "--sessions-dir", str(directory))
    _no_crash(shown)
    assert shown.exit_code == 0 and "not a session event" in shown.stderr


@pytest.mark.parametrize("deep", ["a = " + "[" * 5000 + "]" * 5000, "a = " + "{b = " * 40 + "1" + "}" * 40])
def test_a_deeply_nested_summary_is_one_warning_and_the_rest_still_lists(two, deep):
    directory, damaged, other = two
    damaged.with_suffix(".toml").write_text(deep + "\n")
    out = _cli("review", "list", "--sessions-dir", str(directory))
    _no_crash(out)
    assert out.exit_code == 0 and other.stem in out.stdout


@pytest.mark.parametrize("kind", ["persona", "script", "config"])
def test_a_deeply_nested_file_is_one_line_and_exit_2(tmp_path, kind):
    deep = tmp_path / "deep.toml"
    deep.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
    if kind == "persona":
        out = _cli("personas", "validate", str(deep))
    elif kind == "script":
        out = _cli("batch", str(deep), "--offline", "--sessions-dir", str(tmp_path / "s"))
    else:
        (tmp_path / "home").mkdir(exist_ok=True)
        (tmp_path / "home" / "config.toml").write_text(deep.read_text())
        out = _cli("config", "show")
    _no_crash(out)
    assert out.exit_code == 2, out.output
    assert "nested deeper than" in out.stderr and out.stderr.count("\n") == 1


# ---------------------------------------------------------------------------------------------- hand-edited scores


def _first(score: dict) -> dict:
    return next(iter(score["criteria"].values()))


def _markup_ids(score: dict) -> None:
    criteria = score["criteria"]
    criteria["[/bold]" + ESC + "[2J"] = criteria.pop(next(iter(criteria)))
    score["summary"] = "[red]x[/]" + ESC + "]0;t\x07"


EDITS = {
    "float_score": lambda score: _first(score).update(score=2.7),
    "no_quote": lambda score: [e.pop("quote", None) for c in score["criteria"].values() for e in c["evidence"]],
    "labels_as_numbers": lambda score: score.update(labels={k: 7 for k in score["labels"]}),
    "huge_score": lambda score: (_first(score).update(score=10 ** 12), score.update(overall=10 ** 12)),
    "overall_string": lambda score: score.update(overall="high"),
    "criteria_list": lambda score: score.update(criteria=[1, 2, 3]),
    "evidence_strings": lambda score: _first(score).update(evidence=["a quote", 3]),
    "markup_ids": _markup_ids,
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_a_hand_edited_score_never_crashes_review_or_the_exports(two, edit):
    directory, damaged, _ = two
    _edit_score(damaged, EDITS[edit])
    outs = _every_view(directory, damaged.stem)
    assert all(o.exit_code == 0 for o in outs), [o.output for o in outs]
    if edit == "huge_score":
        shown = outs[1].stdout
        assert "100/100" in shown and "1000000000000" not in shown  # clamped to the scale
        assert "█████" not in shown  # a bar is never wider than its scale


def test_a_summary_that_is_a_directory_is_one_line_in_rescore_and_the_rest_lists(two):
    directory, damaged, other = two
    summary = damaged.with_suffix(".toml")
    summary.unlink()
    summary.mkdir()
    out = _cli("review", "rescore", damaged.stem, "--offline", "--sessions-dir", str(directory))
    _no_crash(out)
    assert out.exit_code in (0, 1, 2)
    assert out.stderr.count("\n") <= 2, out.stderr
    listed = _cli("review", "list", "--sessions-dir", str(directory))
    _no_crash(listed)
    assert listed.exit_code == 0 and other.stem in listed.stdout


# ---------------------------------------------------------------------------------------------- markup and escapes


def test_a_hostile_name_and_answer_reach_no_output_as_escapes_or_markup(tmp_path):
    script = tmp_path / "eve.toml"
    script.write_text(
        f'name = {json.dumps(HOSTILE)}\nscenario = "spam"\n\n[answers]\nopening = ['
        + json.dumps("I built a spam filter \x1b[31mRED\x1b[0m <script>alert(1)</script> [/bold] with logistic "
                     "regression and shipped it, measuring precision on a holdout.") + "]\n")
    directory = tmp_path / "s"
    batch = _cli("batch", str(script), "--offline", "--sessions-dir", str(directory))
    _no_crash(batch)
    assert batch.exit_code == 0
    session = next(directory.glob("*.jsonl")).stem
    outs = [batch, *_every_view(directory, session)]
    for out in outs:
        assert not CONTROL.search(out.output), repr(CONTROL.search(out.output))
    shown = outs[2].stdout
    assert "Eve^[]0;PWNED^G^[[2J [bold]x[/bold] [/x]" in shown  # made visible, brackets as they were typed
    md = outs[4].stdout
    assert "<script>" not in md and "&lt;script&gt;" in md
    html = outs[5].stdout
    assert "<script>alert" not in html
    meta = json.loads(next(directory.glob("*.jsonl")).read_text().splitlines()[0])
    assert meta["candidate"] == HOSTILE  # the log keeps the name as it was given
    for include in (["--include-batch"], []):  # the name in the trend's counted line, and in its one-line error
        trend = _cli("review", "trend", "--candidate", HOSTILE, *include, "--sessions-dir", str(directory))
        _no_crash(trend)
        assert not CONTROL.search(trend.output), repr(CONTROL.search(trend.output))
        assert "Eve^[]0;PWNED^G^[[2J [bold]x[/bold] [/x]" in " ".join(trend.output.split())


def test_markup_in_a_persona_title_style_and_rules_is_shown_as_text(tmp_path):
    from mlcoach.personas import builtin_dir

    text = (builtin_dir() / "ml-engineer.toml").read_text()
    text = text.replace('id = "ml-engineer"', 'id = "mine"', 1)
    text = re.sub(r'(?m)^style = "', lambda m: 'style = "[/bold] [link=x]', text, count=1)
    text = re.sub(r'(?m)^title = "', lambda m: 'title = "[/] \\u001b[2J ', text, count=1)
    path = tmp_path / "mine.toml"
    path.write_text(text)
    out = _cli("personas", "show", str(path))
    _no_crash(out)
    assert out.exit_code == 0 and "[/bold] [link=x]" in out.stdout and ESC not in out.stdout


def test_markup_in_config_values_and_a_bracketed_path_are_shown_as_they_are(tmp_path, monkeypatch):
    home = tmp_path / "[work]" / "home"
    home.mkdir(parents=True)
    monkeypatch.setenv("MLCOACH_HOME", str(home))
    (home / "config.toml").write_text('name = "[/bold]Bo[red]"\nmodel = "[/x]"\n')
    out = _cli("config", "show")
    _no_crash(out)
    assert out.exit_code == 0 and "[/bold]Bo[red]" in out.stdout and "[work]" in out.stdout


def test_a_password_in_api_base_is_never_shown(tmp_path):
    out = _cli("config", "set", "api_base", "https://bob:hunter2secret@proxy.example.com/v1?api_key=abc123456")
    assert out.exit_code == 0 and "hunter2secret" not in out.output and "abc123456" not in out.output
    shown = _cli("config", "show")
    assert shown.exit_code == 0 and "proxy.example.com" in shown.stdout
    assert "hunter2secret" not in shown.stdout and "abc123456" not in shown.stdout


# ---------------------------------------------------------------------------------------------- files where they belong


def _interview(directory: Path, answers=("I built a spam filter with logistic regression.",), **kw):
    from mlcoach import personas
    from mlcoach.clock import SimClock
    from mlcoach.engine import Session
    from mlcoach.interviewers import ScriptedInterviewer

    session = Session.create(personas.load("ml-engineer"), candidate="Bo", sessions_dir=directory, clock=SimClock(),
                             interviewer=ScriptedInterviewer(), scenario="spam", seed=1, mode="batch", **kw)
    list(session.start())
    for answer in answers:
        list(session.submit(answer))
    return session


@pytest.mark.parametrize("mode", [0o1777, 0o755, 0o750])
def test_an_existing_sessions_folder_keeps_its_mode(tmp_path, mode):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(mode)
    out = _cli("batch", str(Path(__file__).parent / "candidates" / "strong-spam.toml"), "--offline",
               "--sessions-dir", str(shared))
    assert out.exit_code == 0, out.output
    assert shared.stat().st_mode & 0o7777 == mode and list(shared.glob("*.jsonl"))


def test_folders_mlcoach_makes_are_private(tmp_path):
    made = tmp_path / "a" / "b"
    _interview(made).close()
    assert made.stat().st_mode & 0o777 == 0o700 and (tmp_path / "a").stat().st_mode & 0o777 == 0o700


def test_a_log_linked_to_a_file_outside_the_folder_is_neither_read_nor_appended_to(tmp_path):
    directory = tmp_path / "s"
    session = _interview(directory)
    session.close()
    log = next(directory.glob("*.jsonl"))
    outside = tmp_path / "secret.txt"
    outside.write_text(log.read_text())  # a file that looks like a log, outside the folder
    before = outside.read_text()
    log.unlink()
    log.symlink_to(outside)
    resumed = _cli("resume", log.stem, "--sessions-dir", str(directory))
    _no_crash(resumed)
    assert resumed.exit_code != 0 and "outside the sessions folder" in resumed.stderr
    shown = _cli("review", "show", log.stem, "--sessions-dir", str(directory))
    _no_crash(shown)
    assert shown.exit_code != 0 and "outside the sessions folder" in shown.stderr
    assert outside.read_text() == before


def test_a_log_linked_inside_the_folder_is_never_appended_to(tmp_path):
    from mlcoach.errors import MlcoachError
    from mlcoach.sessions import SessionLog

    directory = tmp_path / "s"
    _interview(directory).close()
    log = next(directory.glob("*.jsonl"))
    other = directory / "20990101T000000Z-0000.jsonl"
    log.rename(other)
    log.symlink_to(other.name)
    before = other.read_text()
    with pytest.raises(MlcoachError, match="a link, not a session log"):
        SessionLog(log)
    assert other.read_text() == before


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_a_fifo_or_a_folder_named_like_a_session_never_blocks_the_listing(tmp_path, kind):
    import os
    import time

    directory = tmp_path / "s"
    _interview(directory).close()
    odd = directory / "20990101T000000Z-0000.jsonl"
    os.mkfifo(odd) if kind == "fifo" else odd.mkdir()
    os.mkfifo(directory / "20990101T000000Z-0000.toml") if kind == "fifo" else None
    t0 = time.perf_counter()
    out = _cli("review", "list", "--sessions-dir", str(directory))
    _no_crash(out)
    assert out.exit_code == 0 and time.perf_counter() - t0 < 5
    assert next(directory.glob("2026*.jsonl")).stem in out.stdout


def test_a_write_cut_short_by_a_full_disk_is_taken_back_whole(tmp_path, monkeypatch):
    """The system call fails half-way through a line (ENOSPC): the error names the file and the cause, and the
    log still ends with the last whole event."""
    import errno
    import os

    from mlcoach import sessions
    from mlcoach.errors import MlcoachError

    directory = tmp_path / "s"
    session = _interview(directory)
    log = next(directory.glob("*.jsonl"))
    real_write = os.write
    calls = []

    def write(fd, data):
        calls.append(len(data))
        if len(calls) == 1:
            return real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(sessions.os, "write", write)
    with pytest.raises(MlcoachError, match=f"{log}: cannot write the session log \\(No space left on device\\)"):
        list(session.submit("A long answer about precision and recall at the chosen threshold. " * 50))
    monkeypatch.setattr(sessions.os, "write", real_write)
    session.close()
    lines = log.read_text().splitlines()
    assert all(json.loads(x) for x in lines)  # every line whole
    assert log.read_text().endswith("\n")


def test_a_real_full_disk_is_one_named_line_and_a_log_of_whole_events(tmp_path):
    """On a 64 KB tmpfs (needs root; skipped where mounting is not allowed)."""
    import subprocess
    import sys

    mount = tmp_path / "tiny"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        answers = "Bo\n" + ("We trained a gradient boosted model and measured precision at k. " * 300 + "\n") * 20
        proc = subprocess.run([sys.executable, "-m", "mlcoach", "interview", "--sessions-dir", str(mount / "s")],
                              input=answers, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 1, proc.stderr
        assert proc.stderr.count("\n") == 1 and "No space left on device" in proc.stderr
        assert re.search(r"/tiny/s/\S+\.(jsonl|toml): cannot write", proc.stderr)  # the file named
        assert "internal error" not in proc.stderr
        (log,) = (mount / "s").glob("*.jsonl")
        assert all(json.loads(x) for x in log.read_text().splitlines())
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)


def test_a_resume_racing_the_end_of_a_live_session_never_reopens_it(tmp_path, monkeypatch):
    """The live session ends just as the resume starts (after it looked, before it locked): the resume must see
    the end and refuse, so no answer is left out of the score."""
    from mlcoach import engine, personas
    from mlcoach.clock import SimClock
    from mlcoach.errors import BadInput, InUse
    from mlcoach.interviewers import ScriptedInterviewer

    directory = tmp_path / "s"
    live = _interview(directory)
    log = next(directory.glob("*.jsonl"))
    persona = personas.load("ml-engineer")

    def resume():
        return engine.Session.resume(persona, log, clock_factory=lambda t: SimClock(offset=t),
                                     interviewer=ScriptedInterviewer())

    with pytest.raises(InUse):  # while it runs, the other process holds it
        resume()
    real = engine.SessionLog

    class EndsFirst(real):
        def __init__(self, path):
            list(live.finish("complete", "interview finished"))
            live.close()
            super().__init__(path)

    monkeypatch.setattr(engine, "SessionLog", EndsFirst)
    with pytest.raises(BadInput, match="the session is complete"):
        resume()
    assert [json.loads(x)["type"] for x in log.read_text().splitlines()].count("end") == 1


def test_taken_ids_never_abort_a_session_or_a_batch(tmp_path, monkeypatch):
    from datetime import UTC, datetime

    from mlcoach import batch as batches
    from mlcoach.clock import SimClock
    from mlcoach.errors import MlcoachError

    directory = tmp_path / "s"
    directory.mkdir()
    started = datetime(2026, 11, 30, 12, 0, 0, tzinfo=UTC)
    for i in range(256):  # every short id of this 1/256 s is taken
        (directory / f"20261130T120000Z-00{i:02x}.jsonl").write_text("")
    from mlcoach import personas
    from mlcoach.engine import Session
    from mlcoach.interviewers import ScriptedInterviewer

    made = Session.create(personas.load("ml-engineer"), candidate="Bo", sessions_dir=directory,
                          clock=SimClock(started=started), interviewer=ScriptedInterviewer(), scenario="spam")
    assert made.id.startswith("20261130T120000Z-00") and len(made.id) > len("20261130T120000Z-0000")
    made.close()

    real = batches.run_script
    files = [Path(__file__).parent / "candidates" / f"{c}.toml" for c in ("strong-spam", "average-spam")]

    def run_script(script, **kw):
        if script.path == files[0]:
            raise MlcoachError(f"{kw['sessions_dir']}: no free session id after 64 tries")
        return real(script, **kw)

    monkeypatch.setattr(batches, "run_script", run_script)
    out = _cli("batch", *map(str, files), "--offline", "--json", "--sessions-dir", str(tmp_path / "b"))
    _no_crash(out)
    rows = json.loads(out.stdout)
    assert out.exit_code == 1 and [r["status"] for r in rows] == ["error", "complete"]
    assert "no free session id" in rows[0]["error"] and "no free session id" in out.stderr


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed (make test installs it)")
def test_text_starting_with_a_dash_is_spoken_as_written_never_read_as_an_option(tmp_path):
    """`espeak-ng -f FILE` would read FILE aloud: a 300-word file is about two minutes of speech; the text as
    written is two seconds."""
    import wave

    secret = tmp_path / "secret.txt"
    secret.write_text("the quick brown fox jumps over the lazy dog " * 35)
    out_path = tmp_path / "said.wav"
    out = _cli("voice", "say", "-o", str(out_path), "--", f"-f{secret}")
    assert out.exit_code == 0, out.output
    with wave.open(str(out_path)) as w:
        seconds = w.getnframes() / w.getframerate()
    assert 0.5 < seconds < 15


def test_a_live_interview_shows_a_hostile_name_and_answers_as_text(tmp_path):
    out = runner.invoke(app, ["interview", "--name", HOSTILE, "--scenario", "spam", "--sessions-dir",
                              str(tmp_path / "s")],
                        input="I built a \x1b]0;x\x07 spam filter [bold]with[/] logistic regression.\n/end\n")
    _no_crash(out)
    assert out.exit_code == 0, out.output
    assert not CONTROL.search(out.output), repr(CONTROL.search(out.output))
    assert "Eve^[]0;PWNED^G" in out.output


# ---------------------------------------------------------------------------------------------- the red team's second pass

HUGE = int("1" + "0" * 400)


def test_a_400_digit_number_in_a_log_or_a_summary_is_a_warning_not_a_crash(two):
    directory, damaged, other = two
    lines = [json.loads(x) for x in damaged.read_text().splitlines()]
    lines[1]["t"] = HUGE
    for ev in lines:
        if ev["type"] == "score":
            ev["overall"] = HUGE
    damaged.write_text("".join(json.dumps(ev) + "\n" for ev in lines))
    damaged.with_suffix(".toml").unlink()
    summary = other.with_suffix(".toml")
    summary.write_text(re.sub(r"(?m)^overall = .*$", f"overall = {HUGE}", summary.read_text()))
    for args in (["review", "list"], ["review", "show", damaged.stem], ["review", "export", damaged.stem],
                 ["review", "trend", "--candidate", "all", "--include-batch"], ["review", "rescore", damaged.stem,
                                                                                "--offline"]):
        out = _cli(*args, "--sessions-dir", str(directory))
        _no_crash(out)
        assert out.exit_code in (0, 3), (args, out.output)
        assert len(out.stderr) < 2000  # the number is not printed whole


def test_raw_escapes_in_a_hand_edited_start_time_never_reach_the_trend(two, tmp_path):
    directory, damaged, _ = two
    summary = damaged.with_suffix(".toml")
    summary.write_text(re.sub(r'(?m)^started = .*$', 'started = "\\\\u001b[2J\\\\u001b]0;x\\\\u0007"',
                              summary.read_text()))
    out = _cli("review", "trend", "--candidate", "all", "--include-batch", "--sessions-dir", str(directory))
    _no_crash(out)
    assert not CONTROL.search(out.output), repr(out.output[:200])


def test_resuming_a_log_with_a_phase_its_persona_lacks_is_one_line(tmp_path):
    directory = tmp_path / "s"
    _interview(directory).close()
    log = next(directory.glob("*.jsonl"))
    with log.open("a") as f:
        f.write('{"type":"phase","phase":"zz","title":"T","t":5}\n')
    out = _cli("resume", log.stem, "--offline", "--sessions-dir", str(directory))
    _no_crash(out)
    assert out.exit_code == 2 and "phase 'zz' is not in persona ml-engineer" in out.stderr


def test_a_session_file_linked_to_itself_is_one_line(tmp_path):
    directory = tmp_path / "s"
    directory.mkdir()
    loop = directory / "20261130T120000Z-ab12.jsonl"
    loop.symlink_to(loop.name)
    out = _cli("review", "show", loop.stem, "--sessions-dir", str(directory))
    _no_crash(out)
    assert out.exit_code != 0 and "loops" in out.stderr and out.stderr.count("\n") == 1


def test_a_fifo_in_place_of_the_index_never_blocks_the_listing(tmp_path):
    import os
    import time

    directory = tmp_path / "s"
    _interview(directory).close()
    (directory / ".index.json").unlink(missing_ok=True)
    os.mkfifo(directory / ".index.json")
    t0 = time.perf_counter()
    out = _cli("review", "list", "--sessions-dir", str(directory))
    assert out.exit_code == 0 and time.perf_counter() - t0 < 5


@pytest.mark.parametrize("where", ["-o", "--plot"])
def test_a_fifo_as_an_output_file_is_refused_at_once(tmp_path, where):
    import os

    directory = tmp_path / "s"
    session = _interview(directory)
    list(session.finish("complete", "ended"))
    session.close()
    fifo = tmp_path / ("out.md" if where == "-o" else "out.png")
    os.mkfifo(fifo)
    args = ["review", "export", "--latest", "-o", str(fifo)] if where == "-o" else \
        ["review", "trend", "--candidate", "all", "--include-batch", "--include-incomplete", "--plot", str(fifo)]
    out = _cli(*args, "--sessions-dir", str(directory))
    assert out.exit_code == 2 and "not a regular file" in out.stderr


def test_thousands_of_damaged_lines_are_a_few_warnings(two):
    directory, damaged, _ = two
    with damaged.open("a") as f:
        f.write("{\n" * 20_000)
    out = _cli("review", "show", damaged.stem, "--sessions-dir", str(directory))
    assert out.exit_code == 0 and out.stderr.count("\n") <= 4 and "20,000 more damaged lines" not in out.stderr
    assert "more damaged lines" in out.stderr


@pytest.mark.parametrize("address", ["user:secretpw@host/v1?api_key=zzzzzz", "host:8000@user:secretpw@host2/v1",
                                     "https://secretpw@host/v1", "http://host/v1#token=zzzzzz"])
def test_every_form_of_a_secret_in_api_base_is_masked(address):
    out = _cli("config", "set", "api_base", address)
    shown = _cli("config", "show")
    for text in (out.output, shown.stdout):
        assert "secretpw" not in text and "zzzzzz" not in text


@pytest.mark.parametrize("pattern", ["(a|aa)+$", "(a|a?)+b", "(.*a){25}$", "(\\\\s?\\\\w+\\\\s?)*$", "(aa?)+$"])
@pytest.mark.parametrize("table", ["concepts", "forbidden"])
def test_a_persona_regex_that_can_backtrack_is_refused_wherever_it_is(tmp_path, pattern, table):
    import time

    from mlcoach.personas import builtin_dir

    text = (builtin_dir() / "ml-engineer.toml").read_text().replace('id = "ml-engineer"', 'id = "mine"', 1)
    anchor = text.index("[[rules.forbidden]]") if table == "forbidden" else text.index("[concepts.missing_data]")
    at = text.index("patterns = [", anchor) + len("patterns = [")
    path = tmp_path / "mine.toml"
    path.write_text(text[:at] + f"\n  '{pattern}'," + text[at:])
    t0 = time.perf_counter()
    out = _cli("personas", "validate", str(path))
    assert out.exit_code == 2 and "exponential" in out.stderr, out.output
    assert time.perf_counter() - t0 < 5


def test_a_repetition_too_large_for_the_regex_engine_is_one_line(tmp_path):
    from mlcoach.personas import builtin_dir

    text = (builtin_dir() / "ml-engineer.toml").read_text().replace('id = "ml-engineer"', 'id = "mine"', 1)
    at = text.index("patterns = [", text.index("[concepts.missing_data]")) + len("patterns = [")
    path = tmp_path / "mine.toml"
    path.write_text(text[:at] + "\n  'a{4294967296}'," + text[at:])
    out = _cli("personas", "validate", str(path))
    _no_crash(out)
    assert out.exit_code == 2 and "bad regular expression" in out.stderr


def test_a_log_of_long_dense_answers_rescores_in_bounded_time(tmp_path):
    """100 answers of 2,000 dense words: the session reads its first 40,000 words, keeps the rest."""
    import time

    from mlcoach.limits import MAX_SESSION_WORDS

    directory = tmp_path / "s"
    _interview(directory).close()
    log = next(directory.glob("*.jsonl"))
    dense = ("I would use logistic regression with precision recall and not accuracy because the data is "
             "imbalanced, then gradient boosting; monitor drift in production and retrain weekly. ") * 80
    with log.open("a") as f:
        for i in range(100):
            f.write(json.dumps({"type": "interviewer", "phase": "design", "kind": "question", "move": "q",
                                "text": "Why?", "t": 100.0 + i}) + "\n")
            f.write(json.dumps({"type": "candidate", "phase": "design", "text": dense, "t": 100.5 + i}) + "\n")
    t0 = time.perf_counter()
    out = _cli("review", "rescore", log.stem, "--offline", "--sessions-dir", str(directory))
    assert out.exit_code == 0 and time.perf_counter() - t0 < 8, out.output
    from mlcoach import personas
    from mlcoach.sessions import read_events
    from mlcoach.state import replay

    state = replay(read_events(log).records, personas.load("ml-engineer"))
    assert state.words_read <= MAX_SESSION_WORDS + 2000 and state.unread_answers > 50

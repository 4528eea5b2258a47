from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
import tomllib

import pytest

from mlcoach.sessions import FORMAT, read_events
from tests.helpers import CANDIDATES, candidate_ids, events, run


def test_log_and_summary_formats(sessions_dir):
    result = run("strong-spam", sessions_dir)
    log = sessions_dir / f"{result.session_id}.jsonl"
    evs = events(log)
    assert evs[0]["type"] == "meta" and evs[0]["format"] == FORMAT
    assert evs[0]["candidate"] == "Priya" and evs[0]["scenario"] == "spam"
    for e in evs:
        assert isinstance(e["t"], int | float) and e["at"].endswith("+00:00")
    assert [e["t"] for e in evs] == sorted(e["t"] for e in evs)
    kinds = {e["kind"] for e in evs if e["type"] == "interviewer"}
    assert {"greeting", "question", "closing", "transition"} <= kinds
    cand = [e for e in evs if e["type"] == "candidate"]
    assert all(e["input"] == "script" and e["answer_seconds"] > 0 for e in cand)
    summary = tomllib.loads((sessions_dir / f"{result.session_id}.toml").read_text())
    assert summary["status"] == "complete" and summary["format"] == FORMAT
    assert list(summary["phases"]) == ["opening", "experience", "design", "production", "deep_dive", "closing"]
    for ph in summary["phases"].values():
        assert ph["planned_seconds"] > 0 and ph["actual_seconds"] >= 0 and ph["questions"] >= 1
    assert summary["questions"] == result.questions


def test_session_id_and_permissions(sessions_dir):
    result = run("average-spam", sessions_dir)
    sid = result.session_id
    assert len(sid) == 21 and sid[8] == "T" and sid[15] == "Z" and sid[16] == "-"
    assert stat.S_IMODE(os.stat(sessions_dir).st_mode) == 0o700
    for suffix in (".jsonl", ".toml"):
        assert stat.S_IMODE(os.stat(sessions_dir / f"{sid}{suffix}").st_mode) == 0o600


def test_duration_scales_every_phase_budget(sessions_dir):
    short = run("average-spam", sessions_dir, duration=20).summary
    full = run("average-spam", sessions_dir).summary
    planned = {p.id: p.planned_seconds for p in full.phases}
    assert [p.id for p in short.phases] == list(planned)
    for record in short.phases:
        assert abs(record.planned_seconds / planned[record.id] - 20 / 45) < 0.01
    assert abs(sum(planned.values()) - 45 * 60) < 1


def test_a_damaged_line_is_skipped_with_a_warning(sessions_dir):
    result = run("average-spam", sessions_dir)
    log = sessions_dir / f"{result.session_id}.jsonl"
    lines = log.read_text().splitlines()
    lines.insert(3, lines[3][:20])
    log.write_text("\n".join(lines) + "\n")
    loaded = read_events(log)
    assert len(loaded.events) == len(lines) - 1
    assert loaded.warnings and "line 4" in loaded.warnings[0]


def test_an_unknown_format_is_refused_clearly(sessions_dir):
    result = run("average-spam", sessions_dir)
    log = sessions_dir / f"{result.session_id}.jsonl"
    lines = log.read_text().splitlines()
    meta = json.loads(lines[0])
    meta["format"] = 99
    log.write_text("\n".join([json.dumps(meta)] + lines[1:]) + "\n")

    from mlcoach.errors import BadInput

    with pytest.raises(BadInput, match="format: version 99 is not supported"):
        read_events(log)


def test_kill_9_in_the_middle_of_a_batch_keeps_every_finished_turn(tmp_path):
    files = [str(CANDIDATES / f"{c}.toml") for c in candidate_ids()] * 3
    d = tmp_path / "s"
    proc = subprocess.Popen([sys.executable, "-m", "mlcoach", "batch", "--sessions-dir", str(d), *files],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(list(d.glob("*.jsonl"))) < 4:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    logs = sorted(d.glob("*.jsonl"))
    assert len(logs) >= 4
    for log in logs:
        # Every line that ends in a newline is whole; only text after the last newline may be cut.
        complete = log.read_text().split("\n")[:-1]
        parsed = [json.loads(line) for line in complete]
        assert parsed and parsed[0]["type"] == "meta"  # a log never exists without its meta line
        answers = [e for e in parsed if e["type"] == "candidate"]
        # Every answer the engine received is on disk: a finished session holds them all.
        if any(e["type"] == "end" for e in parsed):
            assert answers
    # The last log (the one interrupted) still reads as a session.
    assert read_events(logs[-1]).events[0]["type"] == "meta"


def test_a_new_log_exists_only_with_its_meta_line_and_never_overwrites(tmp_path):
    from mlcoach.errors import MlcoachError
    from mlcoach.sessions import SessionLog

    path = tmp_path / "20261129T000000Z-0000.jsonl"
    log = SessionLog.create(path, {"type": "meta", "format": 1})
    log.append({"type": "note", "note": "x"})
    log.close()
    assert [json.loads(x)["type"] for x in path.read_text().splitlines()] == ["meta", "note"]
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    with pytest.raises(MlcoachError, match="already exists"):
        SessionLog.create(path, {"type": "meta", "format": 1})
    assert len(path.read_text().splitlines()) == 2
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]


MLCOACH = [sys.executable, "-m", "mlcoach"]


def test_a_session_open_in_one_process_cannot_be_written_by_another(tmp_path):
    """Two terminals, one session: the second `resume` is refused (exit 4) and the log keeps one writer."""
    d = tmp_path / "s"
    first = subprocess.Popen([*MLCOACH, "interview", "--offline", "--name", "Ana", "--sessions-dir", str(d)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not list(d.glob("*.jsonl")):
            time.sleep(0.05)
        (log,) = d.glob("*.jsonl")
        time.sleep(0.3)
        second = subprocess.run([*MLCOACH, "resume", log.stem, "--offline", "--sessions-dir", str(d)],
                                input="an answer from the wrong terminal\n", capture_output=True, text=True,
                                timeout=60)
        assert second.returncode == 4, second.stderr
        assert second.stderr.count("\n") == 1 and "open in another mlcoach process" in second.stderr
        first.communicate("I build ranking models.\n/end\n", timeout=60)
    finally:
        first.kill()
    texts = [e.get("text") for e in events(log) if e["type"] == "candidate"]
    assert texts == ["I build ranking models."]
    assert [e["type"] for e in events(log)].count("end") == 1


def test_a_complete_session_is_not_reopened(tmp_path):
    result = run("strong-spam", tmp_path)
    log = tmp_path / f"{result.session_id}.jsonl"
    before = log.read_text()
    out = subprocess.run([*MLCOACH, "resume", result.session_id, "--offline", "--sessions-dir", str(tmp_path)],
                         input="more\n", capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "the session is complete" in out.stderr and out.stderr.count("\n") == 1
    assert log.read_text() == before


def test_answers_typed_in_a_non_utf8_terminal_are_kept(tmp_path):
    raw = "J\xe9r\xf4me built a caf\xe9 recommender\n/end\n".encode("latin-1")
    out = subprocess.run([*MLCOACH, "interview", "--offline", "--name", "Z", "--sessions-dir", str(tmp_path)],
                         input=raw, capture_output=True, timeout=60,
                         env={**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0"})
    assert out.returncode == 0, out.stderr
    (log,) = tmp_path.glob("*.jsonl")
    assert [e["text"] for e in events(log) if e["type"] == "candidate"] == ["Jérôme built a café recommender"]


def test_sessions_started_at_the_same_moment_never_share_an_id(tmp_path, monkeypatch):
    from datetime import UTC, datetime

    from mlcoach import sessions
    from mlcoach.sessions import SessionLog

    drawn = iter(["20261129T000000Z-00aa", "20261129T000000Z-00aa", "20261129T000000Z-00bb"])
    monkeypatch.setattr(sessions, "new_id", lambda started, *_: next(drawn))
    moment = datetime(2026, 11, 29, tzinfo=UTC)
    first, meta1 = SessionLog.create_new(tmp_path, lambda sid: {"type": "meta", "session_id": sid}, moment)
    second, meta2 = SessionLog.create_new(tmp_path, lambda sid: {"type": "meta", "session_id": sid}, moment)
    first.close()
    second.close()
    assert (meta1["session_id"], meta2["session_id"]) == ("20261129T000000Z-00aa", "20261129T000000Z-00bb")
    assert json.loads((tmp_path / "20261129T000000Z-00bb.jsonl").read_text())["session_id"] == meta2["session_id"]

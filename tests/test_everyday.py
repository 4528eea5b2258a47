"""Everyday use from a shell (issue 16): whole ids at any width, plain output when piped, hints that run as printed,
the first name remembered and never an invented one, help that shows defaults, completion, JSON from every
listing-like command, one-line usage errors."""

from __future__ import annotations

import io
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from mlcoach.cli import app
from tests.helpers import CANDIDATES, run

runner = CliRunner()
MLCOACH = str(Path(sys.executable).parent / "mlcoach")
ID = re.compile(r"\b\d{8}T\d{6}Z-[0-9a-f]{4,}\b")


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("everyday")
    for i, cid in enumerate(("strong-spam", "weak-vague", "average-house", "oneword")):
        run(cid, directory, seed=i)
    return directory


def _ids(directory: Path) -> list[str]:
    return sorted(p.stem for p in directory.glob("*.jsonl"))


@pytest.mark.parametrize("width", [120, 80, 60, 40])
def test_review_shows_whole_ids_at_any_terminal_width(history, width):
    from mlcoach.history import search
    from mlcoach.ui.review import sessions_table

    rows = search(history, None).rows
    out = Console(file=io.StringIO(), width=width, no_color=True)
    out.print(sessions_table(rows, len(rows), width))
    shown = out.file.getvalue()
    assert all(sid in shown for sid in _ids(history)), shown
    assert max(len(line) for line in shown.splitlines()) <= width


@pytest.mark.parametrize("width", [120, 80, 60])
def test_batch_shows_whole_ids_and_every_flag_at_any_terminal_width(tmp_path, width):
    from mlcoach import config
    from mlcoach.batch import prepare_batch, run_batch
    from mlcoach.ui.render import batch_table

    files = [CANDIDATES / f"{c}.toml" for c in ("strong-spam", "weak-vague")]
    results = run_batch(prepare_batch(files, config.resolve(sessions_dir=str(tmp_path / "s")), offline=True))
    out = Console(file=io.StringIO(), width=width, force_terminal=True, no_color=True)
    batch_table(results, tmp_path / "s", out)
    flat = " ".join(out.file.getvalue().split())
    assert all(r.session_id in flat for r in results), flat
    flags = [fid for r in results for fid, _ in r.summary.score.red_flags]
    assert flags and all(fid in flat for fid in flags)


def test_piped_lists_are_plain_whole_and_unpadded(history):
    out = runner.invoke(app, ["review", "list", "--sessions-dir", str(history)], env={"COLUMNS": "60"})
    assert out.exit_code == 0
    lines = out.stdout.splitlines()
    assert set(ID.findall(out.stdout)) == set(_ids(history))
    assert all(line == line.rstrip() for line in lines)
    shown = runner.invoke(app, ["review", "show", _ids(history)[0], "--sessions-dir", str(history)])
    assert shown.exit_code == 0 and all(line == line.rstrip() for line in shown.stdout.splitlines())


def test_the_printed_hint_runs_as_printed(tmp_path):
    """An interview in a folder of its own (a space in its name) ends early; the resume command it prints is run
    as printed, by a shell, and finishes the same session."""
    sessions = tmp_path / "my sessions"
    env = {**os.environ, "MLCOACH_HOME": str(tmp_path / "home")}
    first = subprocess.run([MLCOACH, "interview", "--name", "Bo", "--scenario", "spam", "--sessions-dir", str(sessions)],
                           input="I built a spam filter with logistic regression.\n", capture_output=True, text=True,
                           env=env, timeout=60)
    assert first.returncode == 0, first.stderr
    hint = next(line.strip() for line in first.stdout.splitlines() if " resume " in line)
    assert "--sessions-dir" in hint
    again = subprocess.run(hint, shell=True, input="/end\n", capture_output=True, text=True, env=env, timeout=60,
                           cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    (log,) = sessions.glob("*.jsonl")
    assert json.loads(log.read_text().splitlines()[-1])["status"] == "complete"
    shown = next(line.split("See it again with: ")[1] for line in again.stdout.splitlines() if "See it again" in line)
    assert subprocess.run(shlex.split(shown), capture_output=True, env=env, timeout=60).returncode == 0


class Asking:
    """A front end in a terminal that answers the name question."""

    interactive = True

    def __init__(self, typed: str) -> None:
        self.typed, self.said = typed, []

    def ask(self, prompt: str, default: str = "") -> str:
        return self.typed or default

    def info(self, text: str) -> None:
        self.said.append(text)


def test_the_first_name_typed_is_saved_and_then_offered(tmp_path):
    from mlcoach import config
    from mlcoach.cli.interview import _candidate

    front = Asking("Priya")
    assert _candidate(None, config.resolve(), front) == "Priya"
    assert config.resolve().name == "Priya" and any("Saved" in s for s in front.said)
    assert _candidate(None, config.resolve(), Asking("")) == "Priya"  # offered as the default next time
    assert _candidate(None, config.resolve(), Asking("Sam")) == "Sam" and config.resolve().name == "Priya"


def test_a_piped_session_never_invents_a_name(tmp_path):
    out = runner.invoke(app, ["interview", "--scenario", "spam", "--sessions-dir", str(tmp_path)],
                        input="I built a spam filter.\n/end\n")
    assert out.exit_code == 0
    meta = json.loads(next(tmp_path.glob("*.jsonl")).read_text().splitlines()[0])
    assert meta["candidate"] == ""
    listed = runner.invoke(app, ["review", "list", "--json", "--sessions-dir", str(tmp_path)])
    assert json.loads(listed.stdout)[0]["candidate"] == ""


# ---------------------------------------------------------------------------------------------- help and completion


def _commands(group, path=()):

    for name, command in sorted(group.commands.items()):
        if command.hidden:
            continue
        yield (*path, name), command
        if hasattr(command, "commands"):
            yield from _commands(command, (*path, name))


def test_every_help_shows_its_defaults_and_loses_no_text():
    import typer.main

    root = typer.main.get_command(app)
    seen = 0
    for path, command in [((), root), *_commands(root)]:
        out = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
        assert out.exit_code == 0, path
        flat = " ".join(out.stdout.replace("│", " ").split())
        assert not re.search(r"\w \.(\s|$)", flat), (path, flat)  # nothing eaten as markup before a full stop
        for param in command.params:
            text = str(param.help or "") if hasattr(param, "help") else ""
            if "\\[default" in text:  # written in the help: shown, not eaten as markup
                default = text.split("\\[default: ")[1].split("]")[0]
                assert f"[default: {' '.join(default.split())}]" in flat, (path, param.name)
                seen += 1
            elif param.default not in (None, False, "", ()) and param.show_default is not False \
                    and not param.name.startswith(("help", "install", "show_completion")):
                assert f"[default: {param.default}]" in flat, (path, param.name)  # Typer's own
                seen += 1
    assert seen > 20
    interview = " ".join(runner.invoke(app, ["interview", "--help"], env={"COLUMNS": "200"}).stdout.split())
    for needle in ("[default: 45]", "[env var: MLCOACH_DURATION]", "[env var: MLCOACH_MODEL]", "<auto|llm|offline>"):
        assert needle in interview, needle


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts_generate(shell):
    done = subprocess.run([MLCOACH], env={**os.environ, "_MLCOACH_COMPLETE": f"source_{shell}"},
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0 and "mlcoach" in done.stdout and len(done.stdout) > 100


def test_completion_offers_choices_subcommands_and_ids(history):
    def complete(words: str) -> list[str]:
        env = {**os.environ, "_MLCOACH_COMPLETE": "complete_bash", "COMP_WORDS": words,
               "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
               "MLCOACH_SESSIONS_DIR": str(history)}
        return subprocess.run([MLCOACH], env=env, capture_output=True, text=True, timeout=30).stdout.split()

    assert complete("mlcoach interview --judge ") == ["auto", "llm", "offline"]
    assert {"list", "show", "export", "trend", "rescore"} <= set(complete("mlcoach review "))
    assert set(complete("mlcoach review show 20")) == set(_ids(history))


# ---------------------------------------------------------------------------------------------- JSON and errors


def test_json_from_every_listing_like_command(history, tmp_path):
    shown = json.loads(runner.invoke(app, ["config", "show", "--json"]).stdout)
    assert shown["settings"]["duration"] == {"value": 45, "from": "default", "environment": "MLCOACH_DURATION"}
    listed = json.loads(runner.invoke(app, ["personas", "list", "--json"]).stdout)
    assert listed[0]["id"] == "ml-engineer" and "spam" in listed[0]["scenarios"]
    persona = json.loads(runner.invoke(app, ["personas", "show", "ml-engineer", "--json"]).stdout)
    assert [p["id"] for p in persona["phases"]][0] == "opening" and persona["criteria"]
    import shutil

    copy = tmp_path / "s"
    shutil.copytree(history, copy)
    for args in (["review", "rescore", "--all", "--offline", "--json"], ["review", "--rescore", "--all", "--offline",
                                                                          "--json"]):
        out = runner.invoke(app, [*args, "--sessions-dir", str(copy)])
        rows = json.loads(out.stdout)
        assert out.exit_code == 0 and {r["session_id"] for r in rows} == set(_ids(history))
        assert all(r["judge"] == "offline" and isinstance(r["after"], int) for r in rows)
    assert runner.invoke(app, ["models", "alias", "local", "ollama_chat/llama3.1"]).exit_code == 0
    models = json.loads(runner.invoke(app, ["models", "--json"]).stdout)
    assert models == [{"name": "local", "model": "ollama_chat/llama3.1", "provider": "ollama_chat",
                       "key": "no key needed"}]
    keys = json.loads(runner.invoke(app, ["keys", "list", "--json"], env={"OPENAI_API_KEY": "sk-test-123456789"}).stdout)
    assert keys == [{"provider": "openai", "from": "environment OPENAI_API_KEY"}]
    batch = json.loads(runner.invoke(app, ["batch", str(CANDIDATES / "strong-spam.toml"), "--offline", "--json",
                                           "--sessions-dir", str(tmp_path / "b")]).stdout)
    assert batch[0]["interviewer"] == "scripted" and batch[0]["fallbacks"] == [] and "usage" in batch[0]


@pytest.mark.parametrize("args", [["review", "--status", "done"], ["voice", "say", "hi"], ["nope"],
                                  ["interview", "--judge", "oracle"], ["review", "list", "--limit", "x"]])
def test_a_usage_error_is_one_line_and_exit_2(args):
    out = runner.invoke(app, args)
    assert out.exit_code == 2 and out.stdout == ""
    assert out.stderr.startswith("mlcoach: error: ") and out.stderr.count("\n") == 1 and "-h)" in out.stderr


def test_the_interviewer_uses_the_first_name_and_the_verdict_ends_the_output(tmp_path):
    out = runner.invoke(app, ["interview", "--name", "Maya Chen", "--scenario", "spam", "--sessions-dir",
                              str(tmp_path)], input="I built a spam filter with logistic regression.\n/end\n")
    assert out.exit_code == 0
    assert "Hi Maya!" in out.stdout and "Maya Chen!" not in out.stdout
    tail = out.stdout.strip().splitlines()[-4:]
    assert tail[0].startswith("Overall ") and "/100 · " in tail[0]
    assert tail[1].startswith("Next to practise (mlcoach plan): ") and tail[2].startswith("Saved: ")
    meta = json.loads(next(tmp_path.glob("*.jsonl")).read_text().splitlines()[0])
    assert meta["candidate"] == "Maya Chen"

"""The trend and `--focus weakest` count one candidate's own complete live interviews: not other candidates',
not batch runs, not incomplete or empty sessions, unless asked (`--candidate`, `--include-batch`,
`--include-incomplete`); the plot keeps every session and every label apart."""

from __future__ import annotations

import dataclasses
import json
import shutil

import pytest
from typer.testing import CliRunner

from mlcoach import history, script
from mlcoach.batch import run_script
from mlcoach.cli import app
from tests.helpers import CANDIDATES, events

runner = CliRunner()
ANSWER = "I built a spam filter with logistic regression because it was a quick baseline; precision rose to 0.95."


def _new(d, before: set) -> str:
    (made,) = {p.stem for p in d.glob("*.jsonl")} - before
    return made


def _cli(d, *args, name: str | None = None, **kw):
    env = {"MLCOACH_NAME": name} if name is not None else {}
    return runner.invoke(app, [*args, "--sessions-dir", str(d)], env=env, **kw)


def _interview(d, name: str, answers: str, *more: str) -> str:
    """A live interview in the terminal's plain mode, its answers piped in; the new session's id."""
    before = {p.stem for p in d.glob("*.jsonl")}
    out = _cli(d, "interview", "--name", name, "--offline", "--scenario", "spam", "--seed", "3", *more,
               input=answers)
    assert out.exit_code == 0, out.output
    return _new(d, before)


def _scripted(d, candidate: str, name: str, seed: int) -> str:
    """A candidate script answered under another name, logged as a live session."""
    loaded = dataclasses.replace(script.load(CANDIDATES / f"{candidate}.toml"), name=name)
    return run_script(loaded, sessions_dir=d, seed=seed, mode="live").session_id


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """Priya's and Jonas's history: what counts for Priya by default, and everything that must not."""
    d = tmp_path_factory.mktemp("history")
    ids = {
        "priya": [_scripted(d, "average-spam-noprod", "Priya", 1), _scripted(d, "average-spam-noprod", "priya", 2)],
        "jonas": [_scripted(d, "average-spam", "Jonas", 3), _scripted(d, "average-spam", "Jonas", 4)],
    }
    ids["priya"].append(_interview(d, "Priya", ANSWER + "\n/end\n"))  # a live interview, complete
    ids["empty"] = _interview(d, "Priya", "/end\n")  # complete, but not one answer: never counts
    ids["incomplete"] = _interview(d, "Priya", ANSWER + "\n")  # the input ended: incomplete, yet scored
    before = {p.stem for p in d.glob("*.jsonl")}
    batch = runner.invoke(app, ["batch", str(CANDIDATES / "strong-spam.toml"), "--offline", "--sessions-dir", str(d)])
    assert batch.exit_code == 0, batch.output
    ids["batch"] = _new(d, before)  # Priya's too (the script's name), a batch run
    return d, ids


@pytest.fixture
def sessions(made, tmp_path):
    d, ids = made
    shutil.copytree(d, tmp_path / "s")
    (tmp_path / "s" / history.INDEX).unlink(missing_ok=True)
    return tmp_path / "s", ids


def _trend(d, *args, name: str | None = None) -> dict:
    out = _cli(d, "review", "trend", "--json", *args, name=name)
    assert out.exit_code == 0, out.output
    return json.loads(out.stdout)


def test_the_made_history_is_what_the_tests_say(made):
    d, ids = made
    rows = {r.session_id: r for r in history.list_sessions(d)[0]}
    assert {rows[i].mode for i in ids["priya"] + ids["jonas"]} == {"live"} and rows[ids["batch"]].mode == "batch"
    assert rows[ids["incomplete"]].status == "incomplete" and rows[ids["incomplete"]].overall is not None
    assert rows[ids["empty"]].answers == 0 and rows[ids["empty"]].status == "complete"


def test_trend_counts_only_the_configured_candidates_complete_live_sessions(sessions):
    d, ids = sessions
    config = runner.invoke(app, ["config", "set", "name", "Priya"])
    assert config.exit_code == 0, config.output
    data = _trend(d)
    assert data["candidate"].casefold() == "priya"  # "Priya" and "priya" are one candidate
    assert sorted(data["sessions"]) == sorted(ids["priya"])  # not Jonas's, the batch run, the empty or incomplete one
    assert data["counted"] == {"modes": ["live"], "statuses": ["complete"]}
    assert data["not_counted"] == {"unscored": 1, "other_candidates": 2, "drills": 0, "batch": 1, "incomplete": 1}
    assert len(data["overall"]) == 3 and all(len(v) == 3 for v in data["criteria"].values())
    shown = _cli(d, "review", "trend")
    flat = " ".join(shown.stdout.split())
    assert shown.exit_code == 0 and "Scores across 3 sessions" in flat
    assert "Counted: " in flat and "complete live sessions. Not counted: 1 without a score or answers, 2 of other " \
        "candidates (--candidate all), 1 batch (--include-batch), 1 incomplete (--include-incomplete)." in flat
    assert "no name is configured" not in flat


def test_the_overall_mean_and_latest_are_the_candidates_own(sessions):
    """Issue 16: "Overall +30" over everyone's sessions while the candidate's own latest score was 19."""
    d, ids = sessions
    rows = {r.session_id: r for r in history.list_sessions(d)[0]}
    data = _trend(d, "--candidate", "Jonas")
    assert data["sessions"] == sorted(ids["jonas"], key=lambda s: (rows[s].started, s)) and data["candidate"] == "Jonas"
    for name, own in (("priya", ids["priya"]), ("jonas", ids["jonas"])):
        own = sorted(own, key=lambda s: (rows[s].started, s))
        shown = " ".join(_cli(d, "review", "trend", "--candidate", name).stdout.split())
        _spark, mean, latest, *_ = shown.split("Overall (0-100)", 1)[1].split()
        overall = [rows[s].overall for s in own]
        assert (mean, latest) == (f"{sum(overall) / len(overall):.0f}", str(overall[-1])), shown


def test_candidate_all_and_the_widening_flags(sessions):
    d, ids = sessions
    priya = set(ids["priya"])
    assert set(_trend(d, "--candidate", "PRIYA")["sessions"]) == priya
    every = _trend(d, "--candidate", "all")
    assert every["candidate"] is None and set(every["sessions"]) == priya | set(ids["jonas"])
    assert every["not_counted"] == {"unscored": 1, "other_candidates": 0, "drills": 0, "batch": 1, "incomplete": 1}
    batch = _trend(d, "--candidate", "Priya", "--include-batch")
    assert set(batch["sessions"]) == priya | {ids["batch"]}
    assert batch["counted"] == {"modes": ["live", "batch"], "statuses": ["complete"]}
    incomplete = _trend(d, "--candidate", "Priya", "--include-incomplete")
    assert set(incomplete["sessions"]) == priya | {ids["incomplete"]}
    assert incomplete["counted"] == {"modes": ["live"], "statuses": ["complete", "incomplete"]}
    both = _trend(d, "--candidate", "Priya", "--include-batch", "--include-incomplete")
    assert set(both["sessions"]) == priya | {ids["batch"], ids["incomplete"]}
    assert ids["empty"] not in both["sessions"] and both["not_counted"]["unscored"] == 1  # never counted
    legacy = _cli(d, "review", "--trend", "--json", "--candidate", "Priya", "--include-batch", "--include-incomplete")
    assert legacy.exit_code == 0 and json.loads(legacy.stdout) == both
    assert _trend(d, "--candidate", "Priya", name="Jonas") == _trend(d, name="Priya")  # the flag over the config


def test_without_a_configured_name_every_candidate_counts_and_it_says_so(sessions):
    d, ids = sessions
    data = _trend(d)
    assert data["candidate"] is None and set(data["sessions"]) == set(ids["priya"] + ids["jonas"])
    shown = _cli(d, "review", "trend")
    flat = " ".join(shown.stdout.split())
    assert "Counted: every candidate's complete live sessions (no name is configured: --candidate NAME, or mlcoach " \
        "config set name NAME)." in flat
    assert "no name is configured" not in " ".join(_cli(d, "review", "trend", "--candidate", "all").stdout.split())


def test_nothing_to_count_says_what_was_left_out(sessions, tmp_path):
    d, _ = sessions
    out = _cli(d, "review", "trend", "--candidate", "Nobody")
    assert out.exit_code == 3 and out.stdout == ""
    assert out.stderr == ("mlcoach: error: review trend: no scored sessions among Nobody's complete live sessions; "
                          "not counted: 1 without a score or answers, 7 of other candidates (--candidate all)\n")
    batch_only = tmp_path / "batch"
    assert runner.invoke(app, ["batch", str(CANDIDATES / "strong-spam.toml"), "--offline", "--sessions-dir",
                               str(batch_only)]).exit_code == 0
    old = _cli(batch_only, "review", "--trend")
    assert old.exit_code == 3 and "not counted: 1 batch (--include-batch)" in old.stderr
    assert _cli(batch_only, "review", "--trend", "--include-batch").exit_code == 0


@pytest.mark.parametrize(("args", "problem"), [
    (["--candidate", "Priya"], "review: --candidate, --include-batch and --include-incomplete go with --trend"),
    (["list", "--include-batch"], "No such option: --include-batch"),
    (["trend", "--candidate", " "], "--candidate: give a name, or all for every candidate"),
], ids=["list-with-candidate", "subcommand-list", "blank-name"])
def test_the_new_flags_are_for_the_trend(sessions, args, problem):
    d, _ = sessions
    out = _cli(d, "review", *args)
    assert out.exit_code == 2 and problem in " ".join(out.stderr.split())


# ---------------------------------------------------------------------------------------------- --focus weakest


def _focused(d, name: str, *, configured: str | None = None) -> tuple[tuple[str, ...], str]:
    """An interview with --focus weakest (ended at once): the focus it logged, and what it told the candidate."""
    before = {p.stem for p in d.glob("*.jsonl")}
    args = ["interview", "--focus", "weakest", "--offline", "--scenario", "spam"] + (["--name", name] if name else [])
    out = _cli(d, *args, input="/end\n", name=configured)
    assert out.exit_code == 0, out.output
    meta = events(d / f"{_new(d, before)}.jsonl")[0]
    return tuple(meta.get("focus", ())), out.stdout


def test_focus_weakest_picks_from_the_candidates_own_history(sessions):
    d, _ = sessions
    priya_weakest = tuple(_trend(d, "--candidate", "Priya")["weakest"][:2])
    jonas_weakest = tuple(_trend(d, "--candidate", "Jonas")["weakest"][:2])
    assert "production" in priya_weakest and "production" not in jonas_weakest  # she never spoke of production
    assert priya_weakest != jonas_weakest
    assert priya_weakest != tuple(_trend(d, "--candidate", "all")["weakest"][:2])  # what mixing them would pick
    for name, expected in (("priya", priya_weakest), ("Jonas", jonas_weakest)):
        focus, said = _focused(d, name)
        assert focus == expected and "(your weakest lately)" in said
    focus, _ = _focused(d, "", configured="Priya")  # no --name, piped: the configured name
    assert focus == priya_weakest
    focus, said = _focused(d, "Zed")  # a newcomer: nothing to go on, not everyone else's weak spots
    assert focus == () and "No scores yet in Zed's complete live sessions" in " ".join(said.split())


def test_focus_weakest_ignores_the_candidates_batch_runs(tmp_path):
    from mlcoach.focus import choose
    from mlcoach.personas import load

    d = tmp_path / "s"
    _scripted(d, "average-spam-noprod", "Priya", 1)  # live: production 0
    assert runner.invoke(app, ["batch", str(CANDIDATES / "strong-spam.toml"), "--offline", "--sessions-dir",
                               str(d)]).exit_code == 0  # a strong batch run of hers
    chosen, note = choose("weakest", load("ml-engineer"), d, "Priya")
    assert chosen[0] == "production" and note.endswith("(your weakest lately).")


def test_a_wrong_focus_is_said_before_the_interview_starts(tmp_path):
    out = runner.invoke(app, ["interview", "--focus", "charisma", "--offline", "--sessions-dir", str(tmp_path)],
                        input="Priya\n")
    assert out.exit_code == 2 and "unknown criterion 'charisma'" in out.stderr and out.stdout == ""


# ---------------------------------------------------------------------------------------------- the plot


def test_ticks_are_distinct_per_session():
    from mlcoach.trend import Trend

    same_day = Trend(("a", "b", "c"), ("2026-11-29",) * 3, (1, 2, 3), {}, ())
    assert same_day.ticks(10) == ([1, 2, 3], ["1\n11-29", "2\n11-29", "3\n11-29"])
    n = 30
    years = Trend(tuple(map(str, range(n))), tuple(f"{2025 + i // 20}-01-{1 + i % 20:02d}" for i in range(n)),
                  (0,) * n, {}, ())
    at, said = years.ticks(6)
    assert len(at) <= 6 and at[-1] == n and len(set(said)) == len(said) and said[-1] == "30\n26-01-10"


def test_the_plot_keeps_sessions_and_labels_apart(sessions, tmp_path):
    pytest.importorskip("matplotlib")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    from mlcoach.trend import Counting, labels, trend
    from mlcoach.ui.plot import figure

    d, ids = sessions
    png = tmp_path / "trend.png"
    out = _cli(d, "review", "trend", "--candidate", "all", "--plot", str(png))
    assert out.exit_code == 0 and f"Wrote {png}" in out.stdout
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000

    rows = history.list_sessions(d)[0]
    t = trend(rows, Counting(None))
    names = labels(rows)
    fig = figure(t, names)
    FigureCanvasAgg(fig).draw()
    overall, *panels = fig.axes
    assert len(panels) == len(t.criteria) == 9  # one small panel per criterion, no legend
    assert all(ax.get_legend() is None for ax in fig.axes)
    assert overall.get_ylim() == (0, 100) and all(ax.get_ylim() == (0, 4) for ax in panels)
    ticks = [x.get_text() for x in overall.get_xticklabels()]
    assert len(ticks) == len(t.sessions) == 5 and len(set(ticks)) == 5  # the same day, five sessions apart
    assert all(x.startswith(f"{i}\n") for i, x in enumerate(ticks, start=1))
    for ax, cid in zip(panels, t.criteria, strict=True):
        assert " ".join(ax.get_title(loc="left").split()) == names[cid]  # the whole label, wrapped
    box, renderer = fig.bbox, fig.canvas.get_renderer()
    for text in fig.findobj(Text):  # no title, label or tick cut off: every text inside the picture
        if text.get_visible() and text.get_text():
            extent = text.get_window_extent(renderer)
            assert box.x0 <= extent.x0 and extent.x1 <= box.x1 and box.y0 <= extent.y0 and extent.y1 <= box.y1, \
                text.get_text()

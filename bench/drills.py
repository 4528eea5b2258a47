"""`make drills`: the drill report measured on candidates written blind (tests/drills, from the seed and the file
format only, their expectations fixed before the first run; never used to tune). Each file's answers go, in order,
to a drill on its topic (offline, a simulated clock); the figures: criterion scores inside the expected range, and
concepts the report marks explained that it should (and does not that it should not)."""

from __future__ import annotations

import os
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("LITELLM_OFFLINE_MODE", "true")


def run_one(path: Path, persona, sessions: Path) -> dict:
    from mlcoach import drill
    from mlcoach.clock import SimClock
    from mlcoach.drilling import DrillSession

    data = tomllib.loads(path.read_text(encoding="utf-8"))
    topic = drill.resolve(data["topic"], persona)
    answers = list(data["answers"])
    session = DrillSession.begin(persona, topic, candidate="Blind", sessions_dir=sessions, clock=SimClock(),
                                 minutes=2 * len(answers), seed=7)
    list(session.start())
    for answer in answers:
        if session.done:
            break
        list(session.submit(answer))
        list(session.go_on())
    if not session.done:
        list(session.finish("complete", "answers ran out"))
    session.close()
    report = session.report()
    if os.environ.get("DRILLS_VERBOSE"):
        for e in session.events:
            if e["type"] == "interviewer" and e["kind"] == "question":
                print("   Q:", e["text"][-110:])
            elif e["type"] == "note" and e["note"] == "coach":
                print("   note:", e["text"][:300])
        print("\n".join("   " + line for line in report.lines()))
    explained = {cid for cid in topic.concepts
                 if any(s.label == persona.concepts[cid].label and s.status == "explained" for s in report.concepts)}
    expect = data["expect"]
    scores = dict(report.scores)
    return {
        "file": path.stem, "scores": scores,
        "in_range": all(expect["min_score"] <= v <= expect["max_score"] for v in scores.values()),
        "explained_hit": [c for c in expect.get("explained", []) if c in explained],
        "explained_missed": [c for c in expect.get("explained", []) if c not in explained],
        "wrongly_explained": [c for c in expect.get("not_explained", []) if c in explained],
        "expected_explained": len(expect.get("explained", [])),
        "expected_not": len(expect.get("not_explained", [])),
        "asked": report.asked,
    }


def main() -> None:
    from mlcoach import personas

    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "drills"
    persona = personas.load("ml-engineer")
    rows = []
    with tempfile.TemporaryDirectory() as d:
        for path in sorted(folder.glob("*.toml")):
            rows.append(run_one(path, persona, Path(d)))
    for r in rows:
        scores = ", ".join(f"{k} {v}" for k, v in r["scores"].items())
        print(f"{r['file']:<22} {'ok ' if r['in_range'] else 'OUT'} scores: {scores}; explained "
              f"{len(r['explained_hit'])}/{r['expected_explained']}"
              + (f" (missed {', '.join(r['explained_missed'])})" if r["explained_missed"] else "")
              + (f"; wrongly explained: {', '.join(r['wrongly_explained'])}" if r["wrongly_explained"] else ""))
    n = len(rows)
    in_range = sum(r["in_range"] for r in rows)
    hit = sum(len(r["explained_hit"]) for r in rows)
    want = sum(r["expected_explained"] for r in rows)
    wrong = sum(len(r["wrongly_explained"]) for r in rows)
    nots = sum(r["expected_not"] for r in rows)
    print(f"\n{n} blind drills: scores in the expected range {in_range}/{n}; concepts marked explained as expected "
          f"{hit}/{want}; concepts marked explained that should not be {wrong}/{nots}")


if __name__ == "__main__":
    main()

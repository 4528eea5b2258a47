"""How far the offline judge is from an expert's labels on candidates written blind (by someone who saw only the
seed and the script format, never the code), the labels fixed before the first run.

    python bench/blind.py tests/blind/dev            # one set
    python bench/blind.py tests/blind/holdout --worst 8   # dev and dev2 tune the reading; holdout measures it

Prints band agreement, per-criterion mean absolute error (criteria the labels call "not judged" compared as such),
mean bias of the overall per level, red-flag precision and recall, and the worst misjudgements. `--json` for
scripts. The holdout set is never tuned on: run it to measure, not to fix."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def judged(folder: Path) -> list[dict]:
    from mlcoach import script
    from mlcoach.batch import run_script

    labels = tomllib.loads((folder / "labels.toml").read_text())
    out = []
    with tempfile.TemporaryDirectory() as d:
        for cid, label in sorted(labels.items()):
            result = run_script(script.load(folder / f"{cid}.toml"), sessions_dir=Path(d), seed=7)
            score = result.summary.score
            out.append({"id": cid, "label": label, "overall": score.overall, "band": score.band,
                        "criteria": {c.id: (None if c.judged is False else c.score) for c in score.criteria},
                        "flags": sorted(fid for fid, _ in score.red_flags)})
    return out


def figures(rows: list[dict]) -> dict:
    band_hits = sum(1 for r in rows if r["band"] == r["label"]["band"])
    errors: list[float] = []
    not_judged = {"agree": 0, "total": 0}
    for r in rows:
        for cid, want in r["label"]["criteria"].items():
            got = r["criteria"].get(cid)
            if want == "not judged" or got is None:
                not_judged["total"] += 1
                not_judged["agree"] += int(want == "not judged" and got is None)
                continue
            errors.append(abs(got - want))
    bias: dict[str, list[int]] = {}
    for r in rows:
        bias.setdefault(r["label"]["level"], []).append(r["overall"] - r["label"]["overall"])
    tp = sum(len(set(r["flags"]) & set(r["label"]["red_flags"])) for r in rows)
    raised = sum(len(r["flags"]) for r in rows)
    expected = sum(len(r["label"]["red_flags"]) for r in rows)
    worst = sorted(rows, key=lambda r: -abs(r["overall"] - r["label"]["overall"]))
    return {
        "candidates": len(rows),
        "band_agreement": round(band_hits / len(rows), 2),
        "criterion_mae": round(statistics.mean(errors), 2) if errors else None,
        "not_judged_agreement": not_judged,
        "overall_mae": round(statistics.mean(abs(r["overall"] - r["label"]["overall"]) for r in rows), 1),
        "bias_by_level": {lvl: round(statistics.mean(v), 1) for lvl, v in sorted(bias.items())},
        "flag_precision": round(tp / raised, 2) if raised else None,
        "flag_recall": round(tp / expected, 2) if expected else None,
        "worst": [{"id": r["id"], "expected": r["label"]["overall"], "got": r["overall"],
                   "band": f'{r["label"]["band"]} -> {r["band"]}',
                   "flags_missed": sorted(set(r["label"]["red_flags"]) - set(r["flags"])),
                   "flags_extra": sorted(set(r["flags"]) - set(r["label"]["red_flags"]))} for r in worst],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--worst", type=int, default=6)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--each", action="store_true", help="every candidate's criteria against its labels")
    args = parser.parse_args()
    for folder in args.folders:
        rows = judged(folder)
        fig = figures(rows)
        fig["worst"] = fig["worst"][: args.worst]
        if args.json:
            print(json.dumps({"set": str(folder), **fig}, indent=2))
            continue
        print(f"## {folder} ({fig['candidates']} candidates)")
        for key in ("band_agreement", "criterion_mae", "overall_mae", "bias_by_level", "flag_precision",
                    "flag_recall", "not_judged_agreement"):
            print(f"{key:22} {fig[key]}")
        print("worst:")
        for w in fig["worst"]:
            print(f"  {w['id']:44} {w['expected']:>3} -> {w['got']:>3}  {w['band']:28} "
                  f"missed {w['flags_missed'] or '-'} extra {w['flags_extra'] or '-'}")
        if args.each:
            for r in rows:
                diffs = {c: f"{r['criteria'].get(c)}/{w}" for c, w in r["label"]["criteria"].items()
                         if r["criteria"].get(c) != (None if w == "not judged" else w)}
                print(f"  {r['id']:44} {r['label']['overall']:>3} -> {r['overall']:>3} {diffs} "
                      f"flags {r['flags']} want {r['label']['red_flags']}")


if __name__ == "__main__":
    main()

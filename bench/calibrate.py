"""`make calibrate`: run every labelled candidate in tests/candidates through the offline judge and print a
Markdown table of scores and red flags (the README's calibration table is this output)."""

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
ORDER = {"strong": 0, "average": 1, "weak": 2, "adversarial": 3}


def main() -> None:
    from mlcoach import script
    from mlcoach.batch import run_script

    folder = ROOT / "tests" / "candidates"
    labels = tomllib.loads((folder / "labels.toml").read_text())
    rows = []
    with tempfile.TemporaryDirectory() as d:
        for path in sorted(folder.glob("*.toml")):
            if path.stem == "labels":
                continue
            result = run_script(script.load(path), sessions_dir=Path(d), seed=7)
            score = result.summary.score
            flags = [fid for fid, _ in score.red_flags]
            label = labels.get(path.stem, {})
            rows.append((ORDER.get(label.get("level", ""), 9), -score.overall, path.stem, result.scenario,
                         " ".join(x for x in (label.get("level", "?"), label.get("kind", "")) if x),
                         score.overall, score.band, ", ".join(flags) or "none",
                         set(label.get("red_flags", [])) - set(flags)))
    print("| candidate | scenario | label | overall | band | red flags raised |")
    print("|---|---|---|---:|---|---|")
    for *_, name, scenario, label, overall, band, flags, missed in sorted(rows):
        warn = f" (missed: {', '.join(sorted(missed))})" if missed else ""
        print(f"| {name} | {scenario} | {label} | {overall} | {band} | {flags}{warn} |")


if __name__ == "__main__":
    main()

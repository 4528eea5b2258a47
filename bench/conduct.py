"""How the interviewer behaves across many scripted candidates (conduct.py's checks): approval after an answer that
was not sound, wrong claims left without a question back, topics asked twice, acknowledgements said twice, deferred
questions never answered.

    python bench/conduct.py tests/candidates tests/blind/dev tests/blind/dev2 tests/blind/holdout [--each]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    from mlcoach import conduct, script
    from mlcoach.batch import run_script

    parser = argparse.ArgumentParser()
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--each", action="store_true", help="print every finding")
    args = parser.parse_args()
    for folder in args.folders:
        totals = conduct.Conduct()
        kinds: dict[str, int] = {}
        files = sorted(f for f in folder.glob("*.toml") if f.stem != "labels")
        with tempfile.TemporaryDirectory() as d:
            for f in files:
                result = run_script(script.load(f), sessions_dir=Path(d), seed=7)
                persona = result.session.persona
                c = conduct.check(result.session.records, persona)
                totals.answers += c.answers
                totals.pushable += c.pushable
                totals.pushed += c.pushed
                totals.deferred += c.deferred
                for finding in c.findings:
                    kinds[finding.kind] = kinds.get(finding.kind, 0) + 1
                    if args.each:
                        print(f"  {f.stem:45} t{finding.turn:<3} {finding.kind:20} {finding.detail[:100]}")
        share = f"{totals.pushed}/{totals.pushable}" if totals.pushable else "-"
        print(f"## {folder} ({len(files)} sessions, {totals.answers} answers)")
        print(f"pushback after a wrong or waved claim   {share}")
        print(f"deferred questions                      {totals.deferred}")
        for kind in ("approved_unsound", "repeated_topic", "repeated_ack", "unanswered_deferred", "no_pushback"):
            print(f"{kind:40} {kinds.get(kind, 0)}")


if __name__ == "__main__":
    main()

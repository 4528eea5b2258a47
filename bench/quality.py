"""`make report`: the interview-quality report (`mlcoach batch --report`) on the project's own labelled candidates,
offline, with each candidate's labelled red flags planted as its traits. The figures in the README come from here."""

from __future__ import annotations

import dataclasses
import os
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("LITELLM_OFFLINE_MODE", "true")


def main() -> None:
    quiet = "--totals" in sys.argv
    for folder in [Path(a) for a in sys.argv[1:] if not a.startswith("--")] or [ROOT / "tests" / "candidates"]:
        print(f"## {folder}")
        report(folder, quiet)


def report(folder: Path, quiet: bool) -> None:
    from mlcoach import config
    from mlcoach.batch import prepare_batch, quality_report, run_batch
    from mlcoach.ui.render import quality_table

    labels = tomllib.loads((folder / "labels.toml").read_text())
    files = sorted(folder / f"{cid}.toml" for cid in labels if (folder / f"{cid}.toml").exists())
    with tempfile.TemporaryDirectory() as d:
        job = prepare_batch(files, config.resolve(sessions_dir=d), offline=True, seed=7)
        planted = tuple(tuple(labels[s.path.stem].get("red_flags", [])) for s in job.scripts)
        job = dataclasses.replace(job, scripts=tuple(dataclasses.replace(s, traits=t)
                                                     for s, t in zip(job.scripts, planted, strict=True)))
        results = run_batch(job, concurrency=2)
        rows, totals = quality_report(job, results)
    if not quiet:
        quality_table(rows, totals)
    t = totals.to_dict()
    print(f"{t['interviews']} interviews · asked twice {t['repeated_topic']} · asked after explained "
          f"{t['asked_explained']} · never-do {t['never_do']} · approved wrong {t['approved_unsound']} · pushed back "
          f"{t['pushed']}/{t['pushable']} · planted flags caught {t['caught']}/{t['caught'] + t['missed']} · band "
          f"agrees with level {t['agree']}/{t['judged']}")


if __name__ == "__main__":
    main()

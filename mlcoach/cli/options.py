"""Options shared by the commands that run or read sessions (one definition, many commands)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

SessionsDir = Annotated[Path | None, typer.Option("--sessions-dir", help="Where session files live "
                        "[default: $MLCOACH_SESSIONS_DIR, $MLCOACH_HOME/sessions, or your data directory].",
                        show_default=False)]
PersonaOpt = Annotated[str | None, typer.Option("--persona", "-p", help="A persona id or a path to a persona TOML.",
                       show_default=False)]
SeedOpt = Annotated[int | None, typer.Option("--seed", help="Make the scripted interviewer deterministic.")]
OfflineOpt = Annotated[bool, typer.Option("--offline", help="Use the scripted interviewer and offline judge, "
                       "whatever model is configured.")]
DurationOpt = Annotated[int | None, typer.Option("--duration", min=1, help="Planned minutes; every phase budget "
                        "scales in proportion [default: 45].", show_default=False)]
ScenarioOpt = Annotated[str | None, typer.Option("--scenario", "-s", help="A scenario id of the persona "
                        "(recommendation, spam, house-prices, sentiment, object-detection) [default: random].",
                        show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON to stdout instead of a table.")]

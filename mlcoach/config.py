"""Where things live and what is configured: flag > MLCOACH_* environment variable > config file > default."""

from __future__ import annotations

import os
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlcoach.errors import BadInput

# key -> (type, environment variable, default)
KEYS: dict[str, tuple[type, str, Any]] = {
    "name": (str, "MLCOACH_NAME", ""),
    "persona": (str, "MLCOACH_PERSONA", "ml-engineer"),
    "duration": (int, "MLCOACH_DURATION", 45),
    "sessions_dir": (str, "MLCOACH_SESSIONS_DIR", ""),
    "model": (str, "MLCOACH_MODEL", ""),
    "api_base": (str, "MLCOACH_API_BASE", ""),
}


def home() -> Path:
    """MLCOACH_HOME, else the platform's config directory."""
    env = os.environ.get("MLCOACH_HOME")
    if env:
        return Path(env).expanduser()
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA", Path.home())) / "mlcoach"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "mlcoach"
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "mlcoach"


def config_path() -> Path:
    return home() / "config.toml"


def _data_dir() -> Path:
    if os.environ.get("MLCOACH_HOME"):
        return home()
    if sys.platform in ("win32", "darwin"):
        return home()
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "mlcoach"


def read_file(path: Path | None = None) -> dict[str, Any]:
    path = path or config_path()
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BadInput(f"{path}: not valid TOML ({exc})") from None
    except OSError as exc:
        raise BadInput(f"{path}: cannot read ({exc.strerror})") from None
    for key, value in data.items():
        if key not in KEYS:
            continue  # keys of later versions are ignored, not fatal
        kind = KEYS[key][0]
        if not isinstance(value, kind) or isinstance(value, bool):
            raise BadInput(f"{path}: {key}: expected {kind.__name__}, got {type(value).__name__}")
    return data


@dataclass(frozen=True)
class Settings:
    name: str
    persona: str
    duration: int
    sessions_dir: Path
    model: str
    api_base: str


def resolve(**flags: Any) -> Settings:
    """Resolve every key in one place. `flags` holds command-line values (None = not given)."""
    file = read_file()
    values: dict[str, Any] = {}
    for key, (kind, env, default) in KEYS.items():
        flag = flags.get(key)
        if flag is not None and flag != "":
            values[key] = flag
        elif os.environ.get(env):
            raw = os.environ[env]
            try:
                values[key] = kind(raw)
            except ValueError:
                raise BadInput(f"environment: {env}: expected {kind.__name__}, got {raw!r}") from None
        elif key in file:
            values[key] = file[key]
        else:
            values[key] = default
    sessions = Path(values["sessions_dir"]).expanduser() if values["sessions_dir"] else _data_dir() / "sessions"
    if values["duration"] <= 0:
        raise BadInput(f"duration: must be a positive number of minutes, got {values['duration']}")
    return Settings(
        name=values["name"],
        persona=values["persona"],
        duration=int(values["duration"]),
        sessions_dir=sessions,
        model=values["model"],
        api_base=values["api_base"],
    )

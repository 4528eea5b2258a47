"""Where things live and what is configured: flag > MLCOACH_* environment variable > config file > default."""

from __future__ import annotations

import math
import os
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlcoach.errors import BadInput, MlcoachError, regular_file
from mlcoach.limits import toml_loads

# key -> (type, environment variable or "" for none, default)
KEYS: dict[str, tuple[type, str, Any]] = {
    "name": (str, "MLCOACH_NAME", ""),
    "persona": (str, "MLCOACH_PERSONA", "ml-engineer"),
    "duration": (int, "MLCOACH_DURATION", 45),
    "sessions_dir": (str, "MLCOACH_SESSIONS_DIR", ""),
    "model": (str, "MLCOACH_MODEL", ""),
    "api_base": (str, "MLCOACH_API_BASE", ""),
    # Only from this file: otherwise the provider's own variable (OPENAI_API_KEY, ANTHROPIC_API_KEY, ...).
    "api_key": (str, "", ""),
    "judge": (str, "MLCOACH_JUDGE", "auto"),
    "timeout": (float, "MLCOACH_TIMEOUT", 60.0),
    "connect_timeout": (float, "MLCOACH_CONNECT_TIMEOUT", 5.0),
    "retries": (int, "MLCOACH_RETRIES", 2),
    "max_cost": (float, "MLCOACH_MAX_COST", 0.0),
}
SECRET = frozenset({"api_key"})
JUDGES = ("auto", "llm", "offline")


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
    regular_file(path)
    try:
        data = toml_loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BadInput(f"{path}: not valid TOML ({exc})") from None
    except OSError as exc:
        raise BadInput(f"{path}: cannot read ({exc.strerror})") from None
    aliases = data.get("aliases", {})
    if not isinstance(aliases, dict):
        raise BadInput(f"{path}: aliases: expected a table of names to model strings")
    for name, model in aliases.items():
        if not isinstance(model, str) or not model.strip():
            raise BadInput(f"{path}: aliases.{name}: expected a model string, got {model!r}")
    for key, value in data.items():
        if key not in KEYS:
            continue  # keys of later versions are ignored, not fatal
        kind = KEYS[key][0]
        ok = isinstance(value, int | float) if kind is float else isinstance(value, kind)
        if not ok or isinstance(value, bool):
            raise BadInput(f"{path}: {key}: expected {_type_name(kind)}, got {type(value).__name__}")
    return data


MAX_RETRIES = 10  # with exponential backoff, more would keep the first question away for minutes
MAX_DURATION = 600  # ten hours: longer is a typo, not an interview


def _type_name(kind: type) -> str:
    return {str: "a string", int: "an integer", float: "a number"}.get(kind, kind.__name__)


def parse(key: str, raw: str, where: str) -> Any:
    """A value for `key` from text (an environment variable, `config set`), or a one-line BadInput."""
    if key not in KEYS:
        raise BadInput(f"{where}: unknown key {key!r} (known: {', '.join(KEYS)})")
    kind = KEYS[key][0]
    try:
        value = kind(raw)
    except ValueError:
        raise BadInput(f"{where}: {key}: expected {_type_name(kind)}, got {raw!r}") from None
    check(key, value, where)
    return value


def check(key: str, value: Any, where: str) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise BadInput(f"{where}: {key}: must be a finite number, got {value}")
    if key == "judge" and value not in JUDGES:
        raise BadInput(f"{where}: judge: expected one of {', '.join(JUDGES)}, got {value!r}")
    if key in ("timeout", "connect_timeout") and value <= 0:
        raise BadInput(f"{where}: {key}: must be a positive number of seconds, got {value}")
    if key in ("retries", "max_cost") and value < 0:
        raise BadInput(f"{where}: {key}: must not be negative, got {value}")
    if key == "retries" and value > MAX_RETRIES:
        raise BadInput(f"{where}: retries: at most {MAX_RETRIES} (each waits longer than the last), got {value}")
    if key == "duration" and not 0 < value <= MAX_DURATION:
        raise BadInput(f"{where}: duration: expected 1 to {MAX_DURATION} minutes, got {value}")
    if key in ("model", "api_base", "persona") and isinstance(value, str) and value and not value.strip():
        raise BadInput(f"{where}: {key}: is blank")


@dataclass(frozen=True)
class Settings:
    name: str
    persona: str
    duration: int
    sessions_dir: Path
    model: str
    api_base: str
    api_key: str = field(default="", repr=False)
    judge: str = "auto"
    timeout: float = 60.0
    connect_timeout: float = 5.0
    retries: int = 2
    max_cost: float = 0.0
    sources: dict = field(default_factory=dict, compare=False)  # key -> flag | environment | file | default

    def value(self, key: str) -> Any:
        """A setting by its key in KEYS."""
        return vars(self)[key]


def resolve(**flags: Any) -> Settings:
    """Resolve every key in one place. `flags` holds command-line values (None = not given)."""
    path = config_path()
    file = read_file(path)
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for key, (_kind, env, default) in KEYS.items():
        flag = flags.get(key)
        if flag is not None and flag != "":
            values[key], sources[key] = flag, "flag"
            check(key, flag, f"--{key.replace('_', '-')}")
        elif env and os.environ.get(env):
            values[key], sources[key] = parse(key, os.environ[env], f"environment: {env}"), "environment"
        elif key in file:
            values[key], sources[key] = file[key], "file"
            check(key, file[key], str(path))
        else:
            values[key], sources[key] = default, "default"
    aliases = file.get("aliases", {})
    if values["model"] in aliases:  # `--model local` with `[aliases] local = "ollama_chat/llama3.1"`
        values["model"] = aliases[values["model"]]
    sessions = Path(values["sessions_dir"]).expanduser() if values["sessions_dir"] else _data_dir() / "sessions"
    return Settings(
        name=values["name"],
        persona=values["persona"],
        duration=int(values["duration"]),
        sessions_dir=sessions,
        model=values["model"],
        api_base=values["api_base"],
        api_key=values["api_key"],
        judge=values["judge"],
        timeout=float(values["timeout"]),
        connect_timeout=float(values["connect_timeout"]),
        retries=int(values["retries"]),
        max_cost=float(values["max_cost"]),
        sources=sources,
    )


def write_key(key: str, value: Any | None) -> Path:
    """Set (or with None, remove) one key in the config file, atomically, readable only by its owner."""
    path = config_path()
    data = read_file(path)
    if value is None:
        data.pop(key, None)
    else:
        data[key] = value
    return write_toml(path, data)


def write_toml(path: Path, data: dict) -> Path:
    """A settings file (config, keys), written atomically and readable only by its owner."""
    import tomli_w

    from mlcoach.sessions import atomic_write

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, tomli_w.dumps(data).encode("utf-8"))
    except OSError as exc:
        raise MlcoachError(f"{path}: cannot write ({exc.strerror or exc})") from None
    return path


def write_alias(name: str, model: str | None) -> Path:
    """Set (or with None, remove) a model alias in the config file's `[aliases]` table."""
    path = config_path()
    data = read_file(path)
    aliases = dict(data.get("aliases", {}))
    if model is None:
        aliases.pop(name, None)
    else:
        aliases[name] = model
    data["aliases"] = aliases
    return write_toml(path, data)


def origin(settings, key: str) -> str:
    """Where a setting came from, for an error about its value: "--persona", "MLCOACH_PERSONA", the config file."""
    source = settings.sources.get(key, "default")
    if source == "flag":
        return "--" + key.replace("_", "-")
    if source == "environment":
        return KEYS[key][1]
    if source == "file":
        return f"{config_path()}: {key}"
    return key

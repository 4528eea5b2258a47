"""Finding persona files (the user's directory first, then the built-in ones) and loading them, once per change."""

from __future__ import annotations

import tomllib
from pathlib import Path

from mlcoach.config import home
from mlcoach.errors import BadInput, NotFound, regular_file
from mlcoach.limits import toml_loads
from mlcoach.personas.model import Persona
from mlcoach.personas.parse import parse


def builtin_dir() -> Path:
    """Installed wheels carry personas inside the package (mlcoach/_personas); a source checkout has them at the
    top level (personas/)."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / "_personas"
    return packaged if packaged.is_dir() else package.parent / "personas"


def search_dirs() -> list[Path]:
    return [home() / "personas", builtin_dir()]


def load_path(path: Path, strict: bool = False) -> Persona:
    regular_file(path)  # a FIFO would block the read forever
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise NotFound(f"{path}: no such persona file") from None
    except OSError as exc:
        raise BadInput(f"{path}: cannot read ({exc.strerror})") from None
    try:
        data = toml_loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise BadInput(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"{path}: not valid TOML ({exc})") from None
    persona = parse(data, path)
    if strict:
        persona.compile_all()
    return persona


_cache: dict[Path, tuple[float, Persona]] = {}


def load(ref: str) -> Persona:
    """A persona by id (user directory first, then built-in) or by path."""
    candidate = Path(ref).expanduser()
    if ref.endswith(".toml") or "/" in ref or candidate.is_file():
        path = candidate.resolve()
    else:
        for d in search_dirs():
            if (d / f"{ref}.toml").is_file():
                path = (d / f"{ref}.toml").resolve()
                break
        else:
            known = ", ".join(sorted(available())) or "none"
            raise NotFound(f"persona: unknown id {ref!r} (known: {known})")
    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = -1.0
    hit = _cache.get(path)
    if hit and hit[0] == mtime:
        return hit[1]
    # A persona of one's own is checked whole now (every regex compiled), not at the closing of an interview; the
    # built-in one is tested, and compiles in the background while the first question is read.
    persona = load_path(path, strict=not path.is_relative_to(builtin_dir().resolve()))
    _cache[path] = (mtime, persona)
    return persona


def available() -> dict[str, Path]:
    """id -> path of every persona file found (user ones shadow built-in ones of the same id)."""
    out: dict[str, Path] = {}
    for d in reversed(search_dirs()):
        if d.is_dir():
            for f in sorted(d.glob("*.toml")):
                out[f.stem] = f
    return out

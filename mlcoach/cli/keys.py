"""`mlcoach keys set NAME | list | remove NAME | path`: API keys, one per provider or self-hosted server."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from mlcoach.visible import one_line

app = typer.Typer(help="API keys, one per provider (openai, anthropic, ...) or server (localhost:8080).",
                  no_args_is_help=True)

NameArg = Annotated[str, typer.Argument(help="A LiteLLM provider (openai, anthropic, gemini, groq, ...) or a "
                                             "server's host:port for --api-base.", show_default=False)]


@app.command("set")
def set_(name: NameArg) -> None:
    """Store a key, typed at a hidden prompt (or read from stdin when piped): never on the command line, where it
    would stay in your shell history. It is sent only to that provider or server.

    Example: mlcoach keys set anthropic
    """
    from mlcoach import keys
    from mlcoach.errors import BadInput

    key = sys.stdin.readline().strip() if not sys.stdin.isatty() else \
        typer.prompt(f"Key for {name}", hide_input=True).strip()
    if not key:
        raise BadInput(f"keys set {name}: no key given")
    path = keys.save(name, key)
    print(one_line(f"key for {name} stored in {path} (readable only by you)"))


@app.command("list")
def list_(as_json: Annotated[bool, typer.Option("--json", help="Print JSON to stdout instead of lines.")] = False,
          ) -> None:
    """Which providers and servers have a key, and where it comes from. Keys are never shown."""
    import os

    from mlcoach import keys

    stored = keys.stored()
    names = sorted(set(stored) | {p for p, env in keys.ENV.items() if os.environ.get(env)})
    found = []
    for name in names:
        env = keys.ENV.get(name, "")
        where = f"environment {env}" if env and os.environ.get(env) else f"stored ({keys.path()})"
        found.append({"provider": name, "from": where})
    if as_json:
        from mlcoach.cli.options import print_json

        print_json(found)
        return
    for row in found:
        print(one_line(f"{row['provider']:24} set (hidden)  from {row['from']}"))
    if not names:
        print("no keys: set the provider's variable (e.g. OPENAI_API_KEY) or run `mlcoach keys set PROVIDER`")


@app.command("remove")
def remove(name: NameArg) -> None:
    """Forget a stored key."""
    from mlcoach import keys
    from mlcoach.errors import NotFound

    if name not in keys.stored():
        raise NotFound(f"{keys.path()}: no key stored for {name!r}")
    keys.save(name, None)
    print(one_line(f"key for {name} removed"))


@app.command("path")
def path() -> None:
    """Print the keys file's path."""
    from mlcoach import keys

    print(one_line(keys.path()))

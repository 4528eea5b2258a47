"""`mlcoach models [alias NAME MODEL | unalias NAME]`: the configured model and its aliases, with their provider and
whether a key is set."""

from __future__ import annotations

from typing import Annotated

import typer

from mlcoach.visible import one_line

app = typer.Typer(help="Model aliases (`--model local`) and whether each model's provider has a key.",
                  invoke_without_command=True)


@app.callback()
def models(ctx: typer.Context, as_json: Annotated[bool, typer.Option(
        "--json", help="Print JSON to stdout instead of lines.")] = False) -> None:
    """List the configured model and every alias, with its provider and whether a key is set (never the key).

    Example: mlcoach models
    """
    if ctx.invoked_subcommand is not None:
        return
    from mlcoach import config, keys
    from mlcoach.errors import BadInput

    settings = config.resolve()
    aliases = config.read_file().get("aliases", {})
    rows = [("(configured)", settings.model)] if settings.model else []
    rows += sorted(aliases.items())
    if not rows and not as_json:
        print("no model configured (offline): `mlcoach config set model M`, or `mlcoach models alias NAME M`")
        return
    found = []
    for name, model in rows:
        try:
            provider = keys.provider(model)
            key = "no key needed" if provider in keys.KEYLESS else (
                "key set" if keys.key_for(model)[0] else f"no key ({keys.env_name(provider)})")
        except BadInput as exc:
            provider, key = "?", "unknown provider" if "LiteLLM knows" in str(exc) else str(exc)
        found.append({"name": name, "model": model, "provider": provider, "key": key})
    if as_json:
        from mlcoach.cli.options import print_json

        print_json(found)
        return
    for row in found:
        print(one_line(f"{row['name']:16} {row['model']:40} {row['provider']:14} {row['key']}"))


@app.command("alias")
def alias(name: Annotated[str, typer.Argument(help="A short name, used as --model NAME.")],
          model: Annotated[str, typer.Argument(help="A LiteLLM model string, e.g. ollama_chat/llama3.1.")]) -> None:
    """Add or change an alias.

    Example: mlcoach models alias local ollama_chat/llama3.1
    """
    from mlcoach import config

    path = config.write_alias(name, model)
    print(one_line(f"{name} = {model!r} in {path}"))


@app.command("unalias")
def unalias(name: Annotated[str, typer.Argument(help="An alias to remove.")]) -> None:
    """Remove an alias."""
    from mlcoach import config
    from mlcoach.errors import NotFound

    if name not in config.read_file().get("aliases", {}):
        raise NotFound(f"{config.config_path()}: no alias {name!r}")
    path = config.write_alias(name, None)
    print(one_line(f"{name} removed from {path}"))

"""`mlcoach config show | set KEY VALUE | unset KEY | path`: the settings file, with secrets kept hidden."""

from __future__ import annotations

from typing import Annotated

import typer

from mlcoach.visible import one_line

app = typer.Typer(help="Show and change settings ($MLCOACH_HOME/config.toml).", no_args_is_help=True)


@app.command("show")
def show(as_json: Annotated[bool, typer.Option("--json", help="Print JSON to stdout instead of a table.")] = False,
         ) -> None:
    """Every setting, its value and where it comes from (flag, environment, file, default). Keys are hidden.

    Example: mlcoach config show
    """
    from rich.table import Table

    from mlcoach import config
    from mlcoach.redact import mask_url
    from mlcoach.ui import render

    settings = config.resolve()
    table = Table("key", "value", "from", "environment", box=None)
    values: dict[str, dict] = {}
    for key, (_kind, env, _default) in config.KEYS.items():
        value = settings.value(key)
        if key in config.SECRET:
            shown = "set (hidden)" if value else "not set"
        elif key == "api_base" and value:
            shown = mask_url(str(value))  # a password written into the address stays hidden
        else:
            shown = str(value) if value not in ("", None) else "-"
        table.add_row(*render.cells(key, shown, settings.sources.get(key, ""), env or "-"))
        plain = value if isinstance(value, str | int | float | bool) or value is None else str(value)
        values[key] = {"value": shown if key in config.SECRET or key == "api_base" else plain,
                       "from": settings.sources.get(key, ""), "environment": env or None}
    if as_json:
        from mlcoach.cli.options import print_json

        print_json({"file": str(config.config_path()), "settings": values})
        return
    out = render.console()
    out.print(table)
    out.print(f"[dim]file: {render.escape(str(config.config_path()))}[/dim]")


@app.command("set")
def set_(key: Annotated[str, typer.Argument(help="A setting (see `mlcoach config show`).")],
         value: Annotated[str, typer.Argument(help="Its new value.")]) -> None:
    """Set one setting in the config file.

    Example: mlcoach config set model ollama_chat/llama3.1
    """
    from mlcoach import config
    from mlcoach.errors import BadInput
    from mlcoach.redact import mask_url

    if key in config.SECRET:  # typed here it stays in the shell history, and it would go to any provider
        raise BadInput("config set api_key: keys are kept per provider now: run `mlcoach keys set PROVIDER` "
                       "(a hidden prompt), or set the provider's own variable (e.g. OPENAI_API_KEY)")
    parsed = config.parse(key, value, "config set")
    path = config.write_key(key, parsed)
    shown = "(hidden)" if key in config.SECRET else repr(mask_url(parsed)) if key == "api_base" else repr(parsed)
    print(one_line(f"{key} = {shown} in {path}"))


@app.command("unset")
def unset(key: Annotated[str, typer.Argument(help="A setting to remove from the config file.")]) -> None:
    """Remove one setting from the config file (its default, or the environment, applies again).

    Example: mlcoach config unset model
    """
    from mlcoach import config
    from mlcoach.errors import BadInput

    if key not in config.KEYS:
        raise BadInput(f"config unset: unknown key {key!r} (known: {', '.join(config.KEYS)})")
    path = config.write_key(key, None)
    print(one_line(f"{key} removed from {path}"))


@app.command("path")
def path() -> None:
    """Print the config file's path."""
    from mlcoach import config

    print(one_line(config.config_path()))

"""The one error boundary: an exception becomes one line on stderr and a named exit code, from every entry point
(the Typer app's invoke and `main()`). `--debug` re-raises instead, for the traceback."""

from __future__ import annotations

import sys

import typer
from typer.core import TyperGroup

from mlcoach.errors import ExitCode, MlcoachError
from mlcoach.visible import one_line

try:  # Typer vendors Click (as typer._click) from 0.20 on: its exceptions are the ones raised
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover - an older Typer over Click itself
    from click import exceptions as click_errors

# Typer's own exits, aborts and usage errors, end of input and a closed pipe are Typer's to handle.
PASS_THROUGH = (typer.TyperException, typer.Exit, typer.Abort, click_errors.ClickException,
                EOFError, BrokenPipeError)


def report(exc: BaseException, debug: bool) -> ExitCode:
    """Say what went wrong in one line on stderr and return its exit code; with `debug`, re-raise `exc`."""
    if debug:
        raise exc
    if isinstance(exc, MlcoachError):
        print(f"mlcoach: error: {one_line(exc)}", file=sys.stderr)
        return exc.exit_code
    if isinstance(exc, KeyboardInterrupt):
        print("mlcoach: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    # The last line of defence: one line, never a traceback (unless --debug).
    print(f"mlcoach: internal error: {type(exc).__name__}: {one_line(exc)} (run with --debug for details)",
          file=sys.stderr)
    return ExitCode.ERROR


class Boundary(TyperGroup):
    """The root group: whatever a command raises goes through `report`; a usage error (an unknown option, a value
    not among the choices) is one line too, naming the command's help."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click_errors.ClickException as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":  # `mlcoach` alone: the help, as Typer shows it
                typer.echo(exc.ctx.get_help())
                sys.exit(0)
            usage = isinstance(exc, click_errors.UsageError) and exc.ctx is not None
            where = f" (see: {exc.ctx.command_path} -h)" if usage else ""
            print(f"mlcoach: error: {one_line(exc.format_message())}{where}", file=sys.stderr)
            sys.exit(exc.exit_code)
        except typer.Abort:
            print("mlcoach: aborted", file=sys.stderr)
            sys.exit(int(ExitCode.ERROR))
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: typer.Context):
        try:
            return super().invoke(ctx)
        except PASS_THROUGH:
            raise
        except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001 - the one boundary: every error is one line
            raise typer.Exit(int(report(exc, bool(ctx.params.get("debug"))))) from None

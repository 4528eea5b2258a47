"""The one error boundary: an exception becomes one line on stderr and a named exit code, from every entry point
(the Typer app's invoke and `main()`). `--debug` re-raises instead, for the traceback."""

from __future__ import annotations

import sys

import typer
from typer.core import TyperGroup

from mlcoach.errors import ExitCode, MlcoachError
from mlcoach.visible import one_line

# Typer's own exits, aborts and usage errors, end of input and a closed pipe are Typer's to handle.
PASS_THROUGH = (typer.TyperException, typer.Exit, typer.Abort, EOFError, BrokenPipeError)


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
    """The root group: whatever a command raises goes through `report`."""

    def invoke(self, ctx: typer.Context):
        try:
            return super().invoke(ctx)
        except PASS_THROUGH:
            raise
        except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001 - the one boundary: every error is one line
            raise typer.Exit(int(report(exc, bool(ctx.params.get("debug"))))) from None

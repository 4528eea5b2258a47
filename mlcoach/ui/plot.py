"""The trend as a picture (`review trend --plot`; needs matplotlib, the `plot` extra): the overall in its own wide
panel on top, then one small panel per criterion, its full label as the panel's title. The x axis is the session
number over its date, so two sessions of one day stay apart; criteria run 0-4, the overall 0-100."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from mlcoach.visible import one_line, visible

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from mlcoach.trend import Trend

COLUMNS = 3  # small panels per row
WRAP = 48  # characters per line of a panel's title
TICKS_WIDE, TICKS_SMALL = 14, 6  # at most this many session ticks on the overall's panel, on a criterion's
COLOR, OVERALL_COLOR = "#1f6f8b", "#5b2a86"


def plain(text: str, width: int) -> str:
    """Text as written, wrapped: control characters shown as marks, and a "$" never read as mathtext."""
    return textwrap.fill(one_line(text), width).replace("$", r"\$")


def title(t: Trend) -> str:
    first, last = t.dates[0], t.dates[-1]
    span = first if first == last else f"{first} to {last}"
    n = len(t.sessions)
    return f"mlcoach: scores across {n} session{'s' if n != 1 else ''}, {span}\nCounted: {one_line(t.counting.describe())}"


def _panel(ax: Axes, t: Trend, values, top: float, most: int, color: str) -> None:
    points = [(i, v) for i, v in enumerate(values, start=1) if v is not None]
    if points:
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", markersize=4, color=color,
                clip_on=False, zorder=3)
    ax.set_ylim(0, top)
    ax.set_xlim(0.5, len(t.sessions) + 0.5)
    at, said = t.ticks(most)
    ax.set_xticks(at, [visible(x).replace("$", r"\$") for x in said], fontsize=7)
    ax.tick_params(axis="y", labelsize=7)
    ax.grid(alpha=0.3)


def figure(t: Trend, labels: dict[str, str]) -> Figure:
    """The figure, not yet written (no pyplot: nothing global is touched)."""
    from matplotlib.figure import Figure

    rows = 1 + -(-len(t.criteria) // COLUMNS)
    fig = Figure(figsize=(4.2 * COLUMNS, 2.4 * rows + 0.6), layout="constrained")
    grid = fig.add_gridspec(rows, COLUMNS)
    fig.suptitle("\n".join(plain(x, 110) for x in title(t).splitlines()), fontsize=11)
    overall = fig.add_subplot(grid[0, :])
    _panel(overall, t, t.overall, 100, TICKS_WIDE, OVERALL_COLOR)
    overall.set_title("Overall (0-100)", fontsize=10, loc="left")
    overall.set_xlabel("session (number, date)", fontsize=8)
    for i, (cid, values) in enumerate(t.criteria.items()):
        ax = fig.add_subplot(grid[1 + i // COLUMNS, i % COLUMNS])
        _panel(ax, t, values, 4, TICKS_SMALL, COLOR)
        ax.set_yticks(range(5))
        ax.set_title(plain(labels.get(cid, cid), WRAP), fontsize=8, loc="left")
    return fig


def plot(t: Trend, labels: dict[str, str], path) -> None:
    """Write the figure (PNG, or SVG or PDF by the file's suffix)."""
    import warnings

    with warnings.catch_warnings():  # a glyph the font lacks (a mark in a hand-edited name) is not the user's problem
        warnings.simplefilter("ignore")
        figure(t, labels).savefig(path, dpi=100)

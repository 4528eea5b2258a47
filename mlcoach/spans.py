"""Where a position falls among spans of a text, in logarithmic time: so that a check per word (is it inside a
concept's match? inside an idiom?) stays linear in the answer, however many matches it has."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable


def spans(pattern: re.Pattern, text: str) -> list[tuple[int, int]]:
    """The pattern's matches in `text`, as sorted, non-overlapping (start, end) spans."""
    return [m.span() for m in pattern.finditer(text)]


def merged(found: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans sorted and joined where they overlap."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(found):
        if out and a < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def within(pos: int, sorted_spans) -> bool:
    """Whether `pos` falls in one of the sorted, non-overlapping spans."""
    i = bisect.bisect_right(sorted_spans, (pos, float("inf"))) - 1
    return i >= 0 and sorted_spans[i][0] <= pos < sorted_spans[i][1]

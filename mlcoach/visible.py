"""Text from users and files made safe to show: control characters become visible marks, so an answer, a name or
a file path can never move the cursor, clear the screen, retitle the window or hide text. Logs keep the text
whole; only what is shown (terminal, reports, exports, error lines) passes through here."""

from __future__ import annotations

# C0 controls (but newline and tab), DEL and C1 controls, shown in caret notation (ESC as ^[) or as <U+XXXX>;
# the bidirectional overrides and isolates, which reorder what is shown, as <U+XXXX>.
_MARKS: dict[int, str] = {c: "^" + chr(c + 64) for c in range(32) if c not in (9, 10)}
_MARKS[0x7F] = "^?"
_MARKS.update({c: f"<U+{c:04X}>" for c in range(0x80, 0xA0)})
_MARKS.update({c: f"<U+{c:04X}>" for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x2028, 0x2029)})
_LINE_MARKS = {**_MARKS, 10: " ⏎ ", 9: " "}


def visible(text: object) -> str:
    """`text` with every control character (but newline and tab) shown as a mark."""
    return str(text).translate(_MARKS)


def one_line(text: object) -> str:
    """`visible`, and on one line: for error messages, table cells and names."""
    return str(text).translate(_LINE_MARKS)


_JSON_MARKS = {c: f"\\u{c:04x}" for c in (*range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A),
                                          0x2028, 0x2029)}


def json_text(text: str) -> str:
    """JSON text (from `json.dumps`) with the controls JSON leaves raw (DEL, C1, bidi) written as \\u escapes:
    the same values, nothing a terminal acts on."""
    return text.translate(_JSON_MARKS)

"""Engine replies as Telegram HTML messages: escaped text, bold headings, split under the length limit."""

from __future__ import annotations

import html
import re

from intents import BULLETS, Line, Reply, isolate_bidi, opens_block

# Telegram allows 4096 UTF-16 code units of text after entity parsing (an emoji such as 💊 counts two); every
# length here is measured that way, on the HTML, which is never shorter than the text Telegram counts.
MESSAGE_LIMIT = 4000
_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+")


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def utf16_len(text: str) -> int:
    """A text's length as Telegram counts it: UTF-16 code units (characters beyond U+FFFF count two)."""
    return len(text) if text.isascii() else len(text.encode("utf-16-le")) // 2


def fit(text: str, units: int) -> int:
    """How many characters from the start of `text` fit in `units` UTF-16 code units."""
    end = min(len(text), units)
    while (over := utf16_len(text[:end]) - units) > 0:
        end -= (over + 1) // 2  # each character is one or two units
    return end


def _isolated_window(text: str, room: int) -> str:
    """The longest start of `text` that fits in `room` units once isolated (each isolate it leaves open costs a
    closer: a piece of a line must not leave a right-to-left control open for the next)."""
    window = text[: fit(text, room)]
    while (excess := utf16_len(isolate_bidi(window)) - room) > 0:
        window = window[: len(window) - max(excess, len(window) // 8)]
    return window


def _pieces(text: str, room: int) -> list[str]:
    """Split a long plain text at sentence ends, else at spaces, else hard, into pieces of at most `room` units,
    each isolated (see `isolate_bidi`)."""
    pieces: list[str] = []
    rest = text
    while utf16_len(isolate_bidi(rest)) > room:
        window = _isolated_window(rest, room)
        cut = max((m.end() for m in _SENTENCE_END.finditer(window)), default=0)
        if cut < len(window) // 3:
            cut = window.rfind(" ") + 1
        if cut <= 0:
            cut = len(window)
        pieces.append(isolate_bidi(rest[:cut].rstrip()))
        rest = rest[cut:].lstrip()
    pieces.append(isolate_bidi(rest))
    return [p for p in pieces if p]


def _line_html(line: Line, limit: int) -> list[str]:
    """One reply line as one or more HTML lines, each well-formed and under `limit` UTF-16 code units."""
    text = line.text
    label = f"<b>{escape(isolate_bidi(line.label))}:</b> " if line.label else ""
    if utf16_len(label) > limit // 4:  # a label too long to lead every piece is read as part of the text
        text, label = f"{line.label}: {text}", ""
    if line.role == "bullet":
        prefix = "  " * line.depth + BULLETS[min(line.depth, 3)] + " " + label
    elif line.role in ("title", "heading", "question"):
        prefix = ""
    else:
        prefix = label
    wrap = {
        "title": ("<b>", "</b>"),
        "heading": ("<b>", "</b>"),
        "question": ("<b>", "</b>"),
        "note": ("<i>", "</i>"),
    }.get(line.role, ("", ""))
    room = max(200, limit - utf16_len(prefix) - 20)
    out = []
    for index, piece in enumerate(_pieces(text, room)):
        start = prefix if index == 0 else ""
        out.append(f"{start}{wrap[0]}{escape(piece)}{wrap[1]}")
    return out or [prefix.rstrip()]


def to_html_messages(reply: Reply, limit: int = MESSAGE_LIMIT) -> list[str]:
    """The reply as HTML message texts; a long reply is split between lines (paragraphs, bullets)."""
    blocks: list[str] = []
    previous: Line | None = None
    for line in reply.lines:
        gap = opens_block(line, previous)
        for index, part in enumerate(_line_html(line, limit)):
            blocks.append(("\n" if gap and index == 0 else "") + part)
        previous = line
    messages: list[str] = []
    current: list[str] = []
    size = 0
    for block in blocks:
        units = utf16_len(block)
        if current and size + 1 + units > limit:
            messages.append("\n".join(current))
            current, size = [], 0
        if not current:
            block = block.lstrip("\n")
            units = utf16_len(block)
        current.append(block)
        size += units + (1 if len(current) > 1 else 0)
    if current and "".join(current).strip():
        messages.append("\n".join(current))
    return messages or [escape(reply.text or "…")]


def plain_preview(reply: Reply, size: int = 120) -> str:
    """A short plain description (inline results): the first body lines of the reply, each in its own run."""
    body = [isolate_bidi(ln.text) for ln in reply.lines if ln.role in ("text", "bullet", "question")]
    text = " ".join(body)[:size]
    return isolate_bidi(text if len(text) < size else text[: size - 1]) + ("…" if len(text) >= size else "")

"""Engine replies as Telegram HTML messages: escaped text, bold headings, split under the length limit."""

from __future__ import annotations

import html
import re

from intents.models import Line, Reply
from intents.render import BULLETS, opens_block

# Telegram allows 4096 characters of text after entity parsing; the margin keeps tags and counting safe.
MESSAGE_LIMIT = 4000
_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+")


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def _pieces(text: str, room: int) -> list[str]:
    """Split a long plain text at sentence ends, else at spaces, else hard, into pieces of at most `room`."""
    pieces: list[str] = []
    rest = text
    while len(rest) > room:
        window = rest[:room]
        cut = max((m.end() for m in _SENTENCE_END.finditer(window)), default=0)
        if cut < room // 3:
            cut = window.rfind(" ") + 1
        if cut <= 0:
            cut = room
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    pieces.append(rest)
    return [p for p in pieces if p]


def _line_html(line: Line, limit: int) -> list[str]:
    """One reply line as one or more HTML lines, each well-formed and under `limit` characters."""
    if line.role == "bullet":
        prefix = "  " * line.depth + BULLETS[min(line.depth, 3)] + " "
        if line.label:
            prefix += f"<b>{escape(line.label)}:</b> "
    elif line.role in ("title", "heading", "question"):
        prefix = ""
    else:
        prefix = f"<b>{escape(line.label)}:</b> " if line.label else ""
    wrap = {
        "title": ("<b>", "</b>"),
        "heading": ("<b>", "</b>"),
        "question": ("<b>", "</b>"),
        "note": ("<i>", "</i>"),
    }.get(line.role, ("", ""))
    room = max(200, limit - len(prefix) - 20)
    out = []
    for index, piece in enumerate(_pieces(line.text, room)):
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
    current = ""
    for block in blocks:
        candidate = f"{current}\n{block}" if current else block.lstrip("\n")
        if len(candidate) > limit and current:
            messages.append(current)
            current = block.lstrip("\n")
        else:
            current = candidate
    if current.strip():
        messages.append(current)
    return messages or [escape(reply.text or "…")]


def plain_preview(reply: Reply, size: int = 120) -> str:
    """A short plain description (inline results): the first body line of the reply."""
    body = [ln.text for ln in reply.lines if ln.role in ("text", "bullet", "question")]
    text = " ".join(body)[:size]
    return text if len(text) < size else text[: size - 1] + "…"

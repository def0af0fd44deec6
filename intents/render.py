"""Plain-text rendering of reply lines: what the command line prints and the JSON contract's `text`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from intents.lexicon import Lexicon
from intents.models import Kind, Line, Reply

BULLETS = ("•", "–", "·", "·")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
SOURCED = (Kind.FAQ, Kind.SECTION, Kind.LISTING)


def human_date(iso: str) -> str:
    """`2025-09-22` -> `22 Sep 2025` (English month names whatever the machine's locale)."""
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def source_note(reply: Reply, lexicon: Lexicon) -> Line | None:
    """The line naming an answer's monograph and when it was last updated; None for replies without one."""
    if reply.kind not in SOURCED or not reply.drug:
        return None
    if reply.updated:
        return Line(role="note", text=lexicon.reply("source", drug=reply.drug, date=human_date(reply.updated)))
    return Line(role="note", text=lexicon.reply("source_undated", drug=reply.drug))


def with_source(reply: Reply, lexicon: Lexicon) -> Reply:
    """The reply as front ends show it: its lines, then the dated source note (the contract's `text` and
    `updated` keep them apart)."""
    note = source_note(reply, lexicon)
    return reply if note is None else reply.model_copy(update={"lines": [*reply.lines, note]})


def line_text(line: Line) -> str:
    """A line's words as a person reads them: a labelled bullet shows its label before its text."""
    if line.label:
        return f"{line.label}: {line.text}" if line.text else f"{line.label}:"
    return line.text


def opens_block(line: Line, previous: Line | None) -> bool:
    """Whether a blank line goes before `line`: after the title, and before headings, notes and questions."""
    return previous is not None and (line.role in ("heading", "note", "question") or previous.role == "title")


def plain_lines(lines: Iterable[Line]) -> list[str]:
    out: list[str] = []
    previous: Line | None = None
    for line in lines:
        if line.role == "bullet":
            indent = "  " * line.depth
            out.append(f"{indent}{BULLETS[min(line.depth, 3)]} {line_text(line)}")
        else:
            if opens_block(line, previous):
                out.append("")
            out.append(line_text(line))
        previous = line
    return out


def plain_text(lines: Iterable[Line]) -> str:
    return "\n".join(plain_lines(lines)).strip()

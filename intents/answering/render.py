"""The dated source line under an answer: the monograph it comes from and when that was last updated."""

from __future__ import annotations

import datetime as dt

from intents.answering.models import SOURCED_KINDS, Reply
from intents.language.lexicon import Lexicon
from intents.library.models import Line

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def human_date(iso: str) -> str:
    """`2025-09-22` -> `22 Sep 2025` (English month names whatever the machine's locale)."""
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def source_note(reply: Reply, lexicon: Lexicon) -> Line | None:
    """The line naming an answer's monograph and when it was last updated; None for replies without one."""
    if reply.kind not in SOURCED_KINDS or not reply.drug:
        return None
    if reply.updated:
        return Line(role="note", text=lexicon.reply("source", drug=reply.drug, date=human_date(reply.updated)))
    return Line(role="note", text=lexicon.reply("source_undated", drug=reply.drug))


def with_source(reply: Reply, lexicon: Lexicon) -> Reply:
    """The reply as front ends show it: its lines, then the dated source note (the contract's `text` and
    `updated` keep them apart)."""
    note = source_note(reply, lexicon)
    return reply if note is None else reply.model_copy(update={"lines": [*reply.lines, note]})

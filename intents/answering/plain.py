"""Plain-text rendering of reply lines: what the command line prints and the JSON contract's `text`."""

from __future__ import annotations

from collections.abc import Iterable

from intents.common.bidi import isolate_bidi
from intents.library.models import Line

BULLETS = ("•", "–", "·", "·")


def line_text(line: Line) -> str:
    """A line's words as a person reads them: a labelled bullet shows its label before its text. Label and text
    are each a run of the monograph's, isolated so that a right-to-left control in one stops at its end."""
    text = isolate_bidi(line.text)
    if line.label:
        label = isolate_bidi(line.label)
        return f"{label}: {text}" if text else f"{label}:"
    return text


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

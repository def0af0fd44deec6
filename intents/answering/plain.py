"""Plain-text rendering of reply lines: what the command line prints and the JSON contract's `text`."""

from __future__ import annotations

from collections.abc import Iterable

from intents.library.models import Line

BULLETS = ("•", "–", "·", "·")


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

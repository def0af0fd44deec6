"""The report's findings as tables: one definition that the console text, the CSV files and the HTML share."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from bot.report.data import Report, WhichPart

Cell = str | int | float | None
Format = Literal["text", "int", "pct"]


@dataclass(frozen=True, slots=True)
class Table:
    key: str  # its CSV file's name
    title: str
    note: str  # what to do with it
    columns: list[tuple[str, Format]]
    rows: list[list[Cell]]


def cell_text(value: Cell, kind: Format) -> str:
    if value is None:
        return ""
    if kind == "pct" and isinstance(value, int | float):
        return f"{value:.0%}"
    if kind == "int" and isinstance(value, int):
        return f"{value:,}"
    return str(value)


def tables(report: Report) -> list[Table]:
    return [
        Table(
            "unknown_names",
            "Names that found no monograph",
            "Most frequent first. When a name is the drug named beside it, paste the line into "
            "intents/language/vocabulary/drug_synonyms.yaml (replacing that title's line).",
            [
                ("name", "text"),
                ("times", "int"),
                ("closest monograph", "text"),
                ("users picked", "text"),
                ("line for drug_synonyms.yaml", "text"),
                ("example", "text"),
            ],
            [
                [
                    n.name,
                    n.count,
                    (n.closest or "") + (" (answers it now)" if n.found_now else ""),
                    ", ".join(f"{d} ×{c}" for d, c in n.picked.most_common(3)),
                    n.line,
                    n.example,
                ]
                for n in report.names
            ],
        ),
        Table(
            "uncovered",
            "Asked about a drug, not covered by its monograph",
            "A subject the monographs do not cover, or a topic the drug's monograph has no part for.",
            [("drug", "text"), ("subject", "text"), ("times", "int"), ("example", "text")],
            [[u.drug, u.subject, u.count, u.example] for u in report.uncovered],
        ),
        Table(
            "which_part",
            '"Which part?" questions and the parts chosen',
            "The same question grouped; a part chosen makes it a labelled question "
            "(`python -m bot report --export-questions FILE.jsonl`).",
            [
                ("question", "text"),
                ("drug", "text"),
                ("times", "int"),
                ("likeliest topics", "text"),
                ("parts chosen", "text"),
                ("last asked", "text"),
            ],
            _which_rows(report),
        ),
        Table(
            "votes",
            "Answers voted on",
            "Most voted down first: read the part, then the question that led to it.",
            [("drug", "text"), ("part", "text"), ("👎", "int"), ("👍", "int"), ("share down", "pct")],
            [[v.drug, v.section, v.down, v.up, v.share_down] for v in report.voted],
        ),
        Table(
            "days",
            "Per day",
            "Messages answered, confidently (a part) or not (a listing, which part, which drug, no monograph).",
            [
                ("day", "text"),
                ("messages", "int"),
                ("confident", "int"),
                ("abstained", "int"),
                ("👍", "int"),
                ("👎", "int"),
                ("share up", "pct"),
            ],
            [[d.day, d.messages, d.confident, d.abstained, d.up, d.down, d.share_up] for d in report.days],
        ),
    ]


def _which_rows(report: Report) -> list[list[Cell]]:
    """One row per question (the same words about the same drug), most asked first."""
    groups: dict[tuple[str, str], list[WhichPart]] = {}
    for asked in report.which:
        groups.setdefault((" ".join(asked.question.lower().split()), asked.drug), []).append(asked)
    rows: list[list[Cell]] = []
    for same in sorted(groups.values(), key=lambda g: (-len(g), g[0].question)):
        chosen = Counter(f"{w.chosen} ({w.topic})" if w.topic else str(w.chosen) for w in same if w.chosen)
        last = max(w.at for w in same)
        rows.append(
            [
                same[-1].question,
                same[0].drug,
                len(same),
                ", ".join(same[-1].offered),
                ", ".join(f"{part} ×{count}" for part, count in chosen.most_common()),
                time.strftime("%Y-%m-%d", time.gmtime(last)),
            ]
        )
    return rows

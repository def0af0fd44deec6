"""The report as console text, as CSV files, and as the admins' five-line summary in Telegram."""

from __future__ import annotations

import csv
from pathlib import Path

from bot.report.data import Report
from bot.report.tables import Cell, Table, cell_text, tables

WIDEST = 60  # a console column is cut here (the CSV and HTML keep every character)
ROWS_SHOWN = 30
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run a cell starting so


def _short(text: str, width: int = WIDEST) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def render_table(table: Table, rows_shown: int = ROWS_SHOWN) -> str:
    lines = [table.title, "-" * len(table.title), table.note]
    if not table.rows:
        return "\n".join([*lines, "(none)"])
    cells = [
        [_short(cell_text(v, kind)) for v, (_, kind) in zip(row, table.columns, strict=True)] for row in table.rows
    ]
    shown = cells[:rows_shown]
    heads = [name for name, _ in table.columns]
    widths = [max(len(h), *(len(r[i]) for r in shown)) for i, h in enumerate(heads)]
    right = [kind != "text" for _, kind in table.columns]

    def line(values: list[str]) -> str:
        parts = [v.rjust(w) if r else v.ljust(w) for v, w, r in zip(values, widths, right, strict=True)]
        return "  ".join(parts).rstrip()

    lines += ["", line(heads), line(["-" * w for w in widths])]
    lines += [line(r) for r in shown]
    if len(cells) > rows_shown:
        lines.append(f"… and {len(cells) - rows_shown:,} more (--csv or --html have them all)")
    return "\n".join(lines)


def render_text(report: Report) -> str:
    head = "\n".join(summary(report))
    if not report.present:
        return head
    return "\n\n".join([head, *(render_table(t) for t in tables(report))]) + "\n"


def _csv_cell(value: Cell) -> Cell:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value  # shown as text, never run as a formula
    return value


def write_csv(report: Report, folder: Path) -> list[Path]:
    """One CSV file per table (UTF-8, header row first); the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in tables(report):
        path = folder / f"{table.key}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([name for name, _ in table.columns])
            writer.writerows([[_csv_cell(v) for v in row] for row in table.rows])
        written.append(path)
    return written


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "–"


def summary(report: Report) -> list[str]:
    """Five lines: what was asked and answered, names without a monograph, uncovered subjects, "which part?"
    questions and votes."""
    if not report.present:
        return ["The state file holds no question log yet (DRUGBOT_QUESTION_LOG is on by default)."]
    messages, confident, abstained = (report.total(k) for k in ("messages", "confident", "abstained"))
    up, down = report.total("up"), report.total("down")
    top_names = ", ".join(f"{n.name} ×{n.count}" for n in report.names[:3])
    top_uncovered = ", ".join(f"{u.drug}: {u.subject} ×{u.count}" for u in report.uncovered[:2])
    labelled = report.labelled
    worst = next((v for v in report.voted if v.down), None)
    lines = [
        f"Question log {report.first} to {report.last}: {messages:,} message{'' if messages == 1 else 's'}, "
        f"{confident:,} answered with a part "
        f"({_share(confident, messages)}), {abstained:,} not ({_share(abstained, messages)}).",
        f"Names that found no monograph: {len(report.names):,}" + (f" ({top_names})." if top_names else "."),
        f"Uncovered subjects asked about a drug: {len(report.uncovered):,}"
        + (f" ({top_uncovered})." if top_uncovered else "."),
        f'"Which part?" questions: {len(report.which):,}, {len(labelled):,} followed by a part chosen '
        "(labelled questions).",
        f"Votes: {up + down:,}, {_share(up, up + down)} 👍"
        + (f"; most voted down: {worst.drug} › {worst.section} ({worst.down} of {worst.votes})." if worst else "."),
    ]
    return lines

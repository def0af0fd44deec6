"""`python -m bot report`: the question log of the state file, for editors (the bot may be running meanwhile).

    python -m bot report [--since 30d] [--html FILE] [--csv DIR] [--export-questions FILE.jsonl] [--state FILE]

Prints the report; `--html` also writes it as one HTML file, `--csv` one CSV file per table, and
`--export-questions` the user-labelled questions in the corpus format, unreviewed. The monographs (`--seeds`, as
every command) name the closest monograph of each name that found none; without them the report goes on.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from bot.questiontables import open_reader
from bot.report.data import build, collect
from bot.report.export import write_questions
from bot.report.html import render_html
from bot.report.options import parse_since
from bot.report.synonyms import name_closest
from bot.report.text import render_text, write_csv
from intents import CorpusError, Engine


def run_report(args: argparse.Namespace, state: Path, engine: Callable[[], Engine], out: TextIO = sys.stdout) -> int:
    """The command's work; its exit code (2 for a state file that cannot be read or a bad --since). `engine`
    loads the monographs, when there are names to find the closest monograph of."""
    now = time.time()
    try:
        since = parse_since(args.since, now)
    except ValueError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    if not state.is_file():
        sys.stderr.write(f"error: no state file at {state} (set DRUGBOT_STATE_PATH or give --state FILE)\n")
        return 2
    try:
        connection = open_reader(state)
        collected = collect(lambda sql, params: connection.execute(sql, params).fetchall(), since)
        connection.close()
    except sqlite3.Error as exc:
        sys.stderr.write(f"error: {state} cannot be read as the bot's state ({exc})\n")
        return 2
    report = build(collected, now)
    if report.names:
        try:
            name_closest(report.names, engine())
        except CorpusError as exc:
            sys.stderr.write(f"drugbot: no closest monographs named ({exc})\n")
    out.write(render_text(report))
    if args.html:
        args.html.parent.mkdir(parents=True, exist_ok=True)
        args.html.write_text(render_html(report), encoding="utf-8")
        sys.stderr.write(f"wrote {args.html}\n")
    if args.csv:
        written = write_csv(report, args.csv)
        sys.stderr.write(f"wrote {len(written)} CSV files into {args.csv}\n")
    if args.export_questions:
        count = write_questions(report, args.export_questions)
        sys.stderr.write(f"wrote {count} labelled question(s), unreviewed, to {args.export_questions}\n")
    return 0

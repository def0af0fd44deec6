"""The options of `python -m bot report` (kept apart so that building the command line imports nothing more)."""

from __future__ import annotations

import argparse
import re
from datetime import UTC, datetime
from pathlib import Path

UNITS = {"h": 3600, "d": 86_400, "w": 7 * 86_400}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", help="how far back: 30d, 12h, 2w, or a day (2026-11-01); default: all kept")
    parser.add_argument("--html", type=Path, metavar="FILE", help="also write the report as one HTML file")
    parser.add_argument("--csv", type=Path, metavar="DIR", help="also write one CSV file per table into DIR")
    parser.add_argument(
        "--export-questions",
        type=Path,
        metavar="FILE",
        help="write the user-labelled questions (corpus format, unreviewed) as JSON lines",
    )
    parser.add_argument("--state", type=Path, metavar="FILE", help="state file (default: $DRUGBOT_STATE_PATH)")


def parse_since(value: str | None, now: float) -> float | None:
    """A start time from `30d`, `12h`, `2w` or `YYYY-MM-DD` (UTC); None for no limit. Raises ValueError."""
    if value is None:
        return None
    match = re.fullmatch(r"\s*(\d{1,5})\s*([hdw])\s*", value.lower())
    if match:
        return now - int(match[1]) * UNITS[match[2]]
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d").replace(tzinfo=UTC).timestamp()
    except ValueError:
        raise ValueError(f"--since {value!r}: give a span (30d, 12h, 2w) or a day (2026-11-01)") from None

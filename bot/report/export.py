"""The user-labelled questions, in the format of the question corpus (`intents/language/questions/README.md`).

A "which part?" question followed by the part the user chose is a question labelled by the person who asked
it. Each is written unreviewed (`"reviewed": false`), with what the editor needs to judge it: the part chosen
and the day. An editor checks the label (a user may have tapped a part only to look around), removes anything
that could identify someone, sets `"reviewed": true`, and gives the file to `python -m tools.train_topics --add`.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from bot.report.data import Report


def labelled_questions(report: Report) -> list[dict[str, Any]]:
    """One corpus line per labelled question, the same question and topic once."""
    seen: set[tuple[str, str, str]] = set()
    lines = []
    for asked in report.labelled:
        if not asked.question.strip() or not asked.drug or not asked.topic:
            continue
        key = (" ".join(asked.question.lower().split()), asked.drug.lower(), asked.topic)
        if key in seen:
            continue
        seen.add(key)
        lines.append(
            {
                "q": asked.question,
                "drug": asked.drug.lower(),  # the corpus names a drug by the generic its monograph is titled by
                "name": asked.name,
                "topics": [asked.topic],
                "subject": None,
                "other": None,
                "reviewed": False,
                "chose": asked.chosen,
                "asked": time.strftime("%Y-%m-%d", time.gmtime(asked.at)),
            }
        )
    return lines


def write_questions(report: Report, path: Path) -> int:
    """Write the labelled questions as JSON lines; how many."""
    lines = labelled_questions(report)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for line in lines:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    return len(lines)

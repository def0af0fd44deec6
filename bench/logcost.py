"""The question log's cost per update, for `python -m bench.run` (its `log ms/upd` column).

The engine's answers are made beforehand, so only the log and the state writes are timed: the same answered
updates committed to one state file as the bot does without the log, and to another with the log's rows in the
same transactions (`bot.questionlog`).
"""

from __future__ import annotations

import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

LOG_UPDATES = 3000
LOG_ROUNDS = 11
LOG_BATCH = 100  # updates journalled per getUpdates batch, as polling receives them


def _log_rounds(texts: list[str], traces: list[Any]) -> tuple[float, float, int]:
    """Per-update ms of the state writes without and with the question log (medians of LOG_ROUNDS), and the
    rows kept: each update committed to both state files in turn, each file first every other update, so that
    a busy machine's drift weighs on both alike."""
    from bot.questionlog import Asker, QuestionLog
    from bot.state import open_state

    folder = Path(tempfile.mkdtemp(prefix="drugbot-bench-log-"))
    plain, logged = open_state(folder / "plain.sqlite3"), open_state(folder / "logged.sqlite3")
    log = QuestionLog.attach(logged)
    assert log is not None
    askers = [Asker(1000 + i % 100, 1000 + i % 100, "private") for i in range(len(texts))]
    body = json.dumps({"message": {"text": "x" * 40}})
    update_id = 0
    timings: dict[str, list[float]] = {"plain": [], "logged": []}

    def plain_write(update: int, index: int, context: dict[str, Any]) -> None:
        plain.answered(update, askers[index].chat, context)

    def logged_write(update: int, index: int, context: dict[str, Any]) -> None:
        log.question(update, askers[index], texts[index], traces[index], update)
        logged.answered(update, askers[index].chat, context, log.take(update))

    try:
        for _ in range(LOG_ROUNDS):
            spent = {"plain": 0.0, "logged": 0.0}
            for start in range(0, len(texts), LOG_BATCH):
                block = range(start, min(start + LOG_BATCH, len(texts)))
                ids = list(range(update_id + 1, update_id + 1 + len(block)))
                update_id += len(block)
                for store in (plain, logged):
                    store.receive([(i, body) for i in ids])
                for update, index in zip(ids, block, strict=True):
                    context = {"ctx": {"drug_id": traces[index].reply.drug_id, "updated_at": 1.0, "pending": None}}
                    writes = [("plain", plain_write), ("logged", logged_write)]
                    for kind, write in writes if update % 2 else writes[::-1]:
                        began = time.perf_counter()
                        write(update, index, context)
                        spent[kind] += time.perf_counter() - began
            for kind in spent:
                timings[kind].append(spent[kind] * 1000 / len(texts))
        rows = logged.read("SELECT COUNT(*) FROM question_log")[0][0]
    finally:
        plain.close()
        logged.close()
        shutil.rmtree(folder, ignore_errors=True)
    return statistics.median(timings["plain"]), statistics.median(timings["logged"]), rows


def phase_log(corpus: Path, cache: Path, questions: Path) -> dict[str, Any]:
    """The question log's cost per update (`_log_rounds`; the engine's answers made beforehand, so only the log
    and the state writes are timed): over the generated questions, with their mix of confident answers (only
    counted) and unsure ones (kept as rows); and over unsure questions only, every update keeping a row."""
    from intents import load_engine

    engine = load_engine([corpus], cache_dir=cache)
    texts = [json.loads(line)["query"] for line in questions.read_text(encoding="utf-8").splitlines()]
    texts = texts[:LOG_UPDATES]
    traces = [engine.respond_traced(text)[0] for text in texts]
    base, with_log, rows = _log_rounds(texts, traces)
    unsure = [i for i, t in enumerate(traces) if t.reply.kind.value not in ("faq", "section", "smalltalk", "refuse")]
    cycle = [unsure[i % len(unsure)] for i in range(LOG_UPDATES)] if unsure else []
    kept_base, kept_log, _ = _log_rounds([texts[i] for i in cycle], [traces[i] for i in cycle]) if cycle else (0, 0, 0)
    return {
        "log_ms": with_log - base,
        "log_state_ms": base,
        "log_kept_share": rows / (len(texts) * LOG_ROUNDS),
        "log_all_kept_ms": kept_log - kept_base,
    }

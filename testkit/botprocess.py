"""The real bot in a subprocess (`python -m bot telegram`) against the fake Bot API server: its environment, its
start and stop, and one round of kill -9 in the middle of a burst (`kill_mid_burst`).

A round: 20 private chats ask "dose of kadcyla?" (their context is what a follow-up needs), then a burst of
group questions from 50 chats, every fourth one a question the bot is unsure of (each worded apart, so the
question log keeps a row for each); once a third of the burst is answered the bot is killed with SIGKILL and
started again. Counted: updates the bot had fetched but not answered at the kill, updates never answered after
the restart (lost), updates answered twice, follow-ups that no longer know the chat's drug (contexts lost), the
question log's rows of the unsure questions missing or written twice, and the messages answered that its day
counts miss (counts wait in memory for the next row kept, up to ten seconds: see bot/questionlog.py).
`python -m bench.crash` runs rounds and prints them; tests/bot/telegram/test_telegram_crash.py asserts on one.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from testkit.fakebotapi import FakeBotApi

ROOT = Path(__file__).resolve().parents[1]
CONTEXT_CHATS = 20
GROUPS = 50
UNSURE_EVERY = 4  # every fourth burst question is one the bot is unsure of ("which part?")


@dataclass
class CrashResult:
    updates: int  # burst updates
    answered_before_kill: int
    fetched_unanswered_at_kill: int  # fetched from Telegram (confirmed or not) and not answered when killed
    lost: int  # never answered, even after the restart
    answered_twice: int
    contexts_lost: int  # of CONTEXT_CHATS follow-ups, answered without the drug asked before the kill
    log_rows_lost: int  # unsure questions answered whose question-log row is missing
    log_rows_twice: int  # unsure questions with more than one row
    day_counts_lost: int  # messages answered that the log's day counts miss


def bot_env(api: FakeBotApi, state: Path, concurrency: int = 16) -> dict[str, str]:
    """The environment of a `python -m bot` subprocess polling `api` with its state in `state`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DRUGBOT_"))}
    env.update(
        {
            "TELEGRAM_BOT_TOKEN": api.token,
            "DRUGBOT_API_BASE_URL": api.base_url,
            "DRUGBOT_STATE_PATH": str(state),
            "DRUGBOT_PERSISTENCE_PATH": str(state),  # the same setting's name before the state store
            "DRUGBOT_WATCH_SEEDS": "false",
            "DRUGBOT_RATE_LIMIT": "false",  # Telegram's 20 messages/min per group would make this take hours
            "DRUGBOT_CONCURRENT_UPDATES": str(concurrency),
            "DRUGBOT_CACHE_DIR": "off",
            "DRUGBOT_GROUP_COOLDOWN": "0",  # the burst asks the same question in each group on purpose
        }
    )
    return env


async def start_bot(root: Path, env: dict[str, str], log: Path) -> asyncio.subprocess.Process:
    with log.open("ab") as stderr:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "telegram", cwd=str(root), env=env, stdout=stderr, stderr=stderr
        )


async def stop_bot(proc: asyncio.subprocess.Process) -> int | None:
    if proc.returncode is None:
        proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(proc.wait(), timeout=30)
        except TimeoutError:
            proc.kill()
            await proc.wait()
    return proc.returncode


def _answers(api: FakeBotApi) -> Counter[int]:
    """Group answers by the message they reply to."""
    return Counter(m["reply_to_message_id"] for m in api.sent if m["chat"]["id"] < 0 and "reply_to_message_id" in m)


async def _until(predicate: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.05)
    return predicate()


async def kill_mid_burst(
    api: FakeBotApi, workdir: Path, updates: int = 1000, root: Path = ROOT, timeout: float = 120.0
) -> CrashResult:
    """One round (see the module docstring); `api` must be started and fresh."""
    env = bot_env(api, workdir / "state.sqlite3")
    log = workdir / "bot.log"
    proc = await start_bot(root, env, log)
    try:
        await api.wait_for("setMyCommands", count=2, timeout=timeout)
        private = [9000 + i for i in range(CONTEXT_CHATS)]
        for chat in private:
            api.push_text("dose of kadcyla?", chat_id=chat, user_id=chat)
        texts = [f"kadcyla worth it? {i}" if i % UNSURE_EVERY == 0 else "kadcyla dose" for i in range(updates)]
        asked = [
            api.push_text(f"/drug {text}", chat_id=-1000 - i % GROUPS, chat_type="supergroup", user_id=5)["message_id"]
            for i, text in enumerate(texts)
        ]
        await api.wait_for(
            "sendMessage", predicate=lambda c: int(c.params["chat_id"]) > 0, count=CONTEXT_CHATS, timeout=timeout
        )
        await _until(lambda: sum(_answers(api).values()) >= updates // 3, timeout)
        proc.kill()
        await proc.wait()
        before = _answers(api)
        fetched = api.fetched_up_to - CONTEXT_CHATS - sum(1 for m in asked if m in before)

        proc = await start_bot(root, env, log)
        await _until(lambda: set(asked) <= set(_answers(api)), timeout)
        for chat in private:
            api.push_text("and side effects?", chat_id=chat, user_id=chat)
        follow_ups = CONTEXT_CHATS * 2
        await _until(lambda: sum(1 for m in api.sent if m["chat"]["id"] > 0) >= follow_ups, timeout)
        await api.quiet(1.0)
    finally:
        await stop_bot(proc)
    after = _answers(api)
    side_effects = [m for m in api.sent if m["chat"]["id"] > 0 and "Side Effects" in m["text"]]
    unsure = {t for t in texts if "worth" in t}
    with sqlite3.connect(env["DRUGBOT_STATE_PATH"]) as db:
        rows = [r[0] for r in db.execute("SELECT text FROM question_log WHERE kind = 'question'")]
        counted = db.execute("SELECT COALESCE(SUM(messages), 0) FROM question_days").fetchone()[0]
    kept = [r for r in rows if r in unsure]
    answered = sum(1 for m in asked if after[m]) + sum(1 for m in api.sent if m["chat"]["id"] > 0)  # each once
    return CrashResult(
        updates=updates,
        answered_before_kill=sum(1 for m in asked if m in before),
        fetched_unanswered_at_kill=max(0, fetched),
        lost=sum(1 for m in asked if after[m] == 0),
        answered_twice=sum(1 for m in asked if after[m] > 1),
        contexts_lost=CONTEXT_CHATS - len({m["chat"]["id"] for m in side_effects}),
        log_rows_lost=len(unsure - set(kept)),
        log_rows_twice=len(kept) - len(set(kept)),
        day_counts_lost=answered - counted,
    )

"""Chat traffic whose every reply says which message it answers, for the flood campaign (`flood`) and the soak run
(`python -m bench.soak`): a generated corpus, questions each naming one of its drugs, the real bot in a subprocess
against the fake Bot API server, and the replies read back chat by chat.

Each question names a drug whose title no other title starts with, and every answer from a monograph starts with
its title, so the first line of a reply tells which question it answers; a chat's replies are in order when
their titles come in the order the chat asked.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from testkit.botprocess import ROOT, bot_env, start_bot, stop_bot
from testkit.fakebotapi import FakeBotApi
from testkit.synthetic import make_drugs, write_corpus

QUESTIONS = ("{drug} dose", "side effects of {drug}", "{drug} in pregnancy", "how does {drug} work?", "{drug}")
GROUP_QUESTION = "/drug {drug} dose"
START_TIMEOUT = 60.0  # seconds for the bot to start and set its command menus, on a busy machine


def write_traffic_corpus(folder: Path, count: int = 60, seed: int = 5) -> list[str]:
    """A generated corpus in `folder`; the titles questions may name (served, no other title starts with them)."""
    drugs = make_drugs(count, seed=seed)
    write_corpus(drugs, folder, seed=seed)
    titles = [d.title for d in drugs]
    return [
        d.title
        for d in drugs
        if not d.banned and not any(t != d.title and t.casefold().startswith(d.title.casefold()) for t in titles)
    ]


@dataclass
class Asked:
    """One message pushed: its chat, its id, the drug it names and when it was pushed (monotonic seconds)."""

    chat: int
    message_id: int
    drug: str
    at: float


@dataclass
class Outcome:
    """What came back, chat by chat."""

    asked: int = 0
    answered: int = 0
    missing: int = 0  # asked and never answered
    extra: int = 0  # answered more often than asked
    other: int = 0  # replies that name no drug asked in their chat
    out_of_order: int = 0  # chats whose replies came in another order than their messages
    waits: list[float] = field(default_factory=list)  # seconds from each message to its reply
    examples: list[str] = field(default_factory=list)

    @property
    def wrong(self) -> int:
        return self.missing + self.extra + self.other + self.out_of_order


def timed_sends(api: FakeBotApi) -> None:
    """Stamp each message the bot sends with when it arrived (`_at`, monotonic seconds)."""
    send = api.handlers["sendMessage"]

    def stamped(params: dict[str, Any]) -> Any:
        message = send(params)
        message["_at"] = time.monotonic()
        return message

    api.handlers["sendMessage"] = stamped


def ask(api: FakeBotApi, chat: int, drug: str, rng: random.Random) -> Asked:
    """Push one question about `drug` in `chat` (a group when the id is negative: a /drug command there)."""
    if chat < 0:
        message = api.push_text(GROUP_QUESTION.format(drug=drug), chat_id=chat, chat_type="supergroup", user_id=5)
    else:
        message = api.push_text(rng.choice(QUESTIONS).format(drug=drug), chat_id=chat, user_id=chat)
    return Asked(chat, message["message_id"], drug, time.monotonic())


def answered_drug(text: str, titles: list[str]) -> str | None:
    """The drug a reply answers about: the title its first line starts with (the longest, if several)."""
    first = text.split("\n", 1)[0]
    found = [t for t in titles if first.startswith(t)]
    return max(found, key=len) if found else None


def read_back(api: FakeBotApi, asked: list[Asked], titles: list[str]) -> Outcome:
    """Match each chat's replies to its messages, in order. The generated answers are short (one message each), so
    a message that starts with no title asked in its chat (an apology, a listing of drugs) is a wrong reply; the
    bot's other messages (a reload report) go to chats that asked nothing."""
    outcome = Outcome(asked=len(asked))
    by_chat: dict[int, list[Asked]] = {}
    for item in asked:
        by_chat.setdefault(item.chat, []).append(item)
    replies: dict[int, list[dict[str, Any]]] = {}
    for message in api.sent:
        if message["chat"]["id"] in by_chat:
            replies.setdefault(message["chat"]["id"], []).append(message)
    for chat, items in by_chat.items():
        got = []
        for message in replies.get(chat, []):
            drug = answered_drug(message["text"], titles)
            if drug is not None:
                got.append((drug, message.get("_at", 0.0)))
            else:
                outcome.other += 1
                if len(outcome.examples) < 5:
                    outcome.examples.append(f"chat {chat} got {message['text'][:80]!r}")
        wanted = [i.drug for i in items]
        counts, expected = Counter(d for d, _ in got), Counter(wanted)
        outcome.answered += sum(min(counts[d], n) for d, n in expected.items())
        outcome.missing += sum((expected - counts).values())
        outcome.extra += sum((counts - expected).values())
        if [d for d, _ in got] != wanted:
            if counts == expected:
                outcome.out_of_order += 1
            if len(outcome.examples) < 5:
                outcome.examples.append(f"chat {chat}: asked {wanted[:6]}…, got {[d for d, _ in got][:6]}…")
        else:
            outcome.waits += [at - item.at for (_, at), item in zip(got, items, strict=True)]
    return outcome


async def until(predicate: Callable[[], bool], timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(step)
    return predicate()


@dataclass
class BotRun:
    """The real bot (`python -m bot telegram`) in a subprocess, polling `api`, serving `seeds`."""

    api: FakeBotApi
    work: Path
    seeds: Path
    settings: dict[str, str] = field(default_factory=dict)
    proc: asyncio.subprocess.Process | None = None

    @property
    def log(self) -> Path:
        return self.work / "bot.log"

    async def start(self) -> None:
        env = bot_env(self.api, self.work / "state.sqlite3")
        env.update({"DRUGBOT_SEEDS_DIR": str(self.seeds), **self.settings})
        self.proc = await start_bot(ROOT, env, self.log)
        await self.api.wait_for("setMyCommands", count=2, timeout=START_TIMEOUT)

    async def stop(self) -> int | None:
        return await stop_bot(self.proc) if self.proc is not None else None

    def errors(self) -> list[str]:
        """The ERROR lines and tracebacks the bot logged."""
        if not self.log.exists():
            return []
        lines = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        return [line for line in lines if " ERROR " in line or line.startswith("Traceback")]

    def rss_mb(self) -> float:
        """Resident memory of the bot process, MB (from /proc)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def cpu_seconds(self) -> float:
        """User and system CPU time the bot process has used (from /proc)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def open_fds(self) -> int:
        return len(os.listdir(f"/proc/{self.pid}/fd"))

    @property
    def pid(self) -> int:
        assert self.proc is not None, "the bot is not running"
        return self.proc.pid

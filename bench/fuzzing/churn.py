"""Campaign (f) of `python -m bench.fuzz`: monograph files rewritten while the real bot serves them.

The real bot runs in a subprocess (`python -m bot telegram`, testkit/botprocess.py) polling the fake Bot API
server, its folder watcher on — every 0.5 s in one round and every 5 s (the default) in another — and answers a
steady stream of group questions (`/drug churnamab dose`...) about a few monographs, while a writer thread
rewrites those files as editors and `scp` do: in pieces with pauses between them, flipped to `is_banned: true`
and back, deleted and restored, and now and then replaced atomically (the way the README recommends).

Every line of a version the bot may serve names the version and ends `[ok]`; every line of a banned version
holds NEVERSERVE. Each question's reply is counted as: banned (text of a banned version: must be 0), partial (a
line cut short, a section without all its bullets, a listing without all the sections, or lines of two
versions in one reply: must be 0), an apology ("something went wrong": must be 0), "being updated", or a plain
answer; a question with no reply at all is unanswered.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import re
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.fuzzing.harness import Result
from testkit.botprocess import ROOT, bot_env, start_bot, stop_bot
from testkit.fakebotapi import FakeBotApi

DRUGS = ("Churnamab", "Flickumab", "Rewritumab", "Swapotinib")
STEADY = "Steadimab"  # never touched: its answers must be plain all along
TOPICS = ("dose", "side effects", "pregnancy", "", "usage")
SECTIONS = ("Usage", "Dosage", "Side Effects", "Pregnancy")
GROUPS = 6
QUESTION_GAP = 0.04  # seconds between questions: about 25 a second
START_TIMEOUT = 60.0
WORDS = ("imaginary", "churn", "syndrome", "adults", "children", "food", "water", "morning", "weekly", "tablets")
_LINE = re.compile(r"CHURNLINE (\w+) v(\d+) ([a-z ]+?) (\d+)/(\d+) ")


def version_text(drug: str, version: int, banned: bool, rng: random.Random) -> str:
    """One version of a drug's monograph: every line says which version it is, and how many bullets its part has."""
    mark = "NEVERSERVE" if banned else "CHURNLINE"
    end = "" if banned else " [ok]"

    def bullets(section: str, count: int) -> str:
        lines = []
        for i in range(1, count + 1):
            filler = " ".join(rng.choices(WORDS, k=rng.randint(3, 30)))
            lines.append(f"- {mark} {drug.lower()} v{version} {section} {i}/{count} {filler}{end}")
        return "\n".join(lines)

    return (
        f"---\ntitle: {drug}\ndescription: {mark} {drug.lower()} v{version} summary 1/1 a fictional test drug{end}\n"
        f"is_banned: {'true' if banned else 'false'}\nfaqs: []\n---\n"
        f"## Usage\n\n{bullets('usage', rng.randint(1, 3))}\n\n"
        f"## Dosage\n\n### Standard Dosage\n\n#### Adults:\n\n{bullets('dosage', rng.randint(2, 6))}\n\n"
        f"## Side Effects\n\n{bullets('side effects', rng.randint(2, 8))}\n\n"
        f"## Pregnancy\n\n{bullets('pregnancy', rng.randint(1, 3))}\n"
    )


def problem(text: str) -> str | None:
    """Why a reply shows what must never be shown ("banned", "partial"), or None."""
    if "NEVERSERVE" in text:
        return "banned"
    lines = [line for line in text.splitlines() if "CHURNLINE" in line]
    if any(not line.endswith("[ok]") for line in lines):
        return "partial"
    found = [m.groups() for m in map(_LINE.search, lines) if m]
    if len({(drug, version) for drug, version, *_ in found}) > 1:
        return "partial"  # two versions in one reply
    parts: dict[str, tuple[set[str], int]] = {}
    for _, _, part, index, count in found:
        seen, _ = parts.setdefault(part, (set(), int(count)))
        seen.add(index)
    if any(len(seen) != count for seen, count in parts.values()):
        return "partial"  # a part without all its bullets
    if "monograph covers:" in text or "do you mean?" in text:
        listed = {line[2:] for line in text.splitlines() if line.startswith("• ")}
        if not set(SECTIONS) <= listed:
            return "partial"
    return None


def versions_in(texts: list[str]) -> set[tuple[str, str]]:
    """The (drug, version) pairs whose text a reply shows."""
    return {(m[1], m[2]) for text in texts for m in _LINE.finditer(text)}


def classify(texts: list[str]) -> str:
    text = "\n".join(texts)
    if "went wrong" in text:
        return "apology"
    found = problem(text)
    if found:
        return found
    return "updating" if "being updated" in text else "answered"


@dataclass
class Writer:
    """Rewrites one drug's file, as people do, until stopped; counts what it did."""

    folder: Path
    drug: str
    rng: random.Random
    stop: threading.Event
    done: Counter[str] = field(default_factory=Counter)
    versions: Counter[str] = field(default_factory=Counter)

    def run(self, first: str | None = None) -> None:
        """Rewrite until stopped; `first` names the first action (the bot has just started: parts not cut yet)."""
        actions = [self.in_pieces, self.in_pieces, self.banned, self.deleted, self.atomically]
        while not self.stop.is_set():
            action = getattr(self, first) if first else self.rng.choice(actions)
            first = None
            action(self.drug)
            self.done[action.__name__] += 1
            self.stop.wait(self.rng.uniform(0.3, 4.0))  # now and then long enough for the file to settle

    def _text(self, drug: str, banned: bool = False) -> str:
        self.versions[drug] += 1
        return version_text(drug, self.versions[drug], banned, self.rng)

    def _write(self, path: Path, text: str) -> None:
        """Written in 2 to 5 pieces, with pauses of up to 0.8 s between them (an editor, `scp` on a slow link)."""
        cuts = sorted(self.rng.sample(range(1, len(text)), self.rng.randint(1, 4)))
        with path.open("w", encoding="utf-8") as handle:
            for start, end in zip([0, *cuts], [*cuts, len(text)], strict=True):
                handle.write(text[start:end])
                handle.flush()
                if end < len(text):
                    time.sleep(self.rng.uniform(0.02, 0.8))

    def in_pieces(self, drug: str) -> None:
        self._write(self.folder / f"{drug.lower()}.md", self._text(drug))

    def banned(self, drug: str) -> None:
        """Banned, in pieces; served again (a new version) a little later."""
        path = self.folder / f"{drug.lower()}.md"
        self._write(path, self._text(drug, banned=True))
        self.stop.wait(self.rng.uniform(0.5, 4))
        self._write(path, self._text(drug))

    def deleted(self, drug: str) -> None:
        """Deleted, then restored in pieces a little later."""
        path = self.folder / f"{drug.lower()}.md"
        path.unlink(missing_ok=True)
        self.stop.wait(self.rng.uniform(0.2, 3))
        self._write(path, self._text(drug))

    def atomically(self, drug: str) -> None:
        """Written aside and renamed over the old file: readers see the old file or the new one, whole."""
        path = self.folder / f"{drug.lower()}.md"
        fd, aside = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(self._text(drug))
        os.replace(aside, path)


async def _round(interval: float, seconds: float, work: Path, seed: int) -> Result:
    folder = work / "seeds"
    folder.mkdir(parents=True)
    rng = random.Random(seed)
    for drug in (*DRUGS, STEADY):
        (folder / f"{drug.lower()}.md").write_text(version_text(drug, 0, False, rng), encoding="utf-8")
    old = time.time() - 60  # the first versions are finished files
    for path in folder.iterdir():
        os.utime(path, (old, old))
    api = FakeBotApi(token="123456:CHURN")
    await api.start()
    env = bot_env(api, work / "state.sqlite3")
    env.update(
        {"DRUGBOT_SEEDS_DIR": str(folder), "DRUGBOT_WATCH_SEEDS": "true", "DRUGBOT_WATCH_INTERVAL": str(interval)}
    )
    log = work / "bot.log"
    proc = await start_bot(ROOT, env, log)
    stop = threading.Event()
    writers = [Writer(folder, drug, random.Random(seed * 100 + i), stop) for i, drug in enumerate(DRUGS)]
    # right after the start (answer units still being cut in the background): a ban, a deletion, a rewrite
    firsts = ("banned", "deleted", "in_pieces", None)
    threads = [threading.Thread(target=w.run, args=(f,), daemon=True) for w, f in zip(writers, firsts, strict=True)]
    asked: dict[int, str] = {}
    started = time.monotonic()
    try:
        await api.wait_for("setMyCommands", count=2, timeout=START_TIMEOUT)
        for thread in threads:
            thread.start()
        while time.monotonic() - started < seconds:
            drug = rng.choice((*DRUGS, *DRUGS, STEADY))
            text = f"/drug {drug.lower()} {rng.choice(TOPICS)}".strip()
            message = api.push_text(text, chat_id=-2000 - len(asked) % GROUPS, chat_type="supergroup", user_id=7)
            asked[message["message_id"]] = text
            await asyncio.sleep(QUESTION_GAP)
        stop.set()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not set(asked) <= {m.get("reply_to_message_id") for m in api.sent}:
            await asyncio.sleep(0.1)
        await api.quiet(0.5)
    finally:
        stop.set()
        for thread in threads:
            await asyncio.to_thread(thread.join, 30)
        await stop_bot(proc)
        await api.stop()
    replies: dict[int, list[str]] = {}
    for sent in api.sent:
        replies.setdefault(sent.get("reply_to_message_id", 0), []).append(sent["text"])
    counts = Counter(classify(replies[m]) if m in replies else "unanswered" for m in asked)
    apologies = sum(1 for sent in api.sent if "went wrong" in sent["text"])  # threaded to the question or not
    shown = {pair for texts in replies.values() for pair in versions_in(texts)}
    steady = [m for m, question in asked.items() if STEADY.lower() in question]
    steady_wrong = sum(1 for m in steady if classify(replies.get(m, [])) != "answered")
    tracebacks = log.read_text(encoding="utf-8", errors="replace").count("Traceback")
    result = Result(
        f"(f) files rewritten while served, watcher {interval:g} s",
        tried=len(asked),
        crashed=counts["apology"] + counts["unanswered"] + tracebacks,  # an apology in reply, or one unthreaded
        wrong=counts["banned"] + counts["partial"] + steady_wrong,
        meaning="group questions while files are rewritten in pieces, banned, deleted, restored: wrong = banned "
        "or partial text served; crashed = apologies, unanswered questions and tracebacks in the bot's log",
    )
    result.figures.update(
        {
            "questions": len(asked),
            "answered": counts["answered"],
            "being updated": counts["updating"],
            "banned lines served": counts["banned"],
            "partial parts served": counts["partial"],
            "apologies": apologies,
            "unanswered": counts["unanswered"],
            "tracebacks in the bot's log": tracebacks,
            "rewrites": dict(sum((writer.done for writer in writers), Counter())),
            "versions written": sum(sum(writer.versions.values()) for writer in writers),
            "versions served": len(shown) - 1,  # not counting Steadimab's only version
        }
    )
    return result


def campaign(quick: bool, work: Path) -> list[Result]:
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    seconds = 20.0 if quick else 60.0
    return [
        asyncio.run(_round(interval, seconds, work / f"watch-{interval:g}", seed))
        for seed, interval in enumerate((0.5, 5.0))
    ]

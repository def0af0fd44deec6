"""Campaign (d) of `python -m bench.fuzz`: damaged state and cache files, the real bot in a subprocess against the
fake Bot API server.

A clean run leaves a real state file and index cache; each kind of damage is applied to a copy, the bot is
started on it and must answer "dose of kadcyla?".
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pickle
import random
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path

from bench.fuzzing.harness import Result
from testkit.botprocess import ROOT, bot_env, start_bot, stop_bot
from testkit.fakebotapi import FakeBotApi

START_TIMEOUT = 30.0  # seconds a damaged start may take to answer (imports and indexing on a busy machine)
QUESTION = "dose of kadcyla?"
ANSWER = "3.6 mg/kg"


def _rewrite(change: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(change(path.read_bytes()))


def _flip_bits(data: bytes, every: int) -> bytes:
    out = bytearray(data)
    for i in range(len(out) // 2 if every == 0 else 0, len(out), every or len(out)):
        out[i] ^= 0x10
    return bytes(out)


def _replace(make: Callable[[Path], None]) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        path.unlink()
        make(path)

    return damage


def _other_database(path: Path) -> None:
    path.unlink()
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body BLOB)")
        db.execute("INSERT INTO notes (body) VALUES (?)", (b"not drugbot",))
    db.close()


DAMAGE: dict[str, Callable[[Path], None]] = {
    "empty": _rewrite(lambda d: b""),
    "truncated to half": _rewrite(lambda d: d[: len(d) // 2]),
    "one byte short": _rewrite(lambda d: d[:-1]),
    "random bytes": _rewrite(lambda d: random.Random(len(d)).randbytes(max(1, len(d)))),
    "one bit flipped": _rewrite(lambda d: _flip_bits(d, 0)),
    "a bit flipped every 512 bytes": _rewrite(lambda d: _flip_bits(d, 512)),
    "header zeroed": _rewrite(lambda d: bytes(min(len(d), 512)) + d[512:]),
    "garbage appended": _rewrite(lambda d: d + b"\x00garbage" * 100),
    "another program's SQLite database": _other_database,
    "JSON": _rewrite(lambda d: b'{"chat_data": {"1": "x"}}'),
    "a pickle (the old format)": _rewrite(lambda d: pickle.dumps({"chat_data": ["wrong", "type"]})),
    "a directory in its place": _replace(lambda p: p.mkdir()),
    "dangling symlink": _replace(lambda p: p.symlink_to("/nonexistent/drugbot-state")),
    "symlink to /dev/zero": _replace(lambda p: p.symlink_to("/dev/zero")),
    "FIFO in its place": _replace(lambda p: os.mkfifo(p)),
    "unreadable (mode 000)": lambda p: p.chmod(0),  # root reads it anyway: counts as intact when run as root
}
QUICK_DAMAGE = ["one byte short", "one bit flipped", "a directory in its place", "FIFO in its place"]


async def _answers_once(
    api: FakeBotApi, workdir: Path, chat: int, text: str = QUESTION, clean_stop: bool = False
) -> tuple[bool, str]:
    """Start the bot on `workdir`'s state and cache, ask one question; (answered, what went wrong). Stopped with
    SIGTERM when `clean_stop`, else killed (PTB's clean stop waits out a long poll: seconds per case)."""
    env = bot_env(api, workdir / "state.sqlite3")
    env["DRUGBOT_CACHE_DIR"] = str(workdir / "cache")
    log = workdir / "bot.log"
    proc = await start_bot(ROOT, env, log)
    try:
        api.push_text(text, chat_id=chat, user_id=chat)
        with contextlib.suppress(AssertionError):
            await api.wait_for(
                "sendMessage", predicate=lambda c: int(c.params["chat_id"]) == chat, timeout=START_TIMEOUT
            )
        answered = [m["text"] for m in api.sent if m["chat"]["id"] == chat]
    finally:
        if not clean_stop and proc.returncode is None:
            proc.kill()
        code = await stop_bot(proc)
    said = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    problem = ""
    if not answered and code == -9 and not clean_stop:
        code = "none: killed after the time-out"
    if not answered:
        last = [line for line in said.splitlines() if line.strip()][-1:] or ["(nothing logged)"]
        problem = f"no answer (exit {code}): {last[0][:160]}"
    elif "Traceback" in said:
        problem = "answered, but a traceback was logged"
    return any(ANSWER in t or "Side Effects" in t for t in answered), problem


def _files(workdir: Path, target: str) -> list[Path]:
    if target == "state":
        return [p for p in workdir.glob("state.sqlite3*") if p.is_file()]
    return [p for p in (workdir / "cache").rglob("*") if p.is_file()]


async def _damaged_starts(quick: bool, work: Path, result: Result) -> None:
    """Every case on one fake server: update ids only grow, as on Telegram, so no state's journal has seen the
    next question; each case asks in a chat of its own."""
    api = FakeBotApi(token="123456:FUZZ")
    await api.start()
    try:
        await _each_damage(api, quick, work, result)
    finally:
        await api.stop()


async def _each_damage(api: FakeBotApi, quick: bool, work: Path, result: Result) -> None:
    pristine = work / "pristine"
    pristine.mkdir()
    chats = iter(range(1000, 2000))
    ok, problem = await _answers_once(api, pristine, 77, clean_stop=True)
    if not ok:
        result.crashed += 1
        result.details.append(f"the undamaged bot did not answer: {problem}")
        return
    (pristine / "bot.log").unlink()
    counts = {t: len(_files(pristine, t)) for t in ("state", "cache")}
    result.figures["files"] = ", ".join(f"{t}: {n}" for t, n in counts.items())
    kinds = QUICK_DAMAGE if quick else list(DAMAGE)
    for target in ("state", "cache"):
        for kind in kinds:
            case = Path(tempfile.mkdtemp(dir=work))
            shutil.copytree(pristine, case, dirs_exist_ok=True, symlinks=True)
            for path in _files(case, target):
                DAMAGE[kind](path)
            result.tried += 1
            ok, problem = await _answers_once(api, case, next(chats))
            if not ok:
                result.crashed += 1
            if problem and len(result.details) < 12:
                result.details.append(f"{target} {kind}: {problem}")
            for path in case.rglob("*"):  # mode 000 files and FIFOs must not stop the clean-up
                if not path.is_symlink() and path.exists():
                    path.chmod(0o700)
            shutil.rmtree(case, ignore_errors=True)
    # the control: a restart on the intact state keeps the chat's drug for a follow-up
    ok, _ = await _answers_once(api, pristine, 77, text="and side effects?")
    result.figures["context kept across a clean restart"] = ok


def campaign(quick: bool, work: Path) -> Result:
    result = Result(
        "(d) damaged state and cache files",
        meaning="each kind of damage to the state file, then to the index cache: crashed = the bot did not start "
        "and answer a question (a failed start)",
    )
    asyncio.run(_damaged_starts(quick, work, result))
    return result

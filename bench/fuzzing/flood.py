"""Campaign (g) of `python -m bench.fuzz`: a flood. 200 chats (every fourth a group) send 20 messages each, all
at once, to the real bot in a subprocess against the fake Bot API server, with PTB's rate limiter off and then
on (`--quick`: 50 chats × 10). Every message must be answered once, each chat's replies in the order of its
messages; the time from the push to the last reply (the drain) is reported for both runs.

Wrong = messages never answered + answered twice + replies answering nothing asked + chats whose replies came out
of order; crashed = ERROR lines or tracebacks in the bot's log, or a bot that did not start.
"""

from __future__ import annotations

import asyncio
import logging
import random
import statistics
import time
from pathlib import Path

from bench.fuzzing.harness import Result
from bench.fuzzing.traffic import Asked, BotRun, ask, read_back, timed_sends, until, write_traffic_corpus
from testkit.fakebotapi import FakeBotApi

FULL = (200, 20)  # chats, messages per chat
QUICK = (50, 10)
GROUP_EVERY = 4  # every fourth chat is a supergroup (asked with /drug; rate-limited at 20 messages/min there)
TELEGRAM_RATE = 30.0  # messages/s the rate limiter lets through: the drain cannot be quicker with it on


def _chats(count: int) -> list[int]:
    return [-(1_000_000 + n) if n % GROUP_EVERY == GROUP_EVERY - 1 else 500_000 + n for n in range(count)]


async def _flood(work: Path, seeds: Path, titles: list[str], chats: int, each: int, limiter: bool) -> dict:
    """One flood on a fresh fake server and bot; the figures of the run (the wrong and crashed counts among them)."""
    api = FakeBotApi(token="123456:FLOOD")
    timed_sends(api)
    await api.start()
    bot = BotRun(api, work, seeds, {"DRUGBOT_RATE_LIMIT": str(limiter).lower()})
    rng = random.Random(23)
    try:
        await bot.start()
        cpu = bot.cpu_seconds()
        ids = _chats(chats)
        plans = {chat: rng.sample(titles, each) if each <= len(titles) else rng.choices(titles, k=each) for chat in ids}
        asked: list[Asked] = []
        started = time.monotonic()
        for turn in range(each):  # round after round: every chat's next message, as many people typing at once
            asked += [ask(api, chat, plans[chat][turn], rng) for chat in ids]
        total = len(asked)
        timeout = 120.0 + (total / TELEGRAM_RATE * 2 if limiter else total / 20)
        await until(lambda: len(api.sent) >= total, timeout, step=0.1)
        drained = max((m.get("_at", 0.0) for m in api.sent), default=started) - started
        cpu = bot.cpu_seconds() - cpu
        await api.quiet(1.0)  # anything sent twice or late
    finally:
        code = await bot.stop()
        await api.stop()
    outcome = read_back(api, asked, titles)
    errors = bot.errors()
    waits = sorted(outcome.waits) or [0.0]
    return {
        "messages": total,
        "answered": outcome.answered,
        "never answered": outcome.missing,
        "answered twice": outcome.extra,
        "other replies": outcome.other,
        "chats out of order": outcome.out_of_order,
        "drain s": round(drained, 1),
        "replies/s": round(outcome.answered / drained, 1) if drained else None,
        "median wait s": round(statistics.median(waits), 2),
        "longest wait s": round(waits[-1], 2),
        "bot CPU ms per message": round(cpu * 1000 / total, 2),
        "errors logged": len(errors),
        "exit code": code,
        "wrong": outcome.wrong,
        "examples": outcome.examples + errors[:3],
    }


def campaign(quick: bool, work: Path) -> Result:
    # the bot's connections close when it stops: the fake server's access errors are expected noise
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    chats, each = QUICK if quick else FULL
    seeds = work / "seeds"
    titles = write_traffic_corpus(seeds)
    result = Result(
        f"(g) flood, {chats} chats × {each} messages at once",
        meaning="the real bot, rate limiter off then on: wrong = messages never answered, answered twice, "
        "replies answering nothing asked, chats whose replies came out of order; crashed = errors logged; slowest = "
        "the longest a message waited for its reply",
    )
    for limiter in (False, True):
        run = work / f"limiter-{'on' if limiter else 'off'}"
        run.mkdir()
        try:
            figures = asyncio.run(_flood(run, seeds, titles, chats, each, limiter))
        except AssertionError as exc:  # the bot did not start (wait_for timed out)
            result.crashed += 1
            result.details.append(f"limiter {'on' if limiter else 'off'}: {str(exc)[:200]}")
            continue
        label = "limiter on" if limiter else "limiter off"
        result.tried += figures["messages"]
        result.wrong += figures.pop("wrong")
        result.crashed += figures["errors logged"]
        result.details += [f"{label}: {e}" for e in figures.pop("examples")]
        result.figures[label] = figures
    waits = [f["longest wait s"] for f in result.figures.values()]
    result.slowest_ms = max(waits) * 1000 if waits else None  # the longest any message waited for its reply
    return result

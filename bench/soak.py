"""A soak run, by hand: the real bot in a subprocess against the fake Bot API server for many minutes of mixed
traffic at Telegram's pace, reloading all the while. Does memory creep, do file descriptors leak, does anything fail?

    python -m bench.soak --minutes 30        # the full run
    python -m bench.soak --minutes 3         # a short check that it works

Traffic: `--rate` messages per second overall (30, Telegram's limit for one bot), spread over `--chats` chats so
that none sends more than one a second: six in ten are private chats asking questions, one in ten groups asking
with /drug, two in ten chats that ask and then press a button under the answer, one in ten inline queries. An
admin sends /reload every `--reload-every` seconds, and halfway between two reloads one monograph file is
rewritten, which the folder watcher (on, every 5 s) picks up. The rate limiter is on, the index cache is used.

Printed: one line a minute (what was pushed so far, the messages the bot sent that minute, its RSS and open file
descriptors), then a table: RSS and descriptors at the start (the bot started, before traffic) and at the end
(traffic drained), every message answered and in order in each chat, presses and inline queries answered, reloads
done, errors logged. The figures also go to bench/out/soak.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.fuzzing.harness import OUT
from bench.fuzzing.traffic import Asked, BotRun, ask, read_back, timed_sends, until, write_traffic_corpus
from testkit.fakebotapi import FakeBotApi

ADMIN = 4242
KINDS = ("private",) * 6 + ("group",) + ("button",) * 2 + ("inline",)
DRAIN_TIMEOUT = 180.0  # seconds to wait, after the traffic stops, for the last replies


@dataclass
class Traffic:
    """What the soak pushed, and where each button chat stands."""

    asked: list[Asked] = field(default_factory=list)  # questions whose replies are checked in order
    presses: set[str] = field(default_factory=set)  # callback query ids
    inline: set[str] = field(default_factory=set)  # inline query ids
    side_questions: int = 0  # questions in button chats (answered, then pressed)
    reloads_asked: int = 0
    files_rewritten: int = 0
    last_bot_message: dict[int, dict[str, Any]] = field(default_factory=dict)  # button chat -> unpressed answer
    seen_sent: int = 0


def _chats(count: int) -> dict[int, str]:
    """Chat id -> kind; groups have negative ids."""
    chats = {}
    for n in range(count):
        kind = KINDS[n % len(KINDS)]
        chats[-(2_000_000 + n) if kind == "group" else 700_000 + n] = kind
    return chats


def _callback_data(message: dict[str, Any], rng: random.Random) -> str | None:
    buttons = [
        b["callback_data"] for row in (message.get("reply_markup") or {}).get("inline_keyboard", []) for b in row
    ]
    buttons = [b for b in buttons if b and b.startswith("p|")]
    return rng.choice(buttons) if buttons else None


def _step(api: FakeBotApi, chat: int, kind: str, titles: list[str], traffic: Traffic, rng: random.Random) -> None:
    """One message (or press, or inline query) from `chat`."""
    if kind == "inline":
        traffic.inline.add(api.push_inline(f"{rng.choice(titles)} side effects", user_id=chat))
    elif kind == "button":
        answer = traffic.last_bot_message.pop(chat, None)
        data = _callback_data(answer, rng) if answer else None
        if answer is not None and data is not None:
            traffic.presses.add(api.push_callback(data, answer, user_id=chat))
        else:
            api.push_text(f"{rng.choice(titles)} dose", chat_id=chat, user_id=chat)
            traffic.side_questions += 1
    else:
        traffic.asked.append(ask(api, chat, rng.choice(titles), rng))


def _note_sent(api: FakeBotApi, chats: dict[int, str], traffic: Traffic) -> None:
    """Remember the newest answer in each button chat (what its next step presses)."""
    for message in api.sent[traffic.seen_sent :]:
        if chats.get(message["chat"]["id"]) == "button":
            traffic.last_bot_message[message["chat"]["id"]] = message
    traffic.seen_sent = len(api.sent)


def _rewrite_one(seeds: Path, rng: random.Random, count: int) -> None:
    """Change one monograph file (a sentence added to its first bullet), as an editor would."""
    path = rng.choice(sorted(seeds.glob("*.md")))
    text = path.read_text(encoding="utf-8")
    at = text.index("\n- ") + 3
    path.write_text(f"{text[:at]}(Revised {count}.) {text[at:]}", encoding="utf-8")


def _sample(bot: BotRun) -> tuple[float, int]:
    return round(bot.rss_mb(), 1), bot.open_fds()


def _minute_line(minute: int, api: FakeBotApi, traffic: Traffic, started: float, bot: BotRun) -> str:
    recent = [m["_at"] for m in api.sent if m.get("_at", 0.0) >= started + (minute - 1) * 60]
    rss, fds = _sample(bot)
    return (
        f"minute {minute:>3}: {len(traffic.asked) + traffic.side_questions:>6,} questions, "
        f"{len(traffic.presses):>5,} presses, {len(traffic.inline):>5,} inline; {len(recent):>5,} messages sent this "
        f"minute; RSS {rss:.0f} MB, {fds} fds"
    )


async def soak(minutes: float, rate: float, chat_count: int, reload_every: float, work: Path, seed: int) -> dict:
    api = FakeBotApi(token="123456:SOAK")
    timed_sends(api)
    await api.start()
    seeds = work / "seeds"
    titles = write_traffic_corpus(seeds)
    settings = {
        "DRUGBOT_RATE_LIMIT": "true",
        "DRUGBOT_WATCH_SEEDS": "true",
        "DRUGBOT_WATCH_INTERVAL": "5",
        "DRUGBOT_ADMIN_IDS": str(ADMIN),
        "DRUGBOT_CACHE_DIR": str(work / "cache"),
    }
    bot = BotRun(api, work, seeds, settings)
    chats = _chats(chat_count)
    rng = random.Random(seed)
    traffic = Traffic()
    try:
        await bot.start()
        start_rss, start_fds = _sample(bot)
        print(f"started: RSS {start_rss:.0f} MB, {start_fds} open file descriptors", flush=True)
        order = list(chats.items())
        started = time.monotonic()
        end = started + minutes * 60
        next_at, turn, next_reload, next_rewrite, minute = (
            started,
            0,
            started + reload_every,
            started + reload_every / 2,
            1,
        )
        while (now := time.monotonic()) < end:
            if now < next_at:
                await asyncio.sleep(next_at - now)
                continue
            _note_sent(api, chats, traffic)
            chat, kind = order[turn % len(order)]
            _step(api, chat, kind, titles, traffic, rng)
            turn += 1
            next_at += 1 / rate
            if now >= next_reload:
                api.push_text("/reload", chat_id=ADMIN, user_id=ADMIN)
                traffic.reloads_asked += 1
                next_reload += reload_every
            if now >= next_rewrite:
                traffic.files_rewritten += 1
                _rewrite_one(seeds, rng, traffic.files_rewritten)
                next_rewrite += reload_every
            if now >= started + minute * 60:
                print(_minute_line(minute, api, traffic, started, bot), flush=True)
                minute += 1
        if minute <= minutes:  # the last minute ended with the loop
            print(_minute_line(minute, api, traffic, started, bot), flush=True)
        pushed_at = time.monotonic()
        asking = {chat for chat, kind in chats.items() if kind in ("private", "group")}
        await until(lambda: sum(m["chat"]["id"] in asking for m in api.sent) >= len(traffic.asked), DRAIN_TIMEOUT, 1.0)
        drained = time.monotonic() - pushed_at
        await api.quiet(2.0)
        end_rss, end_fds = _sample(bot)
    finally:
        code = await bot.stop()
        await api.stop()
    outcome = read_back(api, traffic.asked, titles)
    answered_presses = {str(c.params.get("callback_query_id")) for c in api.calls_of("answerCallbackQuery")}
    answered_inline = {str(c.params.get("inline_query_id")) for c in api.calls_of("answerInlineQuery")}
    reports = [m for m in api.sent if m["chat"]["id"] == ADMIN and m["text"].startswith("Reloaded")]
    log = bot.log.read_text(encoding="utf-8", errors="replace") if bot.log.exists() else ""
    waits = sorted(outcome.waits) or [0.0]
    errors = bot.errors()
    return {
        "minutes": minutes,
        "rate per s": rate,
        "chats": chat_count,
        "questions checked in order": len(traffic.asked),
        "answered": outcome.answered,
        "never answered": outcome.missing,
        "answered twice": outcome.extra,
        "other replies": outcome.other,
        "chats out of order": outcome.out_of_order,
        "questions before presses": traffic.side_questions,
        "button presses": len(traffic.presses),
        "presses answered": len(traffic.presses & answered_presses),
        "inline queries": len(traffic.inline),
        "inline answered": len(traffic.inline & answered_inline),
        "/reload sent": traffic.reloads_asked,
        "/reload reports": len(reports),
        "files rewritten": traffic.files_rewritten,
        "reloads logged": log.count("reloaded:"),
        "wait p50 s": round(statistics.median(waits), 2),
        "wait p99 s": round(waits[int(len(waits) * 0.99)], 2),
        "drain after the traffic s": round(drained, 1),
        "RSS MB start": start_rss,
        "RSS MB end": end_rss,
        "fds start": start_fds,
        "fds end": end_fds,
        "errors logged": len(errors),
        "first errors": errors[:5] + outcome.examples,
        "exit code": code,
    }


def wrong(r: dict) -> int:
    """Messages never answered, answered twice or out of order, replies to nothing asked, presses, inline queries
    and /reload commands left unanswered."""
    return (
        r["never answered"]
        + r["answered twice"]
        + r["other replies"]
        + r["chats out of order"]
        + (r["button presses"] - r["presses answered"])
        + (r["inline queries"] - r["inline answered"])
        + (r["/reload sent"] - r["/reload reports"])
    )


def table(r: dict) -> str:
    rows = [
        "| minutes | questions (in order) | presses | inline | reloads (/reload + watcher) | answered | wrong "
        "| errors | RSS MB start → end | fds start → end | wait p50 / p99 s |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    rows.append(
        f"| {r['minutes']:g} | {r['questions checked in order']:,} | {r['button presses']:,} "
        f"| {r['inline queries']:,} | {r['reloads logged']:,} ({r['/reload reports']} + "
        f"{r['reloads logged'] - r['/reload reports']}) | {r['answered']:,} | {wrong(r):,} | {r['errors logged']:,} "
        f"| {r['RSS MB start']:.0f} → {r['RSS MB end']:.0f} | {r['fds start']} → {r['fds end']} "
        f"| {r['wait p50 s']} / {r['wait p99 s']} |"
    )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--rate", type=float, default=30.0, help="messages per second, overall")
    parser.add_argument("--chats", type=int, default=60, help="chats taking turns (each sends rate/chats a second)")
    parser.add_argument("--reload-every", type=float, default=60.0, help="seconds between two /reload commands")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    if args.rate / args.chats > 1:
        parser.error("--chats must be at least --rate: Telegram lets a private chat get about one message a second")
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    with tempfile.TemporaryDirectory(prefix="drugbot-soak-") as folder:
        result = asyncio.run(soak(args.minutes, args.rate, args.chats, args.reload_every, Path(folder), args.seed))
    print()
    print(table(result))
    print()
    for key, value in result.items():
        print(f"{key}: {value}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "soak.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    raise SystemExit(1 if wrong(result) or result["errors logged"] else 0)


if __name__ == "__main__":
    main()

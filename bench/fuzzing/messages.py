"""Campaign (a) of `python -m bench.fuzz`: generated messages through the engine on a generated corpus (1,000 or
10,000 monographs), as conversations, in a child process; crashed = exception, wrong = banned text, invalid UTF-8
or Telegram HTML.
"""

from __future__ import annotations

import json
import random
import resource
import time
from pathlib import Path
from typing import Any

from bench.fuzzing.harness import OUT, Result, run_child


def child(args: list[str]) -> dict[str, Any]:
    """In a child process (`messages CORPUS QUESTIONS COUNT SEED`): COUNT generated messages through the engine on
    CORPUS."""
    from bench.fuzzing.inputs import conversations
    from intents import ChatContext, load_engine
    from testkit.checks import banned_texts, reply_problem

    corpus, questions, count, seed = args[0], args[1], int(args[2]), int(args[3])
    engine = load_engine([Path(corpus)], cache_dir=OUT / "fuzz-cache")
    entries = list(engine.corpus.entries.values())
    forbidden = banned_texts(engine.corpus, [m.id for m in entries if m.is_banned])
    rng = random.Random(seed)
    picks = rng.sample(entries, min(300, len(entries))) + [m for m in entries if m.is_banned][:30]
    names = [n for m in picks for n in (m.title, *m.brands)]
    asked = [json.loads(line)["query"] for line in Path(questions).read_text(encoding="utf-8").splitlines()]
    tried = crashed = wrong = 0
    slowest: tuple[float, str, str] = (0.0, "", "")
    times: list[float] = []
    timed: list[tuple[float, str]] = []
    details: list[str] = []
    for chat in conversations(rng, count, names, asked):
        context = ChatContext()
        for now, (kind, text) in enumerate(chat, start=1_000):
            tried += 1
            started = time.perf_counter()
            try:
                reply, context = engine.respond(text, context, now=float(now))
            except Exception as exc:
                crashed += 1
                if len(details) < 8:
                    details.append(f"{kind} {text[:60]!r}: {type(exc).__name__}: {exc}")
                continue
            elapsed = (time.perf_counter() - started) * 1000
            times.append(elapsed)
            timed.append((elapsed, text))
            if elapsed > slowest[0]:
                slowest = (elapsed, kind, f"{len(text):,} characters: {text[:50]!r}")
            problem = reply_problem(reply, engine.corpus, forbidden)
            if problem:
                wrong += 1
                if len(details) < 8:
                    details.append(f"{kind} {text[:60]!r}: {problem}")
    times.sort()
    # a busy machine stretches single calls: the slowest messages timed again alone, best of three each
    again = [min(_timed(engine, text) for _ in range(3)) for _, text in sorted(timed, reverse=True)[:20]]
    return {
        "tried": tried,
        "crashed": crashed,
        "wrong": wrong,
        "slowest_ms": slowest[0],
        "details": details,
        "figures": {
            "monographs": len(entries),
            "banned_lines_checked": len(forbidden),
            "p99_ms": round(times[int(len(times) * 0.99)], 2) if times else None,
            "slowest_kind": f"{slowest[1]} ({slowest[2]})",
            "slowest_20_retimed_alone_max_ms": round(max(again, default=0.0), 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        },
    }


def _timed(engine: Any, text: str) -> float:
    started = time.perf_counter()
    engine.respond(text)
    return (time.perf_counter() - started) * 1000


def campaign(quick: bool, work: Path) -> Result:
    from bench.run import ensure_corpus

    size, count = (1000, 2000) if quick else (10000, 12000)
    result = Result(
        f"(a) messages, {size:,} monographs",
        meaning="random Unicode, words up to 5,000 letters, mutated questions, mixed scripts, emoji, markup, as "
        "conversations: crashed = exception; wrong = banned text, invalid UTF-8 or Telegram HTML; slowest = the "
        "slowest call seen (a busy machine stretches some; the figures below re-time the slowest 20 alone)",
    )
    corpus, questions = ensure_corpus(size, 7)
    found, error = run_child(["messages", str(corpus), str(questions), str(count), "7"], timeout=1800)
    if found is None:
        result.crashed, result.tried = 1, count
        result.details.append(f"the engine process died: {error}")
        return result
    for key in ("tried", "crashed", "wrong", "slowest_ms", "details", "figures"):
        setattr(result, key, found[key])
    return result

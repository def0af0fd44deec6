"""Campaign (e) of `python -m bench.fuzz`: kill -9 in the middle of a 1,000-update burst, restart, and count what
was lost (testkit/botprocess.py's round, as `python -m bench.crash` runs it).
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from bench.fuzzing.harness import Result
from testkit.botprocess import kill_mid_burst
from testkit.fakebotapi import FakeBotApi


async def _kill_round(updates: int, work: Path) -> Result:
    api = FakeBotApi(token="123456:FUZZ")
    await api.start()
    try:
        found = await kill_mid_burst(api, work, updates)
    finally:
        await api.stop()
    result = Result(
        "(e) kill -9 mid-burst",
        tried=found.updates,
        wrong=found.lost + found.answered_twice + found.contexts_lost + found.log_rows_lost + found.log_rows_twice,
        meaning="a burst of group questions, SIGKILL once a third is answered, restart: wrong = updates never "
        "answered + answered twice + chat contexts lost (of 20 set just before) + question-log rows missing or "
        "written twice",
    )
    result.figures.update(
        {
            "fetched, unanswered at the kill": found.fetched_unanswered_at_kill,
            "never answered": found.lost,
            "answered twice": found.answered_twice,
            "contexts lost": found.contexts_lost,
            "log rows lost": found.log_rows_lost,
            "log rows twice": found.log_rows_twice,
            "day counts lost": found.day_counts_lost,
        }
    )
    return result


def campaign(quick: bool, work: Path) -> Result:
    # a killed bot drops its connections mid-request: the fake server's access errors are expected noise
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    return asyncio.run(_kill_round(300 if quick else 1000, work))

"""Start-up order: the bot's own configuration is checked before Telegram is contacted, so a wrong folder is one
line and exit 2 at once, even while Telegram cannot be reached (`python -m bot telegram` in a real process)."""

from __future__ import annotations

import asyncio
import time

import pytest

from testkit.fakebotapi import FakeBotApi
from tests.bot.telegram.test_telegram_startup import clean_env, free_port, start_bot, stop_bot
from tests.conftest import SEED_FILE


def unreachable_env(**extra: str) -> dict[str, str]:
    """Telegram at a port nothing listens on: the bot would wait for it forever."""
    server = FakeBotApi(port=free_port())
    return clean_env(TELEGRAM_BOT_TOKEN=server.token, DRUGBOT_API_BASE_URL=server.base_url, **extra)


@pytest.mark.parametrize("problem", ["missing", "a file", "empty"])
async def test_a_wrong_monograph_folder_is_one_line_and_exit_2_before_telegram_is_tried(tmp_path, problem):
    seeds = tmp_path / "nope"
    if problem == "a file":
        seeds = tmp_path / "kadcyla.md"
        seeds.write_bytes(SEED_FILE.read_bytes())
    elif problem == "empty":
        seeds.mkdir()
    env = unreachable_env(DRUGBOT_SEEDS_DIR=str(seeds), DRUGBOT_STATE_PATH=str(tmp_path / "state.sqlite3"))
    started = time.monotonic()
    proc = await start_bot(tmp_path, "telegram", env=env)
    try:
        await asyncio.wait_for(proc.wait(), timeout=20)
    finally:
        code, stderr = await stop_bot(proc)
    assert time.monotonic() - started < 20
    expected = {
        "missing": f"error: monograph folder not found: {seeds}",
        "a file": f"error: {seeds} is a file, not a folder",
        "empty": f"error: no monograph files (.md, .markdown, .txt) in {seeds}",
    }[problem]
    assert code == 2, stderr
    assert stderr.strip().splitlines()[0].startswith(expected), stderr
    assert len(stderr.strip().splitlines()) == 1, stderr
    assert "cannot reach Telegram" not in stderr


async def test_the_state_file_is_opened_before_telegram_is_tried(tmp_path):
    """A state path that cannot be used is said at once (the bot then keeps contexts in memory), not only once
    Telegram answers."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    env = unreachable_env(DRUGBOT_STATE_PATH=str(blocker / "state.sqlite3"), DRUGBOT_WATCH_SEEDS="false")
    proc = await start_bot(tmp_path, "telegram", env=env)
    try:
        assert proc.stderr is not None
        lines = []
        while not any("cannot reach Telegram" in line for line in lines):
            lines.append((await asyncio.wait_for(proc.stderr.readline(), timeout=30)).decode())
    finally:
        code, stderr = await stop_bot(proc)
    assert code == 0, stderr
    assert any("state file" in line for line in lines[:-1]), lines  # before the first attempt to reach Telegram

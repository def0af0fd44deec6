"""Starting the Telegram bot as a newcomer does: `python -m bot` in a real process, against the fake Bot API."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.fakebotapi import FakeBotApi


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without any drugbot or Telegram setting, running this worktree's code."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DRUGBOT_"))}
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


def newcomer_env_file(folder: Path, api: FakeBotApi, *more: str) -> None:
    """`cp .env.example .env`, paste the token, and point the bot at the fake server."""
    lines = []
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        lines.append(f"TELEGRAM_BOT_TOKEN={api.token}" if line.startswith("TELEGRAM_BOT_TOKEN=") else line)
    lines += [f"DRUGBOT_API_BASE_URL={api.base_url}", "DRUGBOT_WATCH_SEEDS=false", *more]
    (folder / ".env").write_text("\n".join(lines) + "\n", encoding="utf-8")


async def start_bot(cwd: Path, *args: str, env: dict[str, str] | None = None) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=str(cwd),
        env=env or clean_env(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def stop_bot(proc: asyncio.subprocess.Process) -> tuple[int, str]:
    if proc.returncode is None:
        proc.send_signal(signal.SIGTERM)
    try:
        _, stderr = await asyncio.wait_for(proc.communicate(), timeout=30)
    finally:
        if proc.returncode is None:
            proc.kill()
    return proc.returncode or 0, stderr.decode()


async def test_token_in_dot_env_starts_the_telegram_bot(api, tmp_path):
    newcomer_env_file(tmp_path, api)
    proc = await start_bot(tmp_path)
    try:
        api.push_text("dose of kadcyla?", chat_id=4343, user_id=4343)
        await api.wait_for("sendMessage", timeout=40)
    finally:
        code, stderr = await stop_bot(proc)
    assert "3.6 mg/kg" in api.sent[0]["text"]
    assert "running the Telegram bot" in stderr
    assert code == 0, stderr

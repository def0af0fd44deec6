"""Starting the Telegram bot as a newcomer does: `python -m bot` in a real process, against the fake Bot API."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from testkit.fakebotapi import FakeBotApi
from tests.conftest import ROOT


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


async def stop_bot(proc: asyncio.subprocess.Process, terminate: bool = True) -> tuple[int, str]:
    """SIGTERM the bot (or, with `terminate=False`, wait for it to exit by itself); kill it after 30 s."""
    if terminate and proc.returncode is None:
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


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_rejected_token_is_one_line_naming_the_cause(api, tmp_path):
    wrong = "123456:WRONG-secret-token"
    env = clean_env(TELEGRAM_BOT_TOKEN=wrong, DRUGBOT_API_BASE_URL=api.base_url, DRUGBOT_WATCH_SEEDS="false")
    proc = await start_bot(tmp_path, "telegram", env=env)
    code, stderr = await stop_bot(proc, terminate=False)
    assert code == 2
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: Telegram rejected the token (401 Unauthorized)")
    assert wrong not in stderr


async def test_token_never_appears_in_debug_logs(api, tmp_path):
    wrong = "123456:WRONG-secret-token"
    env = clean_env(
        TELEGRAM_BOT_TOKEN=wrong,
        DRUGBOT_API_BASE_URL=api.base_url,
        DRUGBOT_LOG_LEVEL="DEBUG",
        DRUGBOT_WATCH_SEEDS="false",
    )
    proc = await start_bot(tmp_path, "telegram", env=env)
    code, stderr = await stop_bot(proc, terminate=False)
    assert code == 2
    assert "/bot<token>/getMe" in stderr  # httpx's request line, masked
    assert wrong not in stderr and "WRONG-secret" not in stderr


def test_redaction_covers_arguments_and_tracebacks():
    import io
    import logging

    from bot.telegram.redact import RedactToken

    secret = "123456:ABC-very-secret"
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactToken(secret))
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("HTTP Request: POST %s", f"https://api.telegram.org/bot{secret}/getMe")
        try:
            raise RuntimeError(f"failed calling /bot{secret}/sendMessage")
        except RuntimeError:
            logger.exception("sending failed")
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert "https://api.telegram.org/bot<token>/getMe" in text
    assert "RuntimeError: failed calling /bot<token>/sendMessage" in text
    assert secret not in text


async def test_unreachable_server_is_waited_for_then_served(tmp_path):
    port = free_port()
    server = FakeBotApi(port=port)
    env = clean_env(TELEGRAM_BOT_TOKEN=server.token, DRUGBOT_API_BASE_URL=server.base_url, DRUGBOT_WATCH_SEEDS="false")
    proc = await start_bot(tmp_path, "telegram", env=env)
    try:
        assert proc.stderr is not None
        line = (await asyncio.wait_for(proc.stderr.readline(), timeout=30)).decode()
        assert f"cannot reach Telegram at http://127.0.0.1:{port}" in line and "retrying in 1 s" in line
        assert proc.returncode is None
        await server.start()
        server.push_text("dose of kadcyla?", chat_id=4545, user_id=4545)
        await server.wait_for("sendMessage", timeout=40)
        assert "3.6 mg/kg" in server.sent[0]["text"]
    finally:
        code, stderr = await stop_bot(proc)
        await server.stop()
    assert code == 0, stderr
    assert "Traceback" not in stderr and server.token not in line + stderr

"""Running the real bot against the fake Bot API server: settings, an application in this process, helpers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from telegram import Update

from bot.service import EngineService
from bot.settings import Settings
from bot.telegram.app import build_application
from intents.assembly import load_engine
from testkit.fakebotapi import FakeBotApi
from tests.conftest import FICTIONAL, SEEDS

ADMIN = 1
GROUP = -100200300


def make_settings(api: FakeBotApi, tmp_path: Path, **extra) -> Settings:
    values = {
        "TELEGRAM_BOT_TOKEN": api.token,
        "DRUGBOT_API_BASE_URL": api.base_url,
        "DRUGBOT_STATE_PATH": str(tmp_path / "state" / "drugbot.sqlite3"),
        "DRUGBOT_ADMIN_IDS": str(ADMIN),
        "DRUGBOT_CONCURRENT_UPDATES": "4",
    }
    values.update(extra)
    return Settings(_env_file=None, **values)


@asynccontextmanager
async def running_bot(
    api: FakeBotApi,
    tmp_path: Path,
    folders: list[Path] | None = None,
    service: EngineService | None = None,
    background: bool = True,
    **extra,
) -> AsyncIterator[EngineService]:
    """The bot polling `api` until the block ends. `service` replaces the default engine over `folders`;
    `background=False` starts no background work (command menus, folder watcher, unit cutting)."""
    folders = folders or [SEEDS, FICTIONAL]
    service = service or EngineService(load_engine(folders), folders)
    app = build_application(make_settings(api, tmp_path, **extra), service, poll_timeouts=5)
    async with app:
        if background:
            await app.post_init(app)
        await app.start()
        await app.updater.start_polling(poll_interval=0.0, timeout=1, allowed_updates=Update.ALL_TYPES)
        try:
            yield service
        finally:
            await app.updater.stop()
            await app.stop()
            await app.post_stop(app)


def sent_to(api: FakeBotApi, chat_id: int) -> list[dict]:
    return [m for m in api.sent if m["chat"]["id"] == chat_id]


def button(message: dict, label: str) -> str:
    for row in message["reply_markup"]["inline_keyboard"]:
        for b in row:
            if b["text"] == label:
                return b["callback_data"]
    raise AssertionError(f"no button {label!r} in {message.get('reply_markup')}")

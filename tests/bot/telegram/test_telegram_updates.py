"""Updates the library cannot parse, and updates Telegram delivers twice, end to end."""

from __future__ import annotations

import logging
import socket

import aiohttp

from bot.service import EngineService
from bot.telegram.app import build_application
from intents.assembly import load_engine
from tests.bot.telegram.telegram_harness import make_settings, running_bot
from tests.conftest import SEEDS

MALFORMED = [
    {"message": {"message_id": 1, "date": "yesterday", "chat": {"id": 42, "type": "private"}, "text": "hi"}},
    {"message": {"message_id": 2, "date": 0, "chat": 42, "text": "hi"}},
    {"callback_query": {"id": "1", "data": "g|1"}},
    {"message": "just a string"},
]


async def test_an_update_the_library_cannot_parse_is_logged_once_and_later_ones_are_answered(api, tmp_path, caplog):
    with caplog.at_level(logging.INFO):
        async with running_bot(api, tmp_path):
            for malformed in MALFORMED:
                api.push(malformed)
            api.push_text("dose of kadcyla?")
            await api.wait_for("sendMessage")
            await api.quiet(1.0)
            assert "3.6 mg/kg" in api.sent[0]["text"]
            api.push_text("kadcyla side effects")
            await api.wait_for("sendMessage", count=2)
    skipped = [r.getMessage() for r in caplog.records if "cannot parse" in r.getMessage()]
    assert len(skipped) == len(MALFORMED), skipped
    assert not [r for r in caplog.records if r.levelno >= logging.CRITICAL]


async def test_an_update_delivered_again_after_a_restart_is_not_answered_twice(api, tmp_path):
    async with running_bot(api, tmp_path):
        message = api.push_text("dose of kadcyla?")
        await api.wait_for("sendMessage")
    # Telegram delivers it again when the bot died before its confirmation (the next getUpdates) got through
    api.redeliver(message)
    async with running_bot(api, tmp_path):
        api.push_text("and side effects?")
        await api.wait_for("sendMessage", count=2)
        await api.quiet(0.5)
    assert len(api.sent) == 2


async def test_a_webhook_update_is_journalled_before_its_ok_and_answered_after_a_crash(api, tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    service = EngineService(load_engine([SEEDS]), [SEEDS])
    app = build_application(make_settings(api, tmp_path), service, poll_timeouts=5)
    update = {
        "update_id": 77,
        "message": {"message_id": 5, "date": 0, "text": "dose of kadcyla?", "chat": {"id": 42, "type": "private"}},
    }
    async with app:  # the application never starts handling: it dies with the update received, unanswered
        await app.updater.start_webhook(listen="127.0.0.1", port=port, url_path="tg", secret_token="s3cret")
        try:
            async with aiohttp.ClientSession() as http:
                headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
                response = await http.post(f"http://127.0.0.1:{port}/tg", json=update, headers=headers)
                assert response.status == 200  # Telegram will not send it again
        finally:
            await app.updater.stop()
    assert api.sent == []
    async with running_bot(api, tmp_path, folders=[SEEDS]):
        await api.wait_for("sendMessage")
    assert "3.6 mg/kg" in api.sent[0]["text"]

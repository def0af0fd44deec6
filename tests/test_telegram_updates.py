"""Updates the library cannot parse, and updates Telegram delivers twice, end to end."""

from __future__ import annotations

import logging

from tests.telegram_harness import running_bot

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

"""The update journal belongs to one bot and one sequence of update ids: a new token, or a Bot API server whose
ids start again, loses no update (end to end against the fake Bot API server)."""

from __future__ import annotations

import logging

from bot.state import open_state
from testkit.fakebotapi import FakeBotApi
from tests.bot.telegram.telegram_harness import running_bot


def bot_with_id(token: str) -> FakeBotApi:
    """A fake server whose bot has the id its token starts with, as Telegram's bots do."""
    api = FakeBotApi(token=token)
    get_me = api.handlers["getMe"]
    api.handlers["getMe"] = lambda params: {**get_me(params), "id": int(token.split(":")[0])}
    return api


async def ask_one_by_one(api: FakeBotApi, tmp_path, questions: list[str]) -> None:
    """Each question in its own getUpdates batch, answered before the next is asked."""
    async with running_bot(api, tmp_path):
        for number, question in enumerate(questions, 1):
            api.push_text(question)
            await api.wait_for("sendMessage", count=number)


async def test_a_new_bot_token_with_the_same_state_file_is_answered(tmp_path, caplog):
    first = bot_with_id("111111:FIRST-token")
    await first.start()
    try:
        await ask_one_by_one(first, tmp_path, ["dose of kadcyla?", "kadcyla side effects"])
    finally:
        await first.stop()
    second = bot_with_id("222222:SECOND-token")  # another bot: its update ids are its own, from 1 here
    await second.start()
    try:
        with caplog.at_level(logging.INFO):
            async with running_bot(second, tmp_path):
                second.push_text("dose of kadcyla?")
                second.push_text("hello")
                await second.wait_for("sendMessage", count=2)
    finally:
        await second.stop()
    assert "3.6 mg/kg" in second.sent[0]["text"]
    changed = [r.getMessage() for r in caplog.records if "bot 111111" in r.getMessage()]
    assert len(changed) == 1 and "bot 222222" in changed[0], changed
    assert not [r for r in caplog.records if "received before a restart" in r.getMessage()]


async def test_a_bot_api_server_whose_update_ids_start_again_is_answered_with_one_log_line(tmp_path, caplog):
    before = FakeBotApi()
    await before.start()
    try:
        await ask_one_by_one(before, tmp_path, ["dose of kadcyla?", "kadcyla side effects", "hello"])
    finally:
        await before.stop()
    after = FakeBotApi()  # the same bot, on a server that was reset: update ids start from 1 again
    await after.start()
    try:
        with caplog.at_level(logging.INFO):
            async with running_bot(after, tmp_path):
                for question in ["kadcyla half-life", "thanks", "velorimab dose", "dose of kadcyla?"]:
                    after.push_text(question)
                await after.wait_for("sendMessage", count=4)
                after.push_text("kadcyla side effects")  # the old sequence went as far as 3: this is 5
                await after.wait_for("sendMessage", count=5)
    finally:
        await after.stop()
    assert "Elimination" in after.sent[0]["text"] and "3.6 mg/kg" in after.sent[3]["text"]
    again = [r for r in caplog.records if "started again" in r.getMessage()]
    assert len(again) == 1, [r.getMessage() for r in again]
    assert again[0].levelno == logging.WARNING
    assert not [r for r in caplog.records if "received before a restart" in r.getMessage()]


async def test_a_redelivered_update_is_still_not_answered_twice_after_the_ids_started_again(tmp_path):
    before = FakeBotApi()
    await before.start()
    try:
        await ask_one_by_one(before, tmp_path, ["dose of kadcyla?", "hello"])
    finally:
        await before.stop()
    after = FakeBotApi()
    await after.start()
    try:
        async with running_bot(after, tmp_path):
            message = after.push_text("kadcyla half-life")
            await after.wait_for("sendMessage")
        after.redeliver(message)  # Telegram delivers it again: the bot died before confirming it
        async with running_bot(after, tmp_path):
            after.push_text("thanks")
            await after.wait_for("sendMessage", count=2)
            await after.quiet(0.5)
    finally:
        await after.stop()
    assert len(after.sent) == 2 and "welcome" in after.sent[1]["text"]


def test_far_below_the_last_seen_is_a_new_sequence_without_a_confirmed_offset(tmp_path, caplog):
    """As a webhook receives them: no getUpdates offset, so only the distance from the highest id seen tells."""
    store = open_state(tmp_path / "state.sqlite3")
    store.bind(777)
    for start in range(1, 1501, 100):  # journalled as they come, in batches, and answered
        batch = range(start, start + 100)
        assert store.receive([(i, "{}") for i in batch]) == [True] * len(batch)
        for i in batch:
            store.answered(i)
    assert store.receive([(1450, "{}")]) == [False]  # delivered again: just below the last seen
    with caplog.at_level(logging.INFO):
        assert store.receive([(10, "{}"), (11, "{}")]) == [True, True]  # far below: ids started again
        assert store.receive([(12, "{}")]) == [True]
        assert store.receive([(12, "{}")]) == [False]  # the new sequence's ids are journalled in turn
        assert store.receive([(1450, "{}")]) == [True]  # and the old sequence's are forgotten
    again = [r.getMessage() for r in caplog.records if "started again" in r.getMessage()]
    assert len(again) == 1, again
    store.close()


def test_a_state_file_from_before_the_journal_knew_its_bot_is_kept_and_bound(tmp_path, caplog):
    import sqlite3

    path = tmp_path / "state.sqlite3"
    store = open_state(path)
    store.save_chat(42, {"ctx": {"drug_id": "velorimab"}})
    store.receive([(5, "{}")])
    store.close()
    old = sqlite3.connect(path)  # as the previous version wrote it: no meta table
    old.execute("DROP TABLE meta")
    old.commit()
    old.close()
    with caplog.at_level(logging.WARNING):
        store = open_state(path)
        store.bind(777)
        assert store.chats()[42]["ctx"]["drug_id"] == "velorimab"
        assert store.pending() == [(5, "{}")]  # its journal is taken for this bot's
        assert store.receive([(5, "{}")]) == [False]
    assert not caplog.records
    store.close()
    assert not list(tmp_path.glob("*.damaged-*"))

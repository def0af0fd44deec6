"""Group mentions: the bot's exact @username as a whole word, cut out of the question where it stands."""

from __future__ import annotations

import pytest

from testkit.fakebotapi import BOT_USERNAME
from tests.bot.telegram.telegram_harness import GROUP, running_bot, sent_to


@pytest.mark.parametrize("entities", [True, False])
async def test_a_longer_username_starting_with_the_bots_is_not_a_mention(api, tmp_path, entities):
    async with running_bot(api, tmp_path):
        for text in (f"@{BOT_USERNAME}_helper kadcyla dose", f"ask@{BOT_USERNAME} kadcyla dose"):
            api.push_text(text, chat_id=GROUP, chat_type="supergroup", entities=entities)
        api.push_text(f"kadcyla dose @{BOT_USERNAME.upper()}", chat_id=GROUP, chat_type="supergroup", entities=entities)
        await api.wait_for("sendMessage")
        await api.quiet(0.8)
    (answer,) = sent_to(api, GROUP)
    assert "3.6 mg/kg" in answer["text"]


@pytest.mark.parametrize("entities", [True, False])
async def test_the_mention_is_cut_where_it_stands_even_after_letters_that_change_length(api, tmp_path, entities):
    async with running_bot(api, tmp_path):
        # "İ" lower-cases to two characters: cutting at an index found in the lower-cased text cut "dose" instead
        api.push_text(f"İİİ kadcyla @{BOT_USERNAME} dose", chat_id=GROUP, chat_type="supergroup", entities=entities)
        await api.wait_for("sendMessage")
        text = f"💊💊 @{BOT_USERNAME} kadcyla side effects"
        api.push_text(text, chat_id=GROUP, chat_type="supergroup", entities=entities)
        await api.wait_for("sendMessage", count=2)
    first, second = sent_to(api, GROUP)
    assert "3.6 mg/kg" in first["text"]
    assert "Side Effects" in second["text"]

"""No spam in groups: the same question again within the cooldown gets a pointer to the first answer."""

from __future__ import annotations

from bot.telegram.cooldown import RecentAnswers
from testkit.fakebotapi import BOT_USERNAME
from tests.bot.telegram.telegram_harness import GROUP, running_bot, sent_to

POINTER = "I answered that a moment ago: it is the message this one replies to."


async def test_same_question_in_a_group_points_at_the_first_answer(api, tmp_path):
    group = {"chat_id": GROUP, "chat_type": "supergroup"}
    async with running_bot(api, tmp_path):
        api.push_text(f"@{BOT_USERNAME} kadcyla dose?", **group, user_id=51)
        await api.wait_for("sendMessage")
        api.push_text("/drug dose of kadcyla", **group, user_id=52)  # the same question, worded differently
        await api.wait_for("sendMessage", count=2)
        api.push_text("/drug kadcyla side effects", **group, user_id=52)  # another question: answered
        await api.wait_for("sendMessage", count=3)
        await api.quiet(0.3)
    first, pointer, other = sent_to(api, GROUP)
    assert "3.6 mg/kg" in first["text"]
    assert pointer["text"] == POINTER and pointer["reply_to_message_id"] == first["message_id"]
    assert "Side Effects" in other["text"]


async def test_private_chats_are_never_limited(api, tmp_path):
    async with running_bot(api, tmp_path):
        for _ in range(3):
            api.push_text("dose of kadcyla?")
        await api.wait_for("sendMessage", count=3)
    assert all("3.6 mg/kg" in m["text"] for m in api.sent)


async def test_cooldown_zero_answers_every_time(api, tmp_path):
    async with running_bot(api, tmp_path, DRUGBOT_GROUP_COOLDOWN="0"):
        api.push_text("/drug kadcyla dose", chat_id=GROUP, chat_type="supergroup")
        api.push_text("/drug kadcyla dose", chat_id=GROUP, chat_type="supergroup")
        await api.wait_for("sendMessage", count=2)
    assert all("3.6 mg/kg" in m["text"] for m in sent_to(api, GROUP))


def test_an_answer_is_pointed_at_only_within_the_cooldown_and_only_in_its_chat():
    recent = RecentAnswers(60)
    recent.remember(-1, ("kadcyla", "f0"), 1001, now=100.0)
    assert recent.earlier(-1, ("kadcyla", "f0"), now=159.0) == 1001
    assert recent.earlier(-1, ("kadcyla", "f0"), now=160.0) is None
    assert recent.earlier(-2, ("kadcyla", "f0"), now=101.0) is None
    assert recent.earlier(-1, ("kadcyla", "p31"), now=101.0) is None

"""Channels and their discussion groups, end to end with channel_post and sender_chat updates."""

from __future__ import annotations

from testkit.fakebotapi import BOT_USERNAME
from tests.bot.telegram.telegram_harness import running_bot, sent_to

CHANNEL = -100500600
DISCUSSION = -100500601


def channel_chat(api) -> dict:
    return api.chat(CHANNEL, "channel")


async def test_channel_answers_drug_commands_and_mentions_as_replies_and_ignores_other_posts(api, tmp_path):
    async with running_bot(api, tmp_path):
        ignored = [
            "Today on the ward: kadcyla infusions moved to room 4.",
            "/help",
            "/drugs",
            "/drug@some_other_bot kadcyla dose",
            "Ask @some_other_bot about kadcyla dose",
        ]
        for text in ignored:
            api.push_channel_post(text, CHANNEL)
        command = api.push_channel_post("/drug kadcyla dose", CHANNEL)
        addressed = api.push_channel_post(f"/drug@{BOT_USERNAME} kadcyla pregnancy", CHANNEL)
        mention = api.push_channel_post(f"@{BOT_USERNAME} kadcyla side effects", CHANNEL)
        bare = api.push_channel_post("/drug", CHANNEL)
        await api.wait_for("sendMessage", count=4)
        await api.quiet(0.8)
    answers = sent_to(api, CHANNEL)
    assert len(answers) == 4
    by_post = {a["reply_to_message_id"]: a["text"] for a in answers}
    assert "3.6 mg/kg" in by_post[command["message_id"]]
    assert "pregnancy" in by_post[addressed["message_id"]].lower()
    assert "Side Effects" in by_post[mention["message_id"]]
    assert by_post[bare["message_id"]].startswith("Tell me the drug and the question")
    assert all(a["chat"]["type"] == "channel" for a in answers)


async def test_discussion_group_is_a_group_and_automatic_forwards_need_to_address_the_bot(api, tmp_path):
    channel = channel_chat(api)
    group = {"chat_id": DISCUSSION, "chat_type": "supergroup"}
    async with running_bot(api, tmp_path):
        forward = api.push_text(
            "New guidance on kadcyla dose this week", **group, sender_chat=channel, automatic_forward=True
        )
        api.push_text("/drugs", **group, sender_chat=channel, automatic_forward=True)
        api.push_text("/help", **group, sender_chat=channel, automatic_forward=True)
        api.push_text("and in pregnancy?", **group, user_id=51, reply_to=forward)  # a comment, not to the bot
        await api.quiet(0.8)
        assert sent_to(api, DISCUSSION) == []

        asked = api.push_text(f"@{BOT_USERNAME} kadcyla dose", **group, sender_chat=channel, automatic_forward=True)
        await api.wait_for("sendMessage")
        comment = api.push_text(f"@{BOT_USERNAME} kadcyla in children", **group, user_id=51, reply_to=forward)
        await api.wait_for("sendMessage", count=2)
        as_channel = api.push_text("/drug kadcyla pregnancy", **group, sender_chat=channel)  # written as the channel
        await api.wait_for("sendMessage", count=3)
        await api.quiet(0.5)
    answers = sent_to(api, DISCUSSION)
    assert [a["reply_to_message_id"] for a in answers] == [
        asked["message_id"],
        comment["message_id"],
        as_channel["message_id"],
    ]
    assert "3.6 mg/kg" in answers[0]["text"] and "Children" in answers[1]["text"]

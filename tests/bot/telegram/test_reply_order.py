"""One chat's replies leave in the order its messages came, whatever the network does to each request."""

from __future__ import annotations

import asyncio
import random

from tests.bot.telegram.telegram_harness import running_bot

# each question's reply holds its marker and no other question's
QUESTIONS = {
    "dose of kadcyla?": "3.6 mg/kg",
    "kadcyla side effects": "Common Side Effects",
    "velorimab dose": "usual dose of Velorimab",
    "plumbazole dose": "about Plumbazole",
    "hello": "Hello!",
    "thanks": "welcome",
    "kadcyla half-life": "Elimination",
}
CHATS = 40


def with_jitter(api, seed: int = 7, most: float = 0.012) -> None:
    """Each sendMessage reaches the fake server's handler after its own random delay, as requests on separate
    connections do: two sent one after the other may arrive the other way round."""
    send = api.handlers["sendMessage"]
    rng = random.Random(seed)

    async def jittered(params):
        await asyncio.sleep(rng.uniform(0, most))
        return send(params)

    api.handlers["sendMessage"] = jittered


async def test_each_chats_replies_arrive_in_the_order_of_its_messages(api, tmp_path):
    with_jitter(api)
    rng = random.Random(11)
    asked: dict[int, list[str]] = {}
    for chat in range(3001, 3001 + CHATS):
        asked[chat] = rng.sample(list(QUESTIONS), len(QUESTIONS))
    # many people at once, each sending a burst of messages
    async with running_bot(api, tmp_path, DRUGBOT_RATE_LIMIT="false", DRUGBOT_CONCURRENT_UPDATES="16"):
        for chat, questions in asked.items():
            for question in questions:
                api.push_text(question, chat_id=chat, user_id=chat)
        await api.wait_for("sendMessage", count=CHATS * len(QUESTIONS), timeout=60)
    swapped = {}
    for chat, questions in asked.items():
        replies = [m["text"] for m in api.sent if m["chat"]["id"] == chat]
        got = [next((q for q, marker in QUESTIONS.items() if marker in text), text[:40]) for text in replies]
        if got != questions:
            swapped[chat] = (questions, got)
    assert not swapped, f"{len(swapped)} chat(s) got replies out of order, e.g. {next(iter(swapped.items()))}"


async def test_commands_and_buttons_keep_their_place_among_a_chats_replies(api, tmp_path):
    with_jitter(api, seed=3)
    async with running_bot(api, tmp_path, DRUGBOT_RATE_LIMIT="false", DRUGBOT_CONCURRENT_UPDATES="16"):
        for chat in range(4001, 4001 + CHATS):
            api.push_text("dose of kadcyla?", chat_id=chat, user_id=chat)
            api.push_text("/drugs", chat_id=chat, user_id=chat)
            api.push_text("hello", chat_id=chat, user_id=chat)
            api.push_text("/help", chat_id=chat, user_id=chat)
            api.push_text("thanks", chat_id=chat, user_id=chat)
        await api.wait_for("sendMessage", count=CHATS * 5, timeout=60)
    for chat in range(4001, 4001 + CHATS):
        kinds = [_kind(m) for m in api.sent if m["chat"]["id"] == chat]
        assert kinds == ["dose", "drugs", "hello", "help", "thanks"], (chat, kinds)


def _kind(message: dict) -> str:
    text = message["text"]
    if "3.6 mg/kg" in text:
        return "dose"
    if "Velorimab" in str(message.get("reply_markup")):  # the /drugs list's buttons
        return "drugs"
    return "hello" if "Hello!" in text else "thanks" if "welcome" in text else "help"

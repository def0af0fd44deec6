"""Inline to private: each inline answer carries a link that opens a private chat answering it at once."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from bot.telegram.deeplink import read_payload, start_payload
from intents.answering.models import Kind, Reply
from testkit.fakebotapi import BOT_USERNAME
from tests.bot.telegram.telegram_harness import running_bot

GREETING = "Hello! Ask me about a drug"


def payloads(call) -> list[str]:
    found = []
    for result in call.params["results"]:
        (row,) = result["reply_markup"]["inline_keyboard"]
        url = urlsplit(row[0]["url"])
        assert (url.scheme, url.netloc, url.path) == ("https", "t.me", f"/{BOT_USERNAME}")
        found.append(parse_qs(url.query)["start"][0])
    return found


def heading_of(result: dict) -> str:
    """The first line an answer starts with ("Drug — Section"), from an inline result's title ("Drug: Section")."""
    return result["title"].replace(": ", " — ", 1)


async def test_inline_result_opens_a_private_chat_that_answers_it_at_once(api, tmp_path):
    async with running_bot(api, tmp_path):
        api.push_inline("kadcyla dose")
        (call,) = await api.wait_for("answerInlineQuery")
        links = payloads(call)
        assert all(len(p) <= 64 for p in links)
        api.push_text(f"/start {links[0]}", chat_id=61, user_id=61)  # the best answer: its question
        await api.wait_for("sendMessage")
        api.push_text("and side effects?", chat_id=61, user_id=61)  # the question's drug is the chat's context
        await api.wait_for("sendMessage", count=2)
        other = call.params["results"][3]
        api.push_text(f"/start {links[3]}", chat_id=62, user_id=62)  # another section offered inline
        await api.wait_for("sendMessage", count=3)
    first, follow_up, section = api.sent
    assert "3.6 mg/kg" in first["text"] and not first["text"].startswith(GREETING)
    assert "Side Effects" in follow_up["text"]
    assert section["text"].split("\n")[0] == heading_of(other)


async def test_long_question_links_to_its_answer_and_a_forged_payload_just_greets(api, tmp_path):
    question = "what is the recommended dosage of kadcyla for an adult patient, and how often is it given in the clinic"
    async with running_bot(api, tmp_path):
        api.push_inline(question)
        (call,) = await api.wait_for("answerInlineQuery")
        link = payloads(call)[0]
        api.push_text(f"/start {link}", chat_id=63, user_id=63)
        await api.wait_for("sendMessage")
        api.push_text("/start not-one-of-ours", chat_id=64, user_id=64)
        await api.wait_for("sendMessage", count=2)
    assert len(link) <= 64
    assert api.sent[0]["text"].split("\n")[0] == heading_of(call.params["results"][0])
    assert api.sent[1]["text"].startswith(GREETING)


def test_payloads_are_short_url_safe_and_read_back():
    reply = Reply(query="q", kind=Kind.SECTION, drug="X", drug_id="x" * 32, part="p123")
    for question in ("kadcyla dose", "dosis de kadcyla en niños?", "ö" * 40, ""):
        payload = start_payload(question, reply)
        assert payload and len(payload) <= 64 and payload.replace("_", "").replace("-", "").isalnum()
        assert read_payload(payload) in (("q", question), ("a", "x" * 32, "p123"))
    assert read_payload("q!!!") is None and read_payload("z" + "A" * 10) is None and read_payload("") is None

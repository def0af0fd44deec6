"""👍/👎 under answers, /privacy, /forget and the admins' /report, with the real bot against the fake Bot API; and
what the log never keeps: group chatter."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from testkit.fakebotapi import BOT_ID, BOT_USERNAME
from tests.bot.telegram.telegram_harness import ADMIN, GROUP, button, running_bot, sent_to


def labels(message: dict) -> list[str]:
    return [b["text"] for row in (message.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]


def logged(tmp_path: Path, columns: str = "kind, chat_kind, text") -> list[tuple]:
    with sqlite3.connect(tmp_path / "state" / "drugbot.sqlite3") as db:
        return db.execute(f"SELECT {columns} FROM question_log ORDER BY id").fetchall()


async def test_votes_are_offered_under_confident_answers_in_private_chats_only(api, tmp_path):
    async with running_bot(api, tmp_path):
        api.push_text("dose of kadcyla?")
        api.push_text("kadcyla")  # a listing: nothing to vote on
        api.push_text("/drug kadcyla dose", chat_id=GROUP, chat_type="supergroup")
        await api.wait_for("sendMessage", count=3)
    answer, listing = sent_to(api, 42)
    (group_answer,) = sent_to(api, GROUP)
    assert labels(answer)[-2:] == ["👍", "👎"]  # the last row of the section buttons' keyboard
    assert "Dosage" in labels(answer)
    assert "👍" not in labels(listing) and "👍" not in labels(group_answer)


async def test_no_vote_buttons_when_feedback_or_the_log_is_off(api, tmp_path):
    for setting in ({"DRUGBOT_FEEDBACK": "false"}, {"DRUGBOT_QUESTION_LOG": "off"}):
        api.sent.clear()
        api.calls.clear()
        async with running_bot(api, tmp_path, background=False, **setting):
            api.push_text("dose of kadcyla?")
            await api.wait_for("sendMessage", predicate=lambda c: "3.6 mg/kg" in c.params["text"], count=1)
            (answer,) = api.sent
        assert "👍" not in labels(answer), setting


async def test_the_same_vote_twice_is_noted_once(api, tmp_path):
    async with running_bot(api, tmp_path):
        api.push_text("dose of kadcyla?")
        await api.wait_for("sendMessage")
        answer = api.sent[0]
        api.push_callback(button(answer, "👍"), answer)
        api.push_callback(button(answer, "👍"), answer)
        popups = await api.wait_for("answerCallbackQuery", count=2)
    assert [p.params["text"] for p in popups] == ["Thanks! Noted: 👍", "Already noted: 👍"]
    assert logged(tmp_path, "kind, drug, part, vote") == [("vote", "trastuzumab-emtansine", answer_part(answer), 1)]


def answer_part(message: dict) -> str:
    return button(message, "👍").split("|")[2]


async def test_a_vote_the_bot_cannot_have_offered_gets_the_no_longer_works_popup(api, tmp_path):
    async with running_bot(api, tmp_path):
        api.push_text("/drug kadcyla dose", chat_id=GROUP, chat_type="supergroup")
        await api.wait_for("sendMessage")
        in_group = api.sent[0]
        api.push_callback("v|trastuzumab-emtansine|f0|u", in_group)  # no votes in groups
        api.push_callback("v|no-such-drug|p1|d", {**in_group, "chat": api.chat(42)})
        popups = await api.wait_for("answerCallbackQuery", count=2)
    assert all("no longer works" in p.params["text"] for p in popups)
    assert logged(tmp_path) == []


async def test_group_chatter_is_never_stored(api, tmp_path):
    chatter = ["my aunt takes velorimab worth it", "kadcyla price is crazy", "velrmab dose for my dad?"]
    async with running_bot(api, tmp_path):
        for number, text in enumerate(chatter):
            api.push_text(text, chat_id=GROUP, chat_type="supergroup", user_id=700 + number)
        api.push_text(f"@{BOT_USERNAME} kadcyla worth it?", chat_id=GROUP, chat_type="supergroup")
        bot = {"id": BOT_ID, "is_bot": True, "first_name": "DrugBot"}
        reply_to = {"message_id": 1, "date": 1, "chat": api.chat(GROUP), "from": bot, "text": "Which part?"}
        api.push_text("velorimab worth it?", chat_id=GROUP, chat_type="supergroup", reply_to=reply_to)
        await api.wait_for("sendMessage", count=2)
        await api.quiet(0.3)
    assert logged(tmp_path) == [
        ("question", "group", "kadcyla worth it?"),
        ("question", "group", "velorimab worth it?"),
    ]
    state = tmp_path / "state"
    raw = b"".join(p.read_bytes() for p in state.iterdir())
    for text in chatter:
        assert text.encode() not in raw, text  # not in the log, and not left behind by the update journal


async def test_privacy_says_what_is_kept_and_for_how_long(api, tmp_path):
    async with running_bot(api, tmp_path, background=False, DRUGBOT_QUESTION_LOG_DAYS="30"):
        api.push_text("/privacy")
        await api.wait_for("sendMessage")
    text = api.sent[0]["text"]
    assert "deleted after 30 days" in text and "No names, no user or chat ids" in text and "/forget" in text
    async with running_bot(api, tmp_path, background=False, DRUGBOT_QUESTION_LOG="off"):
        api.push_text("/privacy")
        await api.wait_for("sendMessage", count=2)
    assert api.sent[1]["text"].startswith("I keep no log of questions here.")


async def test_forget_in_a_group_deletes_the_askers_rows_and_says_so(api, tmp_path):
    async with running_bot(api, tmp_path):
        api.push_text("/drug kadcyla worth it?", chat_id=GROUP, chat_type="supergroup", user_id=77)
        api.push_text("/drug velorimab worth it?", chat_id=GROUP, chat_type="supergroup", user_id=78)
        await api.wait_for("sendMessage", count=2)
        api.push_text("/forget", chat_id=GROUP, chat_type="supergroup", user_id=77)
        (done,) = await api.wait_for("sendMessage", predicate=lambda c: "deleted" in c.params["text"])
    assert done.params["text"].startswith("Done: I deleted 1 entries")
    assert logged(tmp_path, "text") == [("velorimab worth it?",)]


async def test_report_sends_admins_a_summary_and_the_html_report(api, tmp_path):
    async with running_bot(api, tmp_path):
        api.push_text("kadcyla worth it?", chat_id=5, user_id=5)
        api.push_text("dose of kadcyla?", chat_id=5, user_id=5)  # counted, not kept: the count waits in memory
        await api.wait_for("sendMessage", count=2)
        api.push_text("/report", chat_id=5, user_id=5)  # not an admin
        await api.wait_for("sendMessage", count=3)
        api.push_text("/report", chat_id=ADMIN, user_id=ADMIN)
        await api.wait_for("sendDocument")
        await api.wait_for("sendMessage", count=4)
    assert "only the bot's administrators" in sent_to(api, 5)[-1]["text"]
    (summary,) = sent_to(api, ADMIN)
    lines = summary["text"].splitlines()
    assert len(lines) == 5 and "2 messages, 1 answered with a part" in lines[0]
    assert '"Which part?" questions: 1' in lines[3]
    (document,) = api.documents
    page = document["content"].decode("utf-8")
    assert document["chat_id"] == ADMIN and document["filename"].endswith(".html")
    assert page.startswith("<!doctype html>") and "kadcyla worth it?" in page and "<svg" in page


async def test_inline_queries_and_channel_posts_are_kept_under_their_kind(api, tmp_path):
    async with running_bot(api, tmp_path):
        for typed in ("kad", "kadcyla wor", "kadcyla worth it?"):  # one query per keystroke
            api.push_inline(typed)
        await api.wait_for("answerInlineQuery", count=3)
        api.push_channel_post(f"@{BOT_USERNAME} velorimab worth it?")
        await api.wait_for("sendMessage")
    # the inline query, still settling when the bot stopped, was written at the stop; the keystrokes never
    assert logged(tmp_path) == [
        ("question", "channel", "velorimab worth it?"),
        ("question", "inline", "kadcyla worth it?"),
    ]

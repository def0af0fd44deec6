"""Right-to-left controls in a monograph never reverse the bot's own words in what Telegram shows: messages, long
answers split in several, the admins' drug list and inline results."""

from __future__ import annotations

from pathlib import Path

import pytest

from testkit.checks import open_bidi, open_bidi_lines
from testkit.fakebotapi import parse_html
from tests.answering.test_bidi import BANNED, RLI, RLO, SINISTRAMAB, before, visible
from tests.bot.telegram.telegram_harness import ADMIN, running_bot

SOURCE = "Sinistramab XR monograph, updated 1 Mar 2025"
# A long section whose every sentence opens an isolate it never closes: the answer is split into messages.
LONG = "\n".join(
    ["## Warnings", *(f"- {RLO}Warning {n}: {RLI}a long fictional caution for tests. " * 30 for n in range(6))]
)


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "sinistramab.md").write_text(SINISTRAMAB + LONG + "\n", encoding="utf-8")
    (seeds / "tenebrazole.md").write_text(BANNED, encoding="utf-8")
    return seeds


async def test_answers_close_every_control_before_the_bots_words(api, tmp_path, folder):
    async with running_bot(api, tmp_path, folders=[folder]):
        api.push_text("sinistramab side effects")
        api.push_text("sinistramab", chat_id=7, user_id=7)
        api.push_text("/drugs", chat_id=ADMIN, user_id=ADMIN)
        await api.wait_for("sendMessage", count=3)
    by_chat = {m["chat"]["id"]: m["text"] for m in api.sent}
    for text in by_chat.values():
        assert open_bidi_lines(text) == []
    answer = by_chat[42]
    assert visible(answer).endswith(SOURCE)
    assert open_bidi(before(answer, " — Side Effects")) == 0
    assert open_bidi(before(answer, " monograph, updated")) == 0
    assert open_bidi(before(by_chat[ADMIN], ": updated 1 Mar 2025")) == 0
    for row in api.sent[1]["reply_markup"]["inline_keyboard"]:
        for button in row:
            assert open_bidi(button["text"]) == 0


async def test_a_long_answer_split_in_messages_leaves_nothing_open(api, tmp_path, folder):
    async with running_bot(api, tmp_path, folders=[folder]):
        api.push_text("sinistramab warnings")
        await api.wait_for("sendMessage", count=3)
        await api.quiet(0.3)
    texts = [m["text"] for m in api.sent]
    assert len(texts) >= 3
    for text in texts:
        assert open_bidi_lines(text) == []
    shown = visible("\n".join(texts))
    assert shown.count("a long fictional caution for tests.") == 6 * 30
    assert visible(texts[-1]).endswith(SOURCE)


async def test_inline_titles_descriptions_and_messages_leave_nothing_open(api, tmp_path, folder):
    async with running_bot(api, tmp_path, folders=[folder]):
        api.push_inline("sinistramab dose")
        (call,) = await api.wait_for("answerInlineQuery")
    results = call.params["results"]
    assert results
    for result in results:
        title = result["title"]
        assert open_bidi(title) == 0
        assert open_bidi(before(title, ": ")) == 0  # the drug's name, then the bot's colon
        assert open_bidi(result["description"]) == 0
        message = parse_html(result["input_message_content"]["message_text"])
        assert open_bidi_lines(message) == []
        assert visible(message).endswith(SOURCE)

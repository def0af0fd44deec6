"""Properties of the Telegram text layer, over generated input (hypothesis, derandomized, bounded): replies split
into valid messages that lose nothing, button data that parses only as what the bot writes, mentions cut where
they stand in any alphabet."""

from __future__ import annotations

import datetime as dtm
import re

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from telegram import Chat, Message, MessageEntity

from bot.telegram.groups import without_mention
from bot.telegram.keyboards import parse_data
from bot.telegram.render import MESSAGE_LIMIT, to_html_messages
from intents.answering.models import Kind, Reply
from intents.library.models import Line
from testkit.fakebotapi import parse_html, utf16_len

PROPERTIES = settings(derandomize=True, deadline=None, max_examples=80, suppress_health_check=[HealthCheck.too_slow])
USERNAME = "drug_test_bot"
# every plane, markup characters, emoji, the letters whose case changes length; no lone surrogates (not UTF-8)
chars = st.one_of(
    st.characters(exclude_categories=("Cs",)),
    st.sampled_from(list("<>&;'\"İßﬁ💊🧪👩‍⚕️ \n")),
)
# long texts repeat a short one: as hard to split, much cheaper to generate
repeated = st.builds(lambda t, n: t * n, st.text(chars, min_size=1, max_size=40), st.integers(60, 400))
texts = st.text(chars, max_size=200) | repeated
lines = st.builds(
    Line,
    role=st.sampled_from(["title", "heading", "question", "text", "bullet", "note"]),
    text=texts,
    label=st.none() | st.text(chars, max_size=60),
    depth=st.integers(0, 4),
)


def _visible(text: str) -> str:
    return re.sub(r"\s+", "", text)


@PROPERTIES
@given(reply_lines=st.lists(lines, min_size=1, max_size=4))
def test_any_reply_splits_into_valid_messages_under_the_limit_that_lose_nothing(reply_lines):
    reply = Reply(query="q", kind=Kind.SECTION, lines=reply_lines, text="x")
    messages = [parse_html(m) for m in to_html_messages(reply, MESSAGE_LIMIT)]  # parse_html: Telegram's check
    assert messages and all(utf16_len(m) <= MESSAGE_LIMIT for m in messages)
    shown = _visible("".join(messages))
    for line in reply_lines:
        shown_label = line.label if line.role in ("text", "bullet", "note") else None  # headings carry no label
        for part in (shown_label or "", line.text):
            assert _visible(part) in shown or all(_visible(w) in shown for w in part.split())


@PROPERTIES
@given(data=st.text(chars, max_size=80) | st.binary(max_size=64).map(lambda b: b.decode("utf-8", "replace")))
def test_button_data_parses_only_as_what_the_bot_writes(data):
    press = parse_data(data)
    if press is not None:
        written = {
            "part": f"p|{press.drug_id}|{press.part}",
            "pick": f"d|{press.drug_id}",
            "page": f"g|{press.page}",
            "list": f"l|{press.drug_id}|{press.part}|{press.page}",
        }[press.action]
        assert written == re.sub(r"\|0+(?=[0-9]+$)", "|", data)  # a page number may have leading zeros


def _message(text: str, entities: list[MessageEntity]) -> Message:
    chat = Chat(-100, Chat.SUPERGROUP)
    return Message(1, dtm.datetime.now(dtm.UTC), chat, text=text, entities=entities)


@PROPERTIES
@given(before=st.text(chars, max_size=40), after=st.text(chars, max_size=40), with_entity=st.booleans())
@example(before="İİİ kadcyla", after="dose", with_entity=False)  # "İ" lower-cases to two characters
@example(before="💊💊", after="kadcyla dose", with_entity=True)  # an emoji is two UTF-16 units
def test_the_mention_is_found_and_cut_where_it_stands_in_any_text(before, after, with_entity):
    before, after = before + " ", " " + after  # a mention is a whole word
    text = f"{before}@{USERNAME}{after}"
    entity = MessageEntity(MessageEntity.MENTION, utf16_len(before), len(USERNAME) + 1)
    assume(f"@{USERNAME}" not in (before + after).lower())  # one mention, the one placed here
    question, mentioned = without_mention(_message(text, [entity] if with_entity else []), USERNAME, 777)
    assert mentioned and question == f"{before} {after}"

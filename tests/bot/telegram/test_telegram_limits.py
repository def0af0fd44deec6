"""Telegram's length limits, counted as Telegram counts them: UTF-16 code units, after entity parsing."""

from __future__ import annotations

from bot.telegram.render import MESSAGE_LIMIT, to_html_messages
from intents.answering.models import Kind, Reply
from intents.library.models import Line
from testkit.fakebotapi import parse_html, utf16_len
from tests.bot.telegram.telegram_harness import running_bot

PILL = "💊"  # one character, two UTF-16 code units


async def test_a_bullet_of_2100_pill_emoji_is_delivered_in_valid_parts(api, tmp_path):
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "pillamab.md").write_text(
        "---\ntitle: Pillamab\nfaqs: []\n---\n## Usage\n\n- Fictional.\n\n"
        f"## Dosage\n\n- **Standard:** {PILL * 2100}\n",
        encoding="utf-8",
    )
    async with running_bot(api, tmp_path, folders=[folder]):
        api.push_text("pillamab dosage")
        await api.wait_for("sendMessage", count=2)
        await api.quiet(0.5)
    assert len(api.sent) == len(api.calls_of("sendMessage")) >= 2  # every part accepted, none "too long"
    assert sum(m["text"].count(PILL) for m in api.sent) == 2100
    assert all(utf16_len(m["text"]) <= 4096 for m in api.sent)


def test_emoji_heavy_replies_split_under_the_limit_in_utf16_units():
    lines = [Line(role="title", text="Pillamab — Dosage")]
    lines += [Line(role="bullet", text=f"{PILL} step {i} " + "🧪" * 700, label="Label 🏷️" * 3) for i in range(8)]
    lines.append(Line(role="text", text="🩺" * 5000 + ". Done."))
    reply = Reply(query="pillamab dose", kind=Kind.SECTION, lines=lines, text="")
    messages = to_html_messages(reply, MESSAGE_LIMIT)
    assert len(messages) > 3
    assert all(utf16_len(parse_html(m)) <= MESSAGE_LIMIT for m in messages)
    joined = "".join(parse_html(m) for m in messages)
    assert joined.count("🧪") == 8 * 700 and joined.count("🩺") == 5000

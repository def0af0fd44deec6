"""Buttons: every section one tap away (the buttons under answers, the "All sections…" listing and its pages);
old or forged button data gets a polite popup and nothing else."""

from __future__ import annotations

import logging

from bot.telegram.keyboards import Press, parse_data
from tests.bot.telegram.telegram_harness import button, running_bot


def labels(markup: dict) -> list[str]:
    return [b["text"] for row in markup["inline_keyboard"] for b in row]


async def test_all_sections_button_shows_every_section_and_the_faq_list(api, tmp_path):
    async with running_bot(api, tmp_path):
        api.push_text("dose of kadcyla?")
        await api.wait_for("sendMessage")
        answer = api.sent[0]
        assert "All sections…" in labels(answer["reply_markup"])
        api.push_callback(button(answer, "All sections…"), answer)
        await api.wait_for("sendMessage", count=2)
        listing = api.sent[1]
    shown = labels(listing["reply_markup"])
    for section in ("Dosage", "Side Effects", "Precautions", "Popular Combinations", "Frequently asked questions"):
        assert section in shown
    assert "All sections…" not in shown
    # every bullet of the listing is a button under it
    bullets = [line[2:].split(" (")[0] for line in listing["text"].splitlines() if line.startswith("• ")]
    assert bullets and set(bullets) <= set(shown)


async def test_long_listing_is_paged_and_every_section_is_reachable(api, tmp_path):
    folder = tmp_path / "seeds"
    folder.mkdir()
    sections = [f"Fictional Part {i:02d}" for i in range(30)]
    faqs = "".join(f"  - q: Fictional question number {i}?\n    a: Fictional answer {i}.\n" for i in range(15))
    body = "".join(f"## {name}\n\n- Fictional text {i}.\n\n" for i, name in enumerate(sections))
    (folder / "manysectamab.md").write_text(f"---\ntitle: Manysectamab\nfaqs:\n{faqs}---\n{body}", encoding="utf-8")
    async with running_bot(api, tmp_path, folders=[folder]):
        api.push_text("manysectamab")
        await api.wait_for("sendMessage")
        listing = api.sent[0]
        seen, markup, pages = set(), listing["reply_markup"], 0
        while True:
            pages += 1
            seen |= set(labels(markup))
            if "Next »" not in labels(markup):
                break
            api.push_callback(button({"reply_markup": markup}, "Next »"), listing)
            (*_, edit) = await api.wait_for("editMessageReplyMarkup", count=pages)
            markup = edit.params["reply_markup"]
        assert set(sections) | {"Frequently asked questions"} <= seen
        assert pages == 3

        api.push_callback(button(api.sent[0], "Fictional Part 00"), api.sent[0])
        await api.wait_for("sendMessage", count=2)
        api.push_text("manysectamab faqs")
        await api.wait_for("sendMessage", count=3)
        faq_list = api.sent[2]
        first = labels(faq_list["reply_markup"])
        api.push_callback(button(faq_list, "Next »"), faq_list)
        (*_, edit) = await api.wait_for("editMessageReplyMarkup", count=3)
        second = labels(edit.params["reply_markup"])
    assert "Next »" in first and "« Previous" in second
    faq_buttons = [label for label in first + second if label.startswith("Fictional question")]
    assert len(set(faq_buttons)) == 15


FORGED = [
    "g|²",  # passes str.isdigit(), not int()
    "g|٣",  # an Arabic-Indic digit
    "g|-1",
    "l|trastuzumab-emtansine|list|²",
    "l|trastuzumab-emtansine|p1|0",
    "g|1|2",
    "g|99999999999999999999",
    "p|trastuzumab-emtansine",
    "p|trastuzumab-emtansine|p1|extra",
    "p||p1",
    "p|trastuzumab emtansine|p1",
    "p|trastuzumab-emtansine|P1",
    "d|",
    "x|1",
    "|",
    "",
    "\x00\x01\x02",
    "\udcff".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
    "é" * 40,
    "p|" + "a" * 200 + "|p1",  # over Telegram's 64 bytes
]


def test_button_data_is_parsed_strictly():
    assert parse_data("g|2") == Press("page", page=2)
    assert parse_data("p|trastuzumab-emtansine|f0") == Press("part", "trastuzumab-emtansine", "f0")
    assert parse_data("d|velorimab") == Press("pick", "velorimab")
    assert parse_data("l|velorimab|faq|3") == Press("list", "velorimab", "faq", 3)
    assert [d for d in FORGED if parse_data(d) is not None] == []


async def test_forged_button_data_is_answered_politely(api, tmp_path, caplog):
    async with running_bot(api, tmp_path):
        api.push_text("kadcyla")
        await api.wait_for("sendMessage")
        answer = api.sent[0]
        with caplog.at_level(logging.WARNING):
            for data in FORGED:
                api.push_callback(data, answer)
            calls = await api.wait_for("answerCallbackQuery", count=len(FORGED))
            await api.quiet(0.5)
        assert all("no longer works" in c.params.get("text", "") for c in calls)
        assert len(api.calls_of("sendMessage")) == 1 and api.calls_of("editMessageText") == []
        assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []

        api.push_callback(button(answer, "Dosage"), answer)  # a real button still answers
        await api.wait_for("sendMessage", count=2)
        assert api.sent[1]["text"].startswith("Trastuzumab Emtansine — Dosage")

"""Every section one tap away: the buttons under answers, the "All sections…" listing and its pages."""

from __future__ import annotations

from tests.telegram_harness import button, running_bot


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

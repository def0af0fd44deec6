"""Monograph files changed under the running bot, before their parts are cut: no apology, no banned text."""

from __future__ import annotations

from pathlib import Path

from bot.service import EngineService
from intents.assembly import load_engine
from tests.bot.telegram.telegram_harness import running_bot
from tests.test_changed_monographs import BANNED_DOSE, flipmab


def folder_of_flipmab(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "flipmab.md").write_text(flipmab(), encoding="utf-8")
    return folder


async def test_a_question_about_a_deleted_monograph_says_it_is_being_updated_not_sorry(api, tmp_path):
    folder = folder_of_flipmab(tmp_path)
    (folder / "steadymab.md").write_text(flipmab().replace("Flipmab", "Steadymab"), encoding="utf-8")
    service = EngineService(load_engine([folder], defer_units=True), [folder])
    async with running_bot(api, tmp_path, service=service, background=False):
        (folder / "flipmab.md").unlink()
        api.push_text("flipmab dose")
        api.push_text("steadymab dose")
        await api.wait_for("sendMessage", count=2)
        await api.quiet(0.3)
    texts = [m["text"] for m in api.sent]
    assert texts[0].startswith("The Flipmab monograph is being updated right now.")
    assert "Steadymab 100 mg weekly" in texts[1]
    assert not any("went wrong" in t for t in texts)


async def test_a_monograph_rewritten_banned_is_refused_in_the_chat(api, tmp_path):
    folder = folder_of_flipmab(tmp_path)
    service = EngineService(load_engine([folder], defer_units=True), [folder], settle=0)
    async with running_bot(api, tmp_path, service=service, background=False):
        (folder / "flipmab.md").write_text(flipmab(banned=True, dose=BANNED_DOSE), encoding="utf-8")
        api.push_text("flipmab dose")
        await api.wait_for("sendMessage")
        await api.quiet(0.3)
    (text,) = [m["text"] for m in api.sent]
    assert text == "I can't provide information about Flipmab."

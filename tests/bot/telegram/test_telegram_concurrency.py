"""Engine calls run off the event loop: a slow question never holds up other chats, and one chat's follow-up
still reads the context its question left. Calls that cannot be slow skip the thread hand-off."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from bot.service import EngineService
from intents.assembly import load_engine
from tests.bot.telegram.telegram_harness import running_bot
from tests.conftest import SEEDS


def _huge_monograph(folder: Path) -> None:
    """A fictional monograph just under the 2 MiB file limit: cutting it into answer units takes a while."""
    sections = []
    for s in range(55):
        bullets = "\n".join(
            f"- **Fictional label {s}-{i}:** " + "fictional words about dosing, monitoring, kidneys and liver " * 6
            for i in range(80)
        )
        sections.append(f"## Fictional Section {s}\n\n### Part {s}\n\n{bullets}\n")
    text = "---\ntitle: Hugeamab\nfaqs: []\n---\n## Dosage\n\n- Fictional dose: 1 mg.\n\n" + "\n".join(sections)
    (folder / "hugeamab.md").write_text(text[: 2 * 1024 * 1024 - 1024], encoding="utf-8")


@pytest.mark.parametrize("slow", ["message", "inline query"])
async def test_a_normal_question_is_answered_while_a_slow_one_is_in_progress(api, tmp_path, slow):
    folder = tmp_path / "huge"
    folder.mkdir()
    _huge_monograph(folder)
    folders = [SEEDS, folder]
    # As in the first seconds after a cold start over a big corpus: drugs are cut into answer units when first
    # asked about, and the background cutter (not started here) has not reached this one yet.
    service = EngineService(load_engine(folders, defer_units=True), folders)
    async with running_bot(api, tmp_path, service=service, background=False):
        if slow == "message":
            api.push_text("hugeamab dose", chat_id=1001, user_id=1001)
        else:
            api.push_inline("hugeamab dose", user_id=1001)
        api.push_text("dose of kadcyla?", chat_id=1002, user_id=1002)
        await api.wait_for("sendMessage", predicate=lambda c: int(c.params["chat_id"]) == 1002, timeout=30)
        slow_was_answered = bool(api.calls_of("answerInlineQuery")) or any(m["chat"]["id"] == 1001 for m in api.sent)
        if slow == "message":
            await api.wait_for("sendMessage", count=2, timeout=30)
        else:
            await api.wait_for("answerInlineQuery", timeout=30)
    assert not slow_was_answered
    assert "3.6 mg/kg" in api.sent[0]["text"]


async def test_a_follow_up_sent_at_once_still_reads_the_questions_context(api, tmp_path):
    async with running_bot(api, tmp_path):
        for chat in range(2001, 2009):
            api.push_text("dose of kadcyla?", chat_id=chat, user_id=chat)
            api.push_text("and side effects?", chat_id=chat, user_id=chat)
        await api.wait_for("sendMessage", count=16)
    follow_ups = [m for m in api.sent if "Side Effects" in m["text"]]
    assert len(follow_ups) == 8 and all(m["text"].startswith("Trastuzumab Emtansine") for m in follow_ups)


async def _thread_of(service: EngineService, text: str | None) -> str:
    """The thread an engine call answering `text` runs in."""
    return await service.run(lambda: threading.current_thread().name, text=text)


async def test_once_nothing_can_be_slow_a_short_question_is_answered_without_a_thread_hand_off(tmp_path):
    service = EngineService(load_engine([SEEDS], cache_dir=tmp_path), [SEEDS])
    try:
        # until the background cutter has checked that no drug is left to cut on first use
        assert (await _thread_of(service, "dose of kadcyla?")).startswith("engine")
        await service.complete_units()
        assert await _thread_of(service, "dose of kadcyla?") == threading.current_thread().name
        assert await _thread_of(service, "") == threading.current_thread().name  # a button: a part of a drug
        assert (await _thread_of(service, "kadcyla " * 30)).startswith("engine")  # a long message
        assert (await _thread_of(service, None)).startswith("engine")  # not an answer to one message
    finally:
        service.close()


async def test_with_a_huge_monograph_in_the_corpus_every_question_stays_off_the_event_loop(tmp_path):
    folder = tmp_path / "huge"
    folder.mkdir()
    _huge_monograph(folder)
    service = EngineService(load_engine([SEEDS, folder], cache_dir=tmp_path / "cache"), [SEEDS, folder])
    try:
        await service.complete_units()  # every unit is cut, but unpacking the huge one's takes tens of ms
        assert (await _thread_of(service, "dose of kadcyla?")).startswith("engine")
    finally:
        service.close()

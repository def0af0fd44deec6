"""Hot reload while monograph files are being written: a file is read once it stands still, never half-written,
and a file found changed when asked about is read again, watcher or not."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest

from bot.service import EngineService
from intents import Kind, Reply, load_engine
from tests.test_changed_monographs import age

HALFMAB = """---
title: Halfmab
description: A fictional test antibody whose file is written in pieces.
is_banned: false
faqs: []
---
## Usage

- **Medical Conditions:** Fictional treatment of imaginary chunk syndrome.

## Dosage

### Standard Dosage

#### Adults:

- {dose}

## Side Effects

- Fictional tiredness of the test kind.

## Pregnancy

- Fictional advice: avoid in pregnancy.
"""
OLD_DOSE = "Halfmab 100 mg weekly (fictional, the old dose)."
NEW_DOSE = "Halfmab 125 mg weekly (fictional, the new dose)."
SECTIONS = {"Usage", "Dosage", "Side Effects", "Pregnancy"}


def aged(path: Path, text: str) -> None:
    """Written a minute ago: a finished file."""
    path.write_text(text, encoding="utf-8")
    age(path, 60)


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    aged(seeds / "halfmab.md", HALFMAB.format(dose=OLD_DOSE))
    aged(seeds / "steadymab.md", HALFMAB.format(dose=OLD_DOSE).replace("Halfmab", "Steadymab"))
    return seeds


def half_served(reply: Reply) -> str | None:
    """What in a reply shows a half-written file: a dose line cut short, a listing without its last sections."""
    for line in reply.text.splitlines():
        if "Halfmab 1" in line and not line.endswith((OLD_DOSE, NEW_DOSE)):
            return line
    if reply.kind == Kind.LISTING and {o.label for o in reply.options} & SECTIONS != SECTIONS:
        return f"a listing of {sorted(o.label for o in reply.options)}"
    return None


def write_in_pieces(path: Path, text: str, cuts: list[str], hold: float) -> None:
    """Write `text` as an editor without atomic saves does: up to each cut, then a pause of `hold` seconds."""
    with path.open("w", encoding="utf-8") as handle:
        done = 0
        for cut in cuts:
            end = text.index(cut) + len(cut)
            handle.write(text[done:end])
            handle.flush()
            done = end
            time.sleep(hold)
        handle.write(text[done:])


async def test_a_monograph_written_in_pieces_is_never_served_half_written(folder: Path):
    service = EngineService(load_engine([folder], defer_units=True), [folder])
    watcher = asyncio.create_task(service.watch(0.1))
    path = folder / "halfmab.md"
    writer = threading.Thread(
        target=write_in_pieces, args=(path, HALFMAB.format(dose=NEW_DOSE), ["Halfmab 125 mg we", "tiredness"], 1.0)
    )
    problems: list[str] = []
    try:
        writer.start()
        deadline = time.monotonic() + 12
        while time.monotonic() < deadline:
            replies = [(await service.run(service.engine.respond, q))[0] for q in ("halfmab dose", "halfmab")]
            problems += [problem for reply in replies if (problem := half_served(reply)) is not None]
            if not writer.is_alive() and NEW_DOSE in replies[0].text:
                break
            await asyncio.sleep(0.05)
    finally:
        writer.join()
        watcher.cancel()
        service.close()
    assert problems == []
    assert NEW_DOSE in service.engine.respond("halfmab dose")[0].text


async def test_a_reload_while_a_file_is_still_being_written_reads_it_once_it_stands_still(folder: Path):
    service = EngineService(load_engine([folder], defer_units=True), [folder], settle=0.6)  # no watcher
    path = folder / "newmab.md"
    text = HALFMAB.format(dose=NEW_DOSE).replace("Halfmab", "Newmab")
    writer = threading.Thread(target=write_in_pieces, args=(path, text, ["## Dosage", "## Side"], 0.5))
    writer.start()
    await asyncio.sleep(0.1)
    result = await service.reload()  # waits 0.6 s for the file to stand still; the writer goes on 0.9 s more
    assert result.ok and result.waiting == [str(path)] and service.engine.corpus.get("newmab") is None
    await asyncio.to_thread(writer.join)
    for _ in range(50):
        if service.engine.corpus.get("newmab") is not None:
            break
        await asyncio.sleep(0.1)
    service.close()
    assert "Newmab 125 mg weekly" in service.engine.respond("newmab dose")[0].text


async def test_without_the_watcher_a_monograph_found_changed_is_read_again(folder: Path):
    service = EngineService(load_engine([folder], defer_units=True), [folder], settle=0.3)  # no watcher
    aged(folder / "halfmab.md", HALFMAB.format(dose=NEW_DOSE).replace("title: Halfmab", "title: Renamab"))
    reply, _ = await service.run(service.engine.respond, "halfmab dose")
    assert reply.kind == Kind.UNKNOWN and "being updated" in reply.text and OLD_DOSE not in reply.text
    (folder / "steadymab.md").unlink()
    reply, _ = await service.run(service.engine.respond, "steadymab dose")
    assert "being updated" in reply.text
    for _ in range(50):
        if service.reloads:
            break
        await asyncio.sleep(0.1)
    service.close()
    assert service.reloads == 1
    assert service.engine.respond("renamab dose")[0].kind == Kind.SECTION
    assert service.engine.respond("steadymab dose")[0].kind == Kind.UNKNOWN
    assert "being updated" not in service.engine.respond("halfmab dose")[0].text

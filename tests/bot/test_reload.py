"""Reloading swaps the engine atomically: old answers during a rebuild, nothing lost on a failed one."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from bot.service import EngineService
from intents.assembly import load_engine

NEW = "---\ntitle: Newamab\nfaqs: []\n---\n## Usage\n\n- Fictional newamab usage.\n"


@pytest.fixture()
def folder(kadcyla_folder: Path) -> Path:
    return kadcyla_folder


async def test_questions_during_a_rebuild_are_answered_by_the_old_engine(folder):
    release = threading.Event()
    started = threading.Event()

    def slow_loader(folders, current):
        started.set()
        release.wait(10)
        return load_engine(folders, current.lexicon)

    service = EngineService(load_engine([folder]), [folder], loader=slow_loader)
    old = service.engine
    (folder / "newamab.md").write_text(NEW, encoding="utf-8")
    reload = asyncio.create_task(service.reload())
    await asyncio.to_thread(started.wait, 10)
    assert service.engine is old
    assert "3.6 mg/kg" in service.engine.respond("dose of kadcyla?")[0].text
    assert service.engine.respond("newamab")[0].drug is None
    release.set()
    result = await reload
    assert result.ok and service.engine is not old
    assert service.engine.respond("newamab")[0].drug == "Newamab"


async def test_failed_reload_keeps_serving_the_old_corpus(folder):
    service = EngineService(load_engine([folder]), [folder])
    old = service.engine
    shutil.rmtree(folder)
    result = await service.reload()
    assert not result.ok and "not found" in (result.error or "")
    assert service.engine is old and "3.6 mg/kg" in old.respond("dose of kadcyla?")[0].text


async def test_reload_with_bad_files_keeps_the_good_and_reports_the_bad(folder):
    service = EngineService(load_engine([folder]), [folder])
    (folder / "broken.md").write_text("no front matter here", encoding="utf-8")
    (folder / "newamab.md").write_text(NEW, encoding="utf-8")
    result = await service.reload()
    assert result.ok and result.drugs == 2
    assert [Path(i.file).name for i in result.issues] == ["broken.md"]


async def test_reload_of_only_broken_files_keeps_the_old_engine(folder):
    service = EngineService(load_engine([folder]), [folder])
    old = service.engine
    (folder / "kadcyla.md").write_text("garbage", encoding="utf-8")
    result = await service.reload()
    assert not result.ok and "no valid monograph" in (result.error or "")
    assert service.engine is old


async def test_watcher_rebuilds_when_the_folder_changes(folder):
    service = EngineService(load_engine([folder]), [folder])
    assert not await service.changed()
    watcher = asyncio.create_task(service.watch(0.2))
    try:
        added = folder / "newamab.md"
        added.write_text(NEW, encoding="utf-8")
        finished = time.time() - 10  # a file copied in whole a while ago: no wait for it to stand still
        os.utime(added, (finished, finished))
        for _ in range(100):
            if service.engine.respond("newamab")[0].drug == "Newamab":
                break
            await asyncio.sleep(0.1)
        assert service.engine.respond("newamab")[0].drug == "Newamab"
        assert service.reloads == 1
    finally:
        watcher.cancel()


async def test_a_bad_file_is_logged_once_not_at_every_reload(folder, caplog):
    (folder / "broken.md").write_text("no front matter here", encoding="utf-8")
    caplog.set_level(logging.WARNING)
    service = EngineService(load_engine([folder]), [folder])
    (folder / "newamab.md").write_text(NEW, encoding="utf-8")
    assert (await service.reload()).ok
    (folder / "newamab.md").unlink()
    assert (await service.reload()).ok
    assert [r.getMessage() for r in caplog.records if "broken.md" in r.getMessage()] == [
        f"skipped monograph {folder / 'broken.md'}: no YAML front matter (the file must start with a '---' line)"
    ]

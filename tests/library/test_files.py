"""Only regular files are read: FIFOs, devices, broken or looping links, linked or unreadable folders are named."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import threading
from pathlib import Path

import pytest

import intents.library.files
from bot.cli import run_check
from bot.service import EngineService
from intents.assembly import load_engine
from intents.library.corpus import CorpusError, load_corpus
from intents.library.parser import MonographError
from intents.library.versions import read_monograph_file
from tests.bot.test_cli import run


@pytest.fixture()
def folder(kadcyla_folder: Path) -> Path:
    return kadcyla_folder


@pytest.fixture()
def odd_folder(folder: Path, tmp_path: Path) -> Path:
    """The seed beside every kind of entry that must not be read."""
    os.mkfifo(folder / "fifo.md")
    (folder / "zero.md").symlink_to("/dev/zero")
    (folder / "dangling.md").symlink_to(folder / "missing.md")
    (folder / "loop-a.md").symlink_to(folder / "loop-b.md")
    (folder / "loop-b.md").symlink_to(folder / "loop-a.md")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (folder / "linked-folder").symlink_to(elsewhere)
    (folder / "zz-kadcyla-link.md").symlink_to(folder / "kadcyla.md")  # a link to a regular file is read
    return folder


def reasons(corpus) -> dict[str, str]:
    return {Path(i.file).name: i.reason for i in corpus.issues}


def test_special_files_and_odd_links_are_named_not_read(odd_folder: Path):
    corpus = load_corpus([odd_folder])
    found = reasons(corpus)
    assert found["fifo.md"] == "a FIFO, not a regular file: not read"
    assert found["zero.md"] == "symbolic link to '/dev/zero', a character device, not a regular file: not read"
    assert found["dangling.md"] == f"broken symbolic link: '{odd_folder / 'missing.md'}' does not exist"
    assert found["loop-a.md"].startswith("symbolic link loop") and found["loop-b.md"].startswith("symbolic link loop")
    assert found["linked-folder"].startswith("symbolic link to a folder")
    assert found["zz-kadcyla-link.md"].startswith("duplicate title")  # read, and found to be the same drug
    assert list(corpus.entries) == ["trastuzumab-emtansine"]


def test_check_and_ask_never_hang_on_a_fifo_or_a_link_to_dev_zero(odd_folder: Path):
    checked = run("check", "--seeds", str(odd_folder))
    assert checked.returncode == 1
    for name in ("fifo.md", "zero.md", "dangling.md", "loop-a.md", "linked-folder"):
        assert f"BAD  {odd_folder / name}: " in checked.stdout
    asked = run("ask", "--seeds", str(odd_folder), "dose of kadcyla?", env={"DRUGBOT_CACHE_DIR": "off"})
    assert asked.returncode == 0 and "3.6 mg/kg" in asked.stdout


def test_a_fifo_swapped_in_after_the_scan_is_refused_at_once(tmp_path: Path):
    fifo = tmp_path / "late.md"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []

    def read() -> None:
        try:
            read_monograph_file(fifo)
        except BaseException as exc:
            outcome.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(10)
    if reader.is_alive():  # blocked in open(): let it go before failing
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    assert not reader.is_alive()
    assert isinstance(outcome[0], MonographError) and "a FIFO, not a regular file" in str(outcome[0])


def test_a_file_over_the_limit_is_refused_before_reading(tmp_path: Path, monkeypatch):
    big = tmp_path / "big.md"
    big.write_bytes(b"x" * 5000)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read without a size check"))
    with pytest.raises(MonographError, match=r"too large \(5,000 bytes; the limit is 4,000\)"):
        read_monograph_file(big, max_bytes=4000)


@pytest.fixture()
def unreadable(monkeypatch) -> set[str]:
    """Folders whose listing fails with EACCES, as `chmod 000` does (tests may run as root, which it does not stop)."""
    denied: set[str] = set()
    real = os.scandir

    def scandir(path):
        if str(path) in denied:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(intents.library.files.os, "scandir", scandir)
    return denied


def test_an_unreadable_subfolder_is_named(folder: Path, unreadable: set[str]):
    (folder / "private").mkdir()
    unreadable.add(str(folder / "private"))
    printed = io.StringIO()
    assert run_check([folder], out=printed) == 1
    assert f"BAD  {folder / 'private'}: folder cannot be read: Permission denied" in printed.getvalue()


def test_an_unreadable_folder_is_reported_as_unreadable(folder: Path, unreadable: set[str]):
    unreadable.add(str(folder))
    with pytest.raises(CorpusError, match=rf"monograph folder cannot be read: {folder} \(Permission denied\)"):
        load_corpus([folder])


def test_an_unreadable_file_is_named(folder: Path, monkeypatch):
    real = os.open

    def denied(path, flags, *args):
        if str(path).endswith("kadcyla.md"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, flags, *args)

    (folder / "other.md").write_text("---\ntitle: Fictomab\n---\n## Usage\n- Fictional.\n", encoding="utf-8")
    monkeypatch.setattr(intents.library.files.os, "open", denied)
    assert reasons(load_corpus([folder])) == {"kadcyla.md": "cannot be read: Permission denied"}


async def test_the_watcher_logs_an_unreadable_folder_once_and_keeps_serving(folder: Path, unreadable, caplog):
    service = EngineService(load_engine([folder]), [folder])
    unreadable.add(str(folder))
    caplog.set_level(logging.INFO)
    watcher = asyncio.create_task(service.watch(0.02))
    await asyncio.sleep(0.5)
    unreadable.clear()
    await asyncio.sleep(0.2)
    watcher.cancel()
    messages = [r.getMessage() for r in caplog.records if r.name == "bot.service"]
    assert messages == [
        f"cannot watch the monograph folders, still serving: monograph folder cannot be read: {folder} "
        "(Permission denied)",
        "the monograph folders can be read again",
    ]
    assert "3.6 mg/kg" in service.engine.respond("dose of kadcyla?")[0].text


async def test_a_reload_that_fails_is_not_retried_until_the_folder_changes_again(folder: Path, caplog):
    service = EngineService(load_engine([folder]), [folder], settle=0)  # files are read as soon as they change
    caplog.set_level(logging.ERROR)
    watcher = asyncio.create_task(service.watch(0.02))
    (folder / "kadcyla.md").write_text("garbage", encoding="utf-8")
    await asyncio.sleep(0.6)
    watcher.cancel()
    failures = [r for r in caplog.records if "reload failed" in r.getMessage()]
    assert len(failures) == 1 and service.reloads == 0


async def test_a_fifo_dropped_into_a_watched_folder_is_logged_once(folder: Path, caplog):
    service = EngineService(load_engine([folder]), [folder])
    caplog.set_level(logging.WARNING)
    watcher = asyncio.create_task(service.watch(0.02))
    os.mkfifo(folder / "fifo.md")
    await asyncio.sleep(0.6)
    watcher.cancel()
    logged = [r.getMessage() for r in caplog.records if "fifo.md" in r.getMessage()]
    assert logged == [f"skipped monograph {folder / 'fifo.md'}: a FIFO, not a regular file: not read"]
    assert service.reloads == 1 and "3.6 mg/kg" in service.engine.respond("dose of kadcyla?")[0].text


def test_names_that_are_not_utf8_are_named_printably(folder: Path, tmp_path: Path):
    (folder / "caf\udce9.md").write_bytes((folder / "kadcyla.md").read_bytes())
    odd_top = tmp_path / "seeds-\udcff"
    odd_top.mkdir()
    (odd_top / "fictomab.md").write_text("---\ntitle: Fictomab\n---\n## Usage\n- Fictional.\n", encoding="utf-8")
    corpus = load_corpus([folder, odd_top])
    assert [(i.file, i.reason) for i in corpus.issues] == [
        (f"{folder}/caf\\xe9.md", "name is not valid UTF-8: rename it")
    ]
    assert sorted(corpus.entries) == ["fictomab", "trastuzumab-emtansine"]  # a folder's own path may be anything
    printed = io.StringIO()
    run_check([folder], out=printed)
    printed.getvalue().encode("utf-8")  # printable: no lone surrogates

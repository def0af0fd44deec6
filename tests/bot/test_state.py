"""The state store: chat contexts and the update journal in SQLite, and what happens to a damaged file."""

from __future__ import annotations

import ast
import logging
import sqlite3
from pathlib import Path

from bot.state import KEEP_DONE, open_state
from tests.conftest import ROOT


def _saved_state(path: Path, chats: int = 50) -> bytes:
    store = open_state(path)
    for chat_id in range(chats):
        store.save_chat(chat_id, {"ctx": {"drug_id": "trastuzumab-emtansine", "topic": "dosage", "n": chat_id}})
    store.receive([(1, '{"update_id": 1}')])
    store.close()
    return path.read_bytes()


def test_contexts_and_pending_updates_survive_reopening(tmp_path):
    path = tmp_path / "state.sqlite3"
    store = open_state(path)
    store.save_chat(-100, {"ctx": {"drug_id": "velorimab", "pending": None}})
    assert store.receive([(7, '{"update_id": 7}'), (8, '{"update_id": 8}')]) == [True, True]
    store.answered(7, -100, {"ctx": {"drug_id": "plumbazole"}})
    store.close()

    again = open_state(path)
    assert again.chats() == {-100: {"ctx": {"drug_id": "plumbazole"}}}
    assert again.pending() == [(8, '{"update_id": 8}')]
    assert again.receive([(7, "{}"), (8, "{}"), (9, "{}")]) == [False, False, True]


def test_a_context_that_is_not_json_is_not_saved_and_nothing_else_breaks(tmp_path, caplog):
    store = open_state(tmp_path / "state.sqlite3")
    store.save_chat(1, {"ctx": {1, 2}})
    store.save_chat(2, {"ctx": {"drug_id": "velorimab"}})
    assert store.chats() == {2: {"ctx": {"drug_id": "velorimab"}}}
    assert "chat 1: context not saved" in caplog.text


def test_the_journal_forgets_old_answered_updates(tmp_path):
    store = open_state(tmp_path / "state.sqlite3")
    for update_id in range(3 * KEEP_DONE):
        store.receive([(update_id, "{}")])
        store.answered(update_id)
    store.close()
    count = sqlite3.connect(tmp_path / "state.sqlite3").execute("SELECT COUNT(*) FROM inbox").fetchone()[0]
    assert count <= 2 * KEEP_DONE


def test_every_single_bit_flip_opens_or_is_moved_aside(tmp_path, caplog):
    path = tmp_path / "state.sqlite3"
    good = _saved_state(path)
    # the file header and page 1's b-tree header, then ~100 positions spread over the rest of the file
    positions = [*range(0, 112, 3), *range(112, len(good), len(good) // 100)]
    for position in positions:
        for leftover in tmp_path.iterdir():
            leftover.unlink()
        damaged = bytearray(good)
        damaged[position] ^= 1 << (position % 8)
        path.write_bytes(bytes(damaged))
        caplog.clear()
        with caplog.at_level(logging.ERROR):
            store = open_state(path)
            store.chats()
            store.save_chat(1, {"ctx": {}})
            store.receive([(99, "{}")])
            store.close()
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert len(errors) <= 1, (position, [r.getMessage() for r in errors])


def test_a_sqlite_file_of_another_program_is_moved_aside(tmp_path, caplog):
    path = tmp_path / "state.sqlite3"
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE chat (id)")
    other.commit()
    other.close()
    store = open_state(path)
    assert store.chats() == {}
    assert "another program" in caplog.text
    assert len(list(tmp_path.glob("state.sqlite3.damaged-*"))) == 1


def test_an_unwritable_folder_keeps_contexts_in_memory(tmp_path, caplog):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    store = open_state(blocker / "state.sqlite3")
    store.save_chat(5, {"ctx": {"drug_id": "velorimab"}})
    assert store.chats() == {5: {"ctx": {"drug_id": "velorimab"}}}
    assert "kept in memory only" in caplog.text


def test_nothing_in_bot_loads_pickles():
    for path in (ROOT / "bot").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or "", *(alias.name for alias in node.names)]
            assert not {"pickle", "shelve", "dill", "PicklePersistence"} & set(names), path

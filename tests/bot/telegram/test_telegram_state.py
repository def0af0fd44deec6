"""The bot's state across starts and crashes, end to end against the fake Bot API server."""

from __future__ import annotations

import logging
import os
import pickle
import sqlite3
from pathlib import Path

import pytest

from bot.state import open_state
from tests.bot.telegram.telegram_harness import running_bot


def _good_state(path: Path) -> bytes:
    store = open_state(path)
    store.save_chat(42, {"ctx": {"drug_id": "velorimab", "topic": "dosage", "updated_at": 0.0, "pending": None}})
    store.receive([(5, '{"update_id": 5}')])
    store.close()
    return path.read_bytes()


def _damage(path: Path, kind: str) -> None:
    good = _good_state(path)
    if kind == "truncated":
        path.write_bytes(good[: len(good) // 3])
    elif kind == "one byte short":
        path.write_bytes(good[:-1])
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "random bytes":
        path.write_bytes(os.urandom(len(good)))
    elif kind == "bit-flipped":
        path.write_bytes(good[:100] + bytes([good[100] ^ 0x10]) + good[101:])
    elif kind == "directory":
        path.unlink()
        path.mkdir()
        (path / "inside").write_text("x", encoding="utf-8")
    elif kind == "wrong schema":
        path.unlink()
        other = sqlite3.connect(path)
        other.execute("CREATE TABLE chat_data (chat INTEGER, blob BLOB)")
        other.commit()
        other.close()
    elif kind == "old pickle":
        path.write_bytes(pickle.dumps({"chat_data": {42: {"ctx": {"drug_id": "velorimab"}}}, "bot_data": {}}))


DAMAGE = [
    "truncated",
    "one byte short",
    "empty",
    "random bytes",
    "bit-flipped",
    "directory",
    "wrong schema",
    "old pickle",
]


@pytest.mark.parametrize("kind", DAMAGE)
async def test_a_damaged_state_file_is_moved_aside_and_the_bot_answers(api, tmp_path, caplog, kind):
    path = tmp_path / "state" / "drugbot.sqlite3"
    path.parent.mkdir()
    _damage(path, kind)
    with caplog.at_level(logging.INFO):
        async with running_bot(api, tmp_path):
            api.push_text("dose of kadcyla?")
            await api.wait_for("sendMessage")
            assert "3.6 mg/kg" in api.sent[0]["text"]
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    aside = list(path.parent.glob("drugbot.sqlite3.damaged-*"))
    if kind == "one byte short" and not aside:  # SQLite reads such a file whole: nothing is lost, nothing logged
        assert errors == [] and open_state(path).chats()[42]["ctx"]["drug_id"] == "trastuzumab-emtansine"
        return
    assert len(errors) == 1 and str(path) in errors[0] and aside[0].name in errors[0], errors
    assert len(aside) == 1
    assert open_state(path).chats()[42]["ctx"]["drug_id"] == "trastuzumab-emtansine"

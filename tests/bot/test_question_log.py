"""The question log over a state file: what is kept, what is not, for how long, and who can be found in it."""

from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path

import pytest

import bot.questionlog as questionlog
from bot.questionlog import Asker, QuestionLog
from bot.questiontables import day_of
from bot.state import StateStore, open_state
from intents import Engine

PERSON = Asker(user=5550001234, chat=5550001234, kind="private")
OTHER = Asker(user=5550009876, chat=-1005550000, kind="group")
TYPING = Asker(user=PERSON.user, chat=None, kind="inline")


@pytest.fixture()
def store(tmp_path: Path) -> StateStore:
    opened = open_state(tmp_path / "state.sqlite3")
    yield opened
    opened.close()


def ask(log: QuestionLog, engine: Engine, update_id: int, who: Asker, text: str, message: int | None = 7) -> None:
    """One message answered and its update's transaction committed, as the Telegram front end does."""
    trace, _ = engine.respond_traced(text)
    log.question(update_id, who, text, trace, message)
    log.store.answered(update_id, also=log.take(update_id))


def rows(store: StateStore, columns: str = "kind, text") -> list[tuple]:
    return store.read(f"SELECT {columns} FROM question_log ORDER BY id")


def days(store: StateStore) -> list[tuple]:
    return store.read("SELECT day, chat_kind, messages, confident, abstained FROM question_days")


def test_unsure_answers_are_kept_and_confident_ones_only_counted(store, fiction_engine):
    log = QuestionLog.attach(store)
    ask(log, fiction_engine, 1, PERSON, "dose of kadcyla?")  # a confident part
    ask(log, fiction_engine, 2, PERSON, "kadcyla worth it?")  # which part?
    ask(log, fiction_engine, 3, PERSON, "velrmab dose")  # no monograph by that name
    ask(log, fiction_engine, 4, PERSON, "kadcyla price")  # a subject no monograph covers
    ask(log, fiction_engine, 5, PERSON, "hello")  # small talk: nothing to fix
    kept = rows(store, "kind, text, json_extract(reply, '$.outcome')")
    assert kept == [
        ("question", "kadcyla worth it?", "which_part"),
        ("question", "velrmab dose", "unknown"),
        ("question", "kadcyla price", "not_covered"),
    ]
    log.settle_all()  # a clean stop writes the day's counts still waiting (those since the last row)
    ((_, kind, messages, confident, abstained),) = days(store)
    assert (kind, messages, confident, abstained) == ("private", 5, 1, 3)


def test_day_counts_go_with_the_next_row_kept_or_within_seconds(store, fiction_engine, monkeypatch):
    log = QuestionLog.attach(store)
    ask(log, fiction_engine, 1, PERSON, "dose of kadcyla?")
    ask(log, fiction_engine, 2, OTHER, "kadcyla side effects")
    assert days(store) == []  # no commit of their own, and no page more in every update's transaction
    ask(log, fiction_engine, 3, PERSON, "kadcyla worth it?")
    assert sorted(d[1:] for d in days(store)) == [("group", 1, 1, 0), ("private", 2, 1, 1)]
    monkeypatch.setattr(questionlog, "COUNT_SECONDS", 0.0)
    ask(log, fiction_engine, 4, PERSON, "dose of kadcyla?")
    assert sorted(d[1:] for d in days(store)) == [("group", 1, 1, 0), ("private", 3, 2, 1)]


def test_a_row_holds_what_the_reading_found_and_what_the_bot_replied(store, fiction_engine):
    log = QuestionLog.attach(store)
    ask(log, fiction_engine, 1, PERSON, "velrmab dose")
    ((reading, reply),) = rows(store, "json(reading), json(reply)")
    assert '"unknown":["velrmab"]' in reading and '"topics":{' in reading
    assert '"outcome":"unknown"' in reply and '"candidates":["Velorimab"]' in reply


def test_text_is_cut_at_500_characters(store, fiction_engine):
    log = QuestionLog.attach(store)
    ask(log, fiction_engine, 1, PERSON, "kadcyla worth it? " + "and is it worth it " * 40)
    ((text,),) = rows(store, "text")
    assert len(text) == 500


def test_no_id_is_kept_in_clear_and_the_hash_is_keyed_per_state_file(tmp_path, fiction_engine):
    keys = []
    for name in ("one", "two"):
        store = open_state(tmp_path / f"{name}.sqlite3")
        log = QuestionLog.attach(store)
        ask(log, fiction_engine, 1, PERSON, "kadcyla worth it?")
        ask(log, fiction_engine, 2, PERSON, "velrmab dose")
        keys.append(store.read("SELECT DISTINCT asker, chat FROM question_log"))
        values = " ".join(str(v) for row in rows(store, "*") + days(store) for v in row)
        assert str(PERSON.user) not in values
        store.close()
    assert len(keys[0]) == len(keys[1]) == 1  # one asker, found again as the same key
    assert keys[0] != keys[1]  # another file, another key: rows cannot be matched across files


def test_rows_past_the_retention_limit_are_deleted(tmp_path, fiction_engine):
    path = tmp_path / "state.sqlite3"
    store = open_state(path)
    log = QuestionLog.attach(store, days=90)
    for update_id in (1, 2, 3):
        ask(log, fiction_engine, update_id, PERSON, f"kadcyla worth it? {update_id}")
    store.close()
    old = time.time() - 91 * 86_400
    with sqlite3.connect(path) as db:
        db.execute("UPDATE question_log SET at = ? WHERE text LIKE '%1' OR text LIKE '%2'", (old,))
        db.execute("INSERT INTO question_days VALUES (?, 'private', 4, 1, 3)", (day_of(old),))
    store = open_state(path)
    QuestionLog.attach(store, days=90)  # at start
    assert rows(store, "text") == [("kadcyla worth it? 3",)]
    assert [d[0] for d in days(store)] == [day_of(time.time())]
    store.close()


def test_old_rows_are_deleted_while_the_bot_runs_with_an_updates_transaction(store, fiction_engine, monkeypatch):
    log = QuestionLog.attach(store, days=1)
    ask(log, fiction_engine, 1, PERSON, "kadcyla worth it?")
    store.execute([("UPDATE question_log SET at = at - 2 * 86400", ())], "ageing a row")
    ask(log, fiction_engine, 2, PERSON, "velrmab dose")
    assert len(rows(store)) == 2  # within the hour since the last deletion
    monkeypatch.setattr(questionlog, "PRUNE_SECONDS", 0.0)
    ask(log, fiction_engine, 3, PERSON, "kadcyla price")
    assert rows(store, "text") == [("velrmab dose",), ("kadcyla price",)]


def test_forget_deletes_that_askers_rows_and_no_one_elses(store, fiction_engine):
    log = QuestionLog.attach(store)
    ask(log, fiction_engine, 1, PERSON, "kadcyla worth it?")
    ask(log, fiction_engine, 2, OTHER, "velorimab worth it?")
    ask(log, fiction_engine, 3, PERSON, "velrmab dose")
    assert log.forget(4, PERSON) == 2
    store.answered(4, also=log.take(4))
    assert rows(store, "text") == [("velorimab worth it?",)]


def test_with_the_log_off_nothing_is_kept_and_forget_still_works(store, fiction_engine):
    log = QuestionLog.attach(store, recording=False)
    ask(log, fiction_engine, 1, PERSON, "kadcyla worth it?")
    assert rows(store) == [] and days(store) == []
    assert log.forget(2, PERSON) == 0


def test_inline_queries_are_kept_once_the_typing_settles(store, fiction_engine, monkeypatch):
    log = QuestionLog.attach(store)
    typed = ["ka", "kadc", "kadcyla wor", "kadcyla worth it?"]
    for update_id, text in enumerate(typed, 1):
        trace, _ = fiction_engine.respond_traced(text)
        log.inline(update_id, TYPING, text, trace)
        store.answered(update_id, also=log.take(update_id))
    assert rows(store) == []  # still typing
    trace, _ = fiction_engine.respond_traced("velrmab dose")
    log.inline(5, TYPING, "velrmab dose", trace)  # another question: the one before has settled
    store.answered(5, also=log.take(5))
    assert rows(store, "kind, chat_kind, text") == [("question", "inline", "kadcyla worth it?")]
    monkeypatch.setattr(questionlog, "SETTLE_SECONDS", 0.0)
    ask(log, fiction_engine, 6, OTHER, "dose of kadcyla?")  # any update's transaction takes what has settled
    assert rows(store, "text")[-1] == ("velrmab dose",)
    assert sum(d[2] for d in days(store) if d[1] == "inline") == 2  # two inline questions, not six keystrokes


def test_a_keystroke_answered_late_does_not_replace_the_query_typed_after_it(store, fiction_engine):
    """Inline queries are answered concurrently: "kadcyla wor" may finish after "kadcyla worth it?"."""
    log = QuestionLog.attach(store)
    for update_id, text in ((2, "kadcyla worth it?"), (1, "kadcyla wor")):
        trace, _ = fiction_engine.respond_traced(text)
        log.inline(update_id, TYPING, text, trace)
        store.answered(update_id, also=log.take(update_id))
    log.settle_all()
    assert rows(store, "kind, chat_kind, text") == [("question", "inline", "kadcyla worth it?")]
    assert sum(d[2] for d in days(store) if d[1] == "inline") == 1


def test_a_log_table_of_another_shape_turns_the_log_off(store, caplog):
    store.execute([("CREATE TABLE question_log (id INTEGER PRIMARY KEY, something TEXT)", ())], "test")
    with caplog.at_level(logging.ERROR):
        assert QuestionLog.attach(store) is None
    assert "the question log is off" in caplog.text

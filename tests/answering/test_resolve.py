"""Resolving the drug: the named one, the chat's one when nothing is named, asking when unsure, never a banned one."""

from __future__ import annotations

from intents.answering.resolve import Outcome, resolve
from intents.understanding.matcher import match


def resolved(engine, text, remembered=None, asks=True):
    intent = match(text, engine.names, engine.lexicon)
    allowed = {m.id for m in engine.corpus.served()}
    return resolve(intent, engine.corpus, allowed, remembered, asks)


def mono(engine, title):
    return next(m for m in engine.corpus.entries.values() if m.title == title)


def test_a_named_drug_is_the_one_answered(fiction_engine):
    result = resolved(fiction_engine, "velorimab side effects")
    assert result.outcome is Outcome.DRUG and result.mono.title == "Velorimab"


def test_the_chats_drug_answers_a_question_that_names_none(fiction_engine):
    result = resolved(fiction_engine, "and side effects?", remembered=mono(fiction_engine, "Velorimab"))
    assert result.outcome is Outcome.DRUG and result.mono.title == "Velorimab"


def test_the_chats_drug_never_answers_a_message_that_asks_nothing(fiction_engine):
    result = resolved(fiction_engine, "ok", remembered=mono(fiction_engine, "Velorimab"), asks=False)
    assert result.outcome is not Outcome.DRUG


def test_a_banned_drug_is_resolved_as_banned(fiction_engine):
    result = resolved(fiction_engine, "plumbazole dose")
    assert result.outcome is Outcome.BANNED


def test_a_longer_name_than_the_loaded_one_asks(fiction_engine):
    # only "Velorimab" and "Velorimab Vedotin" exist: "velorimab zorbitin" is neither
    result = resolved(fiction_engine, "velorimab zorbitin dose")
    assert result.outcome is Outcome.CLARIFY


def test_a_second_drug_is_kept_beside_the_focus(fiction_engine):
    result = resolved(fiction_engine, "velorimab with kadcyla")
    assert result.outcome is Outcome.DRUG and result.mono.title == "Velorimab"
    assert [o.title for o in result.others] == ["Trastuzumab Emtansine"]


def test_nothing_named_and_nothing_remembered_is_unknown(fiction_engine):
    assert resolved(fiction_engine, "what is the dose").outcome is Outcome.UNKNOWN

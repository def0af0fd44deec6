"""Drug names as people type them: swapped letters, look-alike letters, glued words, strengths, combinations."""

from __future__ import annotations

import pytest

from intents.matcher import match
from tests.conftest import ask

KADCYLA = ("trastuzumab-emtansine",)


def ids_found(engine, text):
    return [m.ids for m in match(text, engine.names, engine.lexicon).mentions]


@pytest.mark.parametrize("text", ["kadycla", "kacdyla", "akdcyla", "kadcyal", "trastuzumab emtasnine"])
def test_two_swapped_letters_are_one_typo(seed_engine, text):
    assert ids_found(seed_engine, text) == [KADCYLA]


def test_a_swapped_name_answers_the_question(seed_engine):
    reply = ask(seed_engine, "kadycla dose")
    assert reply.drug == "Trastuzumab Emtansine" and reply.topic == "dosage"


@pytest.mark.parametrize("text", ["kadycal", "akdycla"])
def test_two_swaps_in_a_short_name_are_still_too_many(seed_engine, text):
    assert ids_found(seed_engine, text) == []

"""Drug names as people type them: swapped letters, look-alike letters, glued words, strengths, combinations."""

from __future__ import annotations

import pytest

from intents.matcher import match
from intents.models import Monograph
from intents.names import NameIndex
from intents.text import fold, tokens
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


@pytest.mark.parametrize(
    "text",
    [
        "k\u0430dcyla",  # Cyrillic а
        "\u041a\u0410DC\u0423L\u0410",  # Cyrillic К, А, У in capitals
        "kadc\u0443la",  # Cyrillic у
        "\u03baadcyla",  # Greek κ
        "ｋａｄｃｙｌａ",  # full-width
        "kad\u200bcyla",  # zero-width space inside the word
        "kad\u00adcyla",  # soft hyphen
    ],
)
def test_look_alike_letters_read_as_the_latin_letter(seed_engine, text):
    assert ids_found(seed_engine, f"{text} dose") == [KADCYLA]
    assert ask(seed_engine, f"{text} dose").drug == "Trastuzumab Emtansine"


def test_look_alikes_in_a_monograph_name_meet_the_latin_spelling(lexicon):
    mono = Monograph(id="quorbex", title="Qu\u043erb\u0435x", names=("Qu\u043erb\u0435x", "Z\u200bylvane"))
    index = NameIndex.build([mono], lexicon)
    assert index.exact_mentions(tokens("quorbex")) and index.exact_mentions(tokens("zylvane"))


@pytest.mark.parametrize("text", ["привет", "доза кадсила"])
def test_cyrillic_words_with_letters_of_their_own_stay_cyrillic(text):
    assert fold(text) == ""

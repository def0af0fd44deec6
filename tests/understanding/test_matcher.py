"""Finding the drug: exact names, brands, aliases, typos, the longest name, and never an ordinary word."""

from __future__ import annotations

import pytest

from intents.understanding.matcher import match
from tests.conftest import FIXTURES, ask


def drug_of(engine, text):
    intent = match(text, engine.names, engine.lexicon)
    return [(m.how, m.ids) for m in intent.mentions]


@pytest.mark.parametrize(
    "text",
    [
        "kadcyla",
        "Kadcyla®",
        "KADCYLA",
        "trastuzumab emtansine",
        "Trastuzumab-Emtansine",
        "T-DM1",
        "tdm1",
        "ado-trastuzumab emtansine",
        "kadcyla\u200b",
        "<i>kadcyla</i>",
        "ｋａｄｃｙｌａ",
    ],
)
def test_names_brands_and_aliases_find_the_drug(seed_engine, text):
    assert drug_of(seed_engine, text) == [("exact", ("trastuzumab-emtansine",))]


@pytest.mark.parametrize("text", ["kadsyla", "kadcila", "kadcylla", "trastuzumab emtansin", "trastuzumb emtansine"])
def test_typos_of_names_are_forgiven(seed_engine, text):
    assert [ids for _, ids in drug_of(seed_engine, text)] == [("trastuzumab-emtansine",)]


def test_typo_after_an_exact_shorter_name_completes_the_longer_name(stubs_engine):
    reply = ask(stubs_engine, "trastuzumab emtansin side effects")
    assert reply.drug == "Trastuzumab Emtansine"


def test_longest_name_wins(stubs_engine, fiction_engine):
    assert ask(stubs_engine, "trastuzumab emtansine dose").drug == "Trastuzumab Emtansine"
    assert ask(stubs_engine, "trastuzumab dose").drug == "Trastuzumab"
    assert ask(fiction_engine, "velorimab vedotin dose").drug == "Velorimab Vedotin"
    assert ask(fiction_engine, "velorimab dose").drug == "Velorimab"


def test_part_of_a_title_asks_which_drug(seed_engine):
    reply = ask(seed_engine, "trastuzumab dose")
    assert reply.kind == "clarify" and reply.drug is None
    assert reply.candidates == ["Trastuzumab Emtansine"]


@pytest.mark.parametrize("word", ["dose", "doses", "dosing", "kidney", "children", "pregnant", "weather", "the"])
def test_ordinary_words_never_become_a_drug(seed_engine, word):
    assert drug_of(seed_engine, word) == []


def test_short_words_get_no_typo_matching(seed_engine):
    assert seed_engine.names.fuzzy_keys("kad") == []


def test_no_drug_in_a_thousand_ordinary_sentences(stubs_engine, fiction_engine):
    sentences = [
        line.strip()
        for line in (FIXTURES / "ordinary_sentences.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert len(sentences) == 1000
    for engine in (stubs_engine, fiction_engine):
        found = [s for s in sentences if match(s, engine.names, engine.lexicon).mentions]
        assert found == []


def test_topic_words_with_typos_are_mended(seed_engine):
    intent = match("kadcyla side efects", seed_engine.names, seed_engine.lexicon)
    assert intent.topic == "side_effects"


def test_qualifier_alone_means_dosage(seed_engine):
    intent = match("kadcyla kidney problems", seed_engine.names, seed_engine.lexicon)
    assert intent.topic == "dosage" and ("dosage", "renal") in intent.facets


def test_unknown_word_after_a_name_asks_instead_of_answering_the_shorter_name(seed_engine):
    reply = ask(seed_engine, "kadcyla zorbatecan dose")
    assert reply.kind == "clarify" and reply.drug is None
    assert "have a monograph for kadcyla zorbatecan" in reply.text
    assert ask(seed_engine, "kadcyla iv dose").kind == "faq"  # a form word is not another drug

"""Names from the field dictionary: what people call a drug, found although its monograph does not list it.

The dictionary (`intents/language/dictionary/drug_names.tsv.gz`) is derived from the PyPI package
drug-named-entity-recognition by `python -m tools.make_drug_names`; its names are lent to a monograph through the
monograph's own names when the name index is built (`intents/library/name_links.py`).
"""

from __future__ import annotations

import dataclasses
import gzip
import importlib.util
import shutil
from pathlib import Path

import pytest

from intents.assembly import load_engine
from intents.common.text import fold
from intents.engine import Engine
from intents.language.drug_dictionary import DICTIONARY_FILE, LICENCE_FILE, content_digest
from intents.language.lexicon import Lexicon
from intents.library.corpus import load_corpus
from intents.library.models import Monograph
from intents.library.names import NameIndex
from intents.understanding.matcher import match
from testkit.questions import load_questions, write_question_corpus
from tests.conftest import DICTIONARY_FIXTURES, FIXTURES, ROOT, SEEDS, ask
from tools.make_drug_names import SOURCE, read_package, render, settings_digest


def dictionary_lines() -> tuple[dict[str, str], list[str]]:
    with gzip.open(DICTIONARY_FILE, "rt", encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    header = {k.strip(): v.strip() for k, _, v in (line[1:].partition(":") for line in lines if line[:1] == "#")}
    return header, [line for line in lines if line and not line.startswith("#")]


# --- the file ------------------------------------------------------------------------------------------------


def test_the_drug_name_file_matches_the_digests_in_its_header():
    """A hand edit of the file, or a change of the command's settings without regenerating it, fails here
    (the package itself is not needed)."""
    header, body = dictionary_lines()
    assert header["content"] == content_digest(body), "edited by hand? run  python -m tools.make_drug_names"
    assert header["settings"] == settings_digest(), "settings changed: run  python -m tools.make_drug_names"
    assert int(header["drugs"]) == len(body) > 10_000
    assert header["source"].startswith(f"{SOURCE}==")


def test_every_name_in_the_drug_name_file_is_folded_as_the_engine_folds():
    _, body = dictionary_lines()
    names = [name for line in body for name in line.split("\t")]
    assert len(names) > 50_000
    assert [n for n in names if fold(n) != n] == []


@pytest.mark.skipif(
    importlib.util.find_spec("drug_named_entity_recognition") is None,
    reason="drug-named-entity-recognition is a dev-only package (pip install drug-named-entity-recognition)",
)
def test_the_drug_name_file_is_what_the_installed_package_gives():
    version, groups = read_package()
    with gzip.open(DICTIONARY_FILE, "rb") as handle:
        shipped = handle.read()
    assert shipped == render(version, groups), "stale: run  python -m tools.make_drug_names"


def test_the_dictionary_ships_with_its_licence_and_the_readme_credits_it():
    assert "Permission is hereby granted, free of charge" in LICENCE_FILE.read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert SOURCE in readme and "MIT" in readme


# --- names lent to the monographs ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "drug"),
    [
        ("vit k dose", "Phytonadione"),
        ("vitamin k1 dose", "Phytonadione"),
        ("phytomenadione dose", "Phytonadione"),
        ("b6 tablets dose", "Pyridoxine"),
        ("vitamin b6 dose", "Pyridoxine"),
        ("folate dose", "Folic Acid"),
        ("vitamin d3 dose", "Cholecalciferol"),
    ],
)
def test_a_vitamin_by_its_common_name_finds_its_monograph(dictionary_engine, text, drug):
    reply = ask(dictionary_engine, text)
    assert (reply.drug, reply.topic) == (drug, "dosage"), reply.text


@pytest.mark.parametrize(
    ("text", "drug"),
    [
        ("tetanus shot dose", "Tetanus Toxoid"),
        ("tetanus vaccine dose", "Tetanus Toxoid"),
        ("hpv vaccine dose", "Human Papillomavirus Vaccine"),
        ("gardasil dose", "Human Papillomavirus Vaccine"),
        ("measles jab dose", "Measles, Mumps and Rubella Vaccine"),
        ("mmr vaccine dose", "Measles, Mumps and Rubella Vaccine"),
    ],
)
def test_a_vaccine_by_its_common_name_finds_its_monograph(dictionary_engine, text, drug):
    reply = ask(dictionary_engine, text)
    assert (reply.drug, reply.topic) == (drug, "dosage"), reply.text


@pytest.mark.parametrize(
    ("text", "drug"),
    [
        ("lipitor dose", "Atorvastatin"),
        ("norvasc dose", "Amlodipine"),
        ("timoptic dose", "Timolol"),
        ("nasonex dose", "Mometasone"),
        ("cardizem dose", "Diltiazem"),
    ],
)
def test_a_brand_the_monograph_does_not_list_finds_it(dictionary_engine, text, drug):
    assert ask(dictionary_engine, text).drug == drug


@pytest.mark.parametrize(("text", "drug"), [("liptor dose", "Atorvastatin"), ("norvsac dose", "Amlodipine")])
def test_a_misspelt_brand_the_monograph_does_not_list_finds_it(dictionary_engine, text, drug):
    assert ask(dictionary_engine, text).drug == drug


@pytest.mark.parametrize(
    ("text", "drug"), [("flonase dose", "Fluticasone Furoate"), ("humalog dose", "Insulin Lispro")]
)
def test_the_first_word_of_a_two_word_brand_finds_it(dictionary_engine, text, drug):
    """"Flonase Sensimist" and "Humalog KwikPen" are the monographs' brands: their other words name no drug."""
    assert ask(dictionary_engine, text).drug == drug


def test_the_first_word_of_a_name_whose_other_word_names_a_drug_still_asks(dictionary_engine, seed_engine):
    assert ask(seed_engine, "trastuzumab dose").kind == "clarify"  # emtansine names a drug
    reply = ask(dictionary_engine, "oxycodone dose")  # only Oxycodone and Acetaminophen is loaded
    assert reply.kind == "clarify" and reply.candidates == ["Oxycodone and Acetaminophen"]


@pytest.mark.parametrize("text", ["oxycodone apap 5/325 dose", "oxycodone/apap dose", "apap and oxycodone dose"])
def test_a_combination_written_by_its_parts_with_a_strength_finds_it(dictionary_engine, text):
    """"apap" is another name of the combination's acetaminophen, though no Acetaminophen monograph is loaded."""
    reply = ask(dictionary_engine, text)
    assert (reply.drug, reply.topic) == ("Oxycodone and Acetaminophen", "dosage"), reply.text


def test_a_vitamin_name_of_two_loaded_monographs_asks_which(dictionary_engine):
    reply = ask(dictionary_engine, "vit d dose")
    assert reply.kind == "clarify" and reply.drug is None
    assert reply.candidates == ["Cholecalciferol", "Ergocalciferol"]


def test_lent_names_and_combination_parts_come_back_from_the_index_cache(tmp_path: Path):
    folder = tmp_path / "seeds"
    shutil.copytree(DICTIONARY_FIXTURES, folder)
    first = load_engine([folder], cache_dir=tmp_path / "cache")
    warm = load_engine([folder], cache_dir=tmp_path / "cache")
    assert warm.names.exact == first.names.exact and warm.names.parts == first.names.parts
    assert warm.names.parts["apap"] == ("acetaminophen",)
    assert ask(warm, "oxycodone apap 5/325 dose").drug == "Oxycodone and Acetaminophen"
    assert ask(warm, "liptor dose").drug == "Atorvastatin"


# --- lending rules, on a small fictional dictionary ----------------------------------------------------------


def fictional_lexicon(lexicon: Lexicon, folder: Path, *groups: tuple[str, ...]) -> Lexicon:
    path = folder / "names.tsv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("# a fictional dictionary\n" + "".join("\t".join(g) + "\n" for g in groups))
    return dataclasses.replace(lexicon, dictionary_file=path)


def drug(drug_id: str, *names: str) -> Monograph:
    return Monograph(id=drug_id, title=names[0], names=names)


def ids_of(index: NameIndex, lexicon: Lexicon, text: str) -> list[tuple[str, ...]]:
    return [m.ids for m in match(text, index, lexicon).mentions]


def test_a_variant_of_two_monographs_asks_which(lexicon, tmp_path):
    """Quelvorin and Quelvorin Sodium are one dictionary drug: its brand fits both monographs."""
    fictional = fictional_lexicon(lexicon, tmp_path, ("quelvorin", "quelvorin sodium", "quelvexa"))
    folder = tmp_path / "seeds"
    folder.mkdir()
    for title in ("Quelvorin", "Quelvorin Sodium"):
        text = (FIXTURES / "monographs" / "velorimab.md").read_text(encoding="utf-8")
        (folder / f"{fold(title).replace(' ', '-')}.md").write_text(
            text.replace("Velorimab", title).replace("velorimab", title.lower()), encoding="utf-8"
        )
    engine = Engine(load_corpus([folder]), fictional)
    reply = ask(engine, "quelvexa dose")
    assert reply.kind == "clarify" and reply.drug is None
    assert reply.candidates == ["Quelvorin", "Quelvorin Sodium"]


def test_a_name_two_dictionary_drugs_share_is_lent_to_neither(lexicon, tmp_path):
    fictional = fictional_lexicon(lexicon, tmp_path, ("zantrelix", "proxavel"), ("morvadine", "proxavel"))
    index = NameIndex.build([drug("z", "Zantrelix"), drug("m", "Morvadine")], fictional)
    assert ids_of(index, fictional, "proxavel dose") == []


def test_a_name_is_lent_by_its_own_canonical_drug_even_when_shared(lexicon, tmp_path):
    fictional = fictional_lexicon(lexicon, tmp_path, ("zantrelix", "zantrex"), ("morvadine", "zantrelix"))
    index = NameIndex.build([drug("m", "Morvadine")], fictional)
    assert ids_of(index, fictional, "zantrex dose") == []  # Morvadine does not own "zantrelix"'s drug
    index = NameIndex.build([drug("z", "Zantrelix")], fictional)
    assert ids_of(index, fictional, "zantrex dose") == [("z",)]


def test_a_monographs_own_name_is_never_lent_to_another(lexicon, tmp_path):
    fictional = fictional_lexicon(lexicon, tmp_path, ("zantrelix", "morvex"))
    index = NameIndex.build([drug("z", "Zantrelix"), drug("m", "Morvadine", "Morvex")], fictional)
    assert ids_of(index, fictional, "morvex dose") == [("m",)]


def test_the_first_word_of_a_name_is_lent_unless_it_is_a_drug_of_its_own(lexicon, tmp_path):
    """"morvex" of the brand "Morvex Sensimist" names the monograph; "zantrelix" of "Zantrelix Sulfate" does not
    when the dictionary knows Zantrelix as a drug in its own right (the sulfate is another monograph's drug)."""
    fictional = fictional_lexicon(lexicon, tmp_path, ("zantrelix", "zantrex"))
    mono = drug("zs", "Zantrelix Sulfate", "Morvex Sensimist")
    index = NameIndex.build([mono], fictional)
    assert ids_of(index, fictional, "morvex dose") == [("zs",)]
    assert [m.how for m in match("zantrelix dose", index, fictional).mentions] == ["partial"]


def test_ordinary_words_and_short_names_are_never_lent(lexicon, tmp_path):
    fictional = fictional_lexicon(lexicon, tmp_path, ("zantrelix", "today", "rash", "dose", "zx", "zan", "the pill"))
    index = NameIndex.build([drug("z", "Zantrelix")], fictional)
    for text in ("today", "rash", "dose", "zx", "zan", "the pill"):
        assert ids_of(index, fictional, f"{text} side effects") == [], text


@pytest.fixture(scope="module")
def real_drugs_engine(lexicon, tmp_path_factory) -> Engine:
    """Monographs of the 579 real drugs the labelled questions ask about, with the dictionary's names lent."""
    folder = write_question_corpus(load_questions(), out=tmp_path_factory.mktemp("real-drugs"))
    return Engine(load_corpus([SEEDS, folder]), lexicon)


def test_no_drug_in_a_thousand_ordinary_sentences_with_real_drugs_names_lent(real_drugs_engine):
    sentences = [
        line.strip()
        for line in (FIXTURES / "ordinary_sentences.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    engine = real_drugs_engine
    found = [(s, m.text) for s in sentences for m in match(s, engine.names, engine.lexicon).mentions]
    assert found == []

"""Cutting a monograph into answerable parts: sections, subsections, labelled bullets and FAQ pairs."""

from __future__ import annotations

from intents.library.corpus import load_corpus
from intents.library.parser import parse_monograph
from intents.library.units import PATH_SEP, build_units, pack_units, unpack_units
from tests.conftest import FICTIONAL

VELORIMAB = FICTIONAL / "velorimab.md"


def units_of(lexicon):
    return build_units(parse_monograph(VELORIMAB.read_text(encoding="utf-8"), source=str(VELORIMAB)), lexicon)


def test_every_section_is_a_part_with_its_heading_path(lexicon):
    drug = units_of(lexicon)
    labels = [u.label for u in drug.sections]
    assert "Side Effects" in labels and "Drug Interactions" in labels
    paths = {u.path for u in drug.units}
    assert ("Dosage and Administration", "Special Populations", "Renal Impairment") in paths


def test_a_labelled_bullet_is_a_part_of_its_own_tagged_with_its_group(lexicon):
    drug = units_of(lexicon)
    renal = next(u for u in drug.units if u.path[-1] == "Renal Impairment")
    assert "dosage" in renal.topic_ids
    assert any(line.text.startswith("No change for mild renal") for line in renal.reply_lines())


def test_faq_pairs_get_their_topic_from_the_language_layer(lexicon):
    drug = units_of(lexicon)
    pairs = {u.label: u for u in drug.faq_pairs()}
    dose = next(u for label, u in pairs.items() if "usual dose" in label)
    assert dose.topic_ids == ["dosage"]


def test_packed_units_unpack_to_the_same_parts(lexicon):
    drug = units_of(lexicon)
    again = unpack_units(pack_units(drug))
    assert [u.key for u in again.units] == [u.key for u in drug.units]
    key = drug.sections[0].key
    assert again.get(key).reply_lines() == drug.get(key).reply_lines()


def test_units_cut_at_load_time_are_the_ones_cut_on_demand(lexicon):
    corpus = load_corpus([FICTIONAL])
    mono = next(m for m in corpus.entries.values() if m.title == "Velorimab")
    packed = corpus.packed_units(mono.id, lexicon.key)
    assert packed is not None
    assert [u.key for u in unpack_units(packed).units] == [u.key for u in units_of(lexicon).units]
    assert PATH_SEP.strip()

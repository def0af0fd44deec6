"""Question frames: masking names, substances and numbers, then the structure of the question."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from intents.common.text import fold
from intents.language.frames import DOSE, DRUG, NUM, SUBSTANCE
from intents.language.lexicon import Lexicon


def masked(lexicon: Lexicon, text: str, drug_at: dict[int, int] | None = None) -> list[str]:
    return lexicon.frames.mask(fold(text).split(), drug_at or {})


def fired(lexicon: Lexicon, text: str, drug_at: dict[int, int] | None = None) -> list[str]:
    return [f.name for f in lexicon.frames.fired(masked(lexicon, text, drug_at))]


def test_a_drug_a_substance_and_a_dose_become_placeholders(lexicon):
    assert masked(lexicon, "can i take kadcyla 160 mg with green tea", {3: 4}) == [
        "can", "i", "take", DRUG, DOSE, "with", SUBSTANCE,
    ]
    assert masked(lexicon, "100mg twice", {}) == [DOSE, "twice"]
    assert masked(lexicon, "take 2", {}) == ["take", NUM]


def test_every_dose_unit_of_the_lexicon_makes_a_number_a_dose(lexicon):
    for unit in sorted(lexicon.dose_units):
        if fold(unit):
            assert masked(lexicon, f"5 {unit}")[-1] == DOSE, unit


def test_two_substances_linked_is_an_interaction_frame(lexicon):
    assert "linked_substances" in fired(lexicon, "kadcyla with green tea", {0: 1})


def test_a_drug_named_alone_fires_no_frame(lexicon):
    assert fired(lexicon, "kadcyla", {0: 1}) == []


def test_how_much_does_it_cost_is_the_cost_frame(lexicon):
    assert "cost" in fired(lexicon, "how much does kadcyla cost", {3: 4})


FRAME_CASES = Path(__file__).with_name("frame_cases.yaml")


def frame_cases() -> dict[str, dict[str, list[str]]]:
    return yaml.safe_load(FRAME_CASES.read_text(encoding="utf-8"))


def fired_in(engine, text: str) -> list[str]:
    return engine.explain(text).decision.frames


def test_every_frame_has_cases_that_must_fire_and_cases_that_must_not(lexicon):
    cases = frame_cases()
    for frame in lexicon.frames.frames:
        assert len(cases[frame.name]["fire"]) >= 2 and len(cases[frame.name]["not"]) >= 2, frame.name


@pytest.mark.parametrize(
    ("frame", "text", "fires"),
    [(name, text, kind == "fire") for name, kinds in frame_cases().items() for kind in kinds for text in kinds[kind]],
)
def test_a_frame_fires_on_its_cases_and_only_on_them(seed_engine, frame, text, fires):
    assert (frame in fired_in(seed_engine, text)) is fires, (frame, text, fired_in(seed_engine, text))

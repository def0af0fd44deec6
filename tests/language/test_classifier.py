"""The topic classifier: features as the bot computes them, probabilities that rank the asked topic first."""

from __future__ import annotations

import json
import math

import pytest

from intents.language.classifier import SUBJECT_PREFIX, TopicModel, features
from intents.language.lexicon import Lexicon


def test_features_hold_words_pairs_stems_and_letter_grams_of_the_masked_message():
    feats = features(["<drug>", "side", "effects"], ["generic:side_effects"], [], "side_effects")
    assert {"w:side", "b:^_<drug>", "b:effects_$", "L:generic:side_effects", "T:side_effects", "short"} <= set(feats)
    assert any(f.startswith("s:") for f in feats) and "c:#sid" in feats
    assert not any(f.startswith(("s:<", "c:#<")) for f in feats)  # placeholders are not words


def test_two_names_of_one_drug_are_a_feature_apart_from_two_drugs():
    masked = ["is", "<drug>", "the", "same", "as", "<drug>"]
    assert "samedrug" in features(masked, [], [], same_drug=True)
    assert "drugs2" in features(masked, [], [], same_drug=False)


def test_probabilities_are_a_distribution_highest_first(lexicon: Lexicon):
    model = lexicon.model
    assert model is not None
    probs = model.probabilities(features(["<drug>", "dose"], ["generic:dosage"], [], "dosage"))
    assert math.isclose(sum(probs.values()), 1.0, rel_tol=1e-9)
    assert list(probs.values()) == sorted(probs.values(), reverse=True)
    assert next(iter(probs)) == "dosage"


def test_an_uncovered_subject_is_a_class_of_its_own(lexicon: Lexicon):
    model = lexicon.model
    assert model is not None
    assert any(c.startswith(SUBJECT_PREFIX) for c in model.classes)
    feats = features(["how", "much", "does", "<drug>", "cost"], [], ["cost"])
    assert next(iter(model.probabilities(feats))) == SUBJECT_PREFIX + "price"


def test_weights_survive_a_round_trip_through_their_file(tmp_path, lexicon: Lexicon):
    model = lexicon.model
    assert model is not None
    path = tmp_path / "model.json"
    path.write_text(model.to_json(), encoding="utf-8")
    again = TopicModel.load(path)
    feats = features(["<drug>", "in", "pregnancy"], [], [])
    assert again.probabilities(feats) == model.probabilities(feats)


def test_a_damaged_weights_file_is_an_error_naming_it(tmp_path):
    path = tmp_path / "model.json"
    path.write_text('{"classes": ["a"]', encoding="utf-8")
    try:
        TopicModel.load(path)
    except ValueError as exc:
        assert str(path) in str(exc)
    else:
        raise AssertionError("a damaged weights file loaded")


@pytest.mark.parametrize(
    "row",
    [[[99, 0.5]], [[0, "heavy"]], [[-1, 0.5]], [[0, 1e400]], [[0.5, 1.0]]],
    ids=["no-such-class", "not-a-number", "negative-index", "infinite", "fractional-index"],
)
def test_a_weight_naming_no_class_or_no_number_is_refused_when_loaded_not_when_asked(tmp_path, row):
    path = tmp_path / "model.json"
    data = {"classes": ["dosage", "side_effects"], "bias": [0.0, 0.0], "weights": {"w:dose": row}}
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match=r"model\.json"):
        TopicModel.load(path)

"""The n-gram topic model: scikit-learn's analyzers and TF-IDF repeated in pure Python, the shipped weights, and
the same probabilities as scikit-learn's own pipeline (when scikit-learn is installed)."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from intents.common.text import fold
from intents.language.classifier import SUBJECT_PREFIX, features
from intents.language.lexicon import Lexicon
from intents.language.ngram_model import NgramBlock, NgramModel, char_wb_grams, document, word_grams
from intents.language.topics import NGRAM_SHARE, topic_probabilities
from testkit.questions import load_questions


def test_placeholders_are_written_in_capitals_so_their_letters_never_match_a_words():
    assert document(["<drug>", "dose", "for", "<dose>", "pills"]) == "DRUG dose for DOSE pills"
    assert not set(char_wb_grams(document(["<dose>"]), 2, 5)) & set(char_wb_grams("dose", 2, 5))


def test_word_grams_are_the_masked_words_and_their_pairs():
    assert word_grams("DRUG dose for kids", 1, 2) == [
        "DRUG", "dose", "for", "kids", "DRUG dose", "dose for", "for kids",
    ]  # fmt: skip
    assert word_grams("dose", 1, 2) == ["dose"]  # one word has no pair


def test_letter_grams_stay_inside_words_padded_with_a_space():
    # a padded word no longer than n counts once, whole, and stops the longer grams
    assert char_wb_grams("an  ok", 2, 5) == [
        " a", "an", "n ", " an", "an ", " an ",
        " o", "ok", "k ", " ok", "ok ", " ok ",
    ]  # fmt: skip
    assert char_wb_grams("dose", 4, 5) == [" dos", "dose", "ose ", " dose", "dose "]


def shipped(lexicon: Lexicon) -> NgramModel:
    assert lexicon.ngram_model is not None, "no n-gram weights: run  python -m tools.train_topics"
    return lexicon.ngram_model


def test_probabilities_are_a_distribution_highest_first(lexicon: Lexicon):
    probs = shipped(lexicon).probabilities(["<drug>", "dose", "for", "kids"])
    assert math.isclose(sum(probs.values()), 1.0, rel_tol=1e-9)
    assert list(probs.values()) == sorted(probs.values(), reverse=True)
    assert next(iter(probs)) == "dosage"


def test_the_models_share_their_classes_and_an_uncovered_subject_is_one(lexicon: Lexicon):
    model = shipped(lexicon)
    assert lexicon.model is not None and model.classes == lexicon.model.classes
    assert next(iter(model.probabilities(["how", "much", "does", "<drug>", "cost"]))) == SUBJECT_PREFIX + "price"


def test_its_say_is_the_share_of_the_message_words_it_knows(lexicon: Lexicon):
    model = shipped(lexicon)
    assert model.known(["<drug>", "side", "effects"]) == 1.0  # placeholders do not count
    assert model.known(["<drug>", "dose", "qqzzyx"]) == 0.5
    assert model.known(["<drug>", "qqzzyx", "vvkkwq"]) == 0.0
    assert model.known(["<drug>"]) == 0.0


def test_topic_probabilities_average_the_two_models_by_the_share_of_words_known(lexicon: Lexicon):
    assert lexicon.model is not None
    masked = ["how", "much", "<drug>", "for", "kids", "qqzzyx"]
    feats = features(masked, [], [])
    first, second = lexicon.model.probabilities(feats), shipped(lexicon).probabilities(masked)
    share = NGRAM_SHARE * 4 / 5
    probs = topic_probabilities(lexicon, masked, [], feats)
    assert list(probs.values()) == sorted(probs.values(), reverse=True)
    for cls, p in probs.items():
        assert math.isclose(p, (1 - share) * first[cls] + share * second[cls], abs_tol=1e-12), cls
    unknown = ["<drug>", "qqzzyx", "vvkkwq"]  # nothing the n-gram model knows: the first model alone
    feats = features(unknown, [], [])
    assert topic_probabilities(lexicon, unknown, [], feats) == lexicon.model.probabilities(feats)


def test_a_message_of_unknown_words_gets_the_prior_of_the_classes(lexicon: Lexicon):
    model = shipped(lexicon)
    assert model.scores(["§§§"]) == model.bias  # no n-gram known: the bias alone, no division by zero
    assert math.isclose(sum(model.probabilities([]).values()), 1.0, rel_tol=1e-9)


def tiny_model() -> NgramModel:
    """Words only; "dose" points to class a, "kids" to b, "the" to neither but counts in the vector's length."""
    block = {"analyzer": "word", "ngram_range": [1, 1], "sublinear_tf": True,
             "terms": {"dose": [2.0, 0, 1.5], "kids": [1.0, 1, 3.0], "the": [0.5]}}  # fmt: skip
    return NgramModel.from_data({"classes": ["a", "b"], "bias": [0.25, -0.25], "blocks": [block]})


def test_scores_are_tf_idf_normalised_to_unit_length_times_the_weights():
    model = tiny_model()
    norm = math.sqrt(2.0**2 + 1.0**2 + 0.5**2)
    expected = [0.25 + 2.0 * 1.5 / norm, -0.25 + 1.0 * 3.0 / norm]
    assert model.scores(["the", "dose", "for", "kids"]) == pytest.approx(expected, abs=1e-12)  # "for": unknown


def test_a_repeated_word_counts_one_plus_the_log_of_its_count():
    tf = 1.0 + math.log(3)
    norm = math.sqrt((2.0 * tf) ** 2 + 1.0)
    expected = [0.25 + 2.0 * tf * 1.5 / norm, -0.25 + 3.0 / norm]
    assert tiny_model().scores(["dose", "kids", "dose", "dose"]) == pytest.approx(expected, abs=1e-12)


def gram_by_gram(block: NgramBlock, text: str) -> list[float]:
    """The block's share computed the plain way, one distinct gram at a time: what the word-by-word sums of the
    letter block must equal."""
    counts = Counter(block.grams(text))
    known = [(count, *block.terms[g]) for g, count in counts.items() if g in block.terms]
    tf = [(1.0 + math.log(c)) if block.sublinear_tf else float(c) for c, _, _ in known]
    norm = math.sqrt(sum(t * t * idf_squared for t, (_, idf_squared, _) in zip(tf, known, strict=True)))
    width = len(known[0][2]) if known else 0
    return [sum(t * row[k] for t, (_, _, row) in zip(tf, known, strict=True)) / norm for k in range(width)]


@pytest.mark.parametrize(
    "words",
    [
        ["<drug>", "dose", "for", "kids"],
        ["banana", "ananas", "dose", "dose", "dose"],  # grams repeated inside a word and across words
        ["is", "<drug>", "safe", "in", "pregnancy", "pregnancy", "and", "breastfeeding"],
        ["qqzzyx"],  # no known gram at all
    ],
)
def test_letter_grams_summed_word_by_word_equal_the_sum_gram_by_gram(lexicon: Lexicon, words):
    block = next(b for b in shipped(lexicon).blocks if b.analyzer == "char_wb")
    text = document(words)
    for _ in range(2):  # the second time from the remembered words
        got = block.add_scores(text, [0.0] * len(shipped(lexicon).classes))
        want = gram_by_gram(block, text) or [0.0] * len(got)
        assert got == pytest.approx(want, abs=1e-9)


def test_a_damaged_weights_file_is_an_error_naming_it(tmp_path):
    path = tmp_path / "ngram_model.json"
    block = '{"analyzer": "word", "ngram_range": [1, 1], "sublinear_tf": true, "terms": {"x": [1.0, 7, 0.5]}}'
    for text in ('{"classes": ["a"]', '{"classes": ["a"], "bias": [0], "blocks": [' + block + "]}"):
        path.write_text(text, encoding="utf-8")  # cut short; a weight for a class it does not have
        with pytest.raises(ValueError, match=r"ngram_model\.json"):
            NgramModel.load(path)


def masked_words(text: str, name: str) -> list[str]:
    """A question's words with its drug's name masked (enough for the analyzers; the bot masks more)."""
    names = set(fold(name).split())
    return ["<drug>" if w in names else w for w in fold(text).split()]


def test_pure_python_scores_are_scikit_learns_probabilities():
    pytest.importorskip("sklearn")
    from tools.train_ngrams import export, fit

    questions = load_questions("train")[::3]
    texts, targets, weights, groups = [], [], [], []
    for q in questions:
        labels = list(q.topics) or [SUBJECT_PREFIX + str(q.subject)]
        for label in labels:
            texts.append(document(masked_words(q.q, q.name or q.drug)))
            targets.append(label)
            weights.append(1.0 / len(labels))
            groups.append(q.batch)
    pipeline = fit(texts, targets, weights, groups)
    model = NgramModel.from_data(export(pipeline, prune=0.0, rounded=False))
    samples = [masked_words(q.q, q.name or q.drug) for q in load_questions("dev")[:150]]
    samples += [["<drug>"], ["a", "b"], ["x" * 40], ["héllo", "<drug>", "ça"], ["dose", "dose", "dose", "dose?"]]
    expected = pipeline.predict_proba([document(m) for m in samples])
    for masked, row in zip(samples, expected, strict=True):
        probs = model.probabilities(masked)
        for cls, p in zip(pipeline.classes_, row, strict=True):
            assert math.isclose(probs[str(cls)], float(p), abs_tol=1e-9), (masked, cls)

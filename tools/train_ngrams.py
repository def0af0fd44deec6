"""Fit the n-gram topic model with scikit-learn and export it as the JSON data `NgramModel` reads.

Called by `python -m tools.train_topics`, which reads the questions once for both models. The vectorisers are
scikit-learn's own, set to the analyzers `intents/language/ngram_model.py` repeats: TF-IDF over word 1-2-grams
(every masked word a token) and over character 2-5-grams inside word boundaries of the masked text (its
placeholders in capitals, see `document`), each L2-normalised, side by side. The classifier is a linear SVM
whose scores are calibrated by temperature scaling (one scale for all classes, fitted on cross-validation
grouped by writing batch), so the model ships as logits: the SVM's weights times that scale.

Why the SVM: in batch-grouped cross-validation over the train and dev splits, averaged with the first model,
it was as precise as a logistic regression at equal coverage (half a point more), and it trains in seconds
where the logistic regression took minutes.
"""

from __future__ import annotations

from typing import Any

from intents.language.ngram_model import TOKEN_PATTERN

# Chosen by that cross-validation (precision at fixed coverage of the averaged models); C from 0.5 to 2 were
# within a few tenths of a point.
C = 1.0  # the SVM's inverse regularisation
FOLDS = 5  # cross-validation folds the temperature is fitted on, grouped by writing batch
MIN_DF = 2  # an n-gram of one training question only (one writer's typo) is left out: 17k n-grams, not 28k
PRUNE = 0.15  # logit weights under this are not shipped: a file half as large, cross-validated precision unmoved
BLOCKS: tuple[tuple[str, tuple[int, int]], ...] = (("word", (1, 2)), ("char_wb", (2, 5)))


def vectorizer() -> Any:
    """The TF-IDF blocks as scikit-learn fits them (sublinear term counts, smoothed IDF, L2 per block)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    def block(analyzer: str, span: tuple[int, int]) -> Any:
        pattern = {"token_pattern": TOKEN_PATTERN} if analyzer == "word" else {}
        return TfidfVectorizer(
            analyzer=analyzer, ngram_range=span, sublinear_tf=True, min_df=MIN_DF, lowercase=False, **pattern
        )

    return FeatureUnion([(analyzer, block(analyzer, span)) for analyzer, span in BLOCKS])


def fit(texts: list[str], targets: list[str], weights: list[float], groups: list[str], c: float = C) -> Any:
    """The vectorisers and the calibrated classifier, as one scikit-learn pipeline."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.model_selection import GroupKFold
    from sklearn.pipeline import Pipeline
    from sklearn.svm import LinearSVC

    union = vectorizer()
    x = union.fit_transform(texts)
    folds = list(GroupKFold(n_splits=FOLDS).split(x, targets, groups))
    svm = LinearSVC(C=c, random_state=0, max_iter=10_000)
    classifier = CalibratedClassifierCV(svm, method="temperature", cv=folds, ensemble=False)
    classifier.fit(x, targets, sample_weight=weights)
    return Pipeline([("tfidf", union), ("classifier", classifier)])


def export(pipeline: Any, prune: float = PRUNE, rounded: bool = True, fingerprint: str = "") -> dict[str, Any]:
    """The fitted pipeline as the JSON data `NgramModel.from_data` reads: each block's vocabulary with every
    term's IDF and its class weights in logits (the SVM's times the calibrated inverse temperature), weights
    under `prune` left out; `rounded`, to the digits that change no decision (IDF 4, weights 3)."""

    def digits(value: float, places: int) -> float:
        return round(value, places) if rounded else value

    union, classifier = pipeline.named_steps["tfidf"], pipeline.named_steps["classifier"]
    calibrated = classifier.calibrated_classifiers_[0]
    beta = float(calibrated.calibrators[0].beta_)
    svm = calibrated.estimator
    classes = [str(k) for k in classifier.classes_]
    # the SVM learnt the classes by their index (temperature scaling encodes string labels first)
    assert [int(k) for k in svm.classes_] == list(range(len(classes)))
    coef = svm.coef_ * beta
    blocks, offset = [], 0
    for _, tfidf in union.transformer_list:
        terms: dict[str, list[float]] = {}
        for term, col in sorted(tfidf.vocabulary_.items()):
            flat = [digits(float(tfidf.idf_[col]), 4)]  # every term: it counts in the vector's length
            for k in range(len(classes)):
                weight = digits(float(coef[k, offset + col]), 3)
                if weight and abs(weight) >= prune:
                    flat += [k, weight]
            terms[term] = flat
        low, high = tfidf.ngram_range
        blocks.append({"analyzer": tfidf.analyzer, "ngram_range": [low, high], "sublinear_tf": tfidf.sublinear_tf,
                       "terms": terms})  # fmt: skip
        offset += len(tfidf.vocabulary_)
    bias = [digits(float(b) * beta, 4) for b in svm.intercept_]
    return {"fingerprint": fingerprint, "classes": classes, "bias": bias, "blocks": blocks}

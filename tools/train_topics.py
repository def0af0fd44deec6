"""Train both topic classifiers on the train split of the question corpus; write `intents/language/model/`.

    python -m pip install -e ".[train]"
    python -m tools.train_topics            # deterministic: same questions and data files, same weights

Each question is read by the real matcher against monographs of the drugs the corpus asks about, so the
features and masked words are the ones the bot computes at question time. A question labelled with two
acceptable topics counts half for each; a question only about an uncovered subject is a class of its own
("nc:price"). The first model (`topic_model.json`) is a logistic regression over the hand-made features; the
second (`ngram_model.json`, `tools/train_ngrams.py`) a linear model over TF-IDF n-grams of the masked words.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from intents.language.classifier import (
    MODEL_FILE,
    STRONG,
    STRONG_PREFIXES,
    SUBJECT_PREFIX,
    TopicModel,
    training_fingerprint,
)
from intents.language.lexicon import VOCABULARY_DIR, Lexicon, load_lexicon
from intents.language.ngram_model import NGRAM_MODEL_FILE, NGRAM_VERSION, document
from intents.library.corpus import load_corpus
from intents.library.names import NameIndex
from intents.understanding.matcher import match
from intents.understanding.topic_decision import read_features
from testkit.questions import QUESTIONS_DIR, Question, load_questions, question_files, write_question_corpus
from tools import train_ngrams

C = 3.0  # inverse regularisation, chosen on the dev split
PRUNE = 0.02  # weights smaller than this change no decision and are not shipped
FINGERPRINT_FILES = (
    "topics.yaml",
    "frames.yaml",
    "dose_units.txt",
    "stopwords.txt",
    "smalltalk.yaml",
    "drug_words.txt",
)


def settings() -> str:
    """The training settings of both models: changing one makes the shipped weights stale."""
    ngrams = f"C={train_ngrams.C} folds={train_ngrams.FOLDS} min_df={train_ngrams.MIN_DF} prune={train_ngrams.PRUNE}"
    return f"features C={C} prune={PRUNE}; ngrams-v{NGRAM_VERSION} {ngrams} blocks={train_ngrams.BLOCKS}"


def fingerprint() -> str:
    """What both weight files are trained from; each records it, and the staleness test compares."""
    files = [VOCABULARY_DIR / n for n in FINGERPRINT_FILES]
    return training_fingerprint(question_files("train"), files, settings())


def labels(question: Question) -> list[tuple[str, float]]:
    if question.topics:
        return [(t, 1.0 / len(question.topics)) for t in question.topics]
    if question.subject:
        return [(SUBJECT_PREFIX + question.subject, 1.0)]
    return []


def readings(questions: list[Question], lexicon: Lexicon, names: NameIndex) -> list[tuple[list[str], list[str]]]:
    """Each question's masked words and classifier features, read as the bot reads a message."""
    out = []
    for question in questions:
        masked, _, feats = read_features(match(question.q, names, lexicon), lexicon)
        out.append((masked, feats))
    return out


def reading_setup() -> tuple[Lexicon, NameIndex]:
    """The lexicon (without weights: reading does not need them) and the names of the question corpus."""
    lexicon = load_lexicon()
    lexicon.model = lexicon.ngram_model = None
    corpus = load_corpus([write_question_corpus(load_questions())], cut_units=False)
    return lexicon, NameIndex.build(corpus.entries.values(), lexicon)


def train_features(questions: list[Question], read: list[tuple[list[str], list[str]]], c: float = C) -> TopicModel:
    """The first model: a logistic regression over the hand-made features."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    rows, targets, weights = [], [], []
    for question, (_, feats) in zip(questions, read, strict=True):
        for label, weight in labels(question):
            rows.append({f: STRONG if f.startswith(STRONG_PREFIXES) else 1.0 for f in feats})
            targets.append(label)
            weights.append(weight)
    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform(rows)
    model = LogisticRegression(C=c, max_iter=5000, tol=1e-6)
    model.fit(x, targets, sample_weight=weights)
    classes = [str(k) for k in model.classes_]
    table: dict[str, list[tuple[int, float]]] = {}
    for col, name in enumerate(vectorizer.get_feature_names_out()):
        scale = STRONG if str(name).startswith(STRONG_PREFIXES) else 1.0  # scored as 1 at question time
        row = [(k, round(float(model.coef_[k, col]) * scale, 3)) for k in range(len(classes))]
        kept = [(k, w) for k, w in row if abs(w) >= PRUNE]
        if kept:
            table[str(name)] = kept
    bias = [round(float(b), 3) for b in model.intercept_]
    return TopicModel(classes=classes, bias=bias, weights=table, fingerprint=fingerprint())


def train_ngram_model(questions: list[Question], read: list[tuple[list[str], list[str]]]) -> dict[str, Any]:
    """The second model, as JSON data: TF-IDF n-grams of the masked words, a calibrated linear SVM
    (`tools/train_ngrams.py`)."""
    texts, targets, weights, groups = [], [], [], []
    for question, (masked, _) in zip(questions, read, strict=True):
        for label, weight in labels(question):
            texts.append(document(masked))
            targets.append(label)
            weights.append(weight)
            groups.append(question.batch)
    return train_ngrams.export(train_ngrams.fit(texts, targets, weights, groups), fingerprint=fingerprint())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODEL_FILE.parent, help="folder the two weight files go to")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if not question_files("train", QUESTIONS_DIR):
        print(f"no training questions in {QUESTIONS_DIR}", file=sys.stderr)
        return 2
    lexicon, names = reading_setup()
    questions = load_questions("train")
    read = readings(questions, lexicon, names)
    model = train_features(questions, read)
    ngrams = train_ngram_model(questions, read)
    args.out.mkdir(parents=True, exist_ok=True)
    ngram_json = json.dumps(ngrams, separators=(",", ":"), ensure_ascii=False) + "\n"
    for name, text in ((MODEL_FILE.name, model.to_json()), (NGRAM_MODEL_FILE.name, ngram_json)):
        path = args.out / name
        path.write_text(text, encoding="utf-8")
        print(f"{path}: {len(text.encode()) / 1e6:.2f} MB")
    terms = [t for block in ngrams["blocks"] for t in block["terms"].values()]
    print(
        f"{len(model.classes)} classes; {len(model.weights)} features; {len(terms)} n-grams, "
        f"{sum(len(t) > 1 for t in terms)} of them weighted, {sum(len(t) // 2 for t in terms)} weights"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

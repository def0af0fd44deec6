"""Train the topic classifier on the train split of the question corpus; write `intents/language/model/`.

    python -m pip install -e ".[train]"
    python -m tools.train_topics            # deterministic: same questions and data files, same weights

Each question is read by the real matcher against monographs of the drugs the corpus asks about, so the
features are the ones the bot computes at question time. A question labelled with two acceptable topics counts
half for each; a question only about an uncovered subject is a class of its own ("nc:price").
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from intents.language.classifier import (
    MODEL_FILE,
    STRONG,
    STRONG_PREFIXES,
    SUBJECT_PREFIX,
    TopicModel,
    training_fingerprint,
)
from intents.language.lexicon import VOCABULARY_DIR, Lexicon, load_lexicon
from intents.library.corpus import load_corpus
from intents.library.names import NameIndex
from intents.understanding.message import read
from intents.understanding.topic_decision import read_features
from testkit.questions import (
    CORPUS_DIR,
    MESSAGES_DIR,
    QUESTIONS_DIR,
    Question,
    load_questions,
    question_files,
    write_question_corpus,
)

C = 3.0  # inverse regularisation, chosen on the dev split
PRUNE = 0.02  # weights smaller than this change no decision and are not shipped
FINGERPRINT_FILES = (
    "topics.yaml",
    "frames.yaml",
    "dose_units.txt",
    "stopwords.txt",
    "smalltalk.yaml",
    "drug_words.txt",
    "messages.yaml",
)


def fingerprint() -> str:
    training = [*question_files("train"), *question_files("train", MESSAGES_DIR)]
    return training_fingerprint(training, [VOCABULARY_DIR / n for n in FINGERPRINT_FILES])


def labels(question: Question) -> list[tuple[str, float]]:
    if question.topics:
        return [(t, 1.0 / len(question.topics)) for t in question.topics]
    if question.subject:
        return [(SUBJECT_PREFIX + question.subject, 1.0)]
    return []


def feature_rows(questions: list[Question], lexicon: Lexicon, names: NameIndex) -> list[list[str]]:
    """The features of each question as the bot reads it: a long message's asking sentence, not its story."""
    return [read_features(read(q.q, names, lexicon).intent, lexicon)[2] for q in questions]


def names_of(questions: list[Question], lexicon: Lexicon, folder: Path) -> NameIndex:
    """The names of monographs of every drug the questions ask about (as bench.understanding writes them)."""
    corpus = load_corpus([write_question_corpus(questions, folder)], cut_units=False)
    return NameIndex.build(corpus.entries.values(), lexicon)


def training_rows(lexicon: Lexicon) -> list[tuple[Question, list[str]]]:
    """The train split of the short questions and of the long messages, each read against its own monographs."""
    rows: list[tuple[Question, list[str]]] = []
    for folder, out in ((QUESTIONS_DIR, CORPUS_DIR), (MESSAGES_DIR, CORPUS_DIR.parent / "message-corpus")):
        names = names_of(load_questions(folder=folder), lexicon, out)
        questions = load_questions("train", folder)
        rows += zip(questions, feature_rows(questions, lexicon, names), strict=True)
    return rows


def train(c: float = C) -> TopicModel:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    lexicon = load_lexicon()
    lexicon.model = None  # reading does not need the weights being trained
    rows, targets, weights = [], [], []
    for question, feats in training_rows(lexicon):
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--c", type=float, default=C, help="inverse regularisation strength")
    parser.add_argument("--out", type=Path, default=MODEL_FILE)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if not question_files("train", QUESTIONS_DIR):
        print(f"no training questions in {QUESTIONS_DIR}", file=sys.stderr)
        return 2
    model = train(args.c)
    args.out.write_text(model.to_json(), encoding="utf-8")
    print(f"{args.out}: {len(model.classes)} classes, {len(model.weights)} features")
    return 0


if __name__ == "__main__":
    sys.exit(main())

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
from intents.understanding.matcher import match
from intents.understanding.topic_decision import read_features
from testkit.questions import QUESTIONS_DIR, Question, load_questions, question_files, write_question_corpus

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


def fingerprint() -> str:
    return training_fingerprint(question_files("train"), [VOCABULARY_DIR / n for n in FINGERPRINT_FILES])


def labels(question: Question) -> list[tuple[str, float]]:
    if question.topics:
        return [(t, 1.0 / len(question.topics)) for t in question.topics]
    if question.subject:
        return [(SUBJECT_PREFIX + question.subject, 1.0)]
    return []


def feature_rows(questions: list[Question], lexicon: Lexicon, names: NameIndex) -> list[list[str]]:
    return [read_features(match(q.q, names, lexicon), lexicon)[2] for q in questions]


def reading_setup() -> tuple[Lexicon, NameIndex]:
    """The lexicon (without weights: reading does not need them) and the names of the question corpus."""
    lexicon = load_lexicon()
    lexicon.model = None
    corpus = load_corpus([write_question_corpus(load_questions())], cut_units=False)
    return lexicon, NameIndex.build(corpus.entries.values(), lexicon)


def train(c: float = C) -> TopicModel:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    lexicon, names = reading_setup()
    questions = load_questions("train")
    rows, targets, weights = [], [], []
    for question, feats in zip(questions, feature_rows(questions, lexicon, names), strict=True):
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

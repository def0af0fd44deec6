"""Train the topic classifier on the train split of the question corpus; write `intents/language/model/`.

    python -m pip install -e ".[train]"
    python -m tools.train_topics            # deterministic: same questions and data files, same weights
    python -m tools.train_topics --add reviewed.jsonl   # add reviewed questions to the corpus, then train

`--add` takes files of questions users labelled (`python -m bot report --export-questions`) once an editor has
reviewed every line (`"reviewed": true`): each becomes a batch of the corpus, `users-<name>.jsonl`, in the
corpus's own fields, and lies in the split its name hashes to, as every batch does.

Each question is read by the real matcher against monographs of the drugs the corpus asks about, so the
features are the ones the bot computes at question time. A question labelled with two acceptable topics counts
half for each; a question only about an uncovered subject is a class of its own ("nc:price").
"""

from __future__ import annotations

import argparse
import json
import logging
import re
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
    split_of,
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


CORPUS_FIELDS = ("q", "drug", "name", "topics", "subject", "other")
USER_BATCH_PREFIX = "users-"


class NotReviewed(ValueError):
    """A file given to --add that is not ready for the corpus: the reason names the line."""


def _reviewed_line(number: int, text: str, lexicon: Lexicon) -> dict[str, Any]:
    """One reviewed question in the corpus's fields; NotReviewed when it is not one."""
    try:
        row = json.loads(text)
    except ValueError as exc:
        raise NotReviewed(f"line {number}: not JSON ({exc})") from None
    if not isinstance(row, dict):
        raise NotReviewed(f"line {number}: not a JSON object")
    if row.get("reviewed") is not True:
        raise NotReviewed(f'line {number}: not reviewed (set "reviewed": true once checked, or delete the line)')
    question, drug = row.get("q"), row.get("drug")
    if not isinstance(question, str) or not question.strip() or not isinstance(drug, str) or not drug.strip():
        raise NotReviewed(f'line {number}: "q" and "drug" must be non-empty text')
    topics, subject = row.get("topics") or [], row.get("subject")
    if not isinstance(topics, list) or any(t not in lexicon.topics for t in topics):
        raise NotReviewed(f"line {number}: topics {topics!r}: known topics are {', '.join(sorted(lexicon.topics))}")
    if subject is not None and subject not in lexicon.not_covered_labels:
        raise NotReviewed(f"line {number}: unknown subject {subject!r}")
    if not topics and subject is None:
        raise NotReviewed(f"line {number}: give the topics that answer it, or the uncovered subject")
    for key in ("name", "other"):
        if row.get(key) is not None and not isinstance(row[key], str):
            raise NotReviewed(f'line {number}: "{key}" must be text or null')
    return {key: row.get(key) for key in CORPUS_FIELDS} | {"topics": topics}


def read_reviewed(path: Path, lexicon: Lexicon) -> list[dict[str, Any]]:
    """The questions of a reviewed file, in the corpus's fields. Raises NotReviewed naming the file and line
    when any line is not reviewed or not a corpus question."""
    lines = []
    try:
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if text.strip():
                lines.append(_reviewed_line(number, text, lexicon))
    except NotReviewed as exc:
        raise NotReviewed(f"{path}: {exc}") from None
    if not lines:
        raise NotReviewed(f"{path}: no questions in it")
    return lines


def add_reviewed(path: Path, folder: Path = QUESTIONS_DIR, lexicon: Lexicon | None = None) -> Path:
    """Add a reviewed file to the corpus as the batch `users-<its name>.jsonl`; the batch written.

    Raises NotReviewed (see `read_reviewed`), and FileExistsError when a batch of that name with other
    questions is there already."""
    lines = read_reviewed(path, lexicon or load_lexicon())
    stem = re.sub(r"[^a-z0-9-]+", "-", path.stem.lower()).strip("-") or "batch"
    target = folder / f"{USER_BATCH_PREFIX}{stem.removeprefix(USER_BATCH_PREFIX)}.jsonl"
    body = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    if target.exists() and target.read_text(encoding="utf-8") != body:
        raise FileExistsError(f"{target} holds other questions: give the file another name")
    target.write_text(body, encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--c", type=float, default=C, help="inverse regularisation strength")
    parser.add_argument("--out", type=Path, default=MODEL_FILE)
    parser.add_argument(
        "--add",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="a file of reviewed user-labelled questions to add to the corpus before training (repeatable)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    lexicon = load_lexicon()
    try:
        for path in args.add:  # every file checked before any is added
            read_reviewed(path, lexicon)
        for path in args.add:
            batch = add_reviewed(path, QUESTIONS_DIR, lexicon)
            count = len(batch.read_text(encoding="utf-8").splitlines())
            print(f"{batch}: {count} question(s) in the corpus ({split_of(batch.stem)} split)")
    except (OSError, NotReviewed) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not question_files("train", QUESTIONS_DIR):
        print(f"no training questions in {QUESTIONS_DIR}", file=sys.stderr)
        return 2
    model = train(args.c)
    args.out.write_text(model.to_json(), encoding="utf-8")
    print(f"{args.out}: {len(model.classes)} classes, {len(model.weights)} features")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Train both topic classifiers on the train split of the question corpus; write `intents/language/model/`.

    python -m pip install -e ".[train]"
    python -m tools.train_topics            # deterministic: same questions and data files, same weights
    python -m tools.train_topics --add reviewed.jsonl   # add reviewed questions to the corpus, then train

`--add` takes files of questions users labelled (`python -m bot report --export-questions`) once an editor has
reviewed every line (`"reviewed": true`): each becomes a batch of the corpus, `users-<name>.jsonl`, in the
corpus's own fields, and lies in the split its name hashes to, as every batch does.

Each question is read by the real matcher against monographs of the drugs the corpus asks about, so the
features and masked words are the ones the bot computes at question time (of a long message, its asking
sentence). A question labelled with two acceptable topics counts half for each; a question only about an
uncovered subject is a class of its own ("nc:price"). The first model (`topic_model.json`) is a logistic
regression over the hand-made features; the second (`ngram_model.json`, `tools/train_ngrams.py`) a linear model
over TF-IDF n-grams of the masked words.
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
from intents.language.ngram_model import NGRAM_MODEL_FILE, NGRAM_VERSION, document
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
    "messages.yaml",
)


def settings() -> str:
    """The training settings of both models: changing one makes the shipped weights stale."""
    ngrams = f"C={train_ngrams.C} folds={train_ngrams.FOLDS} min_df={train_ngrams.MIN_DF} prune={train_ngrams.PRUNE}"
    return f"features C={C} prune={PRUNE}; ngrams-v{NGRAM_VERSION} {ngrams} blocks={train_ngrams.BLOCKS}"


def fingerprint() -> str:
    """What both weight files are trained from; each records it, and the staleness test compares."""
    training = [*question_files("train"), *question_files("train", MESSAGES_DIR)]
    return training_fingerprint(training, [VOCABULARY_DIR / n for n in FINGERPRINT_FILES], settings())


def labels(question: Question) -> list[tuple[str, float]]:
    if question.topics:
        return [(t, 1.0 / len(question.topics)) for t in question.topics]
    if question.subject:
        return [(SUBJECT_PREFIX + question.subject, 1.0)]
    return []


Reading = tuple[list[str], list[str]]  # a question's masked words and classifier features


def readings(questions: list[Question], lexicon: Lexicon, names: NameIndex) -> list[Reading]:
    """Each question's masked words and features as the bot reads it: a long message's asking sentence, not its
    story."""
    out = []
    for question in questions:
        masked, _, feats = read_features(read(question.q, names, lexicon).intent, lexicon)
        out.append((masked, feats))
    return out


def names_of(questions: list[Question], lexicon: Lexicon, folder: Path) -> NameIndex:
    """The names of monographs of every drug the questions ask about (as bench.understanding writes them)."""
    corpus = load_corpus([write_question_corpus(questions, folder)], cut_units=False)
    return NameIndex.build(corpus.entries.values(), lexicon)


def training_rows(lexicon: Lexicon) -> list[tuple[Question, Reading]]:
    """The train split of the short questions and of the long messages, each read against its own monographs."""
    rows: list[tuple[Question, Reading]] = []
    for folder, out in ((QUESTIONS_DIR, CORPUS_DIR), (MESSAGES_DIR, CORPUS_DIR.parent / "message-corpus")):
        names = names_of(load_questions(folder=folder), lexicon, out)
        questions = load_questions("train", folder)
        rows += zip(questions, readings(questions, lexicon, names), strict=True)
    return rows


def reading_lexicon() -> Lexicon:
    """The lexicon without weights: reading does not need the weights being trained."""
    lexicon = load_lexicon()
    lexicon.model = lexicon.ngram_model = None
    return lexicon


def train_features(rows: list[tuple[Question, Reading]], c: float = C) -> TopicModel:
    """The first model: a logistic regression over the hand-made features."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectors, targets, weights = [], [], []
    for question, (_, feats) in rows:
        for label, weight in labels(question):
            vectors.append({f: STRONG if f.startswith(STRONG_PREFIXES) else 1.0 for f in feats})
            targets.append(label)
            weights.append(weight)
    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform(vectors)
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


def train_ngram_model(rows: list[tuple[Question, Reading]]) -> dict[str, Any]:
    """The second model, as JSON data: TF-IDF n-grams of the masked words, a calibrated linear SVM
    (`tools/train_ngrams.py`)."""
    texts, targets, weights, groups = [], [], [], []
    for question, (masked, _) in rows:
        for label, weight in labels(question):
            texts.append(document(masked))
            targets.append(label)
            weights.append(weight)
            groups.append(question.batch)
    return train_ngrams.export(train_ngrams.fit(texts, targets, weights, groups), fingerprint=fingerprint())


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
    parser.add_argument("--out", type=Path, default=MODEL_FILE.parent, help="folder the two weight files go to")
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
    rows = training_rows(reading_lexicon())
    model = train_features(rows)
    ngrams = train_ngram_model(rows)
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

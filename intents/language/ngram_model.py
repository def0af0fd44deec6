"""The second topic classifier: TF-IDF over the masked message's word 1-2-grams and character 2-5-grams (inside
word boundaries), and a linear model over them, giving a probability per topic and per subject not covered.

It reads the same masked words as the first classifier (`classifier.py`) but none of its hand-made features
(lexicon hits, frames, stems), so its mistakes differ and the average of the two is surer than either.
Training (`python -m tools.train_topics`) fits scikit-learn's TfidfVectorizer and a linear classifier and
writes `model/ngram_model.json`; scoring here repeats scikit-learn's analyzers, TF-IDF weighting and L2
normalisation in pure Python (a test compares the two when scikit-learn is installed).
"""

from __future__ import annotations

import json
import math
import re
from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

NGRAM_MODEL_FILE = Path(__file__).resolve().parent / "model" / "ngram_model.json"
# Bump when the analyzers or the document change: the shipped weights then no longer match (staleness test).
NGRAM_VERSION = 2
# scikit-learn's `token_pattern` for the word analyzer: every masked word is a token, DRUG and "i" included.
TOKEN_PATTERN = r"(?u)\S+"
_TOKENS = re.compile(TOKEN_PATTERN)
_WHITE_SPACES = re.compile(r"\s\s+")  # as scikit-learn's char_wb analyzer normalises white space
WORD_MEMO = 20_000  # words whose letter-gram sums are remembered (about 6 MB at most)

Analyzer = Literal["word", "char_wb"]


def document(masked: list[str]) -> str:
    """The text both training and scoring analyse: the masked words joined by spaces, each placeholder in
    capitals ("<dose>" as DOSE). Message words are lower case, so the placeholders' letter grams never match a
    word's: "<drug>" read as letters would look like "drug" and "dry", "<dose>" like "dose"."""
    return " ".join(w[1:-1].upper() if w[:1] == "<" and w[-1:] == ">" else w for w in masked)


def word_grams(text: str, low: int, high: int) -> list[str]:
    """scikit-learn's word analyzer (TOKEN_PATTERN, no stop words, case kept): n-grams joined by a space."""
    tokens = _TOKENS.findall(text)
    grams = list(tokens) if low == 1 else []
    for n in range(max(low, 2), min(high, len(tokens)) + 1):
        grams += [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
    return grams


def char_wb_grams(text: str, low: int, high: int) -> list[str]:
    """scikit-learn's `char_wb` analyzer: letter n-grams of each word padded with one space either side; a word
    shorter than n counts once, whole."""
    grams = []
    for word in _WHITE_SPACES.sub(" ", text).split():
        padded = f" {word} "
        for n in range(low, high + 1):
            if len(padded) <= n:
                grams.append(padded)
                break
            grams += [padded[i : i + n] for i in range(len(padded) - n + 1)]
    return grams


def _added(scores: list[float], rows: list[Sequence[float]], squares: float) -> list[float]:
    """`scores` plus the rows summed column-wise, divided by the length of the message's vector."""
    norm = math.sqrt(squares)
    return [s + sum(column) / norm for s, column in zip(scores, zip(*rows, strict=True), strict=True)]


@dataclass(slots=True)
class NgramBlock:
    """One fitted TfidfVectorizer with the class weights of its terms. Every term of the vocabulary keeps its
    IDF, weighted or not: it counts in the length the message's vector is normalised by. In memory each term
    holds its squared IDF and a dense row of IDF x class weight, so a message costs one row per distinct n-gram,
    summed column-wise in C, not a Python step per weight (0.2 ms a message rather than 0.4)."""

    analyzer: Analyzer
    ngram_range: tuple[int, int]
    sublinear_tf: bool
    terms: dict[str, tuple[float, array[float]]]  # term -> (IDF squared, IDF x weight per class)
    words: dict[str, tuple[list[str], list[float] | None, float]] = field(default_factory=dict, repr=False)

    def grams(self, text: str) -> list[str]:
        low, high = self.ngram_range
        return word_grams(text, low, high) if self.analyzer == "word" else char_wb_grams(text, low, high)

    def add_scores(self, text: str, scores: list[float]) -> list[float]:
        """`scores` plus this block's share: TF-IDF, L2-normalised, times the class weights."""
        if self.analyzer == "char_wb":
            return self._add_letter_scores(text, scores)
        rows: list[Sequence[float]] = []
        squares = 0.0
        terms = self.terms
        for term, count in Counter(self.grams(text)).items():
            entry = terms.get(term)
            if entry is None:
                continue
            idf_squared, row = entry
            if count > 1:  # term frequency: 1 + ln(count) when sublinear, as scikit-learn's
                tf = self._tf(count)
                squares += tf * tf * idf_squared
                rows.append([tf * w for w in row])
            else:
                squares += idf_squared
                rows.append(row)
        if not rows:
            return scores
        return _added(scores, rows, squares)

    def _tf(self, count: int) -> float:
        return (1.0 + math.log(count)) if self.sublinear_tf else float(count)

    def _add_letter_scores(self, text: str, scores: list[float]) -> list[float]:
        """The letter-gram block, summed word by word: each word's grams, the sum of their rows and of their
        squared IDFs are remembered (the words people write repeat from message to message), and a gram the
        message holds more than once is then counted by its term frequency instead of once per time it occurs.
        The same sums as `add_scores` makes gram by gram, in another order (equal to 1e-12)."""
        grams: list[str] = []
        rows: list[Sequence[float]] = []
        squares = 0.0
        for word in _WHITE_SPACES.sub(" ", text).split():
            cached = self.words.get(word)
            if cached is None:
                cached = self._word_sums(word)
                if len(self.words) >= WORD_MEMO:
                    self.words.clear()
                self.words[word] = cached
            word_grams, row, word_squares = cached
            grams += word_grams
            if row is not None:
                rows.append(row)
                squares += word_squares
        if not rows:
            return scores
        if len(grams) != len(set(grams)):  # a gram met more than once: its term frequency, not its count
            for term, count in Counter(grams).items():
                entry = self.terms.get(term) if count > 1 else None
                if entry is not None:
                    idf_squared, weights = entry
                    tf = self._tf(count)
                    squares += (tf * tf - count) * idf_squared
                    rows.append([(tf - count) * w for w in weights])
        return _added(scores, rows, squares)

    def _word_sums(self, word: str) -> tuple[list[str], list[float] | None, float]:
        """One word's letter grams, the sum of their rows (None when none is known) and of their IDFs squared,
        each counted as often as it occurs in the word."""
        grams = char_wb_grams(word, *self.ngram_range)
        known = [entry for entry in map(self.terms.get, grams) if entry is not None]
        if not known:
            return grams, None, 0.0
        row = [sum(column) for column in zip(*(r for _, r in known), strict=True)]
        return grams, row, sum(idf_squared for idf_squared, _ in known)

    @classmethod
    def from_data(cls, data: dict[str, Any], classes: int) -> NgramBlock:
        """A block from its JSON data: each term as [IDF, class index, weight, class index, weight...]."""
        analyzer = data["analyzer"]
        if analyzer not in ("word", "char_wb"):
            raise ValueError(f"unknown analyzer {analyzer!r}")
        low, high = (int(n) for n in data["ngram_range"])
        terms: dict[str, tuple[float, array[float]]] = {}
        zeros = [0.0] * classes
        for term, (idf, *flat) in data["terms"].items():
            idf = float(idf)
            row = zeros.copy()
            pairs = iter(flat)
            for index, weight in zip(pairs, pairs, strict=True):  # a bad index or weight raises: a damaged file
                row[index] = idf * weight
            terms[term] = (idf * idf, array("d", row))
        return cls(analyzer, (low, high), bool(data["sublinear_tf"]), terms)


@dataclass
class NgramModel:
    """TF-IDF blocks (their vectors side by side, each normalised alone) and a linear model: softmax of the
    scores. The weights are in logits (a calibration's temperature is folded into them)."""

    classes: list[str]
    bias: list[float]
    blocks: list[NgramBlock]
    fingerprint: str = ""

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> NgramModel:
        """The model from its JSON data (`tools/train_ngrams.py` writes it)."""
        classes = [str(c) for c in data["classes"]]
        blocks = [NgramBlock.from_data(b, len(classes)) for b in data["blocks"]]
        return cls(classes, [float(b) for b in data["bias"]], blocks, str(data.get("fingerprint", "")))

    @classmethod
    def load(cls, path: Path = NGRAM_MODEL_FILE) -> NgramModel:
        try:
            return cls.from_data(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
            raise ValueError(f"n-gram topic model {path} could not be read: {exc}") from exc

    def known(self, masked: list[str]) -> float:
        """The share of the message's words (placeholders aside) that its word block saw in training. Unknown
        n-grams add nothing to the scores and the vector is normalised over the known ones, so on "kadcyla zebra
        umbrella" the model would speak from the drug's name alone, confidently: its say is this share."""
        words = [w for w in masked if w[:1] != "<"]
        vocabularies = [b.terms for b in self.blocks if b.analyzer == "word"]
        if not words or not vocabularies:
            return 0.0
        return sum(any(w in v for v in vocabularies) for w in words) / len(words)

    def scores(self, masked: list[str]) -> list[float]:
        """The linear scores (logits) of a masked message, one per class."""
        text = document(masked)
        scores = list(self.bias)
        for block in self.blocks:
            scores = block.add_scores(text, scores)
        return scores

    def probabilities(self, masked: list[str]) -> dict[str, float]:
        """Class -> probability (softmax of the scores), highest first."""
        scores = self.scores(masked)
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        ranked = sorted(zip(self.classes, (e / total for e in exps), strict=True), key=lambda cp: -cp[1])
        return dict(ranked)

"""The topic classifier: a linear model over the masked message's words, word pairs, letter 4-grams, the
lexicon's hits and the question frames, giving a probability per topic and per subject not covered.

Training (`python -m tools.train_topics`, scikit-learn, a training-only extra) writes the weights to
`intents/language/model/topic_model.json`; scoring here is pure Python: a few hundred dictionary lookups per message.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from dataclasses import dataclass
from pathlib import Path

from intents.common.text import stem

MODEL_FILE = Path(__file__).resolve().parent / "model" / "topic_model.json"
# Bump when `features` changes: the shipped weights then no longer match and the staleness test fails.
FEATURE_VERSION = 5
SUBJECT_PREFIX = "nc:"


# Features from the lexicon and the frames are few and curated: they count this many times a word's feature,
# so that the little regularised training set does not drown them.
STRONG = 3.0
STRONG_PREFIXES = ("L:", "F:", "T:")


def features(
    masked: list[str], hits: list[str], frames: list[str], lexicon_topic: str | None = None, same_drug: bool = False
) -> list[str]:
    """The features of one message: what the classifier sees, at training and at question time alike.
    `lexicon_topic` is the topic the lexicon's phrase scores alone point to; `same_drug`, whether the names
    in the message are all names of one drug ("is tylenol acetaminophen")."""
    out = [f"w:{w}" for w in masked]
    padded = ["^", *masked, "$"]
    out += [f"b:{a}_{b}" for a, b in itertools.pairwise(padded)]
    for word in masked:
        if word[0] != "<" and len(word) >= 3 and word.isalpha():
            out.append(f"s:{stem(word)}")
            marked = f"#{word}#"
            out += [f"c:{marked[i : i + 4]}" for i in range(len(marked) - 3)]
    out += [f"L:{h}" for h in hits]
    out += [f"F:{f}" for f in frames]
    if lexicon_topic:
        out.append(f"T:{lexicon_topic}")
    content = [w for w in masked if w[0] != "<"]
    if len(content) <= 2:
        out.append("short")
    if masked.count("<drug>") >= 2:
        out.append("samedrug" if same_drug else "drugs2")
    return out


@dataclass
class TopicModel:
    """Weights of the linear model: one bias and a sparse row of weights per feature."""

    classes: list[str]
    bias: list[float]
    weights: dict[str, list[tuple[int, float]]]
    fingerprint: str = ""

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> TopicModel:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            model = cls(
                list(data["classes"]), [float(b) for b in data["bias"]], data["weights"], data.get("fingerprint", "")
            )
            model.check()
            return model
        except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
            raise ValueError(f"topic model {path} could not be read: {exc}") from exc

    def check(self) -> None:
        """Raise (TypeError, ValueError, IndexError) when a weight is no number or names no class: scoring every
        feature at once touches every weight, at load time rather than at a user's question, and costs a tenth of
        converting each pair as it is read."""
        if not isinstance(self.weights, dict) or len(self.bias) != len(self.classes):
            raise ValueError("weights must map features to rows, and there must be one bias per class")
        scores = [0.0] * len(self.classes)
        for row in self.weights.values():
            for index, weight in row:
                if index < 0:
                    raise IndexError(f"class index {index}")
                scores[index] += weight
        if not all(math.isfinite(s) for s in scores):
            raise ValueError("a weight is not a finite number")

    def probabilities(self, feats: list[str]) -> dict[str, float]:
        """Class -> probability (softmax of the linear scores), highest first."""
        scores = list(self.bias)
        weights = self.weights
        for feat in set(feats):
            row = weights.get(feat)
            if row:
                for index, weight in row:
                    scores[index] += weight
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        ranked = sorted(zip(self.classes, (e / total for e in exps), strict=True), key=lambda cp: -cp[1])
        return dict(ranked)

    def to_json(self) -> str:
        rows = {f: [[i, w] for i, w in row] for f, row in sorted(self.weights.items())}
        data = {"fingerprint": self.fingerprint, "classes": self.classes, "bias": self.bias, "weights": rows}
        return json.dumps(data, separators=(",", ":"), sort_keys=False) + "\n"


def training_fingerprint(question_files: list[Path], data_files: list[Path], settings: str = "") -> str:
    """What the shipped weights were trained from: the training questions, the lexicon and frame files, the
    feature version and the training settings. The staleness test recomputes it."""
    digest = hashlib.sha256(f"features-v{FEATURE_VERSION} {settings}".encode())
    for path in [*sorted(question_files), *sorted(data_files)]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()

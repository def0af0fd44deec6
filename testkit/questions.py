"""The project's labelled question corpus (`intents/language/questions/`), its long messages
(`intents/language/messages/`, read with `folder=MESSAGES_DIR`) and the monographs to ask them against.

Each file is one writing batch; a batch lies wholly in one split (train, dev or test), chosen from a hash of
its name, so paraphrases of one question never sit on two sides. The drugs the questions ask about get
synthetic monographs in the seed format (their real names and the brand names the questions use), written
once under `bench/out/`, so the whole pipeline — names, topic, part — is exercised as a user meets it.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass
from pathlib import Path

from intents.common.text import fold
from testkit.synthetic import Drug, monograph_text

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS_DIR = ROOT / "intents" / "language" / "questions"
MESSAGES_DIR = ROOT / "intents" / "language" / "messages"  # long messages: the question inside a story
CORPUS_DIR = ROOT / "bench" / "out" / "question-corpus"


@dataclass(frozen=True, slots=True)
class Question:
    q: str
    drug: str
    name: str | None
    topics: tuple[str, ...]
    subject: str | None
    other: str | None
    batch: str
    question: str  # the asking sentence(s) cut from `q`; the whole of `q` for a short question
    passing: tuple[str, ...] = ()  # other drugs the message names in passing, not asked about
    register: str | None = None  # email, carer, forum or greeting (long messages only)
    second: tuple[str, ...] = ()  # the topics of a second question in the same message

    @property
    def answerable(self) -> bool:
        return bool(self.topics)

    @property
    def split(self) -> str:
        return split_of(self.batch)


def split_of(batch: str) -> str:
    """70% of batches train, 15% dev, 15% test, by a stable hash of the batch name."""
    bucket = int(hashlib.sha256(batch.encode()).hexdigest(), 16) % 20
    return "train" if bucket < 14 else "dev" if bucket < 17 else "test"


def question_files(split: str | None = None, folder: Path = QUESTIONS_DIR) -> list[Path]:
    files = sorted(folder.glob("*.jsonl"))
    return [f for f in files if split is None or split_of(f.stem) == split]


def load_questions(split: str | None = None, folder: Path = QUESTIONS_DIR) -> list[Question]:
    out = []
    for path in question_files(split, folder):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            out.append(
                Question(
                    q=row["q"],
                    drug=row["drug"],
                    name=row.get("name"),
                    topics=tuple(row.get("topics") or ()),
                    subject=row.get("subject"),
                    other=row.get("other"),
                    batch=path.stem,
                    question=row.get("question") or row["q"],
                    passing=tuple(row.get("passing") or ()),
                    register=row.get("register"),
                    second=tuple(row.get("second") or ()),
                )
            )
    return out


def title_of(drug: str) -> str:
    """A monograph title for a generic name: "oxycodone and acetaminophen" -> "Oxycodone and Acetaminophen"."""
    return " ".join(w if w in ("and", "with") else w[:1].upper() + w[1:] for w in drug.split())


def question_drugs(questions: list[Question]) -> list[Drug]:
    """One drug per generic name asked about, with the brand names the questions use for it."""
    brands: dict[str, set[str]] = {}
    for q in questions:
        names = brands.setdefault(q.drug.strip().lower(), set())
        if q.name and fold(q.name) != fold(q.drug):
            names.add(q.name.strip())
    drugs = []
    for generic in sorted(brands):
        title = title_of(generic)
        drugs.append(Drug(title=title, inn=title, brands=sorted(brands[generic]) or [title]))
    for drug in drugs:
        drug.faqs = True
    return drugs


def write_question_corpus(questions: list[Question], out: Path = CORPUS_DIR, seed: int = 5) -> Path:
    """Write a monograph per drug asked about (deterministic); rewrite only when the drug list changed."""
    drugs = question_drugs(questions)
    stamp = hashlib.sha256(json.dumps([(d.title, d.brands) for d in drugs]).encode()).hexdigest()
    marker = out / ".stamp"
    if marker.exists() and marker.read_text() == stamp:
        return out
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.md"):
        old.unlink()
    rng = random.Random(seed)
    for index, drug in enumerate(drugs):
        drug.partners = [d.inn for d in rng.sample(drugs, min(3, len(drugs)))]
        (out / f"{index:04d}_{drug.slug[:40]}.md").write_text(monograph_text(drug, rng), encoding="utf-8")
    marker.write_text(stamp)
    return out

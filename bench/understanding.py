"""How well the bot understands: the labelled questions of one split through the real engine.

    python -m bench.understanding                 # the test split: overall, per topic, per frame, the curve
    python -m bench.understanding --split dev     # the split thresholds are chosen on

A question is asked against monographs of every drug the corpus names (`testkit.questions`). A *confident*
answer is a `faq` or `section` reply; it is right when its drug is the question's drug and its topic one of
the question's acceptable topics. Prints the table and the CPU cost per question (the n-gram model's share
too), writes `bench/out/understanding.json` and, when matplotlib is installed (the `train` extra), the
precision-coverage curve as `bench/out/understanding.png`.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

from intents import THRESHOLD, Engine, Kind, Trace, fold, load_corpus, load_lexicon
from testkit.questions import MESSAGES_DIR, ROOT, Question, load_questions, title_of, write_question_corpus

OUT = ROOT / "bench" / "out"
CONFIDENT = (Kind.FAQ, Kind.SECTION)
CURVE = (0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9)


@dataclass
class Scores:
    questions: int = 0
    answerable: int = 0
    confident: int = 0
    right: int = 0
    wrong: int = 0
    abstained: int = 0
    abstained_rightly: int = 0
    confident_answerable: int = 0
    drug_right: int = 0

    def add(self, question: Question, trace: Trace) -> None:
        reply = trace.reply
        assert reply is not None
        self.questions += 1
        self.drug_right += fold(reply.drug or "") == fold(title_of(question.drug))
        self.answerable += question.answerable
        if reply.kind in CONFIDENT:
            self.confident += 1
            self.confident_answerable += question.answerable
            ok = fold(reply.drug or "") == fold(title_of(question.drug)) and reply.topic in question.topics
            self.right += ok
            self.wrong += not ok
        else:
            self.abstained += 1
            self.abstained_rightly += not question.answerable

    @property
    def precision(self) -> float:
        return self.right / self.confident if self.confident else 0.0

    @property
    def coverage(self) -> float:
        return self.confident_answerable / self.answerable if self.answerable else 0.0

    @property
    def confident_wrong(self) -> float:
        return self.wrong / self.questions if self.questions else 0.0

    @property
    def drug_accuracy(self) -> float:
        return self.drug_right / self.questions if self.questions else 0.0

    @property
    def abstention_precision(self) -> float:
        return self.abstained_rightly / self.abstained if self.abstained else 0.0

    def row(self, name: str) -> str:
        return (
            f"| {name} | {self.questions} | {self.precision:.1%} | {self.coverage:.1%} | {self.confident_wrong:.1%} "
            f"| {self.abstention_precision:.1%} |"
        )


HEADER = (
    "| | questions | precision | coverage | confident-wrong | abstention precision |\n|---|---:|---:|---:|---:|---:|"
)


def engine_for_questions() -> Engine:
    """An engine over monographs of every drug the question corpus names."""
    lexicon = load_lexicon()
    return Engine(load_corpus([write_question_corpus(load_questions())]), lexicon)


def engine_for_messages() -> Engine:
    """An engine over monographs of every drug the long messages name (a corpus of its own, so the short
    questions' figures do not depend on it)."""
    messages = load_questions(folder=MESSAGES_DIR)
    return Engine(load_corpus([write_question_corpus(messages, OUT / "message-corpus")]), load_lexicon())


LONG_HEADER = (
    "| | messages | precision | coverage | confident-wrong | drug right |\n|---|---:|---:|---:|---:|---:|"
)


def long_rows(engine: Engine, split: str | None) -> list[str]:
    """Long messages (a story around the question), overall and per register: the question read out of them."""
    messages = load_questions(split, MESSAGES_DIR)
    scores: dict[str, Scores] = defaultdict(Scores)
    for message in messages:
        trace = engine.explain(message.q)
        for key in ("all", message.register):
            scores[key].add(message, trace)
    return [
        f"| {'**all**' if k == 'all' else k} | {v.questions} | {v.precision:.1%} | {v.coverage:.1%} "
        f"| {v.confident_wrong:.1%} | {v.drug_accuracy:.1%} |"
        for k, v in sorted(scores.items(), key=lambda kv: (kv[0] != "all", kv[0]))
    ]


def evaluate(engine: Engine, questions: list[Question], threshold: float | None = None) -> dict[str, Scores]:
    """Scores overall ("all"), per first acceptable topic or subject ("topic:x") and per frame ("frame:x")."""
    saved = engine.threshold
    engine.threshold = threshold
    try:
        scores: dict[str, Scores] = defaultdict(Scores)
        for question in questions:
            trace = engine.explain(question.q)
            group = question.topics[0] if question.topics else f"not covered: {question.subject}"
            keys = ["all", f"topic:{group}", *(f"frame:{f}" for f in trace.decision.frames)]
            for key in keys:
                scores[key].add(question, trace)
        return scores
    finally:
        engine.threshold = saved


def scoring_cost(engine: Engine, questions: list[Question]) -> dict[str, float]:
    """CPU milliseconds per question (CPU time, so other jobs on a shared machine count less): the whole reading
    and answer, and the n-gram model's scoring alone, best of three runs over the split's masked messages."""
    started = time.process_time()
    masked = [engine.explain(q.q).decision.masked for q in questions]
    whole = (time.process_time() - started) * 1000 / len(questions)
    model = engine.lexicon.ngram_model
    if model is None:
        return {"answer": whole}
    runs = []
    for _ in range(3):
        times = []
        for words in masked:
            start = time.process_time()
            model.probabilities(words)
            times.append((time.process_time() - start) * 1000)
        runs.append(times)
    best = min(runs, key=sum)
    return {"answer": whole, "ngram_mean": statistics.fmean(best), "ngram_p99": statistics.quantiles(best, n=100)[98]}


def curve(engine: Engine, questions: list[Question]) -> list[tuple[float, Scores]]:
    return [(t, evaluate(engine, questions, t)["all"]) for t in CURVE]


def draw(points: list[tuple[float, Scores]], path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.plot([s.coverage for _, s in points], [s.precision for _, s in points], marker="o")
    for t, s in points:
        ax.annotate(f"{t:.2f}", (s.coverage, s.precision), textcoords="offset points", xytext=(4, 4), fontsize=8)
    ax.set_xlabel("coverage (answerable questions answered)")
    ax.set_ylabel("precision of confident answers")
    ax.set_title("drugbot: precision against coverage by threshold")
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="test", choices=["train", "dev", "test"])
    parser.add_argument("--no-curve", action="store_true", help="skip the threshold sweep")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    engine = engine_for_questions()
    questions = load_questions(args.split)
    scores = evaluate(engine, questions)
    counts = Counter(q.drug for q in questions)
    print(
        f"{args.split} split: {len(questions)} questions about {len(counts)} drugs; threshold "
        f"{THRESHOLD}\n"
    )
    print(HEADER)
    print(scores["all"].row("**all**"))
    for key in sorted(k for k in scores if k.startswith("topic:")):
        print(scores[key].row(key[6:]))
    print("\nBy question frame (a question may fire several):\n")
    print(HEADER)
    for key in sorted(k for k in scores if k.startswith("frame:")):
        print(scores[key].row(key[6:]))
    long_engine = engine_for_messages()
    for split, label in ((args.split, f"{args.split} split"), (None, "all splits")):
        print(f"\nLong messages, the question inside a story ({label}; `intents/language/messages/`):\n")
        print(LONG_HEADER)
        print("\n".join(long_rows(long_engine, split)))
    result: dict[str, object] = {k: asdict(v) for k, v in scores.items()}
    cost = scoring_cost(engine, questions)
    result["cost_ms"] = cost
    print(f"\nCPU per question: {cost['answer']:.2f} ms to read and answer", end="")
    if "ngram_mean" in cost:
        print(f", of which the n-gram model {cost['ngram_mean']:.3f} ms (99th percentile {cost['ngram_p99']:.3f} ms)")
    else:
        print(" (no n-gram model shipped)")
    if not args.no_curve:
        points = curve(engine, questions)
        print("\nPrecision-coverage curve over the confidence threshold:\n")
        print(
            "| threshold | precision | coverage | confident-wrong | abstention precision |\n|---:|---:|---:|---:|---:|"
        )
        for t, s in points:
            print(
                f"| {t:.2f} | {s.precision:.1%} | {s.coverage:.1%} | {s.confident_wrong:.1%} "
                f"| {s.abstention_precision:.1%} |"
            )
        result["curve"] = [{"threshold": t, **asdict(s)} for t, s in points]
        OUT.mkdir(parents=True, exist_ok=True)
        png = OUT / "understanding.png"
        print(f"\ncurve drawn in {png}" if draw(points, png) else "\n(matplotlib not installed: no PNG)")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "understanding.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

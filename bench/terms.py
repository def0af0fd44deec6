"""Terse "drug + term" messages ("kadcyla ild", "quintaprazole applesauce"): does the bot give the part that
holds the term, say honestly that the monograph does not mention it, and never serve a banned monograph?

    python -m bench.terms                  # the table, then every case answered wrongly or not answered
    python -m bench.terms --json FILE      # the same, and every case's outcome saved as JSON

The cases are `bench/data/terms.jsonl`, asked one by one (no chat context) of an engine over the real seed and
the fictional monographs of `tests/fixtures/terms/`. Each case expects a part (its heading path, as `ask --json`
reports it in `section`), an FAQ pair (its 0-based front-matter index), an abstention (the monograph lacks the
term), or a refusal (a banned monograph), and may list other acceptable expectations. A *confident* reply is an
FAQ or section reply. It is right when its drug is the case's and it gives an expected part; on a term the
monograph lacks it is right only when it says so (the "does not mention" note above the closest part), and any
reply that is not confident is a right abstention there. Deterministic: no cache, no randomness, no clock.
"""

from __future__ import annotations

import argparse
import json
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from intents import Engine, Kind, Reply, fold, load_engine
from testkit.checks import banned_texts

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "bench" / "data" / "terms.jsonl"
FOLDERS = (ROOT / "seeds", ROOT / "tests" / "fixtures" / "terms")
CONFIDENT = (Kind.FAQ, Kind.SECTION)
EXPECT_KEYS = ("part", "faq", "abstain", "refuse")


@dataclass(frozen=True, slots=True)
class Case:
    q: str
    drug: str
    expect: dict[str, Any]
    alternatives: tuple[dict[str, Any], ...]
    why: str

    @property
    def wants(self) -> str:
        """What the case asks for: "part", "faq", "abstain" or "refuse" (a part or FAQ pair is *answerable*)."""
        return next(iter(self.expect))

    @property
    def answerable(self) -> bool:
        return self.wants in ("part", "faq")

    @property
    def acceptable(self) -> tuple[dict[str, Any], ...]:
        return (self.expect, *self.alternatives)


def _expectation(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict) or len(value) != 1 or next(iter(value)) not in EXPECT_KEYS:
        raise ValueError(f"{where}: an expectation is one of {EXPECT_KEYS}, got {value!r}")
    key, inner = next(iter(value.items()))
    valid = {
        "part": isinstance(inner, list) and inner and all(isinstance(h, str) for h in inner),
        "faq": isinstance(inner, int) and not isinstance(inner, bool) and inner >= 0,
        "abstain": inner is True,
        "refuse": inner is True,
    }[key]
    if not valid:
        raise ValueError(f"{where}: bad {key} expectation {inner!r}")
    return value


def load_cases(path: Path = CASES) -> list[Case]:
    """The cases of a JSONL file, each line checked: q, drug, expect, alternatives and why."""
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        where = f"{path.name}:{number}"
        if set(row) != {"q", "drug", "expect", "alternatives", "why"}:
            raise ValueError(f"{where}: fields must be q, drug, expect, alternatives, why; got {sorted(row)}")
        alternatives = tuple(_expectation(a, where) for a in row["alternatives"])
        cases.append(Case(row["q"], row["drug"], _expectation(row["expect"], where), alternatives, row["why"]))
    return cases


def engine_for_terms(folders: Iterable[Path] = FOLDERS) -> Engine:
    """The real seed and the fictional monographs, read afresh (no index cache: nothing written, nothing stale)."""
    return load_engine(list(folders), cache_dir=None)


@dataclass(slots=True)
class Outcome:
    """What the bot did with one case, and the verdict: right, wrong (a confident wrong part, an unhedged part
    for a lacking term, a wrong drug), abstained (an answerable case not answered) or a banned case not refused."""

    q: str
    drug: str
    wants: str
    kind: str
    answered_drug: str | None
    section: list[str] | None
    faq: int | None
    hedged: bool  # the reply says the monograph does not mention some of the words asked about
    confident: bool
    right: bool
    banned_served: str | None = None  # why a banned monograph's text reached the reply, if it did
    expect: dict[str, Any] = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        if self.banned_served:
            return "BANNED SERVED"
        if self.right:
            return "right"
        return "wrong" if self.confident else "not answered" if self.wants != "refuse" else "not refused"


def gives(reply: Reply, expected: dict[str, Any]) -> bool:
    """The reply gives this expected part or FAQ pair."""
    if "faq" in expected:
        return reply.kind is Kind.FAQ and reply.faq == expected["faq"]
    if "part" in expected:
        return reply.kind in CONFIDENT and reply.faq is None and reply.section == expected["part"]
    return False


class Judge:
    """Judges replies against cases; knows the engine's banned monographs and its "does not mention" note."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.banned_titles = {fold(m.title) for m in engine.corpus.entries.values() if m.is_banned}
        self.forbidden = sorted(banned_texts(engine.corpus))

    def hedged(self, reply: Reply) -> bool:
        """The reply carries the lexicon's "The X monograph does not mention …" note."""
        note = self.engine.lexicon.reply("not_mentioned", drug=reply.drug or "", words="\0").split("\0")[0]
        return any(line.role == "note" and line.text.startswith(note) for line in reply.lines)

    def leak(self, reply: Reply) -> str | None:
        if reply.sourced and fold(reply.drug or "") in self.banned_titles:
            return f"answered from banned {reply.drug}"
        text = reply.text
        leaked = next((t for t in self.forbidden if t in text), None)
        return f"banned text: {leaked[:60]!r}" if leaked else None

    def judge(self, case: Case, reply: Reply) -> Outcome:
        confident = reply.kind in CONFIDENT
        same_drug = fold(reply.drug or "") == fold(case.drug)
        hedged = confident and self.hedged(reply)
        if case.wants == "refuse":
            right = reply.kind is Kind.REFUSE
        elif case.wants == "abstain":
            right = not confident or (same_drug and hedged)
        else:
            right = confident and same_drug and any(gives(reply, e) for e in case.acceptable)
        return Outcome(
            q=case.q,
            drug=case.drug,
            wants=case.wants,
            kind=reply.kind.value,
            answered_drug=reply.drug,
            section=reply.section,
            faq=reply.faq,
            hedged=hedged,
            confident=confident,
            right=right,
            banned_served=self.leak(reply),
            expect=case.expect,
        )


def run(engine: Engine, cases: Iterable[Case]) -> list[Outcome]:
    """Each case asked alone, as a new chat, at a fixed time."""
    judge = Judge(engine)
    return [judge.judge(case, engine.respond(case.q, now=0.0)[0]) for case in cases]


def ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


@dataclass(slots=True)
class Scores:
    cases: int = 0
    answerable: int = 0
    lacking: int = 0
    banned_cases: int = 0
    confident: int = 0
    confident_right: int = 0
    confident_wrong: int = 0
    confident_answerable: int = 0
    answered_right: int = 0  # answerable cases given an expected part
    abstained_rightly: int = 0  # lacking cases not answered, or answered with the "does not mention" note
    refused: int = 0  # banned cases refused
    banned_served: int = 0  # replies holding a banned monograph's text, over every case
    wrong_drug: int = 0  # confident replies from another drug than the case's

    @property
    def precision(self) -> float:
        return ratio(self.confident_right, self.confident)

    @property
    def coverage(self) -> float:
        return ratio(self.confident_answerable, self.answerable)

    @property
    def recall(self) -> float:
        return ratio(self.answered_right, self.answerable)

    @property
    def confident_wrong_share(self) -> float:
        return ratio(self.confident_wrong, self.cases)

    @property
    def abstention(self) -> float:
        return ratio(self.abstained_rightly, self.lacking)


def score(outcomes: Iterable[Outcome]) -> Scores:
    """The figures of the table, from judged outcomes (what the floor test asserts on)."""
    s = Scores()
    for o in outcomes:
        s.cases += 1
        s.answerable += o.wants in ("part", "faq")
        s.lacking += o.wants == "abstain"
        s.banned_cases += o.wants == "refuse"
        s.banned_served += o.banned_served is not None
        if o.confident:
            s.confident += 1
            s.confident_right += o.right
            s.confident_wrong += not o.right
            s.confident_answerable += o.wants in ("part", "faq")
            s.wrong_drug += fold(o.answered_drug or "") != fold(o.drug)
        s.answered_right += o.right and o.wants in ("part", "faq")
        s.abstained_rightly += o.right and o.wants == "abstain"
        s.refused += o.right and o.wants == "refuse"
    return s


def missing_expectations(engine: Engine, cases: Iterable[Case]) -> list[str]:
    """Expected parts or FAQ pairs that the case's monograph does not have (a typo in the case file)."""
    by_title = {fold(m.title): m for m in engine.corpus.entries.values()}
    problems = []
    for case in cases:
        mono = by_title.get(fold(case.drug))
        if mono is None:
            problems.append(f"{case.q!r}: no monograph titled {case.drug!r}")
            continue
        if mono.is_banned != (case.wants == "refuse"):
            problems.append(f"{case.q!r}: refuse exactly when the monograph is banned")
            continue
        if mono.is_banned:
            continue
        units = engine.units(mono).units
        paths = {tuple(u.path) for u in units if u.kind == "part"}
        faqs = {u.faq_index for u in units if u.faq_index is not None}
        for e in case.acceptable:
            if "part" in e and tuple(e["part"]) not in paths:
                problems.append(f"{case.q!r}: {case.drug} has no part {e['part']}")
            if "faq" in e and e["faq"] not in faqs:
                problems.append(f"{case.q!r}: {case.drug} has no FAQ pair {e['faq']}")
    return problems


HEADER = (
    "| | cases | confident | precision | coverage | right of answerable | confident-wrong | lacking abstained "
    "| banned refused | banned served |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def row(name: str, s: Scores) -> str:
    def share(value: float, of: int) -> str:
        return f"{value:.1%}" if of else "–"

    lacking = f"{s.abstained_rightly}/{s.lacking} ({s.abstention:.0%})" if s.lacking else "–"
    refused = f"{s.refused}/{s.banned_cases}" if s.banned_cases else "–"
    cells = [
        name,
        str(s.cases),
        str(s.confident),
        share(s.precision, s.confident),
        share(s.coverage, s.answerable),
        share(s.recall, s.answerable),
        f"{s.confident_wrong_share:.1%}",
        lacking,
        refused,
        str(s.banned_served),
    ]
    return "| " + " | ".join(cells) + " |"


def describe(o: Outcome) -> str:
    where = f"FAQ {o.faq}" if o.kind == "faq" else " › ".join(o.section or []) if o.section else ""
    hedge = " (says: does not mention…)" if o.hedged else ""
    wanted = json.dumps(o.expect, ensure_ascii=False)
    return f"- [{o.verdict}] {o.q} → {o.kind} {where}{hedge}; expected {wanted}"


def report(outcomes: list[Outcome]) -> str:
    by_drug: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        by_drug[o.drug].append(o)
    lines = [HEADER, row("**all**", score(outcomes))]
    lines += [row(drug, score(group)) for drug, group in sorted(by_drug.items())]
    missed = [o for o in outcomes if not o.right or o.banned_served]
    lines += ["", f"Wrong or not answered ({len(missed)}):", *(describe(o) for o in missed)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=CASES, help="the JSONL cases (default: %(default)s)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also save every outcome and the figures")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    engine = engine_for_terms()
    cases = load_cases(args.cases)
    problems = missing_expectations(engine, cases)
    if problems:
        print("The case file names parts the monographs do not have:\n" + "\n".join(problems))
        return 1
    outcomes = run(engine, cases)
    print(f"{len(cases)} terse drug + term cases over {len(engine.corpus)} monographs\n")
    print(report(outcomes))
    if args.json:
        result = {
            "scores": asdict(score(outcomes)),
            "outcomes": [{**asdict(o), "verdict": o.verdict} for o in outcomes],
        }
        args.json.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

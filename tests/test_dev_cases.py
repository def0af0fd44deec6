"""Every case of ../shared/eval/dev_cases.jsonl, through the same code path as `ask --json`/`--jsonl`."""

from __future__ import annotations

import io
import json

import pytest

from bot.cli import ask_batch
from intents.engine import Engine
from intents.library.corpus import load_corpus
from tests.conftest import SEEDS, SHARED, STUBS

CASES_FILE = SHARED / "eval" / "dev_cases.jsonl"
CASES = (
    [json.loads(line) for line in CASES_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    if CASES_FILE.exists()
    else []
)
_engines: dict[str, Engine] = {}


def engine_for(corpus: str, lexicon) -> Engine:
    if corpus not in _engines:
        folders = [SEEDS, STUBS] if corpus == "seeds+stubs" else [SEEDS]
        _engines[corpus] = Engine(load_corpus(folders), lexicon)
    return _engines[corpus]


def test_all_dev_cases_are_present():
    if not CASES_FILE.exists():
        pytest.skip("../shared/eval is not beside the project")
    assert len(CASES) >= 61


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_dev_case(case, lexicon):
    engine = engine_for(case["corpus"], lexicon)
    lines = [json.dumps({"chat": case["id"], "text": t}) for t in [*case["context"], case["query"]]]
    out = io.StringIO()
    ask_batch(engine, lines, out)
    got = json.loads(out.getvalue().splitlines()[-1])
    expect = case["expect"]
    assert got["query"] == case["query"]
    assert got["drug"] in (expect["drugs"] or [None]), got
    assert got["topic"] in (expect["topics"] or [None]), got
    assert got["kind"] in expect["kinds"], got
    for word in expect.get("section_contains", []):
        assert got["section"] and any(word in part for part in got["section"]), got
    for word in expect.get("text_contains", []):
        assert word in got["text"].lower(), got

"""Campaign (b) of `python -m bench.fuzz`: hostile lines through `python -m bot ask --jsonl`, one at a time, each
answer read back with a time-out; wrong = not one valid-UTF-8 JSON contract line out per line in.
"""

from __future__ import annotations

import json
import queue
import random
import subprocess
import sys
import time
from pathlib import Path

from bench.fuzzing.harness import ROOT, Result, limit_memory, line_queue

FIXTURE_SEEDS = [ROOT / "seeds", ROOT / "tests" / "fixtures" / "monographs", ROOT.parent / "shared" / "eval" / "stubs"]


def seed_args() -> list[str]:
    return [arg for folder in FIXTURE_SEEDS if folder.is_dir() for arg in ("--seeds", str(folder))]


class LineProcess:
    """`python -m bot ask --jsonl` fed one line at a time, each answer read back with a time-out."""

    def __init__(self, log: Path) -> None:
        self.log = log
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "ask", "--jsonl", *seed_args()],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log.open("ab"),
            preexec_fn=limit_memory,
        )
        self.lines = line_queue(self.proc.stdout)

    def ask(self, line: bytes, timeout: float) -> bytes | None:
        """The output line for one input line; None when the process died or said nothing in time."""
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(line)
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            return None
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            return None

    def leftover(self) -> list[bytes]:
        """Close stdin and collect any output lines nobody asked for."""
        extra: list[bytes] = []
        try:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            self.proc.wait(30)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
        while True:
            try:
                line = self.lines.get(timeout=2)
            except queue.Empty:
                break
            if line is None:
                break
            extra.append(line)
        return extra

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


def output_problem(out: bytes, forbidden: set[str], banned: set[str]) -> str | None:
    """Why a --jsonl output line breaks the contract, or None."""
    try:
        data = json.loads(out.decode("utf-8"))
    except UnicodeDecodeError:
        return "output is not valid UTF-8"
    except json.JSONDecodeError:
        return "output is not JSON"
    if isinstance(data, dict) and isinstance(data.get("error"), str) and "line" in data:
        return None  # a line that cannot be a message gets an error object (README), and the batch goes on
    if not isinstance(data, dict) or not {"query", "kind", "text"} <= set(data):
        return "output is neither a contract object nor an error object"
    if data.get("drug") in banned or any(t in str(data["text"]) for t in forbidden):
        return "banned monograph served"
    return None


def campaign(quick: bool, work: Path) -> Result:
    from bench.fuzzing.inputs import jsonl_line
    from intents import load_corpus
    from testkit.checks import banned_texts

    count = 300 if quick else 1200
    result = Result(
        "(b) ask --jsonl lines",
        meaning="lone surrogates, invalid UTF-8, malformed and deep JSON, odd fields, 200 KB lines: crashed = the "
        "process died or hung on a line; wrong = not one valid-UTF-8 JSON contract line out per line in",
    )
    corpus = load_corpus([f for f in FIXTURE_SEEDS if f.is_dir()])
    forbidden = banned_texts(corpus)
    banned = {m.title for m in corpus.entries.values() if m.is_banned}
    names = [n for m in corpus.entries.values() for n in m.names]
    rng = random.Random(11)
    log = work / "jsonl.log"
    proc = LineProcess(log)
    try:
        if proc.ask(b"hello\n", timeout=120) is None:
            result.crashed = 1
            result.details.append(f"ask --jsonl did not start; see {log}")
            return result
        for _ in range(count):
            kind, line = jsonl_line(rng, names, ["dose of kadcyla?", "velorimab side effects", "zelvorimab dose"])
            ending = b"\r\n" if rng.random() < 0.05 else b"\n"
            result.tried += 1
            started = time.perf_counter()
            out = proc.ask(line + ending, timeout=20)
            elapsed = (time.perf_counter() - started) * 1000
            if out is None:
                result.crashed += 1
                try:
                    status = f"died (exit {proc.proc.wait(2)})"
                except subprocess.TimeoutExpired:
                    status = "hung"
                if len(result.details) < 8:
                    result.details.append(f"{status} on {kind} line {line[:70]!r}")
                proc.stop()
                proc = LineProcess(log)
                proc.ask(b"hello\n", timeout=120)
                continue
            result.slowest_ms = max(result.slowest_ms or 0.0, elapsed)
            problem = output_problem(out, forbidden, banned)
            if problem:
                result.wrong += 1
                if len(result.details) < 8:
                    result.details.append(f"{problem}: {kind} line {line[:70]!r}")
        extra = proc.leftover()
        if extra:
            result.wrong += len(extra)
            result.details.append(f"{len(extra)} output line(s) more than lines in")
    finally:
        proc.stop()
    return result

"""The long fuzz campaigns, run by hand: hostile messages, `ask --jsonl` lines, broken monograph files, damaged
state and cache files, and a kill -9 mid-burst. Prints one table: tried, crashed, wrong, slowest.

    python -m bench.fuzz            # everything: about 4 minutes (more the first time: the 10,000-monograph
                                    # corpus and its index cache are made once, under bench/out/)
    python -m bench.fuzz --quick    # about a minute: smaller counts, the 1,000-monograph corpus
    python -m bench.fuzz --only messages,jsonl

Every campaign runs what it fuzzes in a subprocess with a time-out and a memory limit, so a hang, a crash or a
runaway allocation is counted and reported, never the end of the run. Results also go to bench/out/fuzz.json.
tests/test_fuzz.py holds the short, deterministic version of the first three campaigns.
"""

from __future__ import annotations

import argparse
import json
import queue
import random
import resource
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
MEMORY_LIMIT = 4 * 1024**3  # address space of every fuzzed subprocess: a runaway allocation fails, not the machine
FIXTURE_SEEDS = [ROOT / "seeds", ROOT / "tests" / "fixtures" / "monographs", ROOT.parent / "shared" / "eval" / "stubs"]


@dataclass
class Result:
    """One campaign's row of the table."""

    campaign: str
    tried: int = 0
    crashed: int = 0  # exceptions, dead or hung processes, failed starts
    wrong: int = 0  # banned text served, invalid output, a bad file served or not named, an update lost
    slowest_ms: float | None = None
    meaning: str = ""
    details: list[str] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)


def limit_memory() -> None:
    """preexec_fn of fuzzed subprocesses."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def line_queue(stream: IO[bytes] | None) -> queue.Queue[bytes | None]:
    """A subprocess's output lines as they come, then None at its end: read on a thread, so that a process that
    hangs is a time-out on `get`, not a hang of the harness."""
    lines: queue.Queue[bytes | None] = queue.Queue()

    def pump() -> None:
        for line in stream or []:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def seed_args() -> list[str]:
    return [arg for folder in FIXTURE_SEEDS if folder.is_dir() for arg in ("--seeds", str(folder))]


def run_child(args: list[str], timeout: float) -> tuple[dict[str, Any] | None, str]:
    """Run `python -m bench.fuzz --child ...`; its JSON result (None if it died or hung) and the end of stderr."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench.fuzz", "--child", *args],
            cwd=ROOT,
            capture_output=True,
            timeout=timeout,
            preexec_fn=limit_memory,
        )
    except subprocess.TimeoutExpired:
        return None, f"timed out after {timeout:.0f} s"
    tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
    lines = done.stdout.decode("utf-8", "replace").strip().splitlines()
    try:
        return json.loads(lines[-1]), " / ".join(tail)
    except (IndexError, json.JSONDecodeError):
        return None, f"exit {done.returncode}: " + " / ".join(tail)


# --- (a) messages through the engine ------------------------------------------------------------------------------


def child_messages(corpus: str, questions: str, count: int, seed: int) -> dict[str, Any]:
    """In a child process: `count` generated messages through the engine on `corpus`."""
    from bench.fuzz_inputs import conversations
    from bot.loading import load_engine
    from intents.models import ChatContext
    from testkit.checks import banned_texts, reply_problem

    engine = load_engine([Path(corpus)], cache_dir=OUT / "fuzz-cache")
    entries = list(engine.corpus.entries.values())
    forbidden = banned_texts(engine.corpus, [m.id for m in entries if m.is_banned])
    rng = random.Random(seed)
    picks = rng.sample(entries, min(300, len(entries))) + [m for m in entries if m.is_banned][:30]
    names = [n for m in picks for n in (m.title, *m.brands)]
    asked = [json.loads(line)["query"] for line in Path(questions).read_text(encoding="utf-8").splitlines()]
    tried = crashed = wrong = 0
    slowest: tuple[float, str, str] = (0.0, "", "")
    times: list[float] = []
    timed: list[tuple[float, str]] = []
    details: list[str] = []
    for chat in conversations(rng, count, names, asked):
        context = ChatContext()
        for now, (kind, text) in enumerate(chat, start=1_000):
            tried += 1
            started = time.perf_counter()
            try:
                reply, context = engine.respond(text, context, now=float(now))
            except Exception as exc:
                crashed += 1
                if len(details) < 8:
                    details.append(f"{kind} {text[:60]!r}: {type(exc).__name__}: {exc}")
                continue
            elapsed = (time.perf_counter() - started) * 1000
            times.append(elapsed)
            timed.append((elapsed, text))
            if elapsed > slowest[0]:
                slowest = (elapsed, kind, f"{len(text):,} characters: {text[:50]!r}")
            problem = reply_problem(reply, engine.corpus, forbidden)
            if problem:
                wrong += 1
                if len(details) < 8:
                    details.append(f"{kind} {text[:60]!r}: {problem}")
    times.sort()
    # a busy machine stretches single calls: the slowest messages timed again alone, best of three each
    again = [min(_timed(engine, text) for _ in range(3)) for _, text in sorted(timed, reverse=True)[:20]]
    return {
        "tried": tried,
        "crashed": crashed,
        "wrong": wrong,
        "slowest_ms": slowest[0],
        "details": details,
        "figures": {
            "monographs": len(entries),
            "banned_lines_checked": len(forbidden),
            "p99_ms": round(times[int(len(times) * 0.99)], 2) if times else None,
            "slowest_kind": f"{slowest[1]} ({slowest[2]})",
            "slowest_20_retimed_alone_max_ms": round(max(again, default=0.0), 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        },
    }


def _timed(engine: Any, text: str) -> float:
    started = time.perf_counter()
    engine.respond(text)
    return (time.perf_counter() - started) * 1000


def campaign_messages(quick: bool) -> Result:
    from bench.run import ensure_corpus

    size, count = (1000, 2000) if quick else (10000, 12000)
    result = Result(
        f"(a) messages, {size:,} monographs",
        meaning="random Unicode, words up to 5,000 letters, mutated questions, mixed scripts, emoji, markup, as "
        "conversations: crashed = exception; wrong = banned text, invalid UTF-8 or Telegram HTML; slowest = the "
        "slowest call seen (a busy machine stretches some; the figures below re-time the slowest 20 alone)",
    )
    corpus, questions = ensure_corpus(size, 7)
    found, error = run_child(["messages", str(corpus), str(questions), str(count), "7"], timeout=1800)
    if found is None:
        result.crashed, result.tried = 1, count
        result.details.append(f"the engine process died: {error}")
        return result
    for key in ("tried", "crashed", "wrong", "slowest_ms", "details", "figures"):
        setattr(result, key, found[key])
    return result


# --- (b) ask --jsonl ---------------------------------------------------------------------------------------------


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


def campaign_jsonl(quick: bool, work: Path) -> Result:
    from bench.fuzz_inputs import jsonl_line
    from intents.corpus import load_corpus
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


# --- the driver -----------------------------------------------------------------------------------------------------

CAMPAIGNS = ["messages", "jsonl", "files", "state", "kill"]


def run_campaign(name: str, quick: bool, work: Path) -> Result:
    try:
        if name == "messages":
            return campaign_messages(quick)
        if name == "jsonl":
            return campaign_jsonl(quick, work)
        if name == "files":
            from bench.fuzz_files import campaign_files

            return campaign_files(quick, work)
        if name == "state":
            from bench.fuzz_state import campaign_state

            return campaign_state(quick, work)
        from bench.fuzz_state import campaign_kill

        return campaign_kill(quick, work)
    except Exception as exc:  # the harness itself failed: say so in the table, run the other campaigns
        return Result(name, crashed=1, meaning="the campaign itself failed", details=[f"{type(exc).__name__}: {exc}"])


def table(results: list[Result]) -> str:
    rows = [
        "| campaign | tried | crashed | wrong | slowest ms | what it means |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        slowest = "–" if r.slowest_ms is None else f"{r.slowest_ms:,.1f}"
        rows.append(f"| {r.campaign} | {r.tried:,} | {r.crashed:,} | {r.wrong:,} | {slowest} | {r.meaning} |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="about a minute: smaller counts and corpus")
    parser.add_argument("--only", default=",".join(CAMPAIGNS), help=f"comma-separated subset of {CAMPAIGNS}")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "messages":
            print(json.dumps(child_messages(rest[0], rest[1], int(rest[2]), int(rest[3]))))
        else:
            from bench.fuzz_files import child

            print(json.dumps(child(kind, rest)))
        return
    import tempfile

    OUT.mkdir(parents=True, exist_ok=True)
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="drugbot-fuzz-") as folder:
        for name in [n.strip() for n in args.only.split(",") if n.strip()]:
            started = time.perf_counter()
            print(f"fuzz: {name}…", file=sys.stderr, flush=True)
            work = Path(folder) / name
            work.mkdir()
            result = run_campaign(name, args.quick, work)
            result.figures["seconds"] = round(time.perf_counter() - started, 1)
            results.append(result)
            print(f"fuzz: {name} done in {result.figures['seconds']} s", file=sys.stderr, flush=True)
    print(table(results))
    for r in results:
        shown = ", ".join(f"{k} {v}" for k, v in r.figures.items())
        print(f"\n{r.campaign}: {shown}")
        for line in r.details:
            print(f"  - {line}")
    (OUT / "fuzz.json").write_text(json.dumps([asdict(r) for r in results], indent=1), encoding="utf-8")
    sys.exit(1 if any(r.crashed or r.wrong for r in results) else 0)


if __name__ == "__main__":
    main()

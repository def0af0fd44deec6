"""Campaign (c) of `python -m bench.fuzz`: broken monograph files through the loader and `python -m bot check`.

Each case is a folder of its own (a file, or a file and what it collides with), so the loader is timed and
judged per case in a child process that is killed when a case hangs, then resumed after it. Then `check` and
`load_corpus` read all the cases at once. A case expected "bad" must be named and never served; "good" must be
served; "any" must be one or the other — never an exception, a hang or a runaway allocation.
"""

from __future__ import annotations

import itertools
import json
import os
import queue
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.fuzzing.harness import CHILD, ROOT, Result, limit_memory, line_queue, run_child

GOOD = "---\ntitle: {title}\nis_banned: false\n---\n## Dosage\n\n- {title}: 5 mg daily, a fictional dose.\n"
BAN_SPELLINGS = ["isBanned", "banned", "is-banned", "Is_Banned", "is_baned", '"is_banned "', "IS_BANNED", "isbanned"]
CASE_TIMEOUT = 20.0  # seconds one case may take before it counts as a hang


def _front(title: str, extra: str = "", body: str = "## Dosage\n\n- 5 mg daily.\n") -> bytes:
    return f"---\ntitle: {title}\n{extra}---\n{body}".encode()


def _random_yaml(rng: random.Random, depth: int = 0) -> str:
    roll = rng.random()
    if depth > 3 or roll < 0.5:
        return rng.choice(["true", "~", "''", "3", "-1e9", "[]", "{}", "!!binary aGk=", "2025-01-01", "'x'", "@", "|"])
    if roll < 0.75:
        return "[" + ", ".join(_random_yaml(rng, depth + 1) for _ in range(rng.randint(0, 3))) + "]"
    return "{" + ", ".join(f"k{i}: {_random_yaml(rng, depth + 1)}" for i in range(rng.randint(0, 3))) + "}"


def _case_writers(rng: random.Random) -> list[tuple[str, str, Callable[[Path, str], None]]]:
    """(kind, expectation, write(folder, unique title)) for every kind of damage."""

    def file(data: bytes, name: str = "case.md") -> Callable[[Path, str], None]:
        return lambda folder, _title: (folder / name).write_bytes(data)

    def titled(make: Callable[[str], bytes]) -> Callable[[Path, str], None]:
        return lambda folder, title: (folder / "case.md").write_bytes(make(title))

    def fifo(folder: Path, _title: str) -> None:
        os.mkfifo(folder / "case.md")

    def link(target: str) -> Callable[[Path, str], None]:
        return lambda folder, _title: os.symlink(target, folder / "case.md")

    def loop(folder: Path, _title: str) -> None:
        os.symlink(folder / "b.md", folder / "a.md")
        os.symlink(folder / "a.md", folder / "b.md")

    def duplicate(folder: Path, title: str) -> None:
        (folder / "a.md").write_text(GOOD.format(title=title), encoding="utf-8")
        (folder / "b.md").write_text(GOOD.format(title=title), encoding="utf-8")

    def unreadable(folder: Path, title: str) -> None:
        (folder / "case.md").write_text(GOOD.format(title=title), encoding="utf-8")
        os.chmod(folder / "case.md", 0)

    def brands(title: str) -> bytes:
        names = ", ".join(f"Brand{i}x" for i in range(20_000))
        return _front(title, body=f"## Alternate Names\n\n- **Brand Names:** {names}\n")

    def nested(title: str) -> bytes:
        return _front(title, body="## Dosage\n\n" + "".join("  " * i + f"- level {i}\n" for i in range(1200)))

    def random_bytes(folder: Path, _title: str) -> None:
        (folder / "case.md").write_bytes(rng.randbytes(rng.randint(1, 3000)))

    def random_front(title: str) -> bytes:
        return _front(title, f"{rng.choice(['faqs', 'aliases', 'title', 'x'])}: {_random_yaml(rng)}\n")

    levels = "abcdefghi"
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [" + ", ".join([f"*{p}"] * 9) + "]\n" for p, c in itertools.pairwise(levels)
    )
    return [
        ("good", "good", titled(lambda t: GOOD.format(title=t).encode())),
        ("fifo", "bad", fifo),
        ("symlink to /dev/zero", "bad", link("/dev/zero")),
        ("symlink to /dev/urandom", "bad", link("/dev/urandom")),
        ("dangling symlink", "bad", link("/nonexistent/drugbot/x.md")),
        ("symlink loop", "bad", loop),
        ("title of 40,000 characters", "bad", titled(lambda t: _front(t + " " + "x" * 40_000))),
        ("alias of 30,000 characters", "any", titled(lambda t: _front(t, "aliases: [" + "y" * 30_000 + "]\n"))),
        ("20,000 brand names", "any", titled(brands)),
        ("1,200 nested bullets", "any", titled(nested)),
        ("misspelt ban key", "bad", titled(lambda t: _front(t, f"{rng.choice(BAN_SPELLINGS)}: true\n"))),
        ("duplicated key", "bad", titled(lambda t: _front(t, "is_banned: true\nis_banned: false\n"))),
        ("ban key under another key", "bad", titled(lambda t: _front(t, "extra:\n  is_banned: true\n"))),
        ("not UTF-8", "bad", titled(lambda t: GOOD.format(title=t + " caf\xe9").encode("latin-1"))),
        ("NUL bytes", "bad", titled(lambda t: GOOD.format(title=t).encode() + b"\x00\x00")),
        ("empty", "bad", file(b"")),
        ("blank", "bad", file(b"  \n\n\t\n")),
        ("no front matter", "bad", file(b"## Dosage\n\n- 5 mg daily.\n")),
        ("no title", "bad", file(b"---\ndescription: x\n---\n## Dosage\n\n- 5 mg.\n")),
        ("bad YAML", "bad", titled(lambda t: f"---\ntitle: [{t}\n---\n## Dosage\n".encode())),
        ("over 2 MiB", "bad", titled(lambda t: _front(t, body="## Dosage\n\n" + "- 5 mg daily.\n" * 160_000))),
        ("YAML nested 10,000 deep", "bad", titled(lambda t: _front(t, "x: " + "[" * 10_000 + "]" * 10_000 + "\n"))),
        ("YAML alias bomb", "any", titled(lambda t: _front(t, bomb))),
        ("duplicate title", "bad", duplicate),
        ("random bytes", "any", random_bytes),
        ("random front matter", "any", titled(random_front)),
        ("title of another type", "any", file(f"---\ntitle: {_random_yaml(rng)}\n---\n## Dosage\n".encode())),
        ("unreadable (mode 000)", "any", unreadable),  # root reads it anyway; as any other user it must be named
    ]


def make_cases(base: Path, count: int, seed: int = 5) -> list[dict[str, Any]]:
    """`count` case folders under `base`, cycling through every kind of damage."""
    rng = random.Random(seed)
    writers = _case_writers(rng)
    cases = []
    for index in range(count):
        kind, expect, write = writers[index % len(writers)]
        folder = base / f"{index:04d}"
        folder.mkdir(parents=True)
        write(folder, f"Fuzzcase {index}")
        cases.append({"folder": str(folder), "kind": kind, "expect": expect})
    return cases


# --- the child: one case at a time ----------------------------------------------------------------------------------


def _load(folders: list[str]) -> dict[str, Any]:
    from intents import load_corpus

    started = time.perf_counter()
    try:
        corpus = load_corpus(folders)
    except Exception as exc:
        return {"exception": f"{type(exc).__name__}: {exc}", "ms": (time.perf_counter() - started) * 1000}
    return {
        "ms": (time.perf_counter() - started) * 1000,
        "served": [[m.source, m.is_banned] for m in corpus.entries.values()],
        "named": [[i.file, i.reason] for i in corpus.issues],
    }


def child_load(args: list[str]) -> dict[str, Any]:
    """In a child process (`load FOLDER...`): every case at once."""
    return _load(args)


def child_cases(args: list[str]) -> dict[str, Any]:
    """In a child process (`cases LIST START`): load each case folder from START on, one JSON line each."""
    cases = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    for index in range(int(args[1]), len(cases)):
        print(json.dumps({"start": index}), flush=True)
        print(json.dumps({"done": index, **_load([cases[index]["folder"]])}), flush=True)
    return {"finished": True}


def _judge(case: dict[str, Any], found: dict[str, Any]) -> str | None:
    """What is wrong with how the loader treated a case, or None."""
    if "exception" in found:
        return f"exception escaped load_corpus: {found['exception']}"
    contained = [r for _, r in found["named"] if r.startswith("could not be parsed")]
    if contained:
        return f"parser exception (contained): {contained[0][:100]}"
    names = sorted(p.name for p in Path(case["folder"]).iterdir())
    served = {Path(f).name for f, _banned in found["served"]}
    named = {Path(f).name for f, _reason in found["named"]}
    missing = [n for n in names if n not in served | named]
    if missing:
        return f"neither served nor named: {missing}"
    # of two files with one title the first is served; every other file of a "bad" case must be named
    bad = [n for n in names if not (case["kind"] == "duplicate title" and n == "a.md")]
    if case["expect"] == "bad" and any(n in served or n not in named for n in bad):
        return f"served, should be bad (named: {sorted(named)})"
    if case["expect"] == "good" and not served:
        return f"good file not served: {found['named']}"
    return None


def _run_cases(listing: Path, total: int, result: Result, cases: list[dict[str, Any]]) -> None:
    """Load every case in a child, restarting it past a case that hangs or kills it."""
    start = 0
    while start < total:
        proc = subprocess.Popen(
            [*CHILD, "cases", str(listing), str(start)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            preexec_fn=limit_memory,
        )
        lines = line_queue(proc.stdout)
        current = start
        while True:
            try:
                raw = lines.get(timeout=CASE_TIMEOUT)
            except queue.Empty:
                raw = b"hang"
            if raw is None or raw == b"hang":
                status = "hung" if raw == b"hang" else "killed the loader"
                proc.kill()
                proc.wait()
                if current < total:
                    result.tried += 1
                    result.crashed += 1
                    if len(result.details) < 10:
                        result.details.append(f"{cases[current]['kind']}: {status}")
                start = current + 1
                break
            line = json.loads(raw)
            if "start" in line:
                current = line["start"]
                continue
            if "finished" in line:
                start = total
                proc.wait()
                break
            result.tried += 1
            if line["ms"] > (result.slowest_ms or 0.0):
                result.slowest_ms = line["ms"]
                result.figures["slowest case"] = cases[current]["kind"]
            problem = _judge(cases[current], line)
            if problem:
                crash = problem.startswith(("exception", "parser exception"))
                result.crashed += crash
                result.wrong += not crash
                if len(result.details) < 10:
                    result.details.append(f"{cases[current]['kind']}: {problem}")


def campaign(quick: bool, work: Path) -> Result:
    count = 200 if quick else 1100
    result = Result(
        "(c) broken monograph files",
        meaning="FIFOs, /dev/zero, symlink loops, 40,000-character titles, 20,000 brands, 1,200 nested bullets, "
        "ban-key spellings, bad YAML and bytes: crashed = exception, hang or loader killed; wrong = a bad "
        "file served or not named (per case, then by check and load_corpus over all)",
    )
    base = work / "files"
    cases = make_cases(base, count)
    listing = work / "cases.json"
    listing.write_text(json.dumps(cases), encoding="utf-8")
    _run_cases(listing, len(cases), result, cases)

    bad = [c for c in cases if c["expect"] == "bad"]
    try:  # `python -m bot check` over every case at once
        done = subprocess.run(
            [sys.executable, "-m", "bot", "check", "--seeds", str(base)],
            cwd=ROOT,
            capture_output=True,
            timeout=600,
            preexec_fn=limit_memory,
        )
        said = (done.stdout + done.stderr).decode("utf-8", "replace")
        unnamed = [c for c in bad if c["folder"] + os.sep not in said]
        if "Traceback" in said or done.returncode not in (0, 1):
            result.crashed += 1
            result.details.append(f"check exited {done.returncode}: {said.strip().splitlines()[-1:]}")
        result.wrong += len(unnamed)
        if unnamed:
            result.details.append(f"check did not name {len(unnamed)} bad case(s), e.g. {unnamed[0]['kind']}")
        result.figures["check_exit"] = done.returncode
    except subprocess.TimeoutExpired:
        result.crashed += 1
        result.details.append("check over all cases hung (killed after 600 s)")
    found, error = run_child(["load", str(base)], timeout=600)
    if found is None or "exception" in found:
        result.crashed += 1
        result.details.append(f"load_corpus over all cases: {error if found is None else found['exception']}")
    else:
        result.figures["load_all_s"] = round(found["ms"] / 1000, 1)
        result.figures["served"] = len(found["served"])
        result.figures["named_bad"] = len(found["named"])
    return result

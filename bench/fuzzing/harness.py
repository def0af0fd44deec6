"""What every fuzz campaign shares: the result row, the memory limit and time-outs of fuzzed subprocesses, and the
child command they run in (`python -m bench.fuzzing.child`). It imports no campaign.
"""

from __future__ import annotations

import json
import queue
import resource
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "bench" / "out"
CHILD = [sys.executable, "-m", "bench.fuzzing.child"]  # see bench/fuzzing/child.py
MEMORY_LIMIT = 4 * 1024**3  # address space of every fuzzed subprocess: a runaway allocation fails, not the machine


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


def run_child(args: list[str], timeout: float) -> tuple[dict[str, Any] | None, str]:
    """Run `python -m bench.fuzzing.child ...`; its JSON result (None if it died or hung) and the end of stderr."""
    try:
        done = subprocess.run(
            [*CHILD, *args],
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

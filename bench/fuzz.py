"""The long fuzz campaigns, run by hand: hostile messages, `ask --jsonl` lines, broken monograph files, damaged
state and cache files, a kill -9 mid-burst, monograph files rewritten while the bot serves them, and a flood of
chats at once. Prints one table: tried, crashed, wrong, slowest.

    python -m bench.fuzz            # everything: about 9 minutes (more the first time: the 10,000-monograph
                                    # corpus and its index cache are made once, under bench/out/)
    python -m bench.fuzz --quick    # about two minutes: smaller counts, the 1,000-monograph corpus
    python -m bench.fuzz --only messages,jsonl

Every campaign runs what it fuzzes in a subprocess with a time-out and a memory limit, so a hang, a crash or a
runaway allocation is counted and reported, never the end of the run. Results also go to bench/out/fuzz.json.
tests/test_fuzz.py holds the short, deterministic version of the first three campaigns. The campaigns live in
bench/fuzzing/ (one module each, and the harness they share); this module is their registry and the command.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from bench.fuzzing import churn, files, flood, jsonl, kill, messages, state
from bench.fuzzing.harness import OUT, Result

# a campaign gives one row of the table, or several (one per setting it runs with)
CAMPAIGNS: dict[str, Callable[[bool, Path], Result | list[Result]]] = {
    "messages": messages.campaign,
    "jsonl": jsonl.campaign,
    "files": files.campaign,
    "state": state.campaign,
    "kill": kill.campaign,
    "churn": churn.campaign,
    "flood": flood.campaign,
}


def run_campaign(name: str, quick: bool, work: Path) -> list[Result]:
    try:
        rows = CAMPAIGNS[name](quick, work)
    except Exception as exc:  # the harness itself failed: say so in the table, run the other campaigns
        return [Result(name, crashed=1, meaning="the campaign itself failed", details=[f"{type(exc).__name__}: {exc}"])]
    return rows if isinstance(rows, list) else [rows]


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
    parser.add_argument("--quick", action="store_true", help="about two minutes: smaller counts and corpus")
    parser.add_argument("--only", default=",".join(CAMPAIGNS), help=f"comma-separated subset of {list(CAMPAIGNS)}")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="drugbot-fuzz-") as folder:
        for name in [n.strip() for n in args.only.split(",") if n.strip()]:
            started = time.perf_counter()
            print(f"fuzz: {name}…", file=sys.stderr, flush=True)
            work = Path(folder) / name
            work.mkdir()
            rows = run_campaign(name, args.quick, work)
            seconds = round(time.perf_counter() - started, 1)
            for row in rows:
                row.figures["seconds"] = round(seconds / len(rows), 1)
            results += rows
            print(f"fuzz: {name} done in {seconds} s", file=sys.stderr, flush=True)
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

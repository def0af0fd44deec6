"""What a kill -9 in the middle of a burst loses: the real bot in a subprocess against the fake Bot API server.

python -m bench.crash [--rounds 3] [--updates 1000] [--root DIR]

Each round is `testkit.botprocess.kill_mid_burst` on a fresh fake server (testkit/botprocess.py says what is
counted). `--root` runs another checkout of the project (for example the code before the state store) the same way.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from dataclasses import asdict
from pathlib import Path

from testkit.botprocess import ROOT, CrashResult, kill_mid_burst
from testkit.fakebotapi import FakeBotApi


async def _round(updates: int, root: Path) -> CrashResult:
    api = FakeBotApi(token="123456:CRASH")
    await api.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            return await kill_mid_burst(api, Path(folder), updates, root)
    finally:
        await api.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--updates", type=int, default=1000)
    parser.add_argument("--root", type=Path, default=ROOT, help="project checkout whose bot is run")
    args = parser.parse_args()
    rows = [asyncio.run(_round(args.updates, args.root.resolve())) for _ in range(args.rounds)]
    fields = list(asdict(rows[0]))
    print("| round | " + " | ".join(fields) + " |")
    print("|---:|" + "---:|" * len(fields))
    for number, row in enumerate(rows, 1):
        print(f"| {number} | " + " | ".join(str(v) for v in asdict(row).values()) + " |")


if __name__ == "__main__":
    main()

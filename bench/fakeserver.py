"""Run the test kit's fake Bot API server in its own process, so a benchmark's bot gets a core of its own.

python -m bench.fakeserver --port-file /tmp/port
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from pathlib import Path

from testkit.fakebotapi import FakeBotApi


async def serve(port_file: Path, token: str, validate: bool) -> None:
    api = FakeBotApi(token=token, validate=validate)
    api.record = False  # count, do not keep, what the bots send
    await api.start()
    port_file.write_text(str(api.port), encoding="utf-8")
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", type=Path, required=True)
    parser.add_argument("--token", default="123456:BENCH")
    parser.add_argument("--no-validate", action="store_true", help="skip Telegram's parameter checks (cheaper)")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.port_file, args.token, not args.no_validate))


if __name__ == "__main__":
    main()

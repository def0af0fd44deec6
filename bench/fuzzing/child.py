"""The subprocess side of the fuzz campaigns: `python -m bench.fuzzing.child KIND ARGS...` runs one fuzzed thing
in a process of its own (started by the harness with a time-out and a memory limit) and prints its JSON result as
its last line. It imports only the campaigns that have a child, so the child's memory is the fuzzed code's.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

from bench.fuzzing import files, messages

CHILDREN: dict[str, Callable[[list[str]], dict[str, Any]]] = {
    "messages": messages.child,
    "cases": files.child_cases,
    "load": files.child_load,
}


def main(argv: list[str] | None = None) -> None:
    kind, *args = (sys.argv[1:] if argv is None else argv) or [""]
    if kind not in CHILDREN:
        raise SystemExit(f"usage: python -m bench.fuzzing.child {{{','.join(CHILDREN)}}} ARGS... (run by bench.fuzz)")
    print(json.dumps(CHILDREN[kind](args)))


if __name__ == "__main__":
    main()

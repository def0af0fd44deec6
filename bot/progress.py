"""A console progress bar for indexing many monographs (stderr, only when it is a terminal or asked for)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ConsoleProgress:
    """Call with (done, total); draws `Indexing monographs [#####     ] 5,000/10,000  50%  2.1s`."""

    def __init__(
        self, label: str = "Indexing monographs", stream: TextIO | None = None, force: bool = False, width: int = 30
    ) -> None:
        self.stream = stream or sys.stderr
        self.enabled = force or self.stream.isatty()
        self.label = label
        self.width = width
        self.started = time.perf_counter()
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        now = time.perf_counter()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        filled = int(self.width * done / total)
        bar = "#" * filled + " " * (self.width - filled)
        end = "\n" if done >= total else ""
        self.stream.write(
            f"\r{self.label} [{bar}] {done:,}/{total:,} {100 * done // total:3d}%  {now - self.started:.1f}s{end}"
        )
        self.stream.flush()

"""The console chat as a person uses it: in a terminal (a pseudo-terminal here), with numbers for buttons."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import subprocess
import sys
import termios
import time

import pytest

from bot.console import Console
from tests.bot.test_cli import run
from tests.conftest import ROOT

TITLE = "Trastuzumab Emtansine — FAQs (Frequently Asked Questions)"
UP = "\x1b[A"


class Terminal:
    """`python -m bot chat` on a pseudo-terminal: type into it, read what it shows."""

    def __init__(self, home: str) -> None:
        self.master, slave = pty.openpty()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DRUGBOT_"))}
        env.update({"TERM": "xterm", "XDG_CACHE_HOME": home, "DRUGBOT_CACHE_DIR": "off", "PYTHONPATH": str(ROOT)})
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "chat"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=ROOT,
            env=env,
            start_new_session=True,  # its own session, with the terminal as its controlling one: ^C is SIGINT
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
        )
        os.close(slave)
        self.screen = ""

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def wait_for(self, text: str, count: int = 1, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while self.screen.count(text) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"never saw {text!r} x{count}; screen ends: {self.screen[-600:]!r}")
            self.read(0.2)

    def read(self, wait: float) -> None:
        ready, _, _ = select.select([self.master], [], [], wait)
        if ready:
            with contextlib.suppress(OSError):  # the chat has exited and closed the terminal
                self.screen += os.read(self.master, 65536).decode(errors="replace")

    def finish(self, timeout: float = 15, nudge: bool = False) -> int:
        deadline = time.monotonic() + timeout
        nudged = not nudge
        while self.proc.poll() is None and time.monotonic() < deadline:
            self.read(0.1)
            if not nudged and time.monotonic() > deadline - timeout / 2:
                # a SIGINT landing just before readline starts waiting is only acted on at the next key (as in
                # any terminal): press Ctrl-C once more, as a person would
                self.type("\x03")
                nudged = True
        self.read(0.1)
        code = self.proc.poll()
        if code is None:
            self.proc.kill()
            raise AssertionError(f"the chat did not leave; screen ends: {self.screen[-600:]!r}")
        os.close(self.master)
        return code


@pytest.fixture()
def terminal(tmp_path):
    term = Terminal(str(tmp_path))
    yield term
    if term.proc.poll() is None:
        term.proc.kill()


def test_up_arrow_recalls_the_last_question_and_ctrl_c_leaves_without_a_traceback(terminal, tmp_path):
    terminal.wait_for("you> ")
    terminal.type("dose of kadcyla?\r")
    terminal.wait_for(TITLE)
    terminal.wait_for("you> ", count=2)
    terminal.type(UP + "\r")  # readline's history: the same question again
    terminal.wait_for(TITLE, count=2)
    assert "^[[A" not in terminal.screen
    terminal.wait_for("Precautions\r\n\r\nyou> ", count=2)  # the prompt after the second answer
    terminal.read(0.3)  # let readline start waiting for a key
    terminal.type("\x03")  # Ctrl-C
    code = terminal.finish(nudge=True)
    assert "Traceback" not in terminal.screen and "KeyboardInterrupt" not in terminal.screen
    assert code in (0, 130)
    assert "dose of kadcyla?" in (tmp_path / "drugbot" / "chat_history").read_text()


def test_ctrl_d_leaves_on_a_line_of_its_own(terminal):
    terminal.wait_for("you> ")
    terminal.type("\x04")  # Ctrl-D at an empty prompt
    assert terminal.finish() == 0
    assert terminal.screen.rstrip(" ").endswith("you> \r\n") and "Traceback" not in terminal.screen


def test_drugs_is_a_numbered_list_and_a_number_opens_that_drug():
    result = run("chat", stdin="/drugs\n1\n")
    assert "[1] Trastuzumab Emtansine" in result.stdout
    assert "The Trastuzumab Emtansine monograph covers:" in result.stdout


def test_button_numbers_are_stable(fiction_engine):
    """Stable: a number means the button listed with it under the last reply (or /drugs list), and nothing
    after another reply replaced that list; and under every answer about a drug, a section keeps its number
    (its place in the drug's listing), so "4" is Dosage whichever section was answered before."""
    console = Console(fiction_engine)
    first = console.handle("dose of kadcyla?")
    assert "[4] Dosage" in first and "[5] Side Effects" in first
    dosage = console.handle("4")
    assert dosage.startswith("Trastuzumab Emtansine — Dosage")
    assert "[4]" not in dosage and "[5] Side Effects" in dosage  # the answered section's number is left out
    side_effects = console.handle("5")
    assert side_effects.startswith("Trastuzumab Emtansine — Side Effects") and "[4] Dosage" in side_effects
    listing = console.handle("/drugs")
    assert "[1] Plumbazole" not in listing  # banned monographs are never offered
    number = next(line.split("]")[0][1:] for line in listing.splitlines() if line.endswith("] Velorimab"))
    assert console.handle(number).startswith("Velorimab")
    hello = console.handle("hello")
    assert console.handle("3").startswith("There is no button 3 here")  # "hello" listed no buttons
    assert "[" not in hello

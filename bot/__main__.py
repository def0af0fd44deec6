"""`python -m bot`: the command line (ask, chat, check) and the Telegram bot.

With no command it runs the Telegram bot when TELEGRAM_BOT_TOKEN is set (in the environment or `.env`, read by
the same settings as everything else) and the console chat otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from pathlib import Path

from bot.cli import (
    EXIT_USAGE,
    ask_batch,
    clean_text,
    read_lines,
    reply_for_console,
    run_check,
    skipped_summary,
)
from bot.paths import cache_dir_from
from bot.progress import ConsoleProgress
from bot.report.options import add_arguments
from bot.settings import SettingsError, load_settings
from intents import CorpusError, check_folders, load_engine

log = logging.getLogger("bot")
EXIT_PIPE = 128 + 13  # ended by SIGPIPE, as a shell reports it


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Answer drug questions from monographs.")
    seeds = argparse.ArgumentParser(add_help=False)
    seeds.add_argument(
        "--seeds",
        action="append",
        type=Path,
        metavar="DIR",
        help="monograph folder (repeatable; default: $DRUGBOT_SEEDS_DIR or the project's seeds/)",
    )
    seeds.add_argument("-v", "--verbose", action="store_true", help="log what happens on stderr")
    sub = parser.add_subparsers(dest="command")

    ask = sub.add_parser("ask", parents=[seeds], help="answer one question (or a batch on stdin with --jsonl)")
    ask.add_argument("text", nargs="*", help="the question")
    mode = ask.add_mutually_exclusive_group()
    mode.add_argument("--json", action="store_true", help="print the reply as one JSON object")
    mode.add_argument("--jsonl", action="store_true", help="read one message per stdin line, print JSON lines")
    mode.add_argument("--explain", action="store_true", help="print each stage's result, then the reply")

    sub.add_parser("chat", parents=[seeds], help="chat in the console, with follow-up context")
    check = sub.add_parser("check", parents=[seeds], help="validate monograph files; non-zero exit if any is bad")
    check.add_argument("--dates", action="store_true", help="also list each monograph's lastModified date")
    sub.add_parser("telegram", parents=[seeds], help="run the Telegram bot (needs TELEGRAM_BOT_TOKEN)")
    sub.add_parser("health", help="exit 0 while the running bot's heartbeat file is fresh (container healthcheck)")
    report = sub.add_parser("report", parents=[seeds], help="what users asked and did not get (the question log)")
    add_arguments(report)
    return parser


def _fail(message: str) -> int:
    sys.stderr.write(f"error: {message}\n")
    return EXIT_USAGE


def main(argv: list[str] | None = None) -> int:
    """Run a command; the exit code. A reader that stops reading (`| head -3`) ends it quietly, with the exit code
    of a command that SIGPIPE ended, as other command-line tools do."""
    try:
        code = _main(argv)
        sys.stdout.flush()  # here, not at exit, where a closed pipe could only be reported as a warning
        return code
    except BrokenPipeError:
        # output still buffered would fail again when Python flushes at exit: send it nowhere
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return EXIT_PIPE


def _main(argv: list[str] | None) -> int:
    args = _parser().parse_args(argv)
    console = args.command in ("ask", "chat", "check", "report")  # their output is for a person: no log lines unless -v
    quiet = logging.ERROR if console else logging.WARNING
    logging.basicConfig(
        level=logging.INFO if getattr(args, "verbose", False) else quiet,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    command = args.command
    if command == "health":
        from bot.health import check_health

        return check_health()
    try:
        settings = load_settings()  # the environment and `.env`, as the Telegram bot reads them
    except SettingsError as exc:
        return _fail(str(exc))
    folders: list[Path] = getattr(args, "seeds", None) or settings.seeds_dir
    if command is None:
        if settings.telegram_bot_token.strip():
            sys.stderr.write("drugbot: TELEGRAM_BOT_TOKEN is set: running the Telegram bot\n")
            command = "telegram"
        else:
            sys.stderr.write("drugbot: no TELEGRAM_BOT_TOKEN: running the console chat\n")
            command = "chat"

    if command == "check":
        try:
            check_folders(folders)
            return run_check(folders, dates=args.dates)
        except CorpusError as exc:
            return _fail(str(exc))

    if command == "ask":
        question = clean_text(" ".join(args.text)).strip()
        if not args.jsonl and not question:
            return _fail('empty question: try  python -m bot ask "dose of Kadcyla?"')
        if args.jsonl and question:
            return _fail("--jsonl reads questions from standard input; give no question on the command line")

    if command == "report":
        from bot.report.command import run_report

        cache = cache_dir_from(settings.cache_dir)
        return run_report(args, args.state or settings.state_path, lambda: load_engine(folders, cache_dir=cache))

    if command == "telegram":
        from bot.telegram.runner import run_telegram

        return run_telegram(getattr(args, "seeds", None))

    try:
        check_folders(folders)
        cache_dir = cache_dir_from(settings.cache_dir)
        engine = load_engine(folders, progress=ConsoleProgress(), cache_dir=cache_dir, defer_units=True)
    except CorpusError as exc:
        return _fail(str(exc))
    summary = skipped_summary(engine)
    if summary:
        sys.stderr.write(summary + "\n")

    if command == "ask":
        if args.jsonl:
            ask_batch(engine, read_lines(sys.stdin.buffer), sys.stdout)
            return 0
        if args.explain:
            from intents import format_trace

            trace = engine.explain(question)
            print(format_trace(trace))
            if trace.reply is not None:
                print("\n" + reply_for_console(trace.reply, engine.lexicon))
            return 0
        reply, _ = engine.respond(question)
        if args.json:
            import json

            print(json.dumps(reply.to_contract(), ensure_ascii=False))
        else:
            print(reply_for_console(reply, engine.lexicon))
        return 0

    from bot.console import run_chat

    run_chat(engine)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # Ctrl-C while loading or answering: leave without a traceback
        sys.stderr.write("\n")
        sys.exit(130)

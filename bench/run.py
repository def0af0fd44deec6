"""The benchmark: start-up, latency, memory, accuracy, the question log's cost and Telegram throughput at 100, 1,000
and 10,000 monographs.

    python -m bench.run                  # all sizes; prints a table, writes bench/out/results.json
    python -m bench.run --sizes 1000     # one size

Each measurement that reports memory or start-up time runs in a fresh child process, so numbers do not leak
between phases. Run by hand; nothing here is a unit test.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.logcost import phase_log

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
QUESTIONS = 6000
E2E_UPDATES = 1000
E2E_ROUNDS = 3
TARGETS = {
    "p99_ms": 5.0,
    "warm_s": 1.0,
    "cold_s": 10.0,
    "rss_mb": 1024.0,
    "drug_acc": 0.99,
    "check_s": 10.0,
    "e2e_vs_echo": 0.80,
    "e2e_latency_ups": 500.0,
    "log_ms": 0.05,
}


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def process_age() -> float:
    """Seconds since this process started (from /proc), to time a whole warm start including imports."""
    with open("/proc/self/stat", encoding="ascii") as handle:
        start_ticks = int(handle.read().rsplit(")", 1)[1].split()[19])
    with open("/proc/uptime", encoding="ascii") as handle:
        uptime = float(handle.read().split()[0])
    return uptime - start_ticks / os.sysconf("SC_CLK_TCK")


# --- corpus -------------------------------------------------------------------------------------------------


def ensure_corpus(size: int, seed: int) -> tuple[Path, Path]:
    """The generated corpus and its questions for `size`, made once per seed and reused."""
    from testkit.synthetic import make_drugs, make_questions, write_corpus

    folder = OUT / f"corpus-{size}-s{seed}"
    questions = OUT / f"questions-{size}-s{seed}.jsonl"
    if not (folder / ".complete").exists() or not questions.exists():
        shutil.rmtree(folder, ignore_errors=True)
        drugs = make_drugs(size, seed)
        write_corpus(drugs, folder, seed, bad=max(1, size // 1000))
        with questions.open("w", encoding="utf-8") as handle:
            for question in make_questions(drugs, QUESTIONS, seed + 4):
                handle.write(json.dumps(question) + "\n")
        (folder / ".complete").write_text("ok", encoding="utf-8")
    return folder, questions


def disk_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")) / 1e6


# --- child phases ---------------------------------------------------------------------------------------------


def phase_cold(corpus: Path, cache: Path) -> dict[str, Any]:
    """Empty cache: time until the engine serves (files parsed, names indexed, as the bot starts), then until
    every monograph's answer units are cut and cached (the bot does this in the background meanwhile)."""
    from bot.progress import ConsoleProgress
    from intents import complete_units, load_engine

    started = time.perf_counter()
    engine = load_engine(
        [corpus], cache_dir=cache, progress=ConsoleProgress(force=sys.stderr.isatty()), defer_units=True
    )
    serving = time.perf_counter() - started
    engine.respond("dose of something")
    complete_units(engine, cache)
    return {
        "cold_s": serving,
        "cold_full_s": time.perf_counter() - started,
        "drugs": len(engine.corpus),
        "rss_mb": rss_mb(),
    }


def phase_warm(corpus: Path, cache: Path) -> dict[str, Any]:
    from intents import load_engine

    started = time.perf_counter()
    engine = load_engine([corpus], cache_dir=cache)
    ready = time.perf_counter() - started
    engine.respond("dose of something")
    return {"warm_s": ready, "warm_process_s": process_age(), "rss_mb": rss_mb()}


def phase_questions(corpus: Path, cache: Path, questions: Path) -> dict[str, Any]:
    from intents import load_engine

    engine = load_engine([corpus], cache_dir=cache)
    cases = [json.loads(line) for line in questions.read_text(encoding="utf-8").splitlines()]
    latencies: list[float] = []
    drug_ok = topic_ok = answered = 0
    misses: list[dict[str, Any]] = []
    for case in cases:
        started = time.perf_counter()
        reply, _ = engine.respond(case["query"])
        latencies.append((time.perf_counter() - started) * 1000)
        if reply.drug == case["drug"]:
            drug_ok += 1
        elif len(misses) < 10:
            misses.append({"query": case["query"], "want": case["drug"], "got": reply.drug, "kind": reply.kind})
        if case["drug"] is not None:
            answered += 1
            topic_ok += reply.topic == case["topic"] and reply.drug == case["drug"]
    latencies.sort()
    n = len(latencies)
    return {
        "questions": n,
        "p50_ms": latencies[n // 2],
        "p99_ms": latencies[min(n - 1, int(n * 0.99))],
        "max_ms": latencies[-1],
        "drug_acc": drug_ok / n,
        "topic_acc": topic_ok / max(1, answered),
        "misses": misses,
        "rss_mb": rss_mb(),
    }


def phase_check(corpus: Path) -> dict[str, Any]:
    from intents import load_corpus

    started = time.perf_counter()
    corpus_ = load_corpus([corpus], cut_units=False)
    return {"check_s": time.perf_counter() - started, "bad_files": sorted(Path(i.file).name for i in corpus_.issues)}


# --- end to end through PTB ---------------------------------------------------------------------------------


async def _post(session: Any, url: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    async with session.post(url, json=body or {}) as response:
        return await response.json()


async def _run_bot(
    kind: str, corpus: Path, cache: Path, base: str, texts: list[str], latency: float, concurrency: int
) -> float:
    """Updates per second for one bot over the fake server: all updates queued, then timed until answered."""
    import aiohttp
    from telegram import Update
    from telegram.ext import ApplicationBuilder, MessageHandler, filters

    from bot.service import EngineService
    from bot.settings import Settings
    from bot.telegram.app import build_application
    from intents import load_engine

    token = "123456:BENCH"
    async with aiohttp.ClientSession() as http:
        await _post(http, f"{base}/control/reset", {"latency": {"sendMessage": latency}, "record": False})
        if kind == "echo":

            async def echo(update: Update, _context: Any) -> None:
                await update.message.reply_text(update.message.text)  # type: ignore[union-attr]

            app = (
                ApplicationBuilder()
                .token(token)
                .base_url(f"{base}/bot")
                .concurrent_updates(concurrency)
                .connection_pool_size(concurrency + 4)
                .build()
            )
            app.add_handler(MessageHandler(filters.TEXT, echo))
        else:
            engine = load_engine([corpus], cache_dir=cache)
            state = Path(tempfile.mkdtemp()) / "state.sqlite3"
            settings = Settings(
                _env_file=None,
                TELEGRAM_BOT_TOKEN=token,
                DRUGBOT_API_BASE_URL=f"{base}/bot",
                DRUGBOT_STATE_PATH=str(state),
                DRUGBOT_RATE_LIMIT="false",
                DRUGBOT_CONCURRENT_UPDATES=str(concurrency),
                DRUGBOT_WATCH_SEEDS="false",
            )
            app = build_application(settings, EngineService(engine, [corpus]))
        await _post(http, f"{base}/control/push_texts", {"texts": texts, "chats": 100})
        async with app:
            if app.post_init:  # as run_polling does: drugbot's background work (menus, unit cutting) starts here
                await app.post_init(app)
            await app.start()
            started = time.perf_counter()
            await app.updater.start_polling(poll_interval=0.0, timeout=1)
            while True:
                async with http.get(f"{base}/control/stats") as response:
                    sent = (await response.json())["sent"]
                if sent >= len(texts):
                    break
                if time.perf_counter() - started > 120:
                    raise RuntimeError(f"{kind}: only {sent} of {len(texts)} answered in 120 s")
                await asyncio.sleep(0.01)
            elapsed = time.perf_counter() - started
            await app.updater.stop()
            await app.stop()
            if app.post_stop:
                await app.post_stop(app)
    return len(texts) / elapsed


def phase_e2e(corpus: Path, cache: Path, questions: Path) -> dict[str, Any]:
    texts = [json.loads(line)["query"] for line in questions.read_text(encoding="utf-8").splitlines()][:E2E_UPDATES]
    port_file = Path(tempfile.mkdtemp()) / "port"
    server = subprocess.Popen([sys.executable, "-m", "bench.fakeserver", "--port-file", str(port_file)], cwd=ROOT)
    try:
        for _ in range(200):
            if port_file.exists() and port_file.read_text():
                break
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port_file.read_text()}"
        result: dict[str, Any] = {}
        for label, latency, concurrency in (("instant", 0.0, 1), ("latency20", 0.02, 16)):
            # interleaved, best of E2E_ROUNDS each: one run is too noisy on a shared 2-core machine
            echo, bot = [], []
            for _ in range(E2E_ROUNDS):
                echo.append(asyncio.run(_run_bot("echo", corpus, cache, base, texts, latency, concurrency)))
                bot.append(asyncio.run(_run_bot("drugbot", corpus, cache, base, texts, latency, concurrency)))
            result[f"echo_{label}_ups"] = max(echo)
            result[f"bot_{label}_ups"] = max(bot)
            result[f"echo_{label}_runs"] = echo
            result[f"bot_{label}_runs"] = bot
        return result
    finally:
        server.terminate()
        server.wait(10)


# --- driver ---------------------------------------------------------------------------------------------------


def child(phase: str, *args: str) -> dict[str, Any]:
    """Run one phase in a fresh interpreter and return its JSON result."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.run", "--child", phase, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    if out.returncode != 0:
        raise RuntimeError(f"phase {phase} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory, 1),
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def measure(size: int, seed: int, e2e: bool) -> dict[str, Any]:
    corpus, questions = ensure_corpus(size, seed)
    cache = Path(tempfile.mkdtemp(prefix="drugbot-bench-cache-"))
    try:
        row: dict[str, Any] = {"n": size, "disk_mb": disk_mb(corpus)}
        cold = child("cold", str(corpus), str(cache))
        warm = child("warm", str(corpus), str(cache))
        asked = child("questions", str(corpus), str(cache), str(questions))
        checked = child("check", str(corpus))
        logged = child("log", str(corpus), str(cache), str(questions))
        row.update(
            cold_s=cold["cold_s"],
            cold_full_s=cold["cold_full_s"],
            warm_s=warm["warm_s"],
            warm_process_s=warm["warm_process_s"],
        )
        row.update(
            {k: asked[k] for k in ("questions", "p50_ms", "p99_ms", "max_ms", "drug_acc", "topic_acc", "misses")}
        )
        row["rss_mb"] = max(cold["rss_mb"], warm["rss_mb"], asked["rss_mb"])
        row.update(check_s=checked["check_s"], bad_files=checked["bad_files"])
        row.update({k: logged[k] for k in ("log_ms", "log_state_ms", "log_kept_share", "log_all_kept_ms")})
        if e2e:
            row.update(child("e2e", str(corpus), str(cache), str(questions)))
        return row
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def verdicts(row: dict[str, Any]) -> dict[str, bool]:
    found = {
        "p99_ms": row["p99_ms"] < TARGETS["p99_ms"],
        "warm_s": row["warm_s"] < TARGETS["warm_s"],
        "cold_s": row["cold_s"] < TARGETS["cold_s"],
        "rss_mb": row["rss_mb"] < TARGETS["rss_mb"],
        "drug_acc": row["drug_acc"] >= TARGETS["drug_acc"],
        "check_s": row["check_s"] < TARGETS["check_s"],
        "log_ms": row["log_ms"] <= TARGETS["log_ms"],
    }
    if "bot_instant_ups" in row:
        found["e2e_vs_echo"] = row["bot_instant_ups"] >= TARGETS["e2e_vs_echo"] * row["echo_instant_ups"]
        found["e2e_latency_ups"] = row["bot_latency20_ups"] >= TARGETS["e2e_latency_ups"]
    return found


def table(rows: list[dict[str, Any]]) -> str:
    columns = [
        ("N", "n", "{:,}"),
        ("disk MB", "disk_mb", "{:.1f}"),
        ("cold s", "cold_s", "{:.2f}"),
        ("cold full s", "cold_full_s", "{:.2f}"),
        ("warm s", "warm_s", "{:.2f}"),
        ("warm proc s", "warm_process_s", "{:.2f}"),
        ("peak RSS MB", "rss_mb", "{:.0f}"),
        ("p50 ms", "p50_ms", "{:.2f}"),
        ("p99 ms", "p99_ms", "{:.2f}"),
        ("drug acc", "drug_acc", "{:.2%}"),
        ("topic acc", "topic_acc", "{:.2%}"),
        ("check s", "check_s", "{:.2f}"),
        ("log ms/upd", "log_ms", "{:.3f}"),
        ("echo upd/s", "echo_instant_ups", "{:.0f}"),
        ("bot upd/s", "bot_instant_ups", "{:.0f}"),
        ("echo upd/s 20ms", "echo_latency20_ups", "{:.0f}"),
        ("bot upd/s 20ms", "bot_latency20_ups", "{:.0f}"),
    ]
    head = "| " + " | ".join(c[0] for c in columns) + " |"
    rule = "|" + "|".join("---:" for _ in columns) + "|"
    lines = [head, rule]
    for row in rows:
        cells = [fmt.format(row[key]) if key in row else "–" for _, key, fmt in columns]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-e2e", action="store_true", help="skip the Telegram throughput runs")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        phase, *rest = args.child
        paths = [Path(p) for p in rest]
        result = {
            "cold": phase_cold,
            "warm": phase_warm,
            "questions": phase_questions,
            "check": phase_check,
            "log": phase_log,  # bench/logcost.py
            "e2e": phase_e2e,
        }[phase](*paths)
        print(json.dumps(result))
        return
    OUT.mkdir(parents=True, exist_ok=True)
    rows = []
    for size in args.sizes:
        print(f"measuring N={size:,}…", file=sys.stderr, flush=True)
        rows.append(measure(size, args.seed, not args.no_e2e))
    info = machine()
    for row in rows:
        row["targets_met"] = verdicts(row)
    (OUT / "results.json").write_text(json.dumps({"machine": info, "rows": rows}, indent=2), encoding="utf-8")
    print(f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory_gib']} GiB, Python {info['python']}")
    print(table(rows))
    for row in rows:
        missed = [name for name, ok in row["targets_met"].items() if not ok]
        print(f"N={row['n']:,}: " + ("all targets met" if not missed else "missed: " + ", ".join(missed)))
        if row["misses"]:
            print(f"  first drug misses: {row['misses'][:3]}")
        print(f"  bad files named by check: {len(row['bad_files'])}")


if __name__ == "__main__":
    main()

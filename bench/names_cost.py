"""What finding drug names costs, for any message and any name: time and peak memory, run by hand.

    python -m bench.names_cost             # the seed plus 10,000 generated monographs' names
    python -m bench.names_cost --drugs 0   # the seed alone

Two tables: reading messages (`match`, which runs the typo lookup over every word and word pair, and the
suggestions an `unknown` reply makes), from a normal question to a thousand characters of one word or of many
long words; and building the name index with one absurdly long title or alias.
Peak memory is tracemalloc's peak above what was allocated before the call.
"""

from __future__ import annotations

import argparse
import random
import string
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from intents.language.lexicon import Lexicon, load_lexicon
from intents.library.corpus import load_corpus
from intents.library.models import Monograph
from intents.library.names import NameIndex
from intents.understanding.matcher import match

ROOT = Path(__file__).resolve().parents[1]


def cost(call: Callable[[], object], repeat: int = 3) -> tuple[float, float]:
    """(best wall ms over `repeat` runs, peak KB of one run)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    call()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return best * 1000, peak / 1024


def corpus_infos(drugs: int) -> list[Monograph]:
    seed = next(iter(load_corpus([ROOT / "seeds"]).entries.values()))
    infos = [Monograph(id=seed.id, title=seed.title, names=seed.names)]
    if drugs:
        from testkit.synthetic import make_drugs

        infos += [
            Monograph(id=d.slug, title=d.title, names=(d.title, d.inn, *d.brands), is_banned=d.banned)
            for d in make_drugs(drugs)
        ]
    return infos


def messages(rng: random.Random) -> list[tuple[str, str]]:
    def letters(n: int) -> str:
        return "".join(rng.choice(string.ascii_lowercase) for _ in range(n))

    def long_words(size: int, total: int) -> str:
        return " ".join(letters(size) for _ in range(total // (size + 1)))

    rows = [("normal question", "what is the dose of kadcyla for kidney problems?")]
    rows += [(f"kadcyla + {n} letters", f"kadcyla {letters(n)}") for n in (10, 30, 100, 300, 990)]
    rows += [(f"{n}-letter words, 1,000 chars", long_words(n, 1000)) for n in (8, 15, 21, 40)]
    rows.append(("14 letters+160mg words, 1,000 ch", " ".join(letters(14) + "160mg" for _ in range(50))))
    rows.append(("one word, 5,000 chars", letters(5000)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--drugs", type=int, default=10_000, help="generated monographs beside the seed")
    args = parser.parse_args()
    rng = random.Random(5)
    lexicon: Lexicon = load_lexicon()
    infos = corpus_infos(args.drugs)
    names = NameIndex.build(infos, lexicon)
    print(f"name index of {len(infos)} monographs\n")
    allowed = {m.id for m in infos}
    print(f"{'message':32} {'chars':>6} {'match ms':>9} {'peak KB':>9} {'suggest ms':>11} {'peak KB':>9}")
    for label, text in messages(rng):
        ms, kb = cost(lambda text=text: match(text, names, lexicon))
        words = match(text, names, lexicon).words
        s_ms, s_kb = cost(lambda words=words: names.suggest(words, lexicon, allowed))
        print(f"{label:32} {len(text):>6} {ms:>9.2f} {kb:>9.0f} {s_ms:>11.2f} {s_kb:>9.0f}")

    print(f"\n{'index with one long name':32} {'chars':>6} {'build ms':>9} {'peak KB':>9}")
    seed = infos[0]
    for length in (0, 200, 1_000, 5_000, 30_000):
        long_name = ("Velorimab " * (length // 10 + 1))[:length] if length else ""
        mono = seed.model_copy(update={"names": (*seed.names, long_name)}) if length else seed
        ms, kb = cost(lambda mono=mono: NameIndex.build([mono], lexicon), repeat=1)
        print(f"{'alias of ' + str(length) + ' chars':32} {length:>6} {ms:>9.2f} {kb:>9.0f}")


if __name__ == "__main__":
    main()

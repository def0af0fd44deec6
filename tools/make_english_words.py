"""Regenerate intents/language/vocabulary/english_words.txt from wordfreq (a dev-only tool: `pip install wordfreq`).

The list tells the matcher which words are ordinary English, so typo matching never turns them into drug names.
"""

from __future__ import annotations

import re
from pathlib import Path

from wordfreq import top_n_list

OUT = Path(__file__).resolve().parents[1] / "intents" / "language" / "vocabulary" / "english_words.txt"
HEADER = """\
# The 40,000 most frequent English words (letters only), from wordfreq 3 (CC BY-SA 4.0, by Robyn Speer).
# Regenerate with tools/make_english_words.py. The matcher never fuzzy-matches these to a drug name
# (an exact drug name is still recognised). Add a word on its own line; '#' starts a comment.
"""


def main() -> None:
    words = [w for w in top_n_list("en", 40000) if re.fullmatch(r"[a-z]+", w)]
    OUT.write_text(HEADER + "\n".join(sorted(set(words))) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

"""The drugbot engine: a message (and the chat's context) in, a grounded reply out. It never imports Telegram.

Its stages are one package each, every package importing only those below it (a test checks it):

- `common`: text folding and stemming, shared by every stage;
- `language`: the editable vocabulary (`language/vocabulary/`), question frames, the two topic classifiers and
  their generated weights (`language/model/`), and the labelled questions (`language/questions/`) and long
  messages (`language/messages/`) they are trained on;
- `library`: monograph files found, read, validated and cut into parts; the corpus, the name index, the cache;
- `understanding`: reading a message: the drugs it names, its words, frames and topic;
- `answering`: the drug resolved with the chat's context, the part chosen, the reply built.

`engine.py` wires the stages and `assembly.py` builds an engine from folders. Front ends import only the names
below, from `intents` itself.
"""

from intents.answering.models import SOURCED_KINDS, ChatContext, Kind, Option, Reply
from intents.answering.plain import BULLETS, line_text, opens_block, plain_text
from intents.answering.render import human_date, source_note, with_source
from intents.answering.replies import FAQ_LIST_KEY, LISTING_KEY
from intents.assembly import check_folders, complete_units, load_engine, never_slow, require_monographs
from intents.common.bidi import isolate_bidi
from intents.common.text import fold
from intents.engine import Engine, Trace
from intents.explain import format_trace
from intents.language.lexicon import VOCABULARY_DIR, Lexicon, load_lexicon
from intents.library.cache import default_cache_dir
from intents.library.corpus import Corpus, CorpusError, MonographInfo, load_corpus, stat_files
from intents.library.models import Line, LoadIssue
from intents.library.units import PATH_SEP
from intents.library.versions import file_settled
from intents.understanding.topic_decision import THRESHOLD

__all__ = [
    "BULLETS",
    "FAQ_LIST_KEY",
    "LISTING_KEY",
    "PATH_SEP",
    "SOURCED_KINDS",
    "THRESHOLD",
    "VOCABULARY_DIR",
    "ChatContext",
    "Corpus",
    "CorpusError",
    "Engine",
    "Kind",
    "Lexicon",
    "Line",
    "LoadIssue",
    "MonographInfo",
    "Option",
    "Reply",
    "Trace",
    "check_folders",
    "complete_units",
    "default_cache_dir",
    "file_settled",
    "fold",
    "format_trace",
    "human_date",
    "isolate_bidi",
    "line_text",
    "load_corpus",
    "load_engine",
    "load_lexicon",
    "never_slow",
    "opens_block",
    "plain_text",
    "require_monographs",
    "source_note",
    "stat_files",
    "with_source",
]

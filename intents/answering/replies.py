"""Building replies: the last stage of the pipeline. Monograph text in, a `Reply` out; the only words added are
the drug's name, headings, and the bot's own sentences from `intents/language/vocabulary/replies.yaml`."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from intents.answering.models import Kind, Option, Reply
from intents.common.bidi import isolate_bidi
from intents.common.text import fold
from intents.language.lexicon import Lexicon
from intents.library.corpus import Corpus, MonographInfo
from intents.library.models import Line
from intents.library.names import NameIndex
from intents.library.units import PATH_SEP, DrugUnits, Unit

FAQ_LIST_KEY = "faq"
LISTING_KEY = "list"


class Replies:
    """Reply builders over one corpus; `units` gives a monograph's answerable parts (the engine's cache)."""

    def __init__(
        self, corpus: Corpus, lexicon: Lexicon, names: NameIndex, units: Callable[[MonographInfo], DrugUnits]
    ) -> None:
        self.corpus = corpus
        self.lexicon = lexicon
        self.names = names
        self.units = units
        self._example: tuple[int, str] | None = None  # (corpus revision, name)

    def unit(self, query: str, mono: MonographInfo, unit: Unit, topic: str | None) -> Reply:
        path = PATH_SEP.join(isolate_bidi(heading) for heading in unit.path)
        title = Line(role="title", text=f"{isolate_bidi(mono.title)} — {path}")
        return Reply.model_construct(  # every field is made here with its type; validating costs per answer
            query=query,
            drug=mono.title,
            drug_id=mono.id,
            topic=topic,
            kind=Kind.FAQ if unit.kind == "faq" else Kind.SECTION,
            candidates=[],
            section=list(unit.path),
            faq=unit.faq_index,
            lines=[title, *unit.reply_lines()],
            options=self.section_options(mono, unit),
            part=unit.key,
            updated=mono.updated,
        )

    def section_options(self, mono: MonographInfo, answered: Unit | None, first: Sequence[Unit] = ()) -> list[Option]:
        """Buttons for the drug's sections (those in `first` leading), and its FAQ list."""
        drug = self.units(mono)
        top = answered.path[0] if answered and answered.kind == "part" else None
        ordered = list(first) + [u for u in drug.sections if u not in first]
        options = [Option(u.label, mono.id, u.key) for u in ordered if u.label != top]
        if drug.faq_count() and not (answered and answered.is_faq_pair):
            options.append(Option(label=self.lexicon.reply("listing_faq"), drug_id=mono.id, part=FAQ_LIST_KEY))
        return options

    def listing(self, query: str, mono: MonographInfo, key: str, first: Sequence[Unit] = (), **values: str) -> Reply:
        """The drug's sections, those in `first` leading: when no part answers with confidence."""
        drug = self.units(mono)
        lines = [Line(role="title", text=mono.title)]
        if key == "listing_plain" and mono.description:
            lines.append(Line(role="text", text=mono.description))  # the monograph's own summary
        lines.append(Line(role="text", text=self.lexicon.reply(key, drug=mono.title, **values)))
        ordered = list(first) + [u for u in drug.sections if u not in first]
        lines += [Line(role="bullet", text=u.label) for u in ordered]
        faqs = drug.faq_count()
        if faqs:
            lines.append(Line(role="bullet", text=f"{self.lexicon.reply('listing_faq')} ({faqs})"))
        return self._drug_listing(query, mono, lines, self.section_options(mono, None, first), LISTING_KEY)

    def faq_list(self, query: str, mono: MonographInfo) -> Reply:
        drug = self.units(mono)
        faqs = drug.faq_pairs()
        lines = [Line(role="title", text=f"{isolate_bidi(mono.title)} — {self.lexicon.reply('listing_faq')}")]
        lines += [Line(role="bullet", text=u.label) for u in faqs]
        options = [Option(label=u.label, drug_id=mono.id, part=u.key) for u in faqs]
        return self._drug_listing(query, mono, lines, options, FAQ_LIST_KEY)

    @staticmethod
    def _drug_listing(query: str, mono: MonographInfo, lines: list[Line], options: list[Option], part: str) -> Reply:
        """A listing of one drug's parts (its sections, or its FAQ questions), dated like its answers."""
        return Reply(
            query=query,
            drug=mono.title,
            drug_id=mono.id,
            kind=Kind.LISTING,
            lines=lines,
            options=options,
            part=part,
            updated=mono.updated,
        )

    def clarify(
        self, query: str, topic: str | None, ids: list[str], missing: str | None = None, said: str = ""
    ) -> Reply:
        monos = sorted((self.corpus.entries[i] for i in ids), key=lambda m: fold(m.title))
        if len(monos) == 1 and said and not missing:
            # one drug fits a part of its name ("trastuzumab"): say what we have and offer it, not a list of one
            mono = monos[0]
            brand = next((b for b in mono.brands if fold(b) != fold(said)), None)
            have = f"{isolate_bidi(mono.title)} ({isolate_bidi(brand)})" if brand else mono.title
            lines = [Line(role="text", text=self.lexicon.reply("clarify_one", drug=have, name=said))]
            return self.drug_choice(query, Kind.CLARIFY, topic, lines, monos)
        lines = [Line(role="text", text=self.lexicon.reply("clarify"))]
        if missing:
            lines.insert(0, Line(role="text", text=self.lexicon.reply("unknown_named", name=missing)))
        lines += [Line(role="bullet", text=m.title) for m in monos]
        return self.drug_choice(query, Kind.CLARIFY, topic, lines, monos)

    def drug_choice(
        self, query: str, kind: Kind, topic: str | None, lines: list[Line], monos: list[MonographInfo]
    ) -> Reply:
        """A reply offering drugs to pick from (clarify, unknown with suggestions)."""
        return Reply(
            query=query,
            topic=topic,
            kind=kind,
            lines=lines,
            candidates=[m.title for m in monos],
            options=[Option(label=m.title, drug_id=m.id) for m in monos],
        )

    def unknown(self, query: str, topic: str | None, words: list[str], unknown_names: list[str]) -> Reply:
        named = [w for w in unknown_names if self.lexicon.is_drug_like(w)]
        if named:
            lines = [Line(role="text", text=self.lexicon.reply("unknown_named", name=named[0]))]
        else:
            lines = [Line(role="text", text=self.lexicon.reply("unknown"))]
        words = [*words, *unknown_names]  # code-like names joined ("tdxd1") are compared whole too
        suggested = [self.corpus.entries[i] for i in self.names.suggest(words, self.lexicon, self.corpus.served_ids())]
        if suggested:
            lines.append(Line(role="text", text=self.lexicon.reply("unknown_suggest")))
            lines += [Line(role="bullet", text=m.title) for m in suggested]
        else:
            example = self.example_name()
            if example:
                lines.append(Line(role="note", text=self.lexicon.reply("unknown_hint", drug=example)))
        return self.drug_choice(query, Kind.UNKNOWN, topic, lines, suggested)

    def refuse_banned(self, query: str, mono: MonographInfo) -> Reply:
        return Reply(
            query=query,
            kind=Kind.REFUSE,
            lines=[Line(role="text", text=self.lexicon.reply("refuse_banned", drug=mono.title))],
        )

    def updating(self, query: str, topic: str | None, mono: MonographInfo) -> Reply:
        """The drug's file changed since it was indexed and is not read yet: say so, with the drug to ask again."""
        lines = [Line(role="text", text=self.lexicon.reply("updating", drug=mono.title))]
        return self.drug_choice(query, Kind.UNKNOWN, topic, lines, [mono])

    def refuse_safety(self, query: str) -> Reply:
        return Reply(query=query, kind=Kind.REFUSE, lines=[Line(role="text", text=self.lexicon.reply("refuse_safety"))])

    def smalltalk(self, query: str, group: str) -> Reply:
        lines = [Line(role="text", text=self.lexicon.reply(group))]
        if group in ("help", "greeting"):
            example = self.example_name()
            if group == "help" and example:
                examples = self.lexicon.replies.get("help_examples")
                examples = examples if isinstance(examples, list) else []
                lines += [Line(role="bullet", text=str(e).format(drug=isolate_bidi(example))) for e in examples]
            lines.append(Line(role="note", text=self.lexicon.reply("disclaimer")))
        return Reply(query=query, kind=Kind.SMALLTALK, lines=lines)

    def example_name(self) -> str | None:
        """A drug name to show in hints: the first served monograph's brand (or title)."""
        revision = self.corpus.revision  # an entry indexed again may have been banned
        if self._example is None or self._example[0] != revision:
            first = next((m for m in self.corpus.entries.values() if not m.is_banned), None)
            self._example = (revision, (first.brands[0] if first.brands else first.title) if first else "")
        return self._example[1] or None

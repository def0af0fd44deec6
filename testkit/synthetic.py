"""Synthetic monographs and questions, deterministic from a seed number: the benchmarks' and fuzz campaigns'
corpora, and the monographs the labelled question corpus is asked against (`testkit.questions`).

Drug names are fictional and pronounceable, with the near-collisions of real corpora: shared stems (-mab,
-tinib, -pril...), a plain drug next to its salt and its conjugate (Velorizumab / Velorizumab Vedotin), and
"X and Y" combination products. Files mirror the real seed's structure, sizes and debris (bold headings, `A:**`
in FAQ answers, a truncated description). Questions follow the styles of shared/eval/dev_cases.jsonl.

    python -m testkit.synthetic --count 1000 --out bench/out/corpus-1000
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from intents.common.text import fold
from intents.language.lexicon import load_lexicon
from intents.library.typos import max_typos

ONSETS = [
    "b",
    "c",
    "d",
    "f",
    "g",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "z",
    "br",
    "cl",
    "dr",
    "fl",
    "gr",
    "kr",
    "pr",
    "tr",
    "st",
    "qu",
    "x",
    "h",
    "j",
    "k",
]
VOWELS = ["a", "e", "i", "o", "u", "ae", "io", "ei", "ou", "y"]
CODAS = ["", "", "", "n", "r", "l", "s", "x", "m"]
STEMS = [
    "zumab",
    "ximab",
    "tinib",
    "ciclib",
    "parib",
    "pril",
    "sartan",
    "olol",
    "statin",
    "azole",
    "cillin",
    "mycin",
    "vir",
    "dipine",
    "gliptin",
    "floxacin",
    "parin",
    "prazole",
    "setron",
    "tidine",
    "lukast",
    "semide",
    "triptan",
    "glutide",
    "profen",
    "platin",
    "rubicin",
    "taxel",
    "xaban",
    "afil",
]
CONJUGATES = ["Vedotin", "Emtansine", "Deruxtecan", "Govitecan", "Mafodotin", "Ozogamicin"]
SALTS = ["Hydrochloride", "Sodium", "Potassium", "Mesylate", "Sulfate", "Tartrate"]
BRAND_ENDS = ["a", "ex", "ix", "on", "yl", "ia", "ro", "al", "en", "is", "ora", "ivo"]
CONDITIONS = [
    "glimmer syndrome",
    "fictional arthritis",
    "imaginary hypertension",
    "test fever",
    "sim-cell carcinoma",
    "mock migraine",
    "placebo dermatitis",
    "synthetic asthma",
    "model diabetes",
    "virtual anaemia",
]
FILLER = [
    "The fictional agent acts on a simulated receptor in benchmark tissue",
    "Its imaginary effect lasts for several test hours and is monitored with invented laboratory values",
    "Data in this synthetic monograph are generated for load testing and carry no medical meaning",
    "Clinicians in the benchmark world adjust therapy on the basis of tolerance and response.",
]


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(syllables))


def _sentences(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(FILLER).rstrip(".") + "." for _ in range(count))


@dataclass
class Drug:
    title: str
    inn: str
    brands: list[str]
    banned: bool = False
    faqs: bool = True
    heading_variant: bool = False
    partners: list[str] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return "-".join(fold(self.title).split())


class NameBook:
    """Fictional names that are distinct from each other, from English words and from lexicon words."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        lexicon = load_lexicon()
        self.reserved = set(lexicon.english) | set(lexicon.stopwords) | set(lexicon.drug_words)
        self.reserved |= {w for key in lexicon.phrases for w in key}
        self.used: set[str] = set()

    def take(self, make) -> str:  # type: ignore[no-untyped-def]
        for _ in range(1000):
            name = make()
            key = fold(name)
            if key not in self.used and not (set(key.split()) & self.reserved) and len(key) >= 5:
                self.used.add(key)
                return name
        raise RuntimeError("name space exhausted")

    def inn(self) -> str:
        return self.take(lambda: (_word(self.rng, self.rng.choice([1, 2, 2, 3])) + self.rng.choice(STEMS)).title())

    def brand(self) -> str:
        return self.take(lambda: (_word(self.rng, self.rng.choice([1, 2])) + self.rng.choice(BRAND_ENDS)).title())


def make_drugs(count: int, seed: int = 7) -> list[Drug]:
    """`count` drugs: mostly plain ones, with salts, conjugates and combinations of earlier names mixed in."""
    rng = random.Random(seed)
    book = NameBook(rng)
    drugs: list[Drug] = []
    plain: list[Drug] = []
    while len(drugs) < count:
        roll = rng.random()
        if plain and roll < 0.08:
            base = rng.choice(plain)
            suffix = rng.choice(CONJUGATES if base.inn.endswith("mab") else SALTS)
            title = f"{base.inn} {suffix}"
            if fold(title) in book.used:
                continue
            book.used.add(fold(title))
            drug = Drug(title=title, inn=title, brands=[book.brand()])
        elif len(plain) > 2 and roll < 0.12:
            first, second = rng.sample(plain, 2)
            title = f"{first.inn} and {second.inn}"
            if fold(title) in book.used:
                continue
            book.used.add(fold(title))
            drug = Drug(title=title, inn=title, brands=[book.brand()])
        else:
            inn = book.inn()
            drug = Drug(title=inn, inn=inn, brands=[book.brand() for _ in range(rng.choice([1, 1, 2]))])
            plain.append(drug)
        drug.banned = rng.random() < 0.01
        drug.faqs = rng.random() < 0.85
        drug.heading_variant = rng.random() < 0.15
        drugs.append(drug)
    for drug in drugs:
        drug.partners = [d.inn for d in rng.sample(drugs, min(3, len(drugs)))]
    return drugs


def monograph_text(drug: Drug, rng: random.Random) -> str:
    """A monograph in the seed's format, with its debris."""
    condition = rng.choice(CONDITIONS)
    dose = f"{rng.choice([1, 2, 2.5, 4, 5, 10, 20, 40])} mg/kg"
    interval = rng.choice([1, 2, 3, 4])
    half_life = rng.choice([2, 4, 6, 12, 24, 36])
    faqs = [
        (f"What is the recommended dosage for {drug.title}?", f"{dose} every {interval} weeks as an infusion."),
        (f"What are the most common side effects of {drug.title}?", "Test rash, benchmark fatigue and mock nausea."),
        (f"Can {drug.title} be used during pregnancy?", "It is avoided in pregnancy in this fictional monograph."),
        (f"Can a patient breastfeed while taking {drug.title}?", "Breastfeeding pauses during fictional treatment."),
        (f"What should be monitored in patients receiving {drug.title}?", "Fictional liver tests and counts."),
    ][: rng.choice([3, 4, 5])]
    fm_faqs = (
        "".join(f"  - q: >-\n      {q}**\n\n      **A:** {a}\n    a: >-\n      A:** {a}\n" for q, a in faqs)
        if drug.faqs
        else ""
    )
    description = f"- **Medical Conditions:** {drug.title} is prescribed for {condition}. {_sentences(rng, 3)}"
    dosage_heading = "Dosage and Administration" if drug.heading_variant else "Dosage"
    partners = "\n".join(
        f"- **{p}:** {_sentences(rng, 1)} Avoid combining {drug.title} with {p} in benchmark patients."
        for p in drug.partners
        if p != drug.inn
    )
    body = f"""## **Usage**

- **Medical Conditions:** {drug.title} is prescribed for the treatment of {condition}. This includes:
    - **Acute {condition}:** {_sentences(rng, 2)}
    - **Chronic {condition}:** {_sentences(rng, 2)}
- **Pharmacological Classification:** Fictional {rng.choice(STEMS)} class agent.
- **Mechanism of Action:** {drug.title} binds a simulated receptor. {_sentences(rng, 2)}

## **Alternate Names**

- **International Nonproprietary Name (INN):** {drug.inn}
- **Brand Name{"s" if len(drug.brands) > 1 else ""}:** {", ".join(b + "®" for b in drug.brands)}

## **How It Works**

- **Pharmacodynamics:** {_sentences(rng, 2)}
    - **Receptor binding:** {_sentences(rng, 2)}
- **Pharmacokinetics:**
    - **Absorption:** {_sentences(rng, 1)}
    - **Metabolism:** Metabolized by fictional CYP9Z9. {_sentences(rng, 1)}
    - **Elimination:** Renal and hepatic routes. The terminal half-life is approximately {half_life} hours.
- **Elimination Pathways:** {_sentences(rng, 1)}

## **{dosage_heading}**

### **Standard Dosage**

#### **Adults:**

- {dose} body weight administered as a 60-minute intravenous infusion every {interval} weeks.

#### **Children:**

- No established dosage. {_sentences(rng, 1)}

#### **Special Cases:**

- **Elderly Patients (≥ 65 years):** {_sentences(rng, 2)}
- **Patients with Renal Impairment:** {_sentences(rng, 2)}
- **Patients with Hepatic Dysfunction:** {_sentences(rng, 2)}
- **Patients with Comorbid Conditions:** Caution in cardiac disease. {_sentences(rng, 1)}

### **Dosage Adjustments**

{_sentences(rng, 4)}

## **Side Effects**

### **Common Side Effects:**

- Test rash, benchmark fatigue, mock nausea. {_sentences(rng, 1)}

### **Rare but Serious Side Effects:**

- Fictional glimmer storm. {_sentences(rng, 1)}
- Simulated organ toxicity.

### **Long-Term Effects:**

- {_sentences(rng, 2)}

## **Contraindications**

- Hypersensitivity to {drug.title} or any of its components.
- {_sentences(rng, 1)}

## **Drug Interactions**

{partners or "- " + _sentences(rng, 1)}

## **Pregnancy and Breastfeeding**

- **Pregnancy Safety Category:** C. {_sentences(rng, 2)} Effective contraception is advised.
- **Breastfeeding:** {_sentences(rng, 2)}

## **Drug Profile Summary**

- **Mechanism of Action:** Simulated receptor binding.
- **Side Effects:** Test rash, benchmark fatigue.
- **Dosage:** {dose} every {interval} weeks.
- **Monitoring Parameters:** Fictional liver tests, counts.

## **Popular Combinations**

{_sentences(rng, 3)}

## **Precautions**

- **General Precautions:** {_sentences(rng, 3)}
- **Lifestyle Considerations:** {_sentences(rng, 1)}

## **FAQs (Frequently Asked Questions)**

""" + "".join(f"### **Q{i + 1}: {q}**\n**A:** {a}\n\n" for i, (q, a) in enumerate(faqs))
    return (
        f"---\ntitle: {drug.title}\ndescription: >-\n  {description[:240]}...\nis_banned: {str(drug.banned).lower()}\n"
        f"lastModified: '2025-09-22T17:21:54.364Z'\nfaqs:\n{fm_faqs or '  []'}\n---\n{body}"
    ).replace("faqs:\n  []", "faqs: []")


BAD_FILES = [
    ("bad-yaml.md", b"---\ntitle: [unclosed\nfaqs: []\n---\n## Usage\n\n- x\n"),
    ("bad-no-front-matter.md", b"## Usage\n\n- A file an operator saved without its front matter.\n"),
    ("bad-latin1.md", "---\ntitle: Caf\xe9mab\n---\n## Usage\n\n- x\n".encode("latin-1")),
    ("bad-empty.md", b""),
    ("bad-no-title.md", b"---\ndescription: no title\n---\n## Usage\n\n- x\n"),
]


def write_corpus(drugs: list[Drug], out: Path, seed: int = 7, bad: int = 0) -> list[str]:
    """Write the monographs, plus `bad` broken files (cycling through kinds of damage); returns their names."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed + 1)
    for index, drug in enumerate(drugs):
        (out / f"{index:05d}_{drug.slug[:40]}.md").write_text(monograph_text(drug, rng), encoding="utf-8")
    names = []
    for index in range(bad):
        name, data = BAD_FILES[index % len(BAD_FILES)]
        names.append(f"zz{index:03d}-{name}")
        (out / names[-1]).write_bytes(data)
    return names


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    op = rng.choice(["swap", "drop", "double", "replace"])
    if op == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if op == "drop":
        return word[:i] + word[i + 1 :]
    if op == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice("aeiouy") + word[i + 1 :]


STYLES = [
    ("dose of {brand}?", "dosage"),
    ("What is the dosage of {inn}", "dosage"),
    ("{brand} side effects", "side_effects"),
    ("{inn} in children", "dosage"),
    ("{brand} kidney problems", "dosage"),
    ("can I take {brand} while pregnant", "pregnancy"),
    ("is {brand} safe during breastfeeding", "breastfeeding"),
    ("{inn} drug interactions", "interactions"),
    ("how does {brand} work", "mechanism"),
    ("half life of {inn}", "pharmacokinetics"),
    ("what is {brand} used for", "indications"),
    ("{brand} contraindications", "contraindications"),
    ("{INN} DOSE???", "dosage"),
    ("{typo} dose", "dosage"),
    ("{typo} side effects", "side_effects"),
]


def make_questions(drugs: list[Drug], count: int, seed: int = 11) -> list[dict[str, object]]:
    """Questions with the expected drug (title, or None) and topic; typos only where they stay unambiguous."""
    from intents.library.corpus import MonographInfo
    from intents.library.names import NameIndex

    rng = random.Random(seed)
    lexicon = load_lexicon()
    book_reserved = lexicon.english
    # the bot's own name index, so "unambiguous" means unambiguous to the bot
    infos = [
        MonographInfo(
            id=d.slug,
            title=d.title,
            names=(d.title, d.inn, *d.brands),
            brands=tuple(d.brands),
            is_banned=d.banned,
            source="",
        )
        for d in drugs
    ]
    index = NameIndex.build(infos, lexicon)
    questions: list[dict[str, object]] = []
    while len(questions) < count:
        if rng.random() < 0.04:
            name = _word(rng, 3) + rng.choice(["zolin", "mabix", "trel"])
            if fold(name) in index.exact:
                continue
            questions.append({"query": f"{name} dose", "drug": None, "topic": "dosage", "style": "unknown"})
            continue
        drug = rng.choice(drugs)
        template, topic = rng.choice(STYLES)
        brand = rng.choice(drug.brands)
        typo = ""
        if "{typo}" in template:
            base = fold(brand)
            if max_typos(len(base)) < 1:
                continue
            typo = _typo(base, rng)
            found = index.fuzzy_keys(typo)
            if (
                typo in index.exact
                or typo in book_reserved
                or not found
                or tuple(index.exact[found[0][0]]) != (drug.slug,)
                or (len(found) > 1 and found[1][1] == found[0][1])
            ):
                continue
        query = template.format(brand=brand, inn=drug.inn, INN=drug.inn.upper(), typo=typo)
        questions.append(
            {
                "query": query,
                "drug": None if drug.banned else drug.title,
                "topic": topic,
                "style": template,
                "banned": drug.banned,
            }
        )
    return questions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--questions", type=int, default=0, help="also write N questions to OUT/../questions.jsonl")
    args = parser.parse_args()
    drugs = make_drugs(args.count, args.seed)
    write_corpus(drugs, args.out, args.seed)
    if args.questions:
        path = args.out.parent / f"questions-{args.count}.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            for q in make_questions(drugs, args.questions, args.seed + 4):
                handle.write(json.dumps(q) + "\n")


if __name__ == "__main__":
    main()

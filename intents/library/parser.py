"""Parse one monograph file into a `Monograph`, cleaning the debris real files carry.

Debris (bold markers in headings, `A:**` in FAQ pairs, a description cut mid-word) is removed; the words of the
monograph are never changed. A file that cannot be served raises `MonographError` with a reason a person can act on.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from intents.common.text import fold, strip_markup
from intents.library.front_matter import FrontMatterError, read_front_matter
from intents.library.models import Block, FaqPair, Monograph, Section

MAX_FILE_BYTES = 2 * 1024 * 1024
# Bullets nested deeper than this are kept, as siblings at this depth: every stage that walks the tree recurses
# once per level, and a thousand levels would exhaust Python's stack.
MAX_BULLET_DEPTH = 32

_HEADING = re.compile(r"^(#{2,4})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^(\s*)[-*+•]\s+(.*)$")
_LABEL = re.compile(
    r"^\*\*(?P<label>[^*]+?)\s*:\s*\*\*\s*(?P<text>.*)$|^\*\*(?P<label2>[^*]+?)\*\*\s*:\s*(?P<text2>.*)$"
)
_FAQ_HEADING = re.compile(r"^(faq|faqs|frequently asked questions)\b", re.IGNORECASE)
_Q_PREFIX = re.compile(r"^\s*(?:\*\*)?\s*Q\s*\d*\s*[:.)]\s*", re.IGNORECASE)
_A_PREFIX = re.compile(r"^\s*(?:\*\*)?\s*A\s*:\s*(?:\*\*)?\s*", re.IGNORECASE)
# Names in Alternate Names are separated by commas or semicolons; "and" belongs to combination names.
_NAME_SPLIT = re.compile(r"\s*(?:[,;]|\s/\s)\s*")
_PARENS = re.compile(r"\s*\([^)]*\)")


class MonographError(ValueError):
    """A file that cannot be served; the message is the reason shown to operators."""


def slug_for(title: str) -> str:
    """A short stable id for a title: readable, and short enough for Telegram's 64-byte button data."""
    slug = fold(title).replace("/", " ").replace("+", " ")
    slug = "-".join(slug.split()) or "drug"
    if len(slug) > 32:
        slug = slug[:25].rstrip("-") + "-" + hashlib.sha1(title.encode()).hexdigest()[:6]
    return slug


def clean_heading(raw: str) -> str:
    """`**Side Effects:**` -> `Side Effects`."""
    text = strip_markup(raw)
    return text.rstrip(":").strip()


def clean_question(raw: str) -> str:
    """A front-matter question carries `**` and often its own answer after it: keep the question only."""
    text = raw.split("**A:**")[0]
    text = re.split(r"\n\s*\*\*\s*A\s*:", text)[0]
    text = _Q_PREFIX.sub("", text)
    return " ".join(strip_markup(text).split())


def clean_answer(raw: str) -> str:
    """`A:**  As a 90-minute infusion.**` -> `As a 90-minute infusion.`"""
    text = _A_PREFIX.sub("", raw.strip())
    return " ".join(strip_markup(text).split())


def clean_description(raw: str) -> str:
    """The front-matter description is a cut copy of Usage: drop list markers and the cut-off sentence end."""
    text = " ".join(strip_markup(raw).split())
    text = re.sub(r"(^|\s)- ", r"\1", text).strip()
    if text.endswith("..."):
        body = text[:-3]
        cut = max(body.rfind(". "), body.rfind("! "), body.rfind("? "), body.rfind(": "))
        text = body[: cut + 1].strip() if cut > 0 else body.rsplit(" ", 1)[0] + "…"
    return text


def _parse_blocks(lines: list[str]) -> tuple[Block, ...]:
    """Paragraphs and (nested) bullets of the lines under one heading."""
    # nodes are dicts (kind, label, raw text pieces, children, indent); `build` cleans each piece once
    roots: list[dict[str, Any]] = []
    stack: list[dict[str, Any]] = []
    paragraph: list[str] = []

    def flush_paragraph() -> None:
        if paragraph:
            roots.append({"kind": "paragraph", "label": None, "text": list(paragraph), "children": []})
            paragraph.clear()

    for raw in lines:
        if not raw.strip():
            flush_paragraph()
            continue
        bullet = _BULLET.match(raw)
        if bullet and not raw.lstrip().startswith("**A:"):
            flush_paragraph()
            indent = len(bullet.group(1).expandtabs(4))
            body = bullet.group(2).strip()
            label = None
            labelled = _LABEL.match(body)
            if labelled:
                label = clean_heading(labelled.group("label") or labelled.group("label2") or "")
                body = labelled.group("text") if labelled.group("label") else labelled.group("text2")
            node = {"kind": "bullet", "label": label or None, "text": [body or ""], "children": [], "indent": indent}
            while stack and stack[-1]["indent"] >= indent:
                stack.pop()
            if len(stack) >= MAX_BULLET_DEPTH:
                stack.pop()
            (stack[-1]["children"] if stack else roots).append(node)
            stack.append(node)
        elif stack and raw.startswith((" ", "\t")) and not paragraph:
            stack[-1]["text"].append(raw.strip())
        else:
            stack.clear()
            paragraph.append(raw.strip())
    flush_paragraph()

    def build(node: dict[str, Any]) -> Block:
        text = " ".join(strip_markup(t) for t in node["text"] if t.strip())
        return Block(
            kind=node["kind"],
            text=" ".join(text.split()),
            label=node["label"],
            children=tuple(build(c) for c in node["children"]),
        )

    return tuple(b for b in (build(n) for n in roots) if b.text or b.label or b.children)


def _parse_body_faqs(lines: list[str]) -> list[tuple[str, str]]:
    """Question/answer pairs of a `## FAQs` section (`### Q1: ...` then `**A:** ...`)."""
    pairs: list[tuple[str, str]] = []
    question: str | None = None
    answer: list[str] = []
    for raw in lines:
        heading = _HEADING.match(raw)
        is_question = heading is not None or bool(re.match(r"^\s*\*\*\s*Q\s*\d*\s*[:.)]", raw, re.IGNORECASE))
        if is_question:
            if question and answer:
                pairs.append((question, clean_answer(" ".join(answer))))
            question = clean_question(heading.group(2) if heading else raw)
            answer = []
        elif question is not None and raw.strip():
            answer.append(raw.strip())
    if question and answer:
        pairs.append((question, clean_answer(" ".join(answer))))
    return pairs


def _parse_sections(body: str) -> tuple[tuple[Section, ...], list[tuple[str, str]], str | None]:
    """The heading tree of the body, plus the FAQ pairs of its FAQ section (kept apart from the tree)."""
    flat: list[tuple[int, str, list[str]]] = []
    preamble: list[str] = []
    for raw in body.splitlines():
        found = _HEADING.match(raw)
        if found:
            flat.append((len(found.group(1)), clean_heading(found.group(2)), []))
        elif flat:
            flat[-1][2].append(raw)
        else:
            preamble.append(raw)

    body_faqs: list[tuple[str, str]] = []
    faq_heading: str | None = None
    tree: list[tuple[int, str, list[str], list[Any]]] = []
    stack: list[tuple[int, str, list[str], list[Any]]] = []
    in_faq = False
    faq_lines: list[str] = []
    for level, heading, lines in flat:
        if level == 2:
            in_faq = bool(_FAQ_HEADING.match(heading))
            if in_faq:
                faq_heading = heading
                faq_lines.extend(lines)
                continue
        if in_faq:
            faq_lines.append("#" * level + " " + heading)
            faq_lines.extend(lines)
            continue
        node: tuple[int, str, list[str], list[Any]] = (level, heading, lines, [])
        while stack and stack[-1][0] >= level:
            stack.pop()
        (stack[-1][3] if stack else tree).append(node)
        stack.append(node)
    if faq_lines:
        body_faqs = _parse_body_faqs(faq_lines)

    def build(node: tuple[int, str, list[str], list[Any]]) -> Section:
        level, heading, lines, children = node
        return Section(
            heading=heading, level=level, blocks=_parse_blocks(lines), children=tuple(build(c) for c in children)
        )

    sections = tuple(build(n) for n in tree if n[1])
    return sections, body_faqs, faq_heading


def _split_names(value: str) -> list[str]:
    names = []
    for part in _NAME_SPLIT.split(value):
        name = _PARENS.sub("", part).replace("®", "").replace("™", "").strip(" .:-")
        if name and len(name) <= 80:
            names.append(name)
    return names


def _alternate_names(sections: tuple[Section, ...]) -> tuple[list[str], list[str]]:
    """INN/other names and brand names from the Alternate Names section."""
    names: list[str] = []
    brands: list[str] = []
    for section in sections:
        key = fold(section.heading)
        if "name" not in key and "synonym" not in key:
            continue
        for block in section.blocks:
            for item in (block, *block.children):
                label = fold(item.label or "")
                found = _split_names(item.text)
                (brands if "brand" in label or "trade" in label else names).extend(found)
    return names, brands


def parse_monograph(text: str, source: str = "", warnings: list[str] | None = None) -> Monograph:
    """Parse the text of one monograph file; raise `MonographError` when it cannot be served.

    What is wrong but does not stop the file being served (an unknown front-matter key) goes to `warnings`.

    The front matter is validated; the body is built from plain dataclasses and the `Monograph` is assembled
    without re-validation, since this parser makes every field itself with the right types.
    """
    if not text.strip():
        raise MonographError("file is empty")
    try:
        meta, body = read_front_matter(text, warnings)
    except FrontMatterError as exc:
        raise MonographError(str(exc)) from None

    sections, body_faqs, faq_heading = _parse_sections(body)

    faqs: list[FaqPair] = []
    seen: set[str] = set()
    for index, pair in enumerate(meta.faqs):
        question, answer = clean_question(pair.q), clean_answer(pair.a)
        if not answer:  # some files carry the answer only inside the question text
            tail = re.split(r"\*\*\s*A\s*:\s*\*\*", pair.q, maxsplit=1)
            answer = clean_answer(tail[1]) if len(tail) == 2 else ""
        if question and answer and fold(question) not in seen:
            seen.add(fold(question))
            faqs.append(FaqPair(question=question, answer=answer, frontmatter_index=index))
    for question, answer in body_faqs:
        if question and answer and fold(question) not in seen:
            seen.add(fold(question))
            faqs.append(FaqPair(question=question, answer=answer, frontmatter_index=None))

    alt_names, brands = _alternate_names(sections)
    names: list[str] = []
    folded: set[str] = {""}
    for name in [meta.title, *alt_names, *brands, *meta.aliases]:
        name = " ".join(name.replace("®", "").replace("™", "").split())
        key = fold(name)
        if key not in folded:
            folded.add(key)
            names.append(name)

    if not sections and not faqs:
        raise MonographError("no '## ' sections and no FAQ pairs: nothing to answer from")

    return Monograph.model_construct(
        id=slug_for(meta.title),
        title=meta.title,
        description=clean_description(meta.description),
        is_banned=meta.is_banned,
        last_modified=meta.lastModified,
        names=tuple(names),
        brands=tuple(dict.fromkeys(b.replace("®", "").strip() for b in brands)),
        faqs=tuple(faqs),
        sections=sections,
        faq_heading=faq_heading,
        source=source,
    )

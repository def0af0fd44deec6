"""`ask --explain`: each stage's result for one message, as a person reads it."""

from __future__ import annotations

from intents.engine import Trace
from intents.understanding.topic_decision import THRESHOLD

TOP_PROBABILITIES = 6


def format_trace(trace: Trace) -> str:
    intent, decision, resolution = trace.intent, trace.decision, trace.resolution
    lines = ["1. reading"]
    reading = trace.reading
    if reading is not None and reading.cut:
        for i, sentence in enumerate(reading.sentences):
            role = "question" if i in reading.asking else "aside" if sentence.aside else "story"
            passing = ", a drug in passing" if sentence.passing else ""
            lines.append(f"   sentence {i + 1} ({role}{passing}): {sentence.text}")
        if reading.second:
            lines.append(f"   second question (offered as a button): {reading.second}")
        if intent.context_facets:
            lines.append("   groups from the story: " + ", ".join(f[1] for f in intent.context_facets))
    lines.append(f"   words: {' '.join(intent.words) or '(none)'}")
    for m in intent.mentions:
        lines.append(f"   drug name {m.text!r} ({m.how}, words {m.start}-{m.end}): {', '.join(m.ids)}")
    if intent.unknown_names:
        lines.append(f"   words that may be names we do not have: {', '.join(intent.unknown_names)}")
    if intent.hits:
        lines.append(f"   lexicon phrases: {', '.join(intent.hits)}")
    lines += [
        "2. topic",
        f"   masked: {' '.join(decision.masked) or '(none)'}",
        f"   frames fired: {', '.join(decision.frames) or 'none'}",
    ]
    top = list(decision.probabilities.items())[:TOP_PROBABILITIES]
    if top:
        lines.append("   probabilities: " + ", ".join(f"{c} {p:.2f}" for c, p in top))
    verdict = (
        f"decided {decision.topic} ({decision.confidence:.2f} >= threshold {THRESHOLD})"
        if decision.topic
        else f"no topic decided (best {decision.best or '-'} at {decision.confidence:.2f}, threshold {THRESHOLD})"
    )
    lines.append(f"   {verdict}")
    if decision.close:
        lines.append(f"   close topics (offered first when asking): {', '.join(decision.close)}")
    if decision.subjects:
        lines.append(f"   subjects the monographs do not cover: {', '.join(decision.subjects)}")
    lines.append("3. drug")
    drug = resolution.mono.title if resolution.mono else "-"
    lines.append(f"   {resolution.outcome.value}: {drug}" + (f" ({resolution.how})" if resolution.how else ""))
    if resolution.others:
        lines.append(f"   also named: {', '.join(o.title for o in resolution.others)}")
    if resolution.candidates:
        lines.append(f"   candidates: {', '.join(resolution.candidates)}")
    lines.append("4. part")
    if trace.choice is not None:
        path = " › ".join(trace.choice.unit.path)
        lines.append(f"   {path} (score {trace.choice.score:g})")
        if trace.choice.unmatched:
            lines.append(f"   asked but not found there: {', '.join(trace.choice.unmatched)}")
    lines.append(f"   why: {trace.why or 'no part: ' + (trace.reply.kind.value if trace.reply else '-')}")
    if trace.reply is not None:
        reply = trace.reply
        lines += ["5. reply", f"   kind {reply.kind.value}, topic {reply.topic}, section {reply.section}"]
    return "\n".join(lines)

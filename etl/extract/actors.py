"""Actor of a fact, copied as reported, from the frames of lexicon/actors.yaml.

Frames, strongest first: ``by_actor`` ("killed by regime forces"), ``subject_verb`` ("Islamic State
militants killed"), ``agent_cause`` ("Russian and Syrian warplanes"), ``modifier_cause`` ("insurgent
shelling") and ``claimed_responsibility``. A noun phrase inside any fact's own span is a victim, never
the actor. Nothing outside these frames is read: no frame, no actor.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import regex

from etl.extract.context import Hit, nearest, note, words_of
from etl.extract.lexicon import alternation

FILE = "actors.yaml"
_DET = regex.compile(r"^(?:the|a|an)\s+", regex.IGNORECASE)
_NEGATED = regex.compile(r"(?i:\b(?:no|not|nobody|none)\s+)\Z")


@dataclass(frozen=True)
class _Patterns:
    by: regex.Pattern
    subject: regex.Pattern
    claimed: regex.Pattern
    modifier_end: regex.Pattern
    agents: frozenset


@functools.cache
def _compiled() -> _Patterns:
    heads = alternation(words_of(FILE, "heads"))
    groups = alternation(words_of(FILE, "groups"))
    mods = alternation(words_of(FILE, "modifiers"))
    stop = alternation(words_of(FILE, "not_actor"))
    cap = rf"(?!(?:{stop})\b)(?:[A-Z][\w'’.]*(?:-[\w'’.]+)*|al-[A-Z][\w'’-]*)"
    word = rf"(?:(?i:{groups})(?![\w-])|{cap}|(?i:{mods})(?![\w-])|[\w]+-(?:led|backed|allied|linked)|(?:pro|anti)-[\w-]+)"
    run = rf"{word}(?:(?:\s+(?:and|or)\s+|,\s+|\s+){word}){{0,5}}"
    np = rf"""(?:(?:the|an?|suspected|unidentified|unknown|armed)\s+)*
              (?:(?:{run})\s+)?(?i:{heads})(?![\w-])
            |(?:(?:the|an?)\s+)?(?:{run}\s+)?(?i:{groups})(?![\w-])(?:\s+(?i:{heads})(?![\w-]))?"""
    verbs = (r"killed|kill|attacked|attack|shot|stormed|ambushed|bombed|shelled|opened\s+fire|fired|struck|"
             r"raided|targeted|executed|beheaded|massacred|blew\s+up|detonated|launched|carried\s+out|hit|"
             r"overran|abducted|kidnapped|burned|torched|set\s+fire|gunned\s+down|stabbed|hacked")
    flags = regex.VERBOSE
    return _Patterns(
        by=regex.compile(rf"(?<![\w-])(?:by|blamed\s+on)\s+(?P<np>{np})", flags),
        subject=regex.compile(
            rf"(?P<np>{np})\s+(?:(?:also|reportedly|allegedly|then|later|have|has|had|who|which)\s+)*"
            rf"(?:{verbs})(?![\w-])", flags),
        claimed=regex.compile(
            rf"(?P<np>{np}|{run})\s+(?:has\s+|have\s+|had\s+)?(?:claimed|claims)\s+(?:responsibility|credit)", flags),
        modifier_end=regex.compile(rf"(?P<np>{run})\s+\Z", flags),
        agents=frozenset(w.lower() for w in words_of(FILE, "agents")),
    )


def _clean(phrase: str) -> str:
    return _DET.sub("", " ".join(phrase.split()))


def _victim(doc, idx: int, start: int, end: int) -> bool:
    return any(start < fe and end > fs for fs, fe in doc.fact_spans.get(idx, ()))


def find(doc, sent: str, offset: int, idx: int) -> list[Hit]:
    """Frame hits of one sentence (by, subject-verb, claimed responsibility); offsets into the text."""
    p = _compiled()
    hits = []
    for rule, pattern in (("by_actor", p.by), ("subject_verb", p.subject), ("claimed_responsibility", p.claimed)):
        for m in pattern.finditer(sent):
            s, e = m.span("np")
            if rule == "claimed_responsibility" and _NEGATED.search(sent[:s]):
                continue
            if _victim(doc, idx, offset + s, offset + e):
                continue
            hits.append(Hit(offset + s, offset + e, f"{FILE}:{rule}", _clean(m.group("np"))))
    return hits


def _from_cause(doc, cause_hit: Hit, idx: int) -> Hit | None:
    """Actor in the words before a cause mention ("insurgent shelling", "Russian and Syrian warplanes")."""
    p = _compiled()
    sent_start = doc.sents[idx][0]
    lo = max(sent_start, cause_hit.start - 80)
    m = p.modifier_end.search(doc.text, lo, cause_hit.start)
    cause_words = doc.text[cause_hit.start:cause_hit.end]
    if m is None:
        return None
    if _victim(doc, idx, m.start("np"), m.end("np")):
        return None
    if cause_words.split()[-1].lower() in p.agents:
        return Hit(m.start("np"), cause_hit.end, f"{FILE}:agent_cause", _clean(doc.text[m.start("np"):cause_hit.end]))
    return Hit(m.start("np"), m.end("np"), f"{FILE}:modifier_cause", _clean(m.group("np")))


_PRIORITY = {f"{FILE}:by_actor": 0, f"{FILE}:subject_verb": 1, f"{FILE}:agent_cause": 2,
             f"{FILE}:modifier_cause": 3, f"{FILE}:claimed_responsibility": 4}


def attach(doc, fact, idx: int, cause_hit: Hit | None, cause_idx: int) -> None:
    """Set ``actor`` from the fact's sentence, else the cause's sentence, else a neighbouring claim."""
    hits = list(doc.hits("actor", idx, find))
    if cause_hit is not None:
        h = _from_cause(doc, cause_hit, cause_idx)
        if h is not None and (cause_idx == idx or not hits):
            hits.append(h)
    if not hits:
        for off in (1, -1):
            j = idx + off
            if 0 <= j < len(doc.sents):
                hits = [h for h in doc.hits("actor", j, find) if h.rule.endswith("claimed_responsibility")]
                if hits:
                    break
    if not hits:
        return
    top = min(_PRIORITY[h.rule] for h in hits)
    best = nearest([h for h in hits if _PRIORITY[h.rule] == top], fact.span_start, fact.span_end)
    fact.actor = best.value
    note(fact, "actor", best.rule)

"""Who reported a fact (``reported_by``), copied as written, from lexicon/attribution.yaml.

Frames: ``according_to`` ("according to the health ministry"), ``subject_said`` ("police said",
"SANA reported that"), ``said_subject`` ("..., said a police spokesman"). The subject is the words
before the verb back to a clause boundary (comma, quote, "that", "and" ...), at most eight words;
pronouns, digits and auxiliaries reject it. After an outlet word the outlet's name is kept
("state news agency SANA" -> "SANA").
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import regex

from etl.extract.context import Hit, note, pick, words_of
from etl.extract.lexicon import trie_alternation

FILE = "attribution.yaml"
MAX_WORDS = 8
_AUX = regex.compile(r"(?i)\b(?:was|were|is|are|been|be|being|had|has|have|will|would|could|it|there)\s*\Z")
_LEAD = regex.compile(r"^(?:[\"'“”‘’(\[]|\s|-|—|–)+")
_APPOSITIVE = regex.compile(r"(?P<np>(?:\b[Aa]n?|\b[Tt]he)\s+[^,;:()\"“”]{2,40}?),\s+(?P<name>(?-i:\p{Lu}[\p{L}.'’-]*)(?:\s+(?-i:\p{Lu}[\p{L}.'’-]*)){0,3}),\s*\Z")
_NOT_A_SOURCE = regex.compile(r"(?i)\b(?:rites|rituals?|traditions?|customs?|law|laws|plans?|schedule|rules|procedures?|protocols?|scripture|the\s+Bible|the\s+Koran|the\s+Quran)\b")
_ADVERBS = regex.compile(r"(?i)(?:\s+(?:also|later|earlier|previously|separately|initially|had|has|have))+\s*\Z")


@dataclass(frozen=True)
class _Patterns:
    according: regex.Pattern
    said: regex.Pattern
    inverted: regex.Pattern
    boundary: regex.Pattern
    outlet: regex.Pattern
    pronouns: frozenset
    not_in_source: frozenset
    lone_nouns: frozenset


@functools.cache
def _compiled() -> _Patterns:
    verbs = trie_alternation(words_of(FILE, "verbs"))
    toll_verbs = trie_alternation(words_of(FILE, "toll_verbs"))
    not_after = trie_alternation(words_of(FILE, "not_after_verb"))
    bounds = trie_alternation(words_of(FILE, "left_boundaries"))
    outlets = trie_alternation(words_of(FILE, "outlets"))
    return _Patterns(
        according=regex.compile(r"(?i)(?<![\w-])according\s+to\s+(?P<src>[^,.;:()\"“”]{2,90}?)"
                                r"(?=\s*[,.;:()\"“”]|\s+(?:on|which|who|as|in\s+a|in\s+an)\b|\s*$)"),
        said=regex.compile(rf"(?<![\w-])(?P<verb>(?i:{verbs}))(?![\w-])(?!\s+(?i:{not_after})\b)"
                           rf"|(?<![\w-])(?P<verb>(?i:{toll_verbs}))(?=\s+(?i:the|its|their|a|an)\s+(?:[\w-]+\s+){{0,2}}?"
                           r"(?i:toll|number|count|figure)\b)"),
        inverted=regex.compile(r"(?:,|[\"”’])\s*(?i:said|says|reported|added|told\s+\w+)\s+"
                               r"(?P<src>(?:the\s+|a\s+|an\s+)?[^,.;:()\"“”]{2,70}?)(?=\s*[,.;:()\"“”]|\s*$)"),
        boundary=regex.compile(rf"(?:[,;:()\"“”‘]|—|–|\s-\s|(?<![\w-])(?i:{bounds})(?![\w-]))"),
        outlet=regex.compile(rf"(?i:{outlets})\s+(?P<name>[A-Z][\w.'’&-]*(?:\s+[A-Z][\w.'’&-]*)*)\s*\Z"),
        pronouns=frozenset(w.lower() for w in words_of(FILE, "pronouns")),
        not_in_source=frozenset(w.lower() for w in words_of(FILE, "not_in_source") + words_of(FILE, "not_after_verb")),
        lone_nouns=frozenset(w.lower() for w in words_of(FILE, "lone_nouns")),
    )


def _subject(sent: str, verb_start: int) -> str | None:
    """The noun phrase before a reporting verb, or None when it is not a plausible source."""
    p = _compiled()
    left = sent[max(0, verb_start - 120):verb_start]
    if _AUX.search(left):
        return None
    left = _ADVERBS.sub("", left)
    appositive = _APPOSITIVE.search(left)  # "A resident of the village, Malam Sani Kairu, told"
    if appositive:
        left = left[:appositive.start()] + appositive.group("np") + ", " + appositive.group("name")
    cut = 0
    for m in p.boundary.finditer(left):
        cut = m.end()
    if appositive:
        cut = min(cut, len(left) - len(appositive.group("np") + ", " + appositive.group("name")))
    phrase = _LEAD.sub("", left[cut:]).strip()
    words = phrase.split()
    if not words or len(words) > MAX_WORDS or phrase.lower() in p.pronouns or words[0].lower() in p.pronouns:
        return None
    if words[-1].lower() in ("to", "of", "for", "with", "at", "by", "from", "on", "in", "about"):
        return None  # "officers responded to reports of a man": "reports" is a noun here
    if any(ch.isdigit() for ch in phrase) or any(w.lower() in p.not_in_source for w in words):
        return None
    if len(words) == 1 and phrase.islower() and not (phrase.endswith("s") or phrase in p.lone_nouns):
        return None  # "then said", "additional" - a lone lower-case word must be a plural or a known noun
    m = p.outlet.search(phrase)
    return m.group("name") if m else phrase


def find(doc, sent: str, offset: int, idx: int) -> list[Hit]:
    """Source mentions of one sentence; offsets into the whole text."""
    p = _compiled()
    hits = []
    for m in p.according.finditer(sent):
        if _NOT_A_SOURCE.search(m.group("src")):
            continue  # "buried according to Islamic rites"
        hits.append(Hit(offset + m.start("src"), offset + m.end("src"), f"{FILE}:according_to", m.group("src").strip()))
    for m in p.inverted.finditer(sent):
        src = m.group("src").strip()
        first = src.split()[0].lower() if src.split() else ""
        if first in p.pronouns or first in ("to", "that", "in", "on", "at", "by", "there") or any(c.isdigit() for c in src):
            continue
        hits.append(Hit(offset + m.start("src"), offset + m.end("src"), f"{FILE}:said_subject", src))
    for m in p.said.finditer(sent):
        src = _subject(sent, m.start("verb"))
        if src:
            hits.append(Hit(offset + m.start("verb"), offset + m.end("verb"), f"{FILE}:subject_said", src))
    return hits


def attach(doc, fact, idx: int) -> None:
    """Set ``reported_by`` from the fact's sentence, then the next one, then the previous one."""
    hit, _ = pick(doc, fact, idx, "source", find, order=(0, 1, -1))
    if hit is not None:
        fact.reported_by = hit.value
        note(fact, "reported_by", hit.rule)

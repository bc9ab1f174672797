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
from etl.extract.lexicon import trie_alternation

FILE = "actors.yaml"
_DET = regex.compile(r"^(?:the|a|an)\s+", regex.IGNORECASE)
_NEGATED = regex.compile(r"(?i:\b(?:no|not|nobody|none)\s+)\Z")


@dataclass(frozen=True)
class _Patterns:
    by: regex.Pattern            # "by " / "blamed on ": an actor noun phrase must follow
    np_at: regex.Pattern         # an actor noun phrase, anchored where matching starts
    subject: regex.Pattern       # HEAD|GROUP [adverbs] VIOLENT_VERB (starts on a literal word: fast scan)
    claimed: regex.Pattern       # "[has] claimed responsibility"
    head_end: regex.Pattern      # a head noun or group ending where matching ends
    special: regex.Pattern       # "US-led", "pro-government", "anti-Balaka"
    stop: frozenset
    mods: frozenset
    group_words: frozenset
    agents: frozenset


@functools.cache
def _compiled() -> _Patterns:
    heads_list, groups_list = words_of(FILE, "heads"), words_of(FILE, "groups")
    heads, groups = trie_alternation(heads_list), trie_alternation(groups_list)
    mods = trie_alternation(words_of(FILE, "modifiers"))
    stop = trie_alternation(words_of(FILE, "not_actor"))
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
        by=regex.compile(r"(?<![\w-])(?:by|blamed\s+on)\s+"),
        np_at=regex.compile(np, flags),
        subject=regex.compile(
            rf"(?<![\w-])(?P<head>(?i:{groups}|{heads}))(?![\w-])\s+"
            rf"(?:(?:also|reportedly|allegedly|then|later|have|has|had|who|which)\s+)*(?:{verbs})(?![\w-])"),
        claimed=regex.compile(r"(?:\s+(?:has|have|had))?\s+(?:claimed|claims)\s+(?:responsibility|credit)"),
        head_end=regex.compile(rf"(?i:{groups}|{heads})\Z"),
        special=regex.compile(r"[\w]+-(?:led|backed|allied|linked)|(?:pro|anti)-[\w-]+"),
        stop=frozenset(words_of(FILE, "not_actor")),
        mods=frozenset(w.lower() for w in words_of(FILE, "modifiers")),
        group_words=frozenset(w.lower() for g in groups_list for w in g.split()),
        agents=frozenset(w.lower() for w in words_of(FILE, "agents")),
    )


def _clean(phrase: str) -> str:
    return _DET.sub("", " ".join(phrase.split()))


def _victim(doc, idx: int, start: int, end: int) -> bool:
    return any(start < fe and end > fs for fs, fe in doc.fact_spans.get(idx, ()))


_TOKENS = regex.compile(r"[^\s,]+|,")
_DETS = frozenset(("the", "a", "an", "suspected", "unidentified", "unknown", "armed"))


def _modifier(p: _Patterns, token: str) -> bool:
    if token in p.stop or token.endswith(("'s", "’s", "-bound", "-based", "-born")) or "/" in token:
        return False
    if len(token) > 3 and token.isalpha() and token.isupper() and token.lower() not in p.group_words:
        return False  # a dateline ("BEIRUT"), not an actor
    low = token.lower()
    return ((token[:1].isupper() or token.startswith("al-")) or low in p.mods or low in p.group_words
            or bool(p.special.fullmatch(token)))


def _walk_back(text: str, pos: int, lo: int) -> int:
    """Start of the run of actor modifiers ending at ``pos`` ("Russian and Syrian", "Islamic State");
    ``pos`` itself when there is none. Looks at a few tokens only."""
    p = _compiled()
    tokens = list(_TOKENS.finditer(text, max(lo, pos - 80), pos))
    start, taken, pending = pos, 0, None
    for t in reversed(tokens):
        tok = t.group()
        if tok == ",":
            break  # "in Aleppo, government shelling": a comma ends the actor
        if tok in ("and", "or"):
            if pending is not None or taken == 0:
                break
            pending = t.start()
            continue
        if taken < 6 and _modifier(p, tok):
            start, taken, pending = t.start(), taken + 1, None
            continue
        break
    return start


def _with_dets(text: str, start: int, lo: int) -> int:
    for t in reversed(list(_TOKENS.finditer(text, max(lo, start - 30), start))):
        if t.group().lower() not in _DETS:
            break
        start = t.start()
    return start


def find(doc, sent: str, offset: int, idx: int) -> list[Hit]:
    """Frame hits of one sentence (by, subject-verb, claimed responsibility); offsets into the text."""
    p = _compiled()
    hits = []

    def add(rule, s, e):
        if s < e and not _victim(doc, idx, offset + s, offset + e):
            hits.append(Hit(offset + s, offset + e, f"{FILE}:{rule}", _clean(sent[s:e])))

    for m in p.by.finditer(sent):
        np = p.np_at.match(sent, m.end())
        if np:
            add("by_actor", np.start(), np.end())
    for m in p.subject.finditer(sent):
        s = _with_dets(sent, _walk_back(sent, m.start("head"), 0), 0)
        add("subject_verb", s, m.end("head"))
    if "claim" in sent:
        for m in p.claimed.finditer(sent):
            s = _walk_back(sent, m.start(), 0)
            if p.head_end.search(sent, 0, m.start()) and s == m.start():
                s = _walk_back(sent, sent.rfind(" ", 0, m.start()) + 1, 0)
            if s < m.start() and not _NEGATED.search(sent, 0, s):
                add("claimed_responsibility", s, m.start())
    return hits


def _from_cause(doc, cause_hit: Hit, idx: int) -> Hit | None:
    """Actor in the words before a cause mention ("insurgent shelling", "Russian and Syrian warplanes")."""
    p = _compiled()
    sent_start = doc.sents[idx][0]
    text = doc.text
    end = cause_hit.start
    while end > sent_start and text[end - 1].isspace():
        end -= 1
    start = _walk_back(text, end, sent_start)
    if start >= end or _victim(doc, idx, start, end):
        return None
    cause_words = text[cause_hit.start:cause_hit.end]
    if cause_words.split()[-1].lower() in p.agents:
        return Hit(start, cause_hit.end, f"{FILE}:agent_cause", _clean(text[start:cause_hit.end]))
    return Hit(start, end, f"{FILE}:modifier_cause", _clean(text[start:end]))


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

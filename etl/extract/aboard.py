"""Crash reports that give a toll only as "no survivors" (or who survived) beside how many were on board.

"The plane, carrying 12 people, struck a mountain. There were no survivors." -> killed 12, quoted at
"carrying 12 people"; "Of the 18 on board, only one survived" -> killed 17. Only used when the text
gives no killed figure of its own.
"""
from __future__ import annotations

import functools
from dataclasses import replace

import regex

from etl.extract.counts import mention_from_match
from etl.extract.lexicon import load, trie_alternation
from etl.extract.numbers import parse_number
from etl.extract.patterns import compiled
from etl.facts import Count, Fact

_NO_SURVIVORS = regex.compile(
    r"(?i)\b(?:there\s+were\s+no\s+survivors|no\s+(?:one|body)\s+survived|none\s+(?:of\s+them\s+)?survived"
    r"|no\s+survivors|(?P<all>(?:killing|killed)\s+(?:all|everyone|everybody)\s+(?:those\s+|people\s+|the\s+people\s+)?"
    r"(?:who\s+were\s+|that\s+were\s+|were\s+)?(?:on\s+board|aboard|inside))"
    r"|(?:all|everyone)\s+(?:those\s+)?(?:on\s+board|aboard)\s+(?:were|was)\s+killed)\b")
_CAPACITY = regex.compile(
    r"(?i)\b(?:carrying|with|among\s+the|of\s+the)\s+(?=\S)|(?=\b\S+\s+(?:[\w-]+\s+){0,2}(?:on\s+board|aboard)\b)")


@functools.cache
def _survivors() -> regex.Pattern:
    """Who lived, when the text says the others died: the toll is the people on board minus them."""
    num = rf"(?P<n>\d{{1,4}}|{trie_alternation([*load().word_values, *load().vague])})"
    return regex.compile(
        rf"(?i)\b(?:(?:only|just)\s+{num}\s+(?:[\w-]+\s+){{0,2}}?survived"
        rf"|(?<=,\s+){num}\s+(?:people\s+|passengers\s+)?survived"  # "Of the 47 occupants, 19 survived"
        rf"|all\s+but\s+{num}\s+(?:of\s+the\s+\d+\s+)?(?:[\w-]+\s+){{0,2}}?(?:died|were\s+killed|perished|drowned)"
        rf"|{num}\s+(?:[\w-]+\s+){{0,2}}?(?:were|was)\s+rescued\b[^.]{{0,60}}?\bthe\s+(?:rest|others)\s+"
        r"(?:died|were\s+killed|perished|drowned)"
        r"|(?P<sole>(?:the|a)\s+(?:sole|only|lone)\s+survivor|(?:only|just)\s+(?:the|a|an|one)\s+[\w-]+(?:\s+[\w-]+)?\s+survived))\b")


def all_aboard_facts(text: str, facts: list[Fact]) -> list[Fact]:
    """One killed fact for "no survivors" + "carrying N people", when no other killed figure exists."""
    if any(f.outcome == "killed" for f in facts):
        return []
    end = _NO_SURVIVORS.search(text)
    if end is None:
        return _aboard_minus_survivors(text)
    aboard = _capacity(text, end.end() + 80)
    if aboard is not None:
        return [Fact(outcome="killed", count=aboard.count, span_start=aboard.start, span_end=aboard.end,
                     quote=text[aboard.start:aboard.end], rule="all_aboard:killed", victim_category=aboard.category,
                     victim_group=aboard.noun, extras={"trigger": end.group(0)})]
    if end.group("all"):  # "killing all aboard" with no figure anywhere: an unknown number, 3 (conventions)
        return [Fact(outcome="killed", count=Count(3, 3, 3, "vague", True, "all"), span_start=end.start("all"),
                     span_end=end.end("all"), quote=end.group("all"), rule="all_aboard:killed+unquantified",
                     extras={"trigger": end.group(0)})]
    return []


def _capacity(text: str, until: int):
    """The first "carrying N people" / "N on board" figure before ``until``, or None."""
    p = compiled()
    for cue in _CAPACITY.finditer(text, 0, min(until, len(text))):
        m = p.np.match(text, cue.end())
        mt = mention_from_match(m) if m else None
        if mt is None or mt.singular or mt.kind not in ("count", "unknown_noun") or mt.count.vague:
            continue
        if mt.category is None and not regex.match(r"(?i)\s*(?:people|passengers|persons|occupants)?\s*(?:on\s+board|aboard)|\s*(?:,|\.|\s+and\b)",
                                                    text[mt.end:]):
            continue
        return _and_crew(text, mt)
    return None


def _and_crew(text: str, mt):
    """"112 passengers and 9 crew": the second group on board is counted with the first."""
    joined = regex.match(r"\s+and\s+", text[mt.end:mt.end + 8])
    if joined is None:
        return mt
    m = compiled().np.match(text, mt.end + joined.end())
    other = mention_from_match(m) if m else None
    if (other is None or other.singular or other.count.vague or other.count.best is None
            or not regex.match(r"(?i)crew|crew\s+members|staff|passengers|pilots", other.noun or "")):
        return mt
    total = mt.count.best + other.count.best
    return replace(mt, end=other.end, count=Count(total, total, total))


def _aboard_minus_survivors(text: str) -> list[Fact]:
    """"Of the 18 on board, only one survived", "all but three died": the people on board less those who lived."""
    found = _survivors().search(text)
    if found is None:
        return []
    aboard = _capacity(text, found.start()) or _capacity(text, found.end() + 60)  # "the only survivor among the 41"
    if aboard is None or aboard.count.best is None:
        return []
    parsed = (1, False, None) if found.group("sole") else parse_number(found.group("n"))
    lived = parsed[0] if parsed else None
    if lived is None or not 0 < lived < aboard.count.best:
        return []
    dead = aboard.count.best - lived
    start, end = min(aboard.start, found.start()), max(aboard.end, found.end())
    return [Fact(outcome="killed", count=Count(dead, dead, dead), span_start=start, span_end=end,
                 quote=text[start:end], rule="aboard_minus_survivors:killed",
                 victim_category=aboard.category, victim_group=aboard.noun, extras={"trigger": found.group(0)})]

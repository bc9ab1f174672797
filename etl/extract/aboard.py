"""Crash reports that give a toll only as "no survivors" beside how many were on board.

"The plane, carrying 12 people, struck a mountain. There were no survivors." -> killed 12, quoted at
"carrying 12 people". Only used when the text gives no killed figure of its own.
"""
from __future__ import annotations

import regex

from etl.extract.counts import mention_from_match
from etl.extract.patterns import compiled
from etl.facts import Count, Fact

_NO_SURVIVORS = regex.compile(
    r"(?i)\b(?:there\s+were\s+no\s+survivors|no\s+(?:one|body)\s+survived|none\s+(?:of\s+them\s+)?survived"
    r"|no\s+survivors|(?P<all>(?:killing|killed)\s+(?:all|everyone|everybody)\s+(?:those\s+|people\s+|the\s+people\s+)?"
    r"(?:who\s+were\s+|that\s+were\s+|were\s+)?(?:on\s+board|aboard|inside))"
    r"|(?:all|everyone)\s+(?:those\s+)?(?:on\s+board|aboard)\s+(?:were|was)\s+killed)\b")
_CAPACITY = regex.compile(
    r"(?i)\b(?:carrying|with)\s+(?=\S)|(?=\b\S+\s+(?:people|passengers|persons|occupants)?\s*(?:on\s+board|aboard)\b)")


def all_aboard_facts(text: str, facts: list[Fact]) -> list[Fact]:
    """One killed fact for "no survivors" + "carrying N people", when no other killed figure exists."""
    if any(f.outcome == "killed" for f in facts):
        return []
    end = _NO_SURVIVORS.search(text)
    if end is None:
        return []
    p = compiled()
    for cue in _CAPACITY.finditer(text, 0, end.end()):
        m = p.np.match(text, cue.end())
        mt = mention_from_match(m) if m else None
        if mt is None or mt.singular or mt.kind not in ("count", "unknown_noun") or mt.count.vague:
            continue
        if mt.category is None and not regex.match(r"(?i)\s*(?:people|passengers|persons|occupants)?\s*(?:on\s+board|aboard)|\s*(?:,|\.|\s+and\b)",
                                                    text[mt.end:]):
            continue
        return [Fact(outcome="killed", count=mt.count, span_start=mt.start, span_end=mt.end,
                     quote=text[mt.start:mt.end], rule="all_aboard:killed", victim_category=mt.category,
                     victim_group=mt.noun, extras={"trigger": end.group(0)})]
    if end.group("all"):  # "killing all aboard" with no figure anywhere: an unknown number, 3 (conventions)
        return [Fact(outcome="killed", count=Count(3, 3, 3, "vague", True, "all"), span_start=end.start("all"),
                     span_end=end.end("all"), quote=end.group("all"), rule="all_aboard:killed+unquantified",
                     extras={"trigger": end.group(0)})]
    return []

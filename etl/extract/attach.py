"""How the count engine attaches unattached counted phrases to an outcome found nearby: added groups
("along with the 4 attackers"), elliptical figures ("two on the Cessna"), sub-counts ("including two
students"), coordination ("two soldiers and three militants"), outcome adjectives ("40 wounded people")
and the ones who died among the wounded ("two men were shot, one fatally")."""
from __future__ import annotations

from dataclasses import dataclass

import regex

from etl.extract.counts import Mention
from etl.extract.cues import cue
from etl.extract.lexicon import load
from etl.extract.numbers import parse_number
from etl.extract.patterns import compiled
from etl.facts import Count, Fact

_DETS_ONLY = None
_REPORTING = regex.compile(r"(?:['’]s)?\s+(?:(?:for|of|from|with|at)\s+(?:[\w.'’-]+\s+){1,6}?)?(?:[\w-]+\s+){0,2}?"
                           r"(?:said|says|told|added|reported|confirmed|stated|announced)\b", regex.I)
_CUE_OUTCOME = {"dead": "killed", "killed": "killed", "victims": "killed", "fatalities": "killed",
                "deceased": "killed", "wounded": "injured", "injured": "injured"}
_DIED_ALONG_WITH = regex.compile(r"(?i)\b(?P<verb>died|perished|were\s+killed|was\s+killed)\s+(?:along|together)\s+with\s+\Z")
_ALONG_WITH = regex.compile(r"\s*,?\s*(?:along\s+with|together\s+with|as\s+well\s+as|alongside|plus)\s+"
                            r"(?:(?:the|all|all\s+the)\s+)?", regex.I)
_SEVERITY = r"(?:seriously|critically|severely|badly|slightly|lightly|moderately|gravely)"
_ELLIPSIS = regex.compile(r"\s+(?:on|in|at|aboard|from|near|inside|of)\b[^,;.()]{0,40}?(?:,\s*(?:and\s+|while\s+)?|\s+and\s+|\s+while\s+)"
                          r"(?:another\s+|a\s+further\s+)?"  # "5 people on 26 June and another 3 the following day"
                          rf"|\s+{_SEVERITY}(?:\s*,\s*(?:and\s+)?|\s+and\s+)",  # "4 seriously and 10 lightly"
                          regex.I)
_PLACE_AFTER = regex.compile(rf"\s+{_SEVERITY}\b|\s+(?:on|in|at|aboard|from|near|inside)\b(?!\s+(?:an?\s+)?(?:critical|serious|stable|good|fair)"
                             r"\s+condition)|\s*[,.;]|\s*\Z|\s+more\b"
                             r"|\s+(?:the\s+)?(?:following|next|same|previous)\s+(?:day|night|morning|evening|afternoon|week)\b", regex.I)


@dataclass
class Attachment:
    outcome: str
    rule: str
    trig_start: int
    trig_end: int
    anchor: str = "incremental"
    trigger: str = ""


def dets_only():
    global _DETS_ONLY
    if _DETS_ONLY is None:
        from etl.extract.lexicon import trie_alternation
        dets = trie_alternation(load().grammar["determiners"])
        _DETS_ONLY = regex.compile(rf"\s*[\"“'‘]?(?:(?:{dets})\s+[\"“'‘]?)*", regex.IGNORECASE)
    return _DETS_ONLY


def attach_along_with(sent: str, mentions: list[Mention], attached: dict[int, Attachment]) -> None:
    """"26 people were killed, along with the 4 attackers": the added group shares the outcome."""
    for i, mt in enumerate(mentions):
        if i in attached or mt.kind in ("pronoun", "name", "bareplural"):
            continue
        prev = attached.get(i - 1) if i > 0 else None
        end = max(prev.trig_end, mentions[i - 1].end) if prev is not None else 0
        if prev is not None and end <= mt.start and _ALONG_WITH.fullmatch(sent, end, mt.start):
            attached[i] = Attachment(prev.outcome, prev.rule + "+along_with", mt.start, mt.start, prev.anchor,
                                     prev.trigger)
            continue
        died = _DIED_ALONG_WITH.search(sent, max(0, mt.start - 40), mt.start)
        if died:  # "The bombers died along with 30 shoppers": the 30 died too
            attached[i] = Attachment("killed", "subject:killed+along_with", died.start(), died.end("verb"),
                                     trigger=died.group("verb"))


def attach_elliptical(sent: str, mentions: list[Mention], attached: dict[int, Attachment]) -> None:
    """"135 killed on the PSA, two on the Cessna and seven on the ground": bare figures that differ only
    by a place phrase share the outcome of their neighbour (forward and backward)."""
    changed = True
    while changed:
        changed = False
        for i, mt in enumerate(mentions):
            if i in attached or not (mt.bare or mt.kind == "count" or (mt.kind == "unknown_noun" and mt.category)):
                continue
            prev = attached.get(i - 1)
            if prev is not None:
                end = max(mentions[i - 1].end, prev.trig_end)
                if _ELLIPSIS.fullmatch(sent, end, mt.start) and _PLACE_AFTER.match(sent, mt.end):
                    attached[i] = Attachment(prev.outcome, prev.rule + "+elliptical", mt.start, mt.start,
                                             prev.anchor, prev.trigger)
                    changed = True
                    continue
            nxt = attached.get(i + 1)
            if nxt is not None and nxt.rule.startswith("subject") and i + 1 < len(mentions):
                if _ELLIPSIS.fullmatch(sent, mt.end, mentions[i + 1].start):
                    attached[i] = Attachment(nxt.outcome, nxt.rule + "+elliptical", mt.start, mt.start,
                                             nxt.anchor, nxt.trigger)
                    changed = True


def attach_subcounts(sent: str, mentions: list[Mention], attached: dict[int, Attachment]) -> None:
    """"Four civilians, including two students, were killed": the students get the parent's outcome as a
    part. With no parent in the sentence ("The dead included 3 children") the cue names the outcome."""
    p = compiled()
    for i, mt in enumerate(mentions):
        if i in attached or mt.bare or mt.kind in ("pronoun", "name", "bareplural", "others"):
            continue
        cue = p.part_cue_before.search(sent, max(0, mt.start - 40), mt.start)
        if not cue and mt.backref and i > 0 and (i - 1) in attached and regex.fullmatch(
                r"\s*[,;(–-]\s*", sent[max(mentions[i - 1].end, attached[i - 1].trig_end):mt.start]):
            parent = attached[i - 1]  # "Eleven people were killed, five of them children"
            attached[i] = Attachment(parent.outcome, f"part:{parent.outcome}", mt.start, mt.start,
                                     parent.anchor, parent.trigger)
            continue
        if not cue:
            continue
        parent = next((attached[j] for j in range(i - 1, -1, -1) if j in attached), None)
        if parent is not None:
            attached[i] = Attachment(parent.outcome, f"part:{parent.outcome}", mt.start, mt.start,
                                     parent.anchor, parent.trigger)
            continue
        words = regex.findall(r"\w+", (sent[max(0, cue.start() - 20):cue.start()] + " " + cue.group(0)).lower())
        outcome = _CUE_OUTCOME.get(next((w for w in reversed(words) if w in _CUE_OUTCOME), ""))  # "Fatalities included"
        if outcome:
            attached[i] = Attachment(outcome, f"part:{outcome}", cue.start(), cue.end(), trigger="among")


def same_form(a: str, b: str) -> bool:
    """Two verbs in the same form ("beat and abduct", "killing and injuring"), not "killed and wounding"."""
    def form(w: str) -> str:
        w = w.lower().split()[0]
        return "ing" if w.endswith("ing") else "ed" if w.endswith(("ed", "en")) else "base"
    return form(a) == form(b)


def mention_starts_at(sent: str, mentions: list[Mention], pos: int) -> bool:
    """A counted phrase (after optional determiners) begins at ``pos``: the verb before it is active."""
    start = dets_only().match(sent, pos).end()
    return any(mt.start in (start, pos + 1) for mt in mentions)


def coordinate(sent: str, mentions: list[Mention], attached: dict[int, Attachment]) -> None:
    """Give unattached members of "A and B" chains the outcome of their attached neighbour."""
    p = compiled()
    order = list(range(len(mentions)))
    k = 1
    while k < len(order) - 1:  # "a candidate running for a seat ..., his driver": "a seat" is inside a modifier
        a, b, c = order[k - 1], order[k], order[k + 1]
        if (b not in attached and mentions[b].kind in ("unknown_singular", "unknown_noun")
                and p.conj.fullmatch(sent[mentions[a].end:mentions[c].start])):
            del order[k]
            continue
        k += 1
    chains, chain = [], order[:1]
    for prev, i in zip(order, order[1:]):
        if (p.conj.fullmatch(sent[mentions[prev].end:mentions[i].start]) and not mentions[i].bare
                and not mentions[i].backref  # "11 survivors, four of them with burns": not a list
                and mentions[i].kind not in ("bareplural", "object_name") and mentions[prev].kind != "object_name"
                and not _REPORTING.match(sent, mentions[i].end)):
            chain.append(i)
        else:
            chains.append(chain)
            chain = [i]
    if chain:
        chains.append(chain)
    chains = [chain[:1] if _apposition(sent, mentions, chain) else chain for chain in chains]
    breakdowns = []
    for n, chain in enumerate(chains):
        members = _breakdown_members(sent, mentions, chain) if len(chain) >= 3 else []
        if members:  # "2 civilians, one man and one woman": the members are the figure told again
            breakdowns.append((chain[0], members))
            chains[n] = chain[:1]
    for head, members in breakdowns:
        source = attached.get(head) or next((attached[i] for i in members if i in attached), None)
        if source is None:
            continue
        if head not in attached:
            attached[head] = Attachment(source.outcome, source.rule + "+coordinated", mentions[head].start,
                                        mentions[head].start, source.anchor, source.trigger)
        for i in members:
            attached[i] = Attachment(source.outcome, f"part:{source.outcome}", mentions[i].start, mentions[i].start,
                                     source.anchor, source.trigger)
    for chain in chains:
        if len(chain) < 2:
            continue
        for pos, i in enumerate(chain):
            if i in attached or mentions[i].kind == "unknown_singular":
                continue  # "a street festival, and the attacker was shot": no person noun, not a victim
            if _AGENT_BEFORE.search(sent, max(0, mentions[i].start - 8), mentions[i].start):
                continue  # "killed by protesters and 7 demonstrators were wounded": the agent, not a victim
            later = next((attached[j] for j in chain[pos + 1:] if j in attached and attached[j].rule.startswith("subject")), None)
            earlier = next((attached[j] for j in reversed(chain[:pos]) if j in attached
                            and not attached[j].rule.startswith(("subject", "toll"))), None)
            source = later or earlier
            if source:
                attached[i] = Attachment(source.outcome, source.rule + "+coordinated", mentions[i].start,
                                         mentions[i].start, source.anchor, source.trigger)


def _apposition(sent: str, mentions: list[Mention], chain: list[int]) -> bool:
    """"One of the passengers, a trader who sustained bullet injuries, escaped": two singular phrases joined by
    a bare comma (no "and" anywhere in the chain) name one person."""
    if len(chain) != 2:
        return False
    first, second = mentions[chain[0]], mentions[chain[1]]
    gap = sent[first.end:second.start]
    return (first.count.best == 1 and second.count.best == 1 and gap.strip() == "," and second.kind in ("count", "unknown_singular")
            and bool(regex.match(r"(?i)an?\s", sent[second.start:second.end]))
            and not regex.match(r"\s*,?\s*(?:and|or)\b", sent[second.end:second.end + 40]))


_AGENT_BEFORE = regex.compile(r"(?i)\bby\s+(?:the\s+)?\Z")
_DEMOGRAPHIC = {"man", "men", "woman", "women", "boy", "boys", "girl", "girls", "child", "children", "adult", "adults",
                "minor", "minors", "baby", "babies", "infant", "infants", "teenager", "teenagers", "male", "males",
                "female", "females", "elderly"}
_APPOSITION = regex.compile(r"\s*[,:]\s*|\s*[—–]\s*|\s+-\s+")


def _breakdown_members(sent: str, mentions: list[Mention], chain: list[int]) -> list[int]:
    """Members of ``chain`` after its head that restate the head's figure by sex or age ("2 civilians, one
    man and one woman"); [] when they are more people ("two soldiers, a civilian and a policeman")."""
    head, members = mentions[chain[0]], chain[1:]
    if head.singular or head.count.best is None or head.count.best < 2 or head.category not in (
            None, "unknown", "civilian", "child", "woman"):
        return []  # "two soldiers, a man and a woman": four people
    if not _APPOSITION.fullmatch(sent, head.end, mentions[members[0]].start):
        return []
    if " and " not in f" {sent[mentions[members[-2]].end:mentions[members[-1]].start]} ":
        return []
    nouns = [(mentions[i].noun or "").lower().split()[-1:] for i in members]
    if not all(n and n[0] in _DEMOGRAPHIC for n in nouns):
        return []
    if sum(mentions[i].count.best or 0 for i in members) != head.count.best:
        return []
    return members


def merge_adjectival(sent: str, mentions: list[Mention]) -> tuple[list[Mention], dict]:
    """"40 wounded people", "Three injured miners": a figure, an outcome adjective and a plural person noun
    are one counted phrase (not "40 wounded" plus "people"); returns the mentions and, per merged one,
    (outcome, adjective start, adjective end)."""
    merged: list[Mention] = []
    adjectival: dict[int, tuple[str, int, int]] = {}
    i = 0
    while i < len(mentions):
        mt = mentions[i]
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        m = cue("outcome_adjective").fullmatch(sent, mt.end, nxt.start) if nxt is not None and mt.bare else None
        if m and nxt.kind == "bareplural":
            outcome = load().outcome_of(load().noun_triggers, m.group("adj"))
            adjectival[len(merged)] = (outcome, m.start("adj"), m.end("adj"))
            merged.append(Mention(mt.start, nxt.end, mt.count, nxt.noun, nxt.category, False, False, False))
            i += 2
            continue
        merged.append(mt)
        i += 1
    return merged, adjectival


def some_fatally(sent: str, offset: int, facts: list[Fact]) -> list[Fact]:
    """"Two men were shot, one fatally": a killed fact for the ones who died, referring back to the
    wounded (the document total then keeps only the survivors as injured)."""
    found = []
    for fact in facts:
        m = cue("some_fatally").match(sent, fact.span_end - offset) if fact.outcome == "injured" else None
        parsed = parse_number(m.group("n")) if m else None
        if parsed is None or parsed[0] >= fact.best:
            continue
        n = parsed[0]
        found.append(Fact(outcome="killed", count=Count(n, n, n), span_start=offset + m.start("n"),
                          span_end=offset + m.end(), quote=sent[m.start("n"):m.end()], rule="subject:killed+fatally",
                          victim_category=fact.victim_category, victim_group=fact.victim_group,
                          extras={"trigger": "fatally", "kind": "count", "backref": True}))
    return found

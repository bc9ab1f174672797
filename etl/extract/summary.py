"""Document totals per outcome (what `extract --summary` reports).

Follows the document-total rules of conventions.md: distinct groups are summed, sub-counts and
repeats are not added again, a later cumulative toll replaces the running total, background is
excluded. `resolve_document` marks repeats and cross-sentence parts on the facts themselves, so
`explain` shows why a figure was not added.
"""
from __future__ import annotations

import functools

import regex

from etl.extract.attackers import mark_attackers
from etl.extract.engine import crossed_backref
from etl.extract.hospital import is_status, status_of_the_injured, victims_taken_to_hospital
from etl.extract.lexicon import load
from etl.extract.overlaps import ADDITIVE, COUNTED, PARTITIVE, UPDATE_CUE, group_of, is_event_note, mark_overlaps
from etl.extract.patterns import compiled
from etl.facts import Fact

_GENERAL = (None, "unknown")
_APART = {"perpetrator"}
_DEFINITE = regex.compile(r"(?i)(?:the|these|those|both|all)\b|(?:his|her|their)\s")
_DEFINITE_FIGURE = regex.compile(r"(?i)(?:all\s+)?(?:the|these|those)\s+(?:\d+|two|three|four|five|six|seven|eight|nine|ten"
                              r"|eleven|twelve)\b(?!\s+(?:other|more|additional)\b)|all\s+(?:\d+|two|three|four|five|six|seven|eight|nine|ten)\b")
_PAST_PERFECT_TOLL = regex.compile(r"(?i)\bhad\s+(?:\w+\s+){0,2}?(?:stood|been|reached|risen|climbed)\b")
_AMONG_TRIGGER = regex.compile(r"(?i)among\s+(?:the|those)\b")
_CLAIM_BEFORE = regex.compile(r"(?i)\bclaim(?:ed|s|ing)?\s+(?:to\s+have|(?:that\s+)?(?:it|they|its\s+\w+)\s+(?:had|have))\s+\Z")
_THE_BEFORE = regex.compile(r"(?i)\b(?:the|these|those)\s+\Z")  # "The two veteran deputies ... died"
_INDEFINITE = regex.compile(r"(?i)(?:an?|one|another)\s")  # the counted phrase: "a policeman", "one villager"



def _lineage(category: str | None) -> list[str]:
    parents = load().category_parent
    chain = []
    while category is not None and category not in chain:
        chain.append(category)
        category = parents.get(category)
    return chain


def _compatible(a: str | None, b: str | None) -> bool:
    """Could two groups be the same people? (same, nested, or one of them unspecific).

    Attackers and armed groups are never the unspecific "people" of a report: those are victims.
    """
    if a in _GENERAL or b in _GENERAL:
        return not ({a, b} & _APART)
    return a in _lineage(b) or b in _lineage(a)



def resolve_document(text: str, facts: list[Fact]) -> None:
    """Mark later mentions that restate (repeat), update or break down (part) an earlier figure.

    Within a sentence, distinct groups are distinct. Across sentences a figure is added only when it
    is about a different group (disjoint categories, another place) or says so ("also", "another");
    otherwise a smaller figure is a part or restatement and a larger one an update of the earlier.
    """
    by_id = {f.fact_id: f for f in facts}
    for fact in facts:
        if fact.count_anchor != "cumulative" and _total_cue().search(text, max(0, fact.span_start - 80), fact.span_start):
            fact.count_anchor = "cumulative"
            if fact.fact_class == "news":
                fact.fact_class, fact.class_reason = "cumulative", "stated as a total"
    explicit_injured = any(f.outcome == "injured" and f.fact_class in COUNTED and not _shot_trigger(f) and not is_status(f)
                           for f in facts)
    for fact in facts:
        if (explicit_injured and fact.fact_class in COUNTED and _shot_trigger(fact) and group_of(fact) != "perpetrator"
                and not any(f.rule == "subject:killed+fatally" and f.sentence_idx == fact.sentence_idx for f in facts)):
            # (not "23 people were shot, four of them fatally": that tells every outcome)
            fact.fact_class = "repeat"
            fact.class_reason = "people 'shot' overlap the explicit killed/wounded figures"
    for fact in facts:  # "The toll rose to 47 on Monday. The toll had stood at 39 on Sunday."
        if fact.count_anchor == "cumulative" and _PAST_PERFECT_TOLL.search(fact.quote) and any(
                f is not fact and f.count_anchor == "cumulative" and f.outcome == fact.outcome
                and f.fact_class in COUNTED and not _PAST_PERFECT_TOLL.search(f.quote) for f in facts):
            fact.fact_class, fact.class_reason = "repeat", "an earlier figure of the running toll (past perfect)"
    mark_attackers(text, facts)
    mark_overlaps(text, facts)
    status_of_the_injured(facts)
    earlier: list[Fact] = []
    for fact in facts:
        if fact.fact_class not in COUNTED or fact.count_anchor == "cumulative":
            if fact.fact_class in COUNTED:
                earlier.append(fact)
            continue
        head = _chain_head(facts, fact)
        if head is not None and head.fact_class in ("part", "repeat"):
            # "Among the dead were two policemen and a child": the list shares its head's fate
            fact.fact_class, fact.parent_fact_id = head.fact_class, head.parent_fact_id
            fact.class_reason = f"listed with {head.fact_id}"
            continue
        prior = [f for f in earlier if f.outcome == fact.outcome and f.sentence_idx < fact.sentence_idx
                 and f.fact_class in COUNTED]
        if prior:
            window = text[max(0, fact.span_start - 60):fact.span_end]
            if _SEPARATELY.search(_sentence_head(text, fact.span_start)):
                window += " separately"  # "Separately, a drone strike on Odesa ... wounded two people"
            crossed = crossed_backref(fact.extras.get("backref_text", ""), fact.outcome)
            referents = [f for f in prior if _compatible(group_of(f), group_of(fact))]
            if fact.extras.get("died_of_injured"):  # "22 were treated, 3 of whom later died": dead not counted before
                earlier.append(fact)
                continue
            larger = [f for f in prior if f.best >= fact.best and group_of(f) != "perpetrator"]
            if _AMONG_TRIGGER.match(fact.extras.get("trigger", "")) and larger and not ADDITIVE.search(window):
                # "leaving 87 people dead. Eight of the attackers were among the dead"
                parent = max(larger, key=lambda f: f.best)
                fact.fact_class, fact.parent_fact_id = "part", parent.fact_id
                fact.class_reason = f"among the {fact.outcome} of {parent.fact_id}"
                continue
            attackers = [f for f in prior if group_of(f) == "perpetrator"]
            if (group_of(fact) == "perpetrator" and attackers and fact.best >= 2
                    and _DEFINITE.match(fact.extras.get("np", fact.quote)) and sum(f.best for f in attackers) <= fact.best):
                for f in attackers:  # "A bomber blew herself up ... A second bomber struck ... Both bombers died"
                    f.fact_class, f.parent_fact_id = "part", fact.fact_id
                    f.class_reason = f"one of the attackers of {fact.fact_id}, told again as a whole"
                earlier[:] = [f for f in earlier if f not in attackers] + [fact]
                continue
            if _CLAIM_BEFORE.search(text, max(0, fact.span_start - 40), fact.span_start) and any(
                    _compatible(group_of(f), group_of(fact)) for f in prior):
                fact.fact_class = "repeat"  # "killing five soldiers. Al Shabaab claimed to have killed 20"
                fact.class_reason = "a claim beside a reported figure; the reported figure stays best"
                continue
            if (fact.extras.get("backref") or fact.extras.get("among")) and not crossed and referents:
                victims = [f for f in referents if group_of(f) != "perpetrator"] or referents
                parent = max(victims, key=lambda f: f.best)
                fact.fact_class, fact.parent_fact_id = "part", parent.fact_id
                fact.class_reason = f"refers back to {parent.fact_id}"
                continue
            same_figure = next((f for f in prior if f.best == fact.best and fact.best > 1), None)
            if same_figure is not None and (_DEFINITE_FIGURE.search(fact.quote) or (
                    _THE_BEFORE.search(text, max(0, fact.span_start - 8), fact.span_start)
                    and _DEFINITE_FIGURE.match("the " + fact.quote))):
                # "Three suspected drug pushers were killed ... killing the three suspects": the same people
                fact.fact_class, fact.class_reason = "repeat", f"the same {fact.best} as {same_figure.fact_id}"
                continue
            if fact.rule == "self_inflicted:killed" and fact.best == 1 and any(
                    f.rule == "self_inflicted:killed" and f.best == 1 for f in prior):
                fact.fact_class, fact.class_reason = "repeat", "the same attacker's death told again"
                continue
            if (group_of(fact) == "perpetrator" and fact.best == 1 and fact.count.qualifier == "exact"
                    and not ADDITIVE.search(_sentence_head(text, fact.span_start) + fact.quote)
                    and "other" not in fact.extras.get("np", "").lower()
                    and sum(f.best for f in prior if group_of(f) == "perpetrator") == 1
                    and any(group_of(f) == "perpetrator" and fact.sentence_idx - f.sentence_idx <= 2 for f in prior)):
                # "The suspect is also dead. He turned the gun on himself": one attacker, told twice
                fact.fact_class, fact.class_reason = "repeat", "the same attacker's death told again"
                continue
            member = _another_member(facts, fact, by_id)
            if member is not None:
                fact.fact_class, fact.parent_fact_id = "part", member.fact_id
                fact.class_reason = f"another of the {member.best} of {member.fact_id}, told one by one"
                continue
            if not ADDITIVE.search(window):
                short = is_event_note(text)
                same_group = [f for f in prior if _compatible(group_of(f), group_of(fact))
                              and not _elsewhere(f, fact, short, text) and not _another_day(f, fact)]
                if fact.best == 1 and short and _INDEFINITE.match(fact.extras.get("np", fact.quote)):
                    same_group = []  # "a policeman was killed" in a short report: a new individual
                name = fact.extras.get("name")
                if name and short:  # in a short report a named person is someone new
                    same_group = [f for f in same_group if name in f.quote or f.extras.get("name") == name]
                vague_only = [f for f in same_group if f.count.vague]
                if same_group and vague_only and not fact.count.vague and len(vague_only) == len(same_group):
                    for old in vague_only:  # "multiple people were hurt" ... "three others were injured"
                        old.fact_class, old.class_reason = "repeat", f"vague figure made precise by {fact.fact_id}"
                    same_group = []
                if (same_group and not short and fact.count.vague and not any(f.count.vague for f in same_group)
                        and fact.best <= sum(f.best for f in same_group)):
                    fact.fact_class = "repeat"  # "... 40 killed and 18 dead. ... the explosion that led to dozens of deaths"
                    fact.class_reason = f"a vague figure after the precise ones of {same_group[-1].fact_id}"
                    continue
                if same_group and short and fact.best < min(f.best for f in same_group) and _newgroup_of(text, fact, facts, same_group):
                    same_group = []  # "At least 11 dead. ... At least two dead in the counter attack": more people
                if same_group:
                    top = max(same_group, key=lambda f: f.best)
                    group_total = sum(f.best for f in same_group)
                    if fact.best <= group_total:
                        kind = "repeat" if fact.best in (top.best, group_total) else "part"
                        fact.fact_class, fact.class_reason = kind, (
                            f"restates {top.fact_id} ({group_total})" if kind == "repeat"
                            else f"smaller figure for the same group as {top.fact_id} ({top.best})")
                        if kind == "part":
                            fact.parent_fact_id = top.fact_id
                        fact.extras["absorbed_by"] = [f.fact_id for f in same_group]
                        continue
                    sources = {f.reported_by for f in same_group} - {None}
                    if (fact.reported_by and sources and fact.reported_by not in sources
                            and "other" not in fact.extras.get("np", "").lower()
                            and not all(PARTITIVE.match(f.extras.get("np", "")) for f in same_group)
                            and not (all(f.count.qualifier in ("more_than", "at_least") for f in same_group)
                                     and fact.best * 4 <= group_total * 5)  # "more than 60" ... "64": a refinement
                            and not UPDATE_CUE.search(text, max(0, fact.span_start - 80), fact.span_end)):
                        # another source's higher figure: a range, the lower figure stays best (rule 4)
                        fact.fact_class = "repeat"
                        fact.class_reason = (f"conflicting figure from {fact.reported_by}; the lower figure "
                                             f"({group_total}) stays best")
                        top.extras["disputed_high"] = max(top.extras.get("disputed_high", 0), fact.best)
                        continue
                    if short and all(f.best == 1 and f.extras.get("kind") != "pronoun" for f in same_group) and not (
                            UPDATE_CUE.search(text, max(0, fact.span_start - 80), fact.span_end)) and not any(
                            f.sentence_idx == fact.sentence_idx and f.rule.endswith("+named") for f in facts):
                        earlier.append(fact)  # "killing the passenger ... 2 civilians were killed": more people
                        continue
                    for old in same_group:
                        old.fact_class = "repeat"
                        old.class_reason = f"updated by {fact.fact_id} ({fact.best})"
                        old.extras["updated_by"] = fact.fact_id
                    replaced = {f.fact_id for f in same_group}
                    for sibling in facts:  # "Abu Wahib and three others were killed": the whole new group counts
                        if (sibling.sentence_idx == fact.sentence_idx and sibling is not fact
                                and sibling.outcome == fact.outcome
                                and sibling.rule.endswith(("+named", "+coordinated", "+along_with"))
                                and set(sibling.extras.get("absorbed_by", ())) & replaced):
                            sibling.fact_class, sibling.class_reason, sibling.parent_fact_id = "news", None, None
                            earlier.append(sibling)
        earlier.append(fact)
    victims_taken_to_hospital(text, facts)
    for fact in facts:
        if fact.parent_fact_id and fact.parent_fact_id not in by_id:
            fact.parent_fact_id = None


_ANOTHER = regex.compile(r"(?i)(?:another|one\s+other|the\s+other|a\s+second|a\s+third)\b")


def _another_member(facts: list[Fact], fact: Fact, by_id: dict) -> Fact | None:
    """"wounded three others ... one deputy was left critically wounded. Another police officer and one
    other deputy suffered less severe wounds": after a part of a figure, "another" is one more of that
    figure, while the parts told so far stay within it. The figure, or None."""
    if not _ANOTHER.match(fact.extras.get("np", fact.quote)) and not _ANOTHER.match(fact.quote) and not (
            fact.rule.endswith("+coordinated") and _ANOTHER.search(fact.quote)):
        return None
    before = [f for f in facts if f.outcome == fact.outcome and f.span_end <= fact.span_start
              and f.fact_class in (*COUNTED, "part")]
    last = before[-1] if before else None
    parent = by_id.get(last.parent_fact_id) if last is not None and last.fact_class == "part" else None
    if parent is None or parent.outcome != fact.outcome:
        return None
    told = sum(f.best for f in facts if f.parent_fact_id == parent.fact_id and f.fact_class == "part")
    return parent if told + fact.best <= parent.best else None


def _newgroup_of(text: str, fact: Fact, facts: list[Fact], same_group: list[Fact]) -> bool:
    """In a short report, is a smaller later figure more people rather than a breakdown of the earlier?
    Not when it is definite ("the two"), refers back, follows a part cue ("among the dead were"), comes
    from another source, or sits beside a running total in its sentence."""
    if _DEFINITE.match(fact.extras.get("np", fact.quote)) or fact.extras.get("backref") or fact.rule.startswith("part"):
        return False
    np_start = fact.span_start + max(0, fact.quote.rfind(fact.extras.get("np", fact.quote)))
    if compiled().part_cue_before.search(text, max(0, np_start - 40), np_start):
        return False  # "Among the dead were two policemen"
    if any(f.reported_by and fact.reported_by and f.reported_by != fact.reported_by for f in same_group):
        return False
    return not any(f.sentence_idx == fact.sentence_idx and f.count_anchor == "cumulative" for f in facts)


def _chain_head(facts: list[Fact], fact: Fact) -> Fact | None:
    """The figure a coordinated member ("... and a child") was listed with, in its sentence."""
    if not fact.rule.endswith("+coordinated"):
        return None
    before = [f for f in facts if f.sentence_idx == fact.sentence_idx and f.outcome == fact.outcome
              and f.span_end <= fact.span_start and not f.rule.endswith("+coordinated")]
    return before[-1] if before else None


@functools.cache
def _total_cue():
    """Words before a figure that make it a running or overall total (grammar.yaml: cumulative_cues)."""
    from etl.extract.lexicon import alternation
    return regex.compile(rf"\b(?:{alternation(load().grammar['cumulative_cues'])})\b[^.;]*\Z", regex.I)


def _elsewhere(a: Fact, b: Fact, short: bool, text: str = "") -> bool:
    """Clearly different places: resolved to different countries, or (in a short report) different
    admin1 areas. A long article's national toll usually includes the towns it later names, but a
    sentence opened by another town ("In Jerusalem, a Palestinian opened fire ...") after a figure
    placed in a town of another area is a roundup's next event."""
    if a.country and b.country and a.country != b.country:
        return True
    other_area = bool(a.admin1 and b.admin1 and a.country == b.country and a.admin1 != b.admin1)
    if other_area and not short and (a.geo_precision or 9) <= 2 and (b.geo_precision or 9) <= 2:
        return bool(_FRONTED_PLACE.match(_sentence_head(text, b.span_start)))
    return short and other_area


def _another_day(a: Fact, b: Fact) -> bool:
    """Day-precise event dates more than a day apart."""
    if not (a.event_date and b.event_date) or (a.date_precision or 9) > 1 or (b.date_precision or 9) > 1:
        return False
    return abs((a.event_date - b.event_date).days) > 1


_FRONTED_PLACE = regex.compile(r"\s*(?:In|At|Near|Outside|Elsewhere\s+in)\s+(?:the\s+)?(?-i:\p{Lu})[^,]{0,40},")
# "Separately, ...", "15:00 In a separate attack, ...": the sentence opens another incident ("Meanwhile, in X" does
# not: as often the same flood or war elsewhere as another incident)
_SEPARATELY = regex.compile(r"(?i)^\s*(?:\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?\s+)?"
                            r"(?:separately|elsewhere|in\s+(?:a\s+|an\s+)?(?:separate|another|unrelated)\s+(?:\w+\s+){0,2}?"
                            r"(?:incident|attack|strike|development|fact|case|event)\b)")


def _sentence_head(text: str, pos: int) -> str:
    """The start of the sentence holding ``pos`` (at most 200 characters back)."""
    head = text[max(0, pos - 200):pos]
    cut = max(head.rfind(". "), head.rfind("\n"), head.rfind("? "), head.rfind("! "))
    return head[cut + 1:] if cut >= 0 else head


def _shot_trigger(fact: Fact) -> bool:
    """An injured figure that only says people were shot (no wound or death stated)."""
    trigger = fact.extras.get("trigger", "")
    return fact.outcome == "injured" and bool(regex.fullmatch(r"(?i)shot|shooting|shoots?", trigger))


def summarize(facts: list[Fact]) -> dict[str, dict[str, int | None]]:
    """Per outcome ``{"low", "best", "high"}`` for the document.

    >>> from etl.extract.api import extract
    >>> summarize(extract("Two soldiers and three militants were killed."))["killed"]
    {'low': 5, 'best': 5, 'high': 5}
    """
    totals: dict[str, dict[str, int | None]] = {}
    for outcome in sorted({f.outcome for f in facts}):
        group = [f for f in facts if f.outcome == outcome and f.fact_class in COUNTED]
        if group:
            totals[outcome] = _total(group)
    return totals


def _total(facts: list[Fact]) -> dict[str, int | None]:
    best = low = 0
    high: int | None = 0
    for fact in facts:
        c = fact.count
        c_low = c.low if c.low is not None else c.best
        if fact.count_anchor == "cumulative":  # the latest stated total replaces the running sum
            best, low, high = c.best, c_low, c.high
            continue
        best += c.best
        low += c_low
        c_high = max(c.high, fact.extras["disputed_high"]) if c.high is not None and "disputed_high" in fact.extras \
            else c.high
        high = None if high is None or c_high is None else high + c_high
    return {"low": min(low, best), "best": best, "high": high if high is None else max(high, best)}

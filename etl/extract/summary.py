"""Document totals per outcome (what `extract --summary` reports).

Follows the document-total rules of conventions.md: distinct groups are summed, sub-counts and
repeats are not added again, a later cumulative toll replaces the running total, background is
excluded. `resolve_document` marks repeats and cross-sentence parts on the facts themselves, so
`explain` shows why a figure was not added.
"""
from __future__ import annotations

import functools

import regex

from etl.extract.lexicon import load
from etl.extract.engine import crossed_backref
from etl.extract.patterns import compiled
from etl.facts import Count, Fact

COUNTED = ("news", "perpetrator", "cumulative")
_ADDITIVE = regex.compile(r"\b(?:also|another|more(?!\s+than)|additional|further|besides|separately|separate|"
                          r"as\s+well|in\s+addition|plus|too|second|remaining)\b", regex.I)
_GENERAL = (None, "unknown")
_APART = {"perpetrator"}
_NARROWING = regex.compile(r"[^.;]{0,60}?,\s*(?:\w+ly\s+)?", regex.I)
_UPDATE_CUE = regex.compile(r"\b(?:rose|risen|rises|climbed|increased|raised|revised|updated|jumped|reached|"
                            r"later|now|new|latest|final|updated|has\s+grown|grew)\b", regex.I)
_SHORT_TEXT = 1500  # event descriptions; in full articles a lone "a policeman" usually restates the lead
_OTHER_SOURCE = regex.compile(r"(?i)\b(?:while|whereas|but|however)\b[^.;]{0,60}?\b(?:said|says|say|reported|claimed|"
                              r"claims|put|estimated|estimates)\b")
_THE_KILLING = regex.compile(r"[^.!?]{0,120}[.!?]\s+(?:The|His|Her)\s+(?:killing|death|murder|slaying)\b")
_OF_WOUNDS = regex.compile(r"(?i)succumbed|injuries|wounds")
_DEFINITE = regex.compile(r"(?i)(?:the|these|those|both|all)\b|(?:his|her|their)\s")
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
    explicit_injured = any(f.outcome == "injured" and f.fact_class in COUNTED and not _shot_trigger(f) for f in facts)
    for fact in facts:
        if explicit_injured and fact.fact_class in COUNTED and _shot_trigger(fact) and _group(fact) != "perpetrator":
            fact.fact_class = "repeat"
            fact.class_reason = "people 'shot' overlap the explicit killed/wounded figures"
    _subset_in_sentence(text, facts)
    _conflicting_in_sentence(text, facts)
    _injured_who_died(facts)
    _parts_adding_up(facts)
    _inside_total(facts)
    _died_later(text, facts)
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
            crossed = crossed_backref(fact.extras.get("backref_text", ""), fact.outcome)
            if (fact.extras.get("backref") or fact.extras.get("among")) and not crossed:
                victims = [f for f in prior if _group(f) != "perpetrator"] or prior
                parent = max(victims, key=lambda f: f.best)
                fact.fact_class, fact.parent_fact_id = "part", parent.fact_id
                fact.class_reason = f"refers back to {parent.fact_id}"
                continue
            if fact.rule == "self_inflicted:killed" and fact.best == 1 and any(
                    f.rule == "self_inflicted:killed" and f.best == 1 for f in prior):
                fact.fact_class, fact.class_reason = "repeat", "the same attacker's death told again"
                continue
            if not _ADDITIVE.search(window):
                short = len(text) < _SHORT_TEXT
                same_group = [f for f in prior if _compatible(_group(f), _group(fact))
                              and not _elsewhere(f, fact, short) and not _another_day(f, fact)]
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
                if same_group and short and fact.best < min(f.best for f in same_group) and _new_group(text, fact, facts, same_group):
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
                            and not _UPDATE_CUE.search(text, max(0, fact.span_start - 80), fact.span_end)):
                        # another source's higher figure: a range, the lower figure stays best (rule 4)
                        fact.fact_class = "repeat"
                        fact.class_reason = (f"conflicting figure from {fact.reported_by}; the lower figure "
                                             f"({group_total}) stays best")
                        top.extras["disputed_high"] = max(top.extras.get("disputed_high", 0), fact.best)
                        continue
                    if short and all(f.best == 1 and f.extras.get("kind") != "pronoun" for f in same_group) and not (
                            _UPDATE_CUE.search(text, max(0, fact.span_start - 80), fact.span_end)) and not any(
                            f.sentence_idx == fact.sentence_idx and f.rule.endswith("+named") for f in facts):
                        earlier.append(fact)  # "killing the passenger ... 2 civilians were killed": more people
                        continue
                    for old in same_group:
                        old.fact_class = "repeat"
                        old.class_reason = f"updated by {fact.fact_id} ({fact.best})"
                    replaced = {f.fact_id for f in same_group}
                    for sibling in facts:  # "Abu Wahib and three others were killed": the whole new group counts
                        if (sibling.sentence_idx == fact.sentence_idx and sibling is not fact
                                and sibling.outcome == fact.outcome
                                and sibling.rule.endswith(("+named", "+coordinated", "+along_with"))
                                and set(sibling.extras.get("absorbed_by", ())) & replaced):
                            sibling.fact_class, sibling.class_reason, sibling.parent_fact_id = "news", None, None
                            earlier.append(sibling)
        earlier.append(fact)
    for fact in facts:
        if fact.parent_fact_id and fact.parent_fact_id not in by_id:
            fact.parent_fact_id = None


def _subset_in_sentence(text: str, facts: list[Fact]) -> None:
    """"stabbed 3 people, seriously wounding one": a bare smaller figure after a comma and an -ing verb
    narrows the figure before it (same sentence, same outcome)."""
    for prev, fact in zip(facts, facts[1:]):
        if (fact.sentence_idx == prev.sentence_idx and fact.outcome == prev.outcome and fact.best < prev.best
                and fact.fact_class in COUNTED and prev.fact_class in COUNTED and fact.extras.get("kind") == "count"
                and " " not in fact.extras.get("np", " ") and regex.match(r"\w+ing\b", fact.quote)
                and _NARROWING.fullmatch(text, prev.span_end, fact.span_start)):
            fact.fact_class, fact.parent_fact_id = "part", prev.fact_id
            fact.class_reason = f"narrows {prev.fact_id} ({prev.best}) in the same sentence"


def _conflicting_in_sentence(text: str, facts: list[Fact]) -> None:
    """"... killed 85 soldiers along with 50 civilians, while Syrian sources said over 300 people were
    killed": another source's higher figure for the same event, not more people (the lower stays best)."""
    for fact in facts:
        if fact.fact_class not in COUNTED:
            continue
        before = [f for f in facts if f.sentence_idx == fact.sentence_idx and f.outcome == fact.outcome
                  and f.span_end <= fact.span_start and f.fact_class in COUNTED and f.parent_fact_id is None]
        if not before:
            continue
        sources = {f.reported_by for f in before} - {None}
        other_source = bool(fact.reported_by and sources and fact.reported_by not in sources)
        if not (other_source or _OTHER_SOURCE.search(text, before[-1].span_end, fact.span_start)):
            continue
        if (any(f.count.vague for f in before) or "other" in fact.extras.get("np", fact.quote).lower()
                or _ADDITIVE.search(text, max(0, fact.span_start - 40), fact.span_end)):
            continue  # "three other assailants were killed in two other incidents": more people
        total = sum(f.best for f in before)
        if fact.best > total:
            fact.fact_class = "repeat"
            fact.class_reason = f"another source's figure for the same event; the lower figure ({total}) stays best"
            before[0].extras["disputed_high"] = max(before[0].extras.get("disputed_high", 0), fact.best)


def _injured_who_died(facts: list[Fact]) -> None:
    """"injuring 9 people, 2 of whom later died": the 2 count as killed, and the injured figure keeps
    only the survivors (7), so no one is counted twice."""
    for i, fact in enumerate(facts):
        of_wounds = fact.extras.get("kind") == "count" and _OF_WOUNDS.search(fact.extras.get("trigger", ""))
        if fact.outcome != "killed" or fact.fact_class not in COUNTED or not (fact.extras.get("backref") or of_wounds):
            continue
        antecedent = next((f for f in reversed(facts[:i]) if f.fact_class in COUNTED
                           and fact.sentence_idx - f.sentence_idx <= 1), None)
        if antecedent is None or antecedent.outcome != "injured" or antecedent.best <= fact.best:
            continue
        n, c = fact.best, antecedent.count
        antecedent.count = Count(None if c.low is None else max(c.low - n, 0), c.best - n,
                                 None if c.high is None else max(c.high - n, 0), c.qualifier, c.vague, c.lexeme)
        antecedent.extras["died_later"] = n
        antecedent.class_reason = f"{c.best} reported, {n} of whom died later ({fact.fact_id}, counted as killed)"
        fact.class_reason = f"of the injured in {antecedent.fact_id}"


def _parts_adding_up(facts: list[Fact]) -> None:
    """"Gunmen killed 22 people in two attacks. In the first, 13 were killed; in the second, 9": later
    figures of the next sentences that add up exactly to an earlier figure break it down."""
    for i, total in enumerate(facts):
        if total.fact_class not in COUNTED or total.best < 3 or _group(total) == "perpetrator":
            continue
        parts, running = [], 0
        for fact in facts[i + 1:]:
            if fact.sentence_idx == total.sentence_idx or fact.outcome != total.outcome:
                continue
            if (fact.sentence_idx > total.sentence_idx + 2 or fact.fact_class not in COUNTED or fact.best >= total.best
                    or fact.fact_class == "perpetrator"):
                break
            parts.append(fact)
            running += fact.best
            if running >= total.best:
                break
        if running == total.best and len(parts) >= 2:
            for fact in parts:
                fact.fact_class, fact.parent_fact_id = "part", total.fact_id
                fact.class_reason = f"with the figures after it, adds up to {total.fact_id} ({total.best})"


def _inside_total(facts: list[Fact]) -> None:
    """"The total rose to 10 after two more bodies were found": a smaller figure in the sentence of a
    running total is already inside it."""
    for fact in facts:
        if fact.fact_class not in COUNTED or fact.count_anchor == "cumulative":
            continue
        total = next((f for f in facts if f.count_anchor == "cumulative" and f.outcome == fact.outcome
                      and f.sentence_idx == fact.sentence_idx and f.best > fact.best
                      and f.fact_class in COUNTED), None)
        if total is not None:
            fact.fact_class = "repeat"
            fact.class_reason = f"already inside the running total {total.fact_id} ({total.best}) of its sentence"


def _died_later(text: str, facts: list[Fact]) -> None:
    """"Gunmen injured a boy. He died the next day.": the injured person is now counted as killed."""
    for prev, fact in zip(facts, facts[1:]):
        if (fact.outcome == "killed" and fact.extras.get("kind") == "pronoun" and prev.outcome == "injured"
                and prev.best == 1 and fact.sentence_idx == prev.sentence_idx + 1 and prev.fact_class in COUNTED):
            prev.fact_class, prev.class_reason = "repeat", f"the injured person later died ({fact.fact_id})"
    for fact in facts:  # "Alton Sterling, 37, was shot" ... "Sterling was killed": one person, killed
        surname = _single_name(fact) if fact.outcome == "injured" and fact.fact_class in COUNTED else None
        if surname and any(f.outcome == "killed" and f.fact_class in COUNTED and regex.search(
                rf"\b{regex.escape(surname)}\b", f.quote) for f in facts):
            fact.fact_class, fact.class_reason = "repeat", f"{surname} is reported killed"
    if not any(f.outcome == "killed" and f.fact_class in COUNTED for f in facts):
        shot = [f for f in facts if f.outcome == "injured" and f.best == 1 and f.fact_class == "news"]
        if shot and _THE_KILLING.match(text, shot[0].span_end):
            shot[0].outcome = "killed"  # "A police officer shot a motorcyclist. The killing sparked protests."
            shot[0].class_reason = "the next sentence calls it a killing"
    attacker_killed = [f for f in facts if f.fact_class == "perpetrator" and f.outcome == "killed" and f.best == 1]
    if len(attacker_killed) == 1:  # one attacker, wounded and later killed: counted once, as killed
        for fact in facts:
            if (fact.fact_class == "perpetrator" and fact.outcome == "injured" and fact.best == 1
                    and fact.span_start < attacker_killed[0].span_start):
                fact.fact_class = "repeat"
                fact.class_reason = f"the attacker later died ({attacker_killed[0].fact_id})"


def _new_group(text: str, fact: Fact, facts: list[Fact], same_group: list[Fact]) -> bool:
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


def _single_name(fact: Fact) -> str | None:
    """The surname of a fact about one named person ("Alton Sterling, 37" -> "Sterling")."""
    name = fact.extras.get("name") or (fact.extras.get("np") if fact.extras.get("kind") in ("name", "object_name") else None)
    if not name or fact.best != 1:
        return None
    words = regex.findall(r"\p{Lu}[\p{L}'’-]+", name.split(",")[0])
    return words[-1] if words else None


@functools.cache
def _total_cue():
    """Words before a figure that make it a running or overall total (grammar.yaml: cumulative_cues)."""
    from etl.extract.lexicon import alternation
    return regex.compile(rf"\b(?:{alternation(load().grammar['cumulative_cues'])})\b[^.;]*\Z", regex.I)


def _elsewhere(a: Fact, b: Fact, short: bool) -> bool:
    """Clearly different places: resolved to different countries, or (in a short report) different
    admin1 areas. A long article's national toll usually includes the towns it later names."""
    if a.country and b.country and a.country != b.country:
        return True
    return short and bool(a.admin1 and b.admin1 and a.country == b.country and a.admin1 != b.admin1)


def _another_day(a: Fact, b: Fact) -> bool:
    """Day-precise event dates more than a day apart."""
    if not (a.event_date and b.event_date) or (a.date_precision or 9) > 1 or (b.date_precision or 9) > 1:
        return False
    return abs((a.event_date - b.event_date).days) > 1


def _group(fact: Fact) -> str | None:
    return "perpetrator" if fact.rule.startswith("self_inflicted") else fact.victim_category


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

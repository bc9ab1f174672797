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
from etl.extract.cues import cue
from etl.extract.hospital import is_status, status_of_the_injured, victims_taken_to_hospital
from etl.extract.lexicon import load
from etl.extract.overlaps import (ADDITIVE, COUNTED, PARTITIVE, UPDATE_CUE, compatible, group_of, is_event_note,
                                  mark_overlaps)
from etl.extract.patterns import compiled
from etl.extract.told_before import DEFINITE, sentence_head, told_before
from etl.facts import Fact

_PAST_PERFECT_TOLL = regex.compile(r"(?i)\bhad\s+(?:\w+\s+){0,2}?(?:stood|been|reached|risen|climbed)\b")
_TIME_OPENER = regex.compile(r"(?i)\s*(?:earlier|later)(?:\s+(?:on|that|this|in\s+the)\s+\w+)?\s*,")
_INDEFINITE = regex.compile(r"(?i)(?:an?|one|another)\s")  # the counted phrase: "a policeman", "one villager"



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
            if fact.fact_class in COUNTED and not _rival_toll(text, fact, earlier):
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
            # the words before the figure in its own sentence ("second landfall" in a headline above is not "more")
            window = text[max(0, fact.span_start - min(60, len(sentence_head(text, fact.span_start)))):fact.span_end]
            if _SEPARATELY.search(sentence_head(text, fact.span_start)) or _opened_separately(text, facts, fact, prior):
                window += " separately"  # "Separately, a drone strike on Odesa ... wounded two people"
            if told_before(text, facts, fact, prior, earlier, window, by_id):
                continue
            if _restates_rival(fact, prior) or _lower_rival(text, fact, prior) or _listed_member_again(fact, prior):
                continue
            if not ADDITIVE.search(window):
                short = is_event_note(text)
                same_group = [f for f in prior if compatible(group_of(f), group_of(fact))
                              and not _elsewhere(f, fact, short, text) and not _another_day(f, fact)]
                if fact.best == 1 and _INDEFINITE.match(fact.extras.get("np", fact.quote)) and (
                        short or _TIME_OPENER.match(sentence_head(text, fact.span_start))):
                    # "a policeman was killed" in a short report, or after "Earlier on Friday," / "Later on
                    # Monday,": a new individual
                    same_group = []
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
                    disputing = _disputing(text, fact)
                    if (((fact.reported_by and sources and fact.reported_by not in sources) or disputing)
                            and _same_people(fact, same_group)
                            and "other" not in fact.extras.get("np", "").lower()
                            and not all(PARTITIVE.match(f.extras.get("np", "")) for f in same_group)
                            and (disputing or not (all(f.count.qualifier in ("more_than", "at_least") for f in same_group)
                                                   and fact.best * 4 <= group_total * 5))  # "more than 60" ... "64": a refinement
                            and not UPDATE_CUE.search(text, max(0, fact.span_start - 80), fact.span_end)
                            and not ADDITIVE.search(text, fact.span_start, _clause_end(text, fact.span_end))):
                        # another source's higher figure: a range, the lower figure stays best (rule 4)
                        fact.fact_class = "repeat"
                        fact.class_reason = (f"conflicting figure from {fact.reported_by or 'another source'}; the lower "
                                             f"figure ({group_total}) stays best")
                        top.extras["disputed_high"] = max(top.extras.get("disputed_high", 0), fact.best)
                        continue
                    if short and all(f.best == 1 and f.extras.get("kind") != "pronoun" for f in same_group) and not (
                            UPDATE_CUE.search(text, max(0, fact.span_start - 80), fact.span_end)) and not any(
                            f.sentence_idx == fact.sentence_idx and f.rule.endswith("+named") for f in facts):
                        earlier.append(fact)  # "killing the passenger ... 2 civilians were killed": more people
                        continue
                    if _others_than_the_one(fact, same_group) and not UPDATE_CUE.search(
                            sentence_head(text, fact.span_start) + " " + fact.quote):
                        earlier.append(fact)  # "a third was critically injured. Four policemen were injured": more people
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


def _newgroup_of(text: str, fact: Fact, facts: list[Fact], same_group: list[Fact]) -> bool:
    """In a short report, is a smaller later figure more people rather than a breakdown of the earlier?
    Not when it is definite ("the two"), refers back, follows a part cue ("among the dead were"), comes
    from another source, or sits beside a running total in its sentence."""
    if (DEFINITE.match(fact.extras.get("np", fact.quote)) or fact.extras.get("backref") or fact.rule.startswith("part")
            or fact.extras.get("kind") == "pronoun"):  # "He succumbed to his wounds": someone told before
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


def _opened_separately(text: str, facts: list[Fact], fact: Fact, prior: list[Fact]) -> bool:
    """"Separately, fighters attacked an army base. The army said troops killed 14 militants": the sentence
    before, without figures of its own, opened another incident (unless an earlier figure was the total of
    several attacks: "65 killed in multiple attacks in Tartus and Jableh")."""
    head_start = fact.span_start - len(sentence_head(text, fact.span_start))
    before = sentence_head(text, max(0, head_start - 1))
    if not before or not (_SEPARATELY.search(before.lstrip()) or _OTHER_DEATHS.search(before)) or any(
            f.sentence_idx == fact.sentence_idx - 1 for f in facts):
        return False
    return not any(_SEVERAL_EVENTS.search(sentence_head(text, f.span_start) + text[f.span_start:_clause_end(text, f.span_end)])
                   for f in prior)


# "The heavy rains have caused other fatalities. Four people died when a wall collapsed"
_OTHER_DEATHS = regex.compile(r"(?i)\b(?:other|more|further|additional)\s+(?:fatalities|deaths|casualties|victims|incidents)\b")
_SEVERAL_EVENTS = regex.compile(r"(?i)(?<!\bone\s+of\s+(?:the\s+)?(?:[\w-]+\s+){0,2})"
                                r"\b(?:attacks|blasts|bombings|explosions|strikes|raids|incidents|clashes)\b")


def _elsewhere(a: Fact, b: Fact, short: bool, text: str = "") -> bool:
    """Clearly different places: resolved to different countries, or (in a short report) different
    admin1 areas. A long article's national toll usually includes the towns it later names, but a
    sentence opened by another town ("In Jerusalem, a Palestinian opened fire ...") after a figure
    placed in a town of another area is a roundup's next event."""
    if a.country and b.country and a.country != b.country:
        return True
    other_area = bool(a.admin1 and b.admin1 and a.country == b.country and a.admin1 != b.admin1)
    if other_area and not short and (a.geo_precision or 9) <= 2 and (b.geo_precision or 9) <= 2:
        return bool(_FRONTED_PLACE.match(sentence_head(text, b.span_start)))
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


def _source_key(source: str | None) -> str:
    return regex.sub(r"(?i)^(?:the|a|an)\s+", "", source or "").lower()


def _rival_toll(text: str, fact: Fact, earlier: list[Fact]) -> bool:
    """"Officials said 15 people were killed. The Observatory put the death toll at 22": another source's
    higher toll for the same event, not an update; the lower figure stays best and the higher one is its
    high (conventions rule 4). Marks the toll a repeat and returns True when it is one."""
    prior = [f for f in earlier if f.outcome == fact.outcome and f.sentence_idx < fact.sentence_idx]
    if (not prior or not fact.rule.startswith("toll:") or any(f.count.vague for f in prior)
            or not fact.reported_by or UPDATE_CUE.search(text, max(0, fact.span_start - 80), fact.span_end)):
        return False
    sources = {_source_key(f.reported_by) for f in prior}
    if "" in sources or _source_key(fact.reported_by) in sources:
        return False
    running = _total(prior)["best"]
    if fact.best <= running or ADDITIVE.search(text, max(0, fact.span_start - 60), fact.span_end):
        return False
    fact.fact_class = "repeat"
    fact.class_reason = f"conflicting toll from {fact.reported_by}; the lower figure ({running}) stays best"
    prior[-1].extras["disputed_high"] = max(prior[-1].extras.get("disputed_high", 0), fact.best)
    return True


_WITNESS = regex.compile(r"(?i)\b(?:residents?|villagers?|witness(?:es)?|relatives?|locals?|survivors?|community\s+leaders?)\b")
_UNCONFIRMED = regex.compile(r"(?i)\b(?:not\s+(?:yet\s+|independently\s+)?(?:been\s+)?(?:confirmed|verified)|unconfirmed|could\s+not\s+be\s+(?:independently\s+)?(?:confirmed|verified))\b")
_DISPUTING_HEAD = regex.compile(r"(?i)\s*(?:however|but)\b")
_CLAIMED_BEFORE = regex.compile(r"(?i)\b(?:claimed|claim|claims|alleged|insisted)\s+(?:that\s+)?\Z")


def _disputing(text: str, fact: Fact) -> bool:
    """"However, workers and locals claimed that at least 11 people died": a figure set against one told before."""
    head = sentence_head(text, fact.span_start)
    return bool(_CLAIMED_BEFORE.search(head) or (_DISPUTING_HEAD.match(head) and fact.reported_by)
                or (fact.reported_by and _WITNESS.search(fact.reported_by))
                or _UNCONFIRMED.search(text, fact.span_end, _clause_end(text, fact.span_end)))


def _others_than_the_one(fact: Fact, group: list[Fact]) -> bool:
    """One individual told before ("a third was critically injured") and then a group of a named other kind ("Four
    policemen"): the group is more people, not an update of the one."""
    noun = (fact.victim_group or "").lower()
    if fact.count_anchor == "cumulative" or not noun or noun in ("people", "persons", "others", "victims"):
        return False
    return all(f.best == 1 and f.count_anchor != "cumulative" and (f.victim_group or "").lower().rstrip("s") != noun.rstrip("s")
               and _INDEFINITE.match(f.extras.get("np", f.quote)) for f in group)


def _same_people(fact: Fact, group: list[Fact]) -> bool:
    """Can the figures be two sources' counts of the same people? Not when the earlier ones name a nationality
    and the later one everyone: "Two Americans were killed" ... "At least 31 people died" is the larger whole."""
    nationality = all((f.victim_group or "")[:1].isupper() for f in group)
    return not (nationality and (fact.victim_group or "").lower() in ("people", "persons", "civilians"))


_CLAUSE_STOP = regex.compile(r"[.;]")


def _clause_end(text: str, pos: int) -> int:
    """Where the clause holding ``pos`` ends (the next full stop or semicolon, at most 200 characters on)."""
    m = _CLAUSE_STOP.search(text, pos, pos + 200)
    return m.start() if m else min(len(text), pos + 200)


def _listed_member_again(fact: Fact, prior: list[Fact]) -> bool:
    """"killing three Israelis and an Iranian ... An Iranian was also killed": the one named in the list told
    again ("also" is about the others of the list, not one more)."""
    noun = (fact.victim_group or "").lower()
    if fact.best != 1 or not noun or noun in ("person", "man", "woman", "people") or not _INDEFINITE.match(
            fact.extras.get("np", fact.quote)):
        return False
    member = next((f for f in prior if f.best == 1 and f.rule.endswith("+coordinated")
                   and (f.victim_group or "").lower() == noun), None)
    if member is None:
        return False
    fact.fact_class, fact.class_reason = "repeat", f"the {noun} listed in {member.fact_id} told again"
    return True


def _restates_rival(fact: Fact, prior: list[Fact]) -> bool:
    """"..., while a local lawmaker put the toll at more than 120. ... He said more than 120 people had died":
    the rival source's figure told again stays a conflicting figure, not an update."""
    rival = next((f for f in prior if f.extras.get("disputed_high") == fact.best), None)
    if rival is None or fact.count.vague:
        return False
    fact.fact_class, fact.class_reason = "repeat", f"restates the conflicting figure kept as the high of {rival.fact_id}"
    return True


def _lower_rival(text: str, fact: Fact, prior: list[Fact]) -> bool:
    """"... killed 11 civilians, a war monitor said. The rescue group gave a lower toll, saying nine people were
    killed": another source's smaller figure; the lower is best and the earlier one its high (rule 4)."""
    head = sentence_head(text, fact.span_start)
    if not cue("lower_toll_before").search(head):
        return False
    same = [f for f in prior if f.parent_fact_id is None and f.count_anchor != "cumulative"]
    total = sum(f.best for f in same)
    if not same or fact.best >= total:
        return False
    for old in same:
        old.fact_class, old.class_reason = "repeat", f"another source gives a lower figure ({fact.fact_id}, {fact.best})"
    fact.extras["disputed_high"] = max(fact.extras.get("disputed_high", 0), total)
    return True


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
            if high is not None and "disputed_high" in fact.extras:
                high = max(high, fact.extras["disputed_high"])
            continue
        best += c.best
        low += c_low
        c_high = max(c.high, fact.extras["disputed_high"]) if c.high is not None and "disputed_high" in fact.extras \
            else c.high
        high = None if high is None or c_high is None else high + c_high
    return {"low": min(low, best), "best": best, "high": high if high is None else max(high, best)}

"""Figures that overlap others, found before the cross-sentence pass of `summary.resolve_document`:
a subset narrowed in its sentence, another source's figure in the same sentence, injured people who
later died, later figures that add up to an earlier one, figures inside a running total, and the
wounded person who died later. Each marks the facts it decides, with the reason.
"""
from __future__ import annotations

import regex

from etl.extract.cues import cue
from etl.extract.lexicon import load
from etl.facts import Count, Fact

COUNTED = ("news", "perpetrator", "cumulative")
SHORT_REPORT = 1500  # characters: below this a text is an event note (one event), above it an article
ADDITIVE = regex.compile(r"\b(?:also|another|more(?!\s+than)|additional|further|besides|separately|separate|"
                         r"as\s+well|in\s+addition|plus|too|second(?![\s-]+(?:floor|storey|story|half|quarter|round|largest|biggest|deadliest|time))|remaining)\b", regex.I)
_NARROWING = regex.compile(r"[^.;]{0,60}?,\s*(?:\w+ly\s+)?", regex.I)
_OTHER_SOURCE = regex.compile(r"(?i)(?:\b(?:while|whereas|but|however|although|though)\b|;)[^.;]{0,60}?\b(?:said|says|say|reported|claimed|"
                              r"claims|put|estimated|estimates|told)\b")
UPDATE_CUE = regex.compile(r"\b(?:rose|risen|rises|climbed|climbs|went\s+up|increased|raised|revised|updated|jumped|reached|"
                        r"later|now|new|latest|final|has\s+grown|grew)\b", regex.I)  # a figure that updates an earlier one
_BREAKDOWN = regex.compile(r"[;:]")  # "Twin blasts killed 7 people; 3 died in the first and 4 in the second"
_WOUNDED_HOW = regex.compile(r"(?i)shot|stabbed|beaten|hacked|hit")
_THE_ONE = regex.compile(r"(?i)(?:the|he|she|his|her)\b")
_THE_KILLING = regex.compile(r"[^.!?]{0,120}[.!?]\s+(?:The|His|Her)\s+(?:killing|death|murder|slaying)\b")
_SHOT_LIKE = regex.compile(r"(?i)shot|stabbed|shooting|stabbing")
_OF_WOUNDS = regex.compile(r"(?i)succumbed|injuries|wounds")
PARTITIVE = regex.compile(r"(?i)\S+\s+of\s+(?:the|these|those)\s")  # "two of the victims"
_THE_WOUNDED = regex.compile(r"(?i)\bthe\s+(?:wounded|injured)\s+(?:were|was|had\s+been)\b[^.;]*\Z")
AMONG_TRIGGER = regex.compile(r"(?i)among\s+(?:the|those)\b")  # "three were among the wounded"
_ALL_OF_THEM = regex.compile(r"(?i)(?:both|all|they)\b")
_OF_THE_WOUNDED = regex.compile(r"(?i)[\w-]+\s+of\s+(?:the|those)\s+(?:[\w,-]+\s+)?(?:wounded|injured|hurt)\b")
_MORE = regex.compile(r"(?i)\bmore\b(?!\s+than)")
_BODIES = regex.compile(r"(?i)\b(?:bodies|corpses|remains)\b")
_INCLUDING_ATTACKERS = regex.compile(r"(?i)[^.;]{0,30}?\b(?:including|among\s+them|counting)\s+(?:the\s+|all\s+)?"
                                     r"(?:\w+\s+)?(?:attackers?|assailants?|gunm[ae]n|bombers?|perpetrators?|militants|hijackers?)\b")


def is_event_note(text: str) -> bool:
    """A short text of one or two paragraphs (an ACLED/GTD-style note or a brief), not a news article,
    whose later figures tend to be more people rather than the same ones told again."""
    return len(text) < SHORT_REPORT and text.count("\n", 0, SHORT_REPORT) < 3


_GENERAL = (None, "unknown")
_APART = {"perpetrator"}


def _lineage(category: str | None) -> list[str]:
    parents = load().category_parent
    chain = []
    while category is not None and category not in chain:
        chain.append(category)
        category = parents.get(category)
    return chain


def compatible(a: str | None, b: str | None) -> bool:
    """Could two groups be the same people? (same, nested, or one of them unspecific).

    Attackers and armed groups are never the unspecific "people" of a report: those are victims.
    """
    if a in _GENERAL or b in _GENERAL:
        return not ({a, b} & _APART)
    return a in _lineage(b) or b in _lineage(a)


def group_of(fact: Fact) -> str | None:
    """The victim group a fact counts (an attacker's own death is the perpetrator's)."""
    return "perpetrator" if fact.rule.startswith("self_inflicted") else fact.victim_category


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
        if fact.fact_class not in COUNTED or fact.extras.get("backref") or (
                fact.count_anchor == "cumulative" and UPDATE_CUE.search(fact.quote)):
            continue  # "later said the toll had risen to 22": an update; "49 of its servicemen": each side's own
        before = [f for f in facts if f.sentence_idx == fact.sentence_idx and f.outcome == fact.outcome
                  and f.span_end <= fact.span_start and f.fact_class in COUNTED and f.parent_fact_id is None]
        if not before:
            continue
        sources = {f.reported_by for f in before} - {None}
        other_source = bool(fact.reported_by and sources and fact.reported_by not in sources)
        if not (other_source or _OTHER_SOURCE.search(text, before[-1].span_end, fact.span_start)):
            continue
        if (any(f.count.vague for f in before) or "other" in fact.extras.get("np", fact.quote).lower()
                or ADDITIVE.search(text, max(0, fact.span_start - 40), fact.span_end)):
            continue  # "three other assailants were killed in two other incidents": more people
        total = sum(f.best for f in before)
        if fact.best > total:
            fact.fact_class = "repeat"
            fact.class_reason = f"another source's figure for the same event; the lower figure ({total}) stays best"
            before[0].extras["disputed_high"] = max(before[0].extras.get("disputed_high", 0), fact.best)
        elif fact.best < total and len(before) == 1 and before[0].victim_category == fact.victim_category:
            # "rebels said 25 soldiers were killed, while state media said 3 soldiers died"
            before[0].fact_class = "repeat"
            before[0].class_reason = (f"another source gives a lower figure for the same event ({fact.fact_id}, "
                                      f"{fact.best}), which stays best")
            fact.extras["disputed_high"] = max(fact.extras.get("disputed_high", 0), total)


def _injured_who_died(text: str, facts: list[Fact]) -> None:
    """"injuring 9 people, 2 of whom later died": the 2 count as killed, and the injured figure keeps
    only the survivors (7), so no one is counted twice. "The wounded were taken to hospitals, where one of
    them died" reaches back to the wounded figure further up."""
    for i, fact in enumerate(facts):
        if fact.outcome != "killed" or fact.fact_class not in COUNTED:
            continue
        reach = 3 if _THE_WOUNDED.search(text, max(0, fact.span_start - 150), fact.span_start) else 1
        antecedent = next((f for f in reversed(facts[:i]) if f.fact_class in COUNTED
                           and fact.sentence_idx - f.sentence_idx <= reach
                           and (reach == 1 or f.outcome == "injured")), None)
        if (antecedent is not None and antecedent.outcome == "injured" and antecedent.best == fact.best > 1
                and _ALL_OF_THEM.match(fact.extras.get("np", "")) and antecedent.fact_class in COUNTED):
            antecedent.fact_class = "repeat"  # "Two officers were shot ...; both died of their wounds"
            antecedent.class_reason = f"all of them died ({fact.fact_id}, counted as killed)"
            continue
        if antecedent is None or antecedent.outcome != "injured" or antecedent.best <= fact.best:
            continue
        if any(f.outcome == "killed" and f.fact_class in COUNTED and f.best == fact.best
               and f.span_start < antecedent.span_start for f in facts[:i]):
            continue  # "killing three Israelis ..., dozens more wounded. Three of its citizens had died": the three again
        of_wounds = fact.extras.get("kind") == "count" and _OF_WOUNDS.search(fact.extras.get("trigger", ""))
        # "shot five co-workers, killing three": a bare figure right after the shooting narrows it
        narrows = (fact.sentence_idx == antecedent.sentence_idx and _SHOT_LIKE.fullmatch(antecedent.extras.get("trigger", ""))
                   and " " not in fact.extras.get("np", " ") and regex.match(r"(?i)killing\b", fact.quote))
        np = fact.extras.get("np", "")
        # "stabbed three people; two of the victims died", "shooting both guards. One guard died"
        among = group_of(fact) != "perpetrator" and not ADDITIVE.search(fact.quote) and (
            bool(PARTITIVE.match(np)) or _same_noun(fact.victim_group, antecedent.victim_group)
            or bool(_OF_THE_WOUNDED.match(text, fact.span_start)))  # "One of the eight wounded died"
        if not (fact.extras.get("backref") or of_wounds or narrows or among):
            continue
        if fact.extras.get("backref") and cue("attacker_did_it_before").search(text, max(0, fact.span_start - 100),
                                                                               fact.span_start):
            continue  # "the vigilantes engaged the attackers and killed two of them": two of the attackers
        n, c = fact.best, antecedent.count
        antecedent.count = Count(None if c.low is None else max(c.low - n, 0), c.best - n,
                                 None if c.high is None else max(c.high - n, 0), c.qualifier, c.vague, c.lexeme)
        antecedent.extras["died_later"] = n
        fact.extras["died_of_injured"] = antecedent.fact_id
        antecedent.class_reason = f"{c.best} reported, {n} of whom died ({fact.fact_id}, counted as killed)"
        fact.class_reason = f"of the injured in {antecedent.fact_id}"


def _same_noun(a: str | None, b: str | None) -> bool:
    """"guard" and "guards": the same person noun, singular or plural."""
    if not a or not b:
        return False
    a, b = a.lower().split()[-1], b.lower().split()[-1]
    return a.rstrip("s") == b.rstrip("s") and a not in ("people", "person", "others")


def _parts_adding_up(text: str, facts: list[Fact]) -> None:
    """"Gunmen killed 22 people in two attacks. In the first, 13 were killed; in the second, 9": later
    figures of the next sentences that add up exactly to an earlier figure break it down."""
    for i, total in enumerate(facts):
        if total.fact_class not in COUNTED or total.best < 3 or group_of(total) == "perpetrator":
            continue
        parts, running = [], 0
        for fact in facts[i + 1:]:
            if fact.outcome != total.outcome or (fact.sentence_idx == total.sentence_idx and not (
                    parts or _BREAKDOWN.search(text, total.span_end, fact.span_start))):
                continue
            if (fact.sentence_idx > total.sentence_idx + 4 or fact.fact_class not in COUNTED or fact.best >= total.best
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
    running total is already inside it; "the toll of 7 dead was revised to 5": so is the figure it replaced;
    so are "two more bodies" told in the sentence right after the running total."""
    for fact in facts:
        if fact.fact_class not in COUNTED or fact.count_anchor == "cumulative":
            continue
        total = next((f for f in facts if f.count_anchor == "cumulative" and f.outcome == fact.outcome
                      and f.sentence_idx == fact.sentence_idx and f.fact_class in COUNTED
                      and (f.best > fact.best or f.span_start <= fact.span_start < f.span_end)), None)
        if total is None and _MORE.search(fact.quote):  # "The toll has risen to 11. Two more bodies were recovered"
            total = next((f for f in facts if f.count_anchor == "cumulative" and f.outcome == fact.outcome
                          and f.sentence_idx == fact.sentence_idx - 1 and f.fact_class in COUNTED
                          and f.best > fact.best), None)
        if total is not None:
            fact.fact_class = "repeat"
            fact.class_reason = f"already inside the running total {total.fact_id} ({total.best}) of its sentence"


def _died_later(text: str, facts: list[Fact]) -> None:
    """"Gunmen injured a boy. He died the next day.": the injured person is now counted as killed."""
    for prev, fact in zip(facts, facts[1:]):
        if (fact.outcome == "killed" and fact.extras.get("kind") == "pronoun" and prev.outcome == "injured"
                and prev.best == 1 and 0 <= fact.sentence_idx - prev.sentence_idx <= 1 and prev.fact_class in COUNTED):
            prev.fact_class, prev.class_reason = "repeat", f"the injured person later died ({fact.fact_id})"
    for fact in facts:  # "Alton Sterling, 37, was shot" ... "Sterling was killed": one person, killed
        surname = single_name(fact) if fact.outcome == "injured" and fact.fact_class in COUNTED else None
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


def single_name(fact: Fact) -> str | None:
    """The surname of a fact about one named person ("Alton Sterling, 37" -> "Sterling")."""
    name = fact.extras.get("name") or (fact.extras.get("np") if fact.extras.get("kind") in ("name", "object_name") else None)
    if not name or fact.best != 1:
        return None
    words = regex.findall(r"\p{Lu}[\p{L}'’-]+", name.split(",")[0])
    return words[-1] if words else None


def _how_the_dead_died(facts: list[Fact]) -> None:
    """"Gunmen killed a trader. The victim was shot several times": a definite person said to be shot,
    stabbed or beaten after a killing (and no one reported injured before) is the dead told again; so is
    "he" or "she" with any injury ("he was later found with a wound to his chest")."""
    for i, fact in enumerate(facts):
        if fact.outcome != "injured" or fact.best != 1 or fact.fact_class not in COUNTED:
            continue
        np = fact.extras.get("np", fact.quote)
        told_how = _WOUNDED_HOW.fullmatch(fact.extras.get("trigger", "")) and (_THE_ONE.match(np) or PARTITIVE.match(np))
        if not told_how and not regex.fullmatch(r"(?i)he|she", np):  # "he was later found with a wound"
            continue
        pronoun = bool(regex.fullmatch(r"(?i)he|she", np))  # "A man was killed ... as he was hit by lightning"
        earlier = [f for f in facts[:i] if f.fact_class in COUNTED and (
            f.sentence_idx < fact.sentence_idx or (pronoun and f.span_end <= fact.span_start))]
        killed = [f for f in earlier if f.outcome == "killed" and group_of(f) != "perpetrator"]
        if killed and not any(f.outcome == "injured" for f in earlier):
            fact.fact_class = "repeat"
            fact.class_reason = f"how the dead person of {killed[-1].fact_id} was killed"


def _bodies_of_the_dead(text: str, facts: list[Fact]) -> None:
    """"All 69 people aboard were killed, but only 61 bodies were recovered": bodies found after a larger
    killed figure are some of those dead, unless the text says they are more ("two more bodies")."""
    for i, fact in enumerate(facts):
        if (fact.outcome != "killed" or fact.fact_class not in COUNTED or not _BODIES.search(fact.quote)
                or ADDITIVE.search(text, max(0, fact.span_start - 40), fact.span_end)):
            continue
        larger = [f for f in facts[:i] if f.outcome == "killed" and f.fact_class in COUNTED and f.best >= fact.best
                  and group_of(f) != "perpetrator"]
        if larger:
            fact.fact_class, fact.parent_fact_id = "part", larger[-1].fact_id
            fact.class_reason = f"bodies of the dead of {larger[-1].fact_id} ({larger[-1].best})"


def _total_with_attackers(text: str, facts: list[Fact]) -> None:
    """"fifteen people died in total, including the attackers": the attackers' deaths are inside that total."""
    for total in facts:
        if (total.outcome == "killed" and total.fact_class in COUNTED and group_of(total) != "perpetrator"
                and _INCLUDING_ATTACKERS.match(text, total.span_end)):
            for fact in facts:
                if fact.outcome == "killed" and fact.fact_class == "perpetrator" and fact.best < total.best:
                    fact.fact_class, fact.parent_fact_id = "part", total.fact_id
                    fact.class_reason = f"inside {total.fact_id} ({total.best}), which includes the attackers"


def _among_after_semicolon(text: str, facts: list[Fact]) -> None:
    """"killed 12 people and wounded 9 others; three peacekeepers were among the wounded": the clause after the
    semicolon names some of the figure before it."""
    for fact in facts:
        if fact.fact_class not in COUNTED or not AMONG_TRIGGER.match(fact.extras.get("trigger", "")):
            continue
        parent = next((f for f in reversed(facts) if f.sentence_idx == fact.sentence_idx and f.outcome == fact.outcome
                       and f.span_end <= fact.span_start and f.fact_class in COUNTED and f.best >= fact.best
                       and ";" in text[f.span_end:fact.span_start]), None)
        if parent is not None:
            fact.fact_class, fact.parent_fact_id = "part", parent.fact_id
            fact.class_reason = f"among the {fact.outcome} of {parent.fact_id}"


_ALL_BEFORE = regex.compile(r"(?i)\b(?:all|both)\s+(?:of\s+the\s+|the\s+)?\Z")


def _all_of_them_died(text: str, facts: list[Fact]) -> None:
    """"A man shot his wife and her sister before turning the gun on himself. All three died": the people told
    one by one just before are the ones who died; only the closing figure counts."""
    for i, fact in enumerate(facts):
        if fact.outcome != "killed" or fact.fact_class not in COUNTED or fact.best < 2 or not _ALL_BEFORE.search(
                text, max(0, fact.span_start - 16), fact.span_start):
            continue
        group, running = [], 0
        for f in reversed(facts[:i]):
            if fact.sentence_idx - f.sentence_idx > 2 or running >= fact.best:
                break
            if f.fact_class in COUNTED and f.outcome in ("killed", "injured") and f.parent_fact_id is None:
                group.append(f)
                running += f.best
        if running == fact.best and len(group) >= 2:
            for f in group:
                f.fact_class, f.class_reason = "repeat", f"one of the {fact.best} who died ({fact.fact_id})"


_NEW_FIGURE = regex.compile(r"(?i)\b(?:new(?:ly)?|more)\b(?!\s+than)")


def _new_within_total(text: str, facts: list[Fact]) -> None:
    """"Cumulative: 43 deaths since the start of the cold wave; 6 new deaths in the past 24 hours": the new deaths
    are inside the running total told just before them (never add an increment to its cumulative count)."""
    for i, fact in enumerate(facts):
        if fact.fact_class not in COUNTED or fact.count_anchor == "cumulative" or not _NEW_FIGURE.search(
                text, fact.span_start, fact.span_end):
            continue
        total = next((f for f in reversed(facts[:i]) if f.outcome == fact.outcome and f.count_anchor == "cumulative"
                      and f.fact_class in COUNTED and fact.sentence_idx - f.sentence_idx <= 1 and f.best > fact.best), None)
        if total is not None:
            fact.fact_class, fact.parent_fact_id = "part", total.fact_id
            fact.class_reason = f"new figure inside the running total of {total.fact_id} ({total.best})"


def _part_of_background(text: str, facts: list[Fact]) -> None:
    """"left as many as 20 fans injured, with several reported to have been seriously hurt": a vague or
    partitive figure after a background one in its sentence is some of those people, so background too."""
    for i, fact in enumerate(facts):
        if fact.fact_class not in COUNTED or not (fact.count.vague or PARTITIVE.match(fact.extras.get("np", ""))):
            continue
        parent = next((f for f in reversed(facts[:i]) if f.sentence_idx == fact.sentence_idx and f.outcome == fact.outcome
                       and f.fact_class == "background" and f.best >= fact.best), None)
        if parent is not None and not ADDITIVE.search(text, parent.span_end, fact.span_end):
            fact.fact_class, fact.parent_fact_id = "background", parent.fact_id
            fact.class_reason = f"some of the people of {parent.fact_id}, which is background"


def _orphan_parts(facts: list[Fact]) -> None:
    """"Eleven people were wounded. The wounded, among them four women, were taken to hospital": a sub-count whose
    figure was told in an earlier sentence is part of the latest figure of its outcome that holds it."""
    for i, fact in enumerate(facts):
        if not fact.rule.startswith("part:") or fact.parent_fact_id or fact.fact_class not in COUNTED:
            continue
        parent = next((f for f in reversed(facts[:i]) if f.outcome == fact.outcome and f.fact_class in COUNTED
                       and f.best >= fact.best and not f.rule.startswith("part:")), None)
        if parent is not None:
            fact.fact_class, fact.parent_fact_id = "part", parent.fact_id
            fact.class_reason = f"sub-count of {parent.fact_id}, told in an earlier sentence"


def mark_overlaps(text: str, facts: list[Fact]) -> None:
    """Run every overlap rule of this module over a document's facts, in order."""
    _orphan_parts(facts)
    _part_of_background(text, facts)
    _all_of_them_died(text, facts)
    _new_within_total(text, facts)
    _among_after_semicolon(text, facts)
    _subset_in_sentence(text, facts)
    _conflicting_in_sentence(text, facts)
    _injured_who_died(text, facts)
    _parts_adding_up(text, facts)
    _inside_total(facts)
    _died_later(text, facts)
    _how_the_dead_died(facts)
    _bodies_of_the_dead(text, facts)
    _total_with_attackers(text, facts)

"""The injured told by their care: people taken to hospital who are the victims already counted, and
people described only by their condition ("in critical condition", "remain in hospital")."""
from __future__ import annotations

import regex

from etl.extract.lexicon import load
from etl.extract.overlaps import ADDITIVE, COUNTED, group_of
from etl.facts import Fact


_TO_HOSPITAL = regex.compile(r"(?i)\b(?:taken|rushed|transported|airlifted|evacuated|brought|flown)\b[^.;]{0,40}?\bhospitals?\b")


def victims_taken_to_hospital(text: str, facts: list[Fact]) -> None:
    """"A woman and her daughter were stabbed to death and two other children were wounded ... a woman and
    three children had been taken to hospitals with critical injuries": the injured figures of a sentence
    about taking people to hospital that add up to everyone counted before are those victims again."""
    by_sentence: dict[int, list[Fact]] = {}
    for fact in facts:
        if fact.outcome == "injured" and fact.fact_class == "news" and fact.count_anchor != "cumulative":
            by_sentence.setdefault(fact.sentence_idx, []).append(fact)
    for idx, group in by_sentence.items():
        first, last = group[0], group[-1]
        told = text[first.span_start:last.span_end + 80]
        if (not _TO_HOSPITAL.search(told) or ADDITIVE.search(text, max(0, first.span_start - 30), last.span_end)
                or any("other" in f.extras.get("np", "").lower() for f in group)):
            continue
        ids = {f.fact_id for f in group}
        updated = [f for f in facts if f.extras.get("updated_by") in ids and f.sentence_idx < idx]
        before = [f for f in facts if f.sentence_idx < idx and (f.fact_class in COUNTED or f in updated)
                  and f.outcome in ("killed", "injured") and group_of(f) != "perpetrator"]
        total = sum(f.best for f in group)
        if total >= 2 and before and total == sum(f.best for f in before):
            for fact in updated:  # the figure this sentence seemed to update stands again
                fact.fact_class, fact.class_reason = "news", None
                del fact.extras["updated_by"]
            for fact in group:
                fact.fact_class = "repeat"
                fact.class_reason = f"the {total} victims counted before, taken to hospital"


def is_status(fact: Fact) -> bool:
    """Is the injured fact told only by a condition ("in critical condition", "remain in hospital")?
    (Its trigger belongs to the ``injured_condition`` rule of outcomes.yaml.)"""
    trigger = " ".join(fact.extras.get("trigger", "").lower().split())
    return fact.outcome == "injured" and load().subject_rules.get(trigger) == "injured_condition"


def status_of_the_injured(facts: list[Fact]) -> None:
    """"13 were wounded. At least three are in critical condition", "... 112 people remain in hospital":
    people described by their condition or by still being in hospital are some of the injured counted
    elsewhere in the text; such a figure stands alone only when the text gives no other injured figure."""
    told = [f for f in facts if f.outcome == "injured" and f.fact_class in COUNTED and not is_status(f)]
    if not told:
        return
    parent = max(told, key=lambda f: f.best)
    for fact in facts:
        if (fact.fact_class in COUNTED and is_status(fact)
                and not (parent.count.vague and fact.best > parent.best)):  # "dozens hurt ... 105 remain in hospital"
            fact.fact_class, fact.parent_fact_id = "part", parent.fact_id
            fact.class_reason = f"some of the injured of {parent.fact_id}, told by their condition"

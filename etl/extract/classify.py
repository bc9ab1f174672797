"""Classify each fact: news, part, background, repeat, perpetrator, cumulative."""
from __future__ import annotations

from etl.facts import Fact


def classify(text: str, facts: list[Fact]) -> None:
    """Set ``fact_class`` and ``class_reason`` on each fact (in place)."""
    for fact in facts:
        if fact.fact_class == "part":
            continue
        if fact.victim_category == "perpetrator":
            fact.fact_class = "perpetrator"
            fact.class_reason = "the attacker's own death or injury"
        elif fact.count_anchor == "cumulative":
            fact.fact_class = "cumulative"
            fact.class_reason = "a running toll that replaces earlier figures"

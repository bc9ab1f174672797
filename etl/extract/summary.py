"""Document totals per outcome (what `extract --summary` reports).

Follows the document-total rules of conventions.md: distinct groups are summed, sub-counts and
repeats are not added again, a later cumulative toll replaces the running total, background is
excluded. `resolve_document` marks repeats and cross-sentence parts on the facts themselves, so
`explain` shows why a figure was not added.
"""
from __future__ import annotations

import regex

from etl.extract.lexicon import load
from etl.facts import Fact

COUNTED = ("news", "perpetrator", "cumulative")
_ADDITIVE = regex.compile(r"\b(?:also|another|other|others|more|additional|further|besides|separately|"
                          r"as\s+well|in\s+addition|plus|too|second|remaining)\b", regex.I)
_GENERAL = (None, "unknown")
_TOTAL_CUE = regex.compile(r"\b(?:in\s+total|in\s+all|overall|altogether|a\s+total\s+of|total\s+of)\b[^.;]*\Z", regex.I)


def _is_sub_category(child: str | None, parent: str | None) -> bool:
    """True when ``child`` is a narrower victim category than ``parent`` (or parent is unspecific)."""
    if child in _GENERAL:
        return False
    if parent in _GENERAL:
        return True
    parents = load().category_parent
    seen = child
    while seen is not None:
        seen = parents.get(seen)
        if seen == parent:
            return True
    return False


def resolve_document(text: str, facts: list[Fact]) -> None:
    """Mark later mentions that restate (repeat) or break down (part) an earlier figure."""
    by_id = {f.fact_id: f for f in facts}
    for fact in facts:
        if fact.count_anchor != "cumulative" and _TOTAL_CUE.search(text, max(0, fact.span_start - 80), fact.span_start):
            fact.count_anchor = "cumulative"
            if fact.fact_class == "news":
                fact.fact_class, fact.class_reason = "cumulative", "stated as a total"
    earlier: list[Fact] = []
    for fact in facts:
        if fact.fact_class not in COUNTED or fact.count_anchor == "cumulative":
            if fact.fact_class in COUNTED:
                earlier.append(fact)
            continue
        prior = [f for f in earlier if f.outcome == fact.outcome and f.sentence_idx < fact.sentence_idx]
        if prior:
            window = text[max(0, fact.span_start - 60):fact.span_end]
            additive = bool(_ADDITIVE.search(window))
            definite = fact.best > 1 or fact.quote[:4].lower() == "the "
            same = next((f for f in prior if definite and f.best == fact.best and (
                f.victim_category == fact.victim_category or fact.victim_category in _GENERAL)), None)
            if same is not None and not additive:
                fact.fact_class, fact.class_reason = "repeat", f"restates {same.fact_id} ({same.best})"
                continue
            if fact.extras.get("backref") or fact.extras.get("among"):
                parent = prior[-1]
                fact.fact_class, fact.parent_fact_id = "part", parent.fact_id
                fact.class_reason = f"refers back to {parent.fact_id}"
                continue
            bigger = next((f for f in reversed(prior) if f.best > fact.best
                           and _is_sub_category(fact.victim_category, f.victim_category)), None)
            if bigger is not None and not additive and fact.victim_category != "perpetrator":
                fact.fact_class, fact.parent_fact_id = "part", bigger.fact_id
                fact.class_reason = f"narrower group within {bigger.fact_id} ({bigger.best})"
                continue
        earlier.append(fact)
    for fact in facts:
        if fact.parent_fact_id and fact.parent_fact_id not in by_id:
            fact.parent_fact_id = None


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
        high = None if high is None or c.high is None else high + c.high
    return {"low": min(low, best), "best": best, "high": high if high is None else max(high, best)}

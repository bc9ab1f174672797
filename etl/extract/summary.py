"""Document totals per outcome (what `extract --summary` reports), following the
document-total rules of conventions.md: distinct groups summed, parts and repeats excluded,
the latest cumulative toll preferred, background excluded, conflicting figures as a range."""
from __future__ import annotations

from etl.facts import Fact

COUNTED = ("news", "perpetrator", "cumulative")


def summarize(facts: list[Fact]) -> dict[str, dict[str, int | None]]:
    """Per outcome ``{"low", "best", "high"}`` for the document.

    >>> from etl.extract.api import extract
    >>> summarize(extract("Two soldiers and three militants were killed."))["killed"]
    {'low': 2, 'best': 5, 'high': 5}
    """
    totals: dict[str, dict[str, int | None]] = {}
    for outcome in sorted({f.outcome for f in facts}):
        group = [f for f in facts if f.outcome == outcome and f.fact_class in COUNTED]
        if not group:
            continue
        totals[outcome] = _total(group)
    return totals


def _total(facts: list[Fact]) -> dict[str, int | None]:
    best = low = high = 0
    open_high = False
    for fact in facts:
        c = fact.count
        best += c.best
        low += c.low if c.low is not None else c.best
        if c.high is None:
            open_high = True
        else:
            high += c.high
    return {"low": min(low, best), "best": best, "high": None if open_high else max(high, best)}

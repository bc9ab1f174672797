"""Human-readable audit lines: each fact, its class and why (for `extract --explain`)."""
from __future__ import annotations

from etl.extract.summary import summarize
from etl.facts import Fact


def explain_lines(doc_id: str, facts: list[Fact]) -> list[str]:
    """Lines that let a recorder audit a document's totals in seconds."""
    lines = [f"document {doc_id}: {len(facts)} facts"]
    for f in facts:
        rng = f"{f.low if f.low is not None else ''}–{f.high if f.high is not None else ''}"
        reason = f" ({f.class_reason})" if f.class_reason else ""
        parent = f" part of {f.parent_fact_id}" if f.parent_fact_id else ""
        lines.append(f"  {f.fact_id} [{f.fact_class}]{reason}{parent} {f.outcome} best={f.best} range={rng} "
                     f"{f.qualifier_text()} rule={f.rule} quote={f.quote!r}")
    for outcome, total in summarize(facts).items():
        lines.append(f"  total {outcome}: best={total['best']} low={total['low']} high={total['high']}")
    return lines

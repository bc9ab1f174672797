"""`extract(text, published)`: sentences -> count engine -> context -> classes -> fact ids."""
from __future__ import annotations

from datetime import date

from etl.extract.aboard import all_aboard_facts
from etl.extract.engine import sentence_facts
from etl.extract.prefilter import mentions_outcome
from etl.extract.sentences import split_sentences
from etl.extract.summary import resolve_document
from etl.facts import Fact


def extract(text: str, published: date | None = None, doc_id: str | None = None) -> list[Fact]:
    """Every casualty fact in ``text``; relative dates resolve against ``published`` (never today).

    >>> [(f.outcome, f.best, f.quote) for f in extract("Two soldiers were killed.")]
    [('killed', 2, 'Two soldiers were killed')]
    """
    facts: list[Fact] = []
    if mentions_outcome(text):
        for idx, (start, end) in enumerate(split_sentences(text)):
            for fact in sentence_facts(text[start:end], start, text[max(0, start - 600):start]):
                fact.sentence_idx = idx
                facts.append(fact)
    if "surviv" in text or "aboard" in text or "on board" in text:
        facts.extend(all_aboard_facts(text, facts))
    if not facts:
        return facts
    _assign_ids(facts, doc_id)
    _apply_context(text, facts, published)
    _classify(text, facts, published)
    resolve_document(text, facts)
    return facts


def _assign_ids(facts: list[Fact], doc_id: str | None) -> None:
    for n, fact in enumerate(facts, 1):
        fact.doc_id = doc_id
        fact.fact_id = f"{doc_id}#{n}" if doc_id else f"f{n}"
    for fact in facts:
        parent = fact.extras.get("part_of")
        if parent is not None:
            fact.parent_fact_id = parent.fact_id


def _apply_context(text: str, facts: list[Fact], published: date | None) -> None:
    try:
        from etl.extract.context import attach_context
    except ImportError:  # context module not built yet
        return
    attach_context(text, facts, published)


def _classify(text: str, facts: list[Fact], published: date | None) -> None:
    from etl.extract.classify import classify
    classify(text, facts, published)

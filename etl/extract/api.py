"""`extract(text, published)`: sentences -> count engine -> context -> classes -> fact ids."""
from __future__ import annotations

import bisect
from datetime import date

from etl.extract import startcache

startcache.prime_regex()  # before the modules below compile their patterns  # noqa: E402

from etl.extract.aboard import all_aboard_facts
from etl.extract.classify import classify
from etl.extract.context import attach_context
from etl.extract.engine import sentence_facts
from etl.extract.prefilter import trigger_spans
from etl.extract.sentences import split_sentences
from etl.extract.summary import resolve_document
from etl.facts import Fact


def extract(text: str, published: date | None = None, doc_id: str | None = None) -> list[Fact]:
    """Every casualty fact in ``text``; relative dates resolve against ``published`` (never today).

    >>> [(f.outcome, f.best, f.quote) for f in extract("Two soldiers were killed.")]
    [('killed', 2, 'Two soldiers were killed')]
    """
    facts: list[Fact] = []
    spans = trigger_spans(text)
    sentences = split_sentences(text) if spans else None
    for idx in _sentences_with_triggers(sentences or (), spans):  # the others have no fact of their own
        start, end = sentences[idx]
        for fact in sentence_facts(text[start:end], start, text[max(0, start - 600):start]):
            fact.sentence_idx = idx
            facts.append(fact)
    if ("surviv" in text or "aboard" in text or "on board" in text or "inside" in text
            or "all but" in text or "All but" in text):
        extra = all_aboard_facts(text, facts)
        if extra:
            sentences = sentences or split_sentences(text)
            starts = [a for a, _ in sentences]
            for fact in extra:
                fact.sentence_idx = max(0, bisect.bisect_right(starts, fact.span_start) - 1)
            facts.extend(extra)
    if not facts:
        return facts
    _assign_ids(facts, doc_id)
    attach_context(text, facts, published, sentences)
    classify(text, facts, published, sentences)
    resolve_document(text, facts)
    return facts


def _sentences_with_triggers(sentences, spans: list[tuple[int, int]]) -> list[int]:
    """Indexes of the sentences overlapping a trigger span (both lists in text order)."""
    found, i = [], 0
    for idx, (start, end) in enumerate(sentences):
        while i < len(spans) and spans[i][1] <= start:
            i += 1
        if i == len(spans):
            break
        if spans[i][0] < end:
            found.append(idx)
    return found


def _assign_ids(facts: list[Fact], doc_id: str | None) -> None:
    for n, fact in enumerate(facts, 1):
        fact.doc_id = doc_id
        fact.fact_id = f"{doc_id}#{n}" if doc_id else f"f{n}"
    for fact in facts:
        parent = fact.extras.get("part_of")
        if parent is not None:
            fact.parent_fact_id = parent.fact_id

"""Context for every fact: cause, actor, place, event date and source, filled in place.

``attach_context(text, facts, published)`` is called by ``extract`` after the count engine. Each field
is looked up in the fact's own sentence first, then its neighbours (and, for the country only, the
document); a field stays ``None`` when the text is silent. Only the sentences around facts are read,
each at most once per field (hits are memoised per sentence), and every pattern is compiled once.
The gazetteer is loaded lazily, the first time a fact has a place to resolve.

Provenance: ``fact.extras["context_rules"]`` maps each filled field to ``"<file>:<rule>"``; the words a
date came from are in ``extras["date_text"]`` and a range's last day in ``extras["date_end"]``.

>>> from datetime import date, datetime
>>> from etl.extract import extract
>>> f = extract("Four civilians were killed in Aleppo on Friday by insurgent shelling, SANA said.",
...             published=date(2024, 11, 30))[0]
>>> (f.place, f.country, f.cause, f.actor, f.event_date.isoformat(), f.reported_by)
('Aleppo', 'SY', 'shelling', 'insurgent', '2024-11-29', 'SANA')
"""
from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass
from datetime import date, datetime

from etl.extract.lexicon import LexiconError, read_yaml
from etl.extract.sentences import split_sentences


@dataclass(frozen=True, slots=True)
class Hit:
    """One context mention: offsets into the whole text, the rule that found it, and its value."""

    start: int
    end: int
    rule: str
    value: object


@functools.cache
def data_of(name: str):
    """A context lexicon file, parsed once per process."""
    return read_yaml(name)


def rules_of(name: str, key: str | None = None) -> list[dict]:
    """The rules of a context lexicon file (``key`` selects a sub-list), checked for name and examples."""
    data = data_of(name)
    rules = data.get(key) if key else data
    if not isinstance(rules, list):
        raise LexiconError(f"{name}: {'field ' + repr(key) if key else 'top level'} must be a list of rules")
    for rule in rules:
        if not isinstance(rule, dict) or not isinstance(rule.get("rule"), str):
            raise LexiconError(f"{name}: every rule needs a 'rule' name: {rule!r}")
        for field in ("examples", "counter_examples"):
            if not isinstance(rule.get(field) or [], list):
                raise LexiconError(f"{name}: rule {rule['rule']!r}: field {field!r} must be a list")
    return rules


def words_of(name: str, key: str) -> list[str]:
    """A list of words from a context lexicon file, validated."""
    value = data_of(name).get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LexiconError(f"{name}: field {key!r} must be a list of strings")
    return value


@functools.cache
def lexicon_files() -> dict[str, list[dict]]:
    """Every context lexicon file and its rules (the generic example test reads this)."""
    return {
        "causes.yaml": rules_of("causes.yaml"),
        "actors.yaml": rules_of("actors.yaml", "frames"),
        "attribution.yaml": rules_of("attribution.yaml", "frames"),
        "dates.yaml": rules_of("dates.yaml", "rules"),
        "places.yaml": rules_of("places.yaml", "frames"),
    }


class _Doc:
    """One document's sentences, with context hits memoised per (field, sentence)."""

    def __init__(self, text: str, published: date | None, sentences: list[tuple[int, int]] | None = None):
        self.text = text
        self.published = published
        self.sents = sentences if sentences is not None else split_sentences(text)
        self.starts = [s for s, _ in self.sents]
        self._memo: dict[tuple[str, int], list[Hit]] = {}
        self.fact_spans: dict[int, list[tuple[int, int]]] = {}

    def sentence_of(self, fact) -> int:
        idx = fact.sentence_idx
        if 0 <= idx < len(self.sents) and self.sents[idx][0] <= fact.span_start < self.sents[idx][1]:
            return idx
        return max(0, bisect.bisect_right(self.starts, fact.span_start) - 1)

    def hits(self, field: str, idx: int, finder) -> list[Hit]:
        key = (field, idx)
        found = self._memo.get(key)
        if found is None:
            start, end = self.sents[idx]
            found = finder(self, self.text[start:end], start, idx)
            self._memo[key] = found
        return found


def nearest(hits: list[Hit], start: int, end: int) -> Hit | None:
    """The hit closest to [start, end): overlapping first, then by gap; ties go to the later hit."""
    best, best_key = None, None
    for h in hits:
        gap = 0 if h.start < end and h.end > start else (h.start - end if h.start >= end else start - h.end)
        key = (gap, 0 if h.start >= start else 1)
        if best_key is None or key < best_key:
            best, best_key = h, key
    return best


def scan(doc: _Doc, idx: int, field: str, finder, order=(0, -1, 1), where=None) -> tuple[Hit | None, int]:
    """First hit for ``field`` in sentence ``idx`` + each offset of ``order``; (hit, sentence index)."""
    for off in order:
        j = idx + off
        if not 0 <= j < len(doc.sents):
            continue
        hits = doc.hits(field, j, finder)
        if where is not None:
            hits = [h for h in hits if where(h)]
        if hits:
            return hits, j
    return None, -1


def note(fact, field: str, rule: str) -> None:
    """Record which lexicon rule filled ``field`` (``extras["context_rules"]``)."""
    fact.extras.setdefault("context_rules", {})[field] = rule


def attach_context(text: str, facts: list, published: date | None,
                   sentences: list[tuple[int, int]] | None = None) -> None:
    """Fill cause, actor, place, geo, event date and reported_by of each fact (in place).

    Never reads the clock: relative dates resolve against ``published``; without it they stay null.
    """
    if not facts:
        return
    if isinstance(published, datetime):  # a datetime is a date too; compare dates with dates
        published = published.date()
    from etl.extract import actors, attribution, causes, dates, places

    doc = _Doc(text, published, sentences)
    for fact in facts:
        doc.fact_spans.setdefault(doc.sentence_of(fact), []).append((fact.span_start, fact.span_end))
    for fact in facts:
        idx = doc.sentence_of(fact)
        cause_hit, cause_idx = causes.attach(doc, fact, idx)
        actors.attach(doc, fact, idx, cause_hit, cause_idx)
        places.attach(doc, fact, idx)
        dates.attach(doc, fact, idx)
        attribution.attach(doc, fact, idx)


def pick(doc: _Doc, fact, idx: int, field: str, finder, order=(0, -1, 1), where=None) -> tuple[Hit | None, int]:
    """The hit nearest the fact in the first sentence (of ``order``) that has one."""
    hits, j = scan(doc, idx, field, finder, order, where)
    if not hits:
        return None, -1
    return nearest(hits, fact.span_start, fact.span_end), j


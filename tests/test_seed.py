"""The article the project started from (../shared/seeds): the conventions' expected reading of it."""
from __future__ import annotations

from datetime import date

import pytest

from etl.extract import extract, summarize


@pytest.fixture
def seed(shared_dir):
    return (shared_dir / "seeds" / "aleppo_offensive_article.txt").read_text(encoding="utf-8")


def test_seed_article_facts_follow_the_conventions(seed):
    facts = extract(seed, date(2024, 11, 30), doc_id="seed")
    got = [(f.outcome, f.low, f.best, f.high, f.qualifier, f.quote, f.fact_class) for f in facts]
    assert got == [
        ("killed", 27, 27, None, "at_least", "at least 27 reported dead", "cumulative"),
        ("killed", 4, 4, 4, "exact", "four civilians, including two students, were killed", "part"),
        ("killed", 2, 2, 2, "exact", "two students", "part"),
    ]
    toll, civilians, students = facts
    assert toll.count_anchor == "cumulative"
    assert students.parent_fact_id == civilians.fact_id
    assert civilians.victim_category == "civilian"
    assert (civilians.place, civilians.country, civilians.cause) == ("Aleppo", "SY", "shelling")
    assert civilians.event_date == date(2024, 11, 29)  # "on Friday" before a Saturday publication
    for fact in facts:
        assert seed[fact.span_start:fact.span_end] == fact.quote


def test_seed_article_rejects_ages_years_towns_and_bare_casualties(seed):
    quotes = " | ".join(f.quote for f in extract(seed, date(2024, 11, 30)))
    for not_a_count in ("eight", "dozen towns", "2020", "2016", "casualties"):
        assert not_a_count not in quotes
    assert summarize(extract(seed, date(2024, 11, 30))) == {"killed": {"low": 27, "best": 27, "high": None}}

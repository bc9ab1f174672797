"""Background vs news: every example and counter-example of lexicon/background.yaml runs, and our own
short articles (tests/cases/articles/*.yaml) must give exact document totals and classes."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from etl.extract import extract, summarize
from etl.extract.background_rules import load_rule as _rule, reference_date, rules
from etl.extract.lexicon import LexiconError

ARTICLES = Path(__file__).parent / "cases" / "articles"
OUTCOMES = ("killed", "injured")


def _rule_examples():
    for rule in rules():
        for kind, items in (("example", rule.examples), ("counter", rule.counter_examples)):
            for n, ex in enumerate(items):
                yield pytest.param(rule.name, ex, id=f"background.yaml:{rule.name}:{kind}{n}")


def _figures(text, published=None):
    return [f for f in extract(text, published) if f.outcome in OUTCOMES and f.fact_class != "part"]


@pytest.mark.parametrize("name,example", list(_rule_examples()))
def test_rule_example(name, example):
    facts = _figures(example["text"], example.get("published"))
    got = [(f.quote, f.fact_class, f.class_reason) for f in facts]
    assert facts, "the example must hold a casualty figure"
    if example["class"] == "background":
        assert all(f.fact_class == "background" and f.class_reason.startswith(name + ":") for f in facts), got
    else:
        assert all(f.fact_class != "background" for f in facts), got


def test_every_rule_has_an_example_and_a_reason():
    assert [r.name for r in rules() if not r.examples or not r.reason] == []
    background_rules = [r for r in rules() if r.kind == "cue" or r.kind == "time" and r.effect == "past"]
    assert all(any(ex["class"] == "background" for ex in r.examples) for r in background_rules)


def test_rule_errors_name_file_rule_and_field():
    with pytest.raises(LexiconError, match=r"background.yaml: rule 'x': field 'kind'"):
        _rule({"name": "x", "kind": "sometimes", "pattern": "a", "reason": "r"}, {})
    with pytest.raises(LexiconError, match=r"background.yaml: rule 'x': field 'pattern' uses unknown fragment"):
        _rule({"name": "x", "kind": "cue", "pattern": "{NOPE}", "reason": "r"}, {})
    with pytest.raises(LexiconError, match=r"rule 'x': field 'pattern' is not a valid regex"):
        _rule({"name": "x", "kind": "cue", "pattern": "(", "reason": "r"}, {})
    with pytest.raises(LexiconError, match=r"rule 'x': field 'pattern' needs a \(\?<year>"):
        _rule({"name": "x", "kind": "time", "compare": "year", "pattern": "[0-9]{4}", "reason": "r"}, {})


def test_reference_date_prefers_publication_then_latest_written_date():
    from datetime import date
    assert reference_date("Posted Jan. 21, 2016; updated January 22, 2016.") == date(2016, 1, 22)
    assert reference_date("on 5 June 2016 and 2016-06-07") == date(2016, 6, 7)
    assert reference_date("no dates here", date(2016, 3, 1)) == date(2016, 3, 1)
    assert reference_date("no dates here") is None


def test_publication_date_decides_month_day():
    from datetime import date

    from etl.extract.classify import classify
    text = "Two people were killed on March 3 when a gunman opened fire."
    for published, want in ((date(2016, 3, 5), "news"), (date(2016, 6, 9), "background")):
        facts = extract(text)
        assert [f.fact_class for f in facts] == ["news"]  # no date to compare with
        classify(text, facts, published)
        assert [f.fact_class for f in facts] == [want], published


def _articles():
    for path in sorted(ARTICLES.glob("*.yaml")):
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        marks = [pytest.mark.xfail(reason=case["known_failure"], strict=True)] if case.get("known_failure") else []
        yield pytest.param(case, id=path.name, marks=marks)


@pytest.mark.parametrize("case", list(_articles()))
def test_article_totals_and_classes(case):
    facts = extract(case["text"], case.get("published"))
    audit = [(f.outcome, f.best, f.fact_class, f.class_reason, f.quote) for f in facts]
    for want in case.get("classes", []):
        match = [f for f in facts if want["quote"] in f.quote or f.quote in want["quote"] and f.quote]
        assert match, (want, audit)
        assert match[0].fact_class == want["class"], (want, audit)
        if "rule" in want:
            assert match[0].class_reason.startswith(want["rule"] + ":"), (want, audit)
    totals = summarize(facts)
    got = {k: (totals.get(k) or {}).get("best") or 0 for k in OUTCOMES}
    assert got == {k: case["expect"].get(k, 0) for k in OUTCOMES}, audit

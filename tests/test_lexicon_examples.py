"""Duckling-style corpus tests: every example and counter-example of every lexicon rule runs."""
from __future__ import annotations

import pytest

from etl.extract import extract
from etl.extract.lexicon import load

FILES = ("numbers.yaml", "qualifiers.yaml", "victims.yaml", "outcomes.yaml")


def _examples():
    lex = load()
    for name in FILES:
        for rule in lex.rules[name]:
            for n, ex in enumerate(rule.get("examples") or []):
                yield pytest.param(ex, id=f"{name}:{rule['rule']}:example{n}")


def _counter_examples():
    lex = load()
    for name in FILES:
        for rule in lex.rules[name]:
            for n, text in enumerate(rule.get("counter_examples") or []):
                yield pytest.param(text, id=f"{name}:{rule['rule']}:counter{n}")


@pytest.mark.parametrize("example", list(_examples()))
def test_example_yields_expected_facts(example):
    facts = [f for f in extract(example["text"]) if f.fact_class != "part"]
    got = [{k: getattr(f, k) for k in exp} for f, exp in zip(facts, example["facts"])]
    expected = [dict(e) for e in example["facts"]]
    assert len(facts) == len(expected), [(f.outcome, f.best, f.quote) for f in facts]
    assert got == expected


@pytest.mark.parametrize("text", list(_counter_examples()))
def test_counter_example_yields_no_fact(text):
    assert [(f.outcome, f.best, f.quote) for f in extract(text)] == []


def test_every_rule_has_an_example():
    lex = load()
    missing = [f"{name}:{r['rule']}" for name in FILES for r in lex.rules[name] if not r.get("examples")]
    assert missing == []


def _cue_cases():
    from etl.extract.cues import entries
    for entry in entries():
        for n, text in enumerate(entry.get("examples") or []):
            yield pytest.param(entry["name"], text, True, id=f"cues.yaml:{entry['name']}:example{n}")
        for n, text in enumerate(entry.get("counter_examples") or []):
            yield pytest.param(entry["name"], text, False, id=f"cues.yaml:{entry['name']}:counter{n}")


@pytest.mark.parametrize(("name", "text", "expected"), list(_cue_cases()))
def test_cue_examples(name, text, expected):
    from etl.extract.cues import fires
    assert fires(name, text) is expected


def test_every_cue_has_examples_and_is_used():
    from pathlib import Path

    from etl.extract.cues import entries
    code = "".join(p.read_text() for p in Path(__file__).resolve().parents[1].joinpath("etl", "extract").glob("*.py"))
    for entry in entries():
        assert entry.get("examples"), entry["name"]
        assert f'cue("{entry["name"]}")' in code, f"unused cue {entry['name']}"

"""Sentence-level specs (tests/cases/*.yaml): input text -> exact expected facts, or a document summary.

One generic parametrised test reads every case (design.md, "Examples are data; tests are generic").
A case is ``{input, published?, facts | summary, known_failure?}``:

- ``facts``: the expected facts in text order. Each names ``outcome``, ``low``, ``best``, ``high``,
  ``qualifier`` and ``quote`` (the exact span text), optionally ``victim_category``, ``fact_class`` and
  ``parent`` (index of the parent fact in the same list, for sub-counts). Every fact ``extract`` returns
  is compared, parts and perpetrators included; a fact without ``parent`` must have no parent.
- ``summary``: expected ``best`` per outcome of ``summarize(extract(text))``; outcomes not named are 0.
- ``known_failure: "<why>"``: the engine does not get it right yet; runs as xfail(strict=True), so a fix
  turns the case red until the mark is removed. ``test_known_failure_count`` reports how many there are.

Test ids name the file and the case index: ``counts.yaml#012``.
"""
from __future__ import annotations

import datetime as dt
import warnings
from collections import Counter
from pathlib import Path

import pytest
import yaml

from etl.extract import extract, summarize
from etl.facts import FACT_CLASSES, OUTCOMES, QUALIFIERS

CASES_DIR = Path(__file__).parent / "cases"
FILES = ("counts.yaml", "qualifiers.yaml", "subcounts.yaml", "not_casualties.yaml", "summaries.yaml")
FACT_KEYS = ("outcome", "low", "best", "high", "qualifier", "quote", "victim_category", "fact_class", "parent")
SUMMARY_OUTCOMES = ("killed", "injured")


def _load(name: str) -> list[dict]:
    cases = yaml.safe_load((CASES_DIR / name).read_text(encoding="utf-8")) or []
    assert isinstance(cases, list), f"{name}: top level must be a list of cases"
    return cases


def _all_cases():
    for name in FILES:
        for n, case in enumerate(_load(name)):
            case_id = f"{name}#{n:03d}"
            marks = []
            if case.get("known_failure"):
                marks.append(pytest.mark.xfail(strict=True, reason=str(case["known_failure"])))
            yield pytest.param(name, case, id=case_id, marks=marks)


def _published(case: dict) -> dt.date | None:
    value = case.get("published")
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _got_facts(text: str, facts) -> list[dict]:
    """Facts in text order as plain dicts, ``parent`` turned into an index into the same list."""
    ordered = sorted(facts, key=lambda f: (f.span_start, f.span_end))
    index = {f.fact_id: i for i, f in enumerate(ordered)}
    rows = []
    for f in ordered:
        assert f.quote == text[f.span_start:f.span_end], f"quote {f.quote!r} is not text[span] in {text!r}"
        rows.append({
            "outcome": f.outcome, "low": f.low, "best": f.best, "high": f.high, "qualifier": f.qualifier,
            "quote": f.quote, "victim_category": f.victim_category, "fact_class": f.fact_class,
            "parent": index.get(f.parent_fact_id) if f.parent_fact_id else None,
        })
    return rows


def _check_facts(case: dict) -> None:
    text = case["input"]
    got = _got_facts(text, extract(text, published=_published(case)))
    expected = case["facts"] or []
    # compare the keys each expected fact names; `parent` is always compared (absent = no parent)
    shown = [{k: g[k] for k in FACT_KEYS if k in e or k == "parent"} for g, e in zip(got, expected)]
    want = [{k: e.get(k) for k in FACT_KEYS if k in e or k == "parent"} for e in expected]
    summary = [(g["outcome"], g["best"], g["quote"]) for g in got]
    assert len(got) == len(expected), f"expected {len(expected)} facts, got {len(got)}: {summary}"
    assert shown == want, f"got {summary}"


def _check_summary(case: dict) -> None:
    totals = summarize(extract(case["input"], published=_published(case)))
    got = {o: (totals.get(o) or {}).get("best") or 0 for o in SUMMARY_OUTCOMES}
    want = {o: case["summary"].get(o, 0) for o in SUMMARY_OUTCOMES}
    assert got == want, f"summary {totals}"


@pytest.mark.parametrize(("name", "case"), list(_all_cases()))
def test_case(name, case):
    assert ("facts" in case) != ("summary" in case), f"{name}: a case has either `facts` or `summary`"
    if "summary" in case:
        _check_summary(case)
    else:
        _check_facts(case)


def test_case_files_are_well_formed():
    """Every case has an input, known keys only, and facts with the keys the runner compares."""
    allowed = {"input", "published", "facts", "summary", "known_failure", "note"}
    problems = []
    for name in FILES:
        for n, case in enumerate(_load(name)):
            where = f"{name}#{n:03d}"
            if not isinstance(case.get("input"), str) or not case["input"].strip():
                problems.append(f"{where}: no input")
            if set(case) - allowed:
                problems.append(f"{where}: unknown keys {sorted(set(case) - allowed)}")
            if "known_failure" in case and not str(case["known_failure"] or "").strip():
                problems.append(f"{where}: known_failure needs a reason")
            for i, fact in enumerate(case.get("facts") or []):
                if set(fact) - set(FACT_KEYS):
                    problems.append(f"{where} fact {i}: unknown keys {sorted(set(fact) - set(FACT_KEYS))}")
                if not {"outcome", "best", "quote"} <= set(fact):
                    problems.append(f"{where} fact {i}: needs outcome, best and quote")
                elif fact["quote"] not in case["input"]:
                    problems.append(f"{where} fact {i}: quote {fact['quote']!r} is not in the input")
                if "parent" in fact and not 0 <= fact["parent"] < i:
                    problems.append(f"{where} fact {i}: parent must index an earlier fact")
                problems += [f"{where} fact {i}: {key} {fact[key]!r} is not one of {allowed_values}"
                             for key, allowed_values in (("outcome", OUTCOMES), ("qualifier", QUALIFIERS),
                                                         ("fact_class", FACT_CLASSES))
                             if key in fact and fact[key] not in allowed_values]
                low, best, high = fact.get("low"), fact.get("best"), fact.get("high")
                if (low is not None and low > best) or (high is not None and high < best):
                    problems.append(f"{where} fact {i}: needs low <= best <= high")
            for outcome in (case.get("summary") or {}):
                if outcome not in SUMMARY_OUTCOMES:
                    problems.append(f"{where}: summary outcome {outcome!r} is not compared")
    assert problems == []


def test_known_failure_count():
    """Report how many cases are marked known_failure (shown in the warnings summary)."""
    per_file = Counter()
    total = 0
    for name in FILES:
        cases = _load(name)
        total += len(cases)
        per_file[name] = sum(1 for c in cases if c.get("known_failure"))
    detail = ", ".join(f"{name} {n}" for name, n in per_file.items())
    warnings.warn(f"sentence cases: {total}, known failures: {sum(per_file.values())} ({detail})", stacklevel=1)

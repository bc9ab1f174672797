"""The CLI contract: every command documented with an example, exit codes, extract's JSON lines."""
from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

import pytest

from etl.cli import COMMANDS, build_parser, main

README = Path(__file__).resolve().parents[1] / "README.md"


def _subparsers():
    parser = build_parser()
    action = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return action.choices


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help_with_an_example(name, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([name, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert f"casualty-etl {name}" in out
    assert re.search(r"Example:\n  casualty-etl " + name + r"\b", out)


def test_every_command_is_in_the_readme():
    readme = README.read_text(encoding="utf-8")
    missing = [name for name in _subparsers() if f"casualty-etl {name}" not in readme]
    assert missing == []


def test_unknown_option_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["extract", "--no-such-option"])
    assert exit_info.value.code == 2


def test_no_command_is_a_usage_error(capsys):
    assert main([]) == 2


def _run_extract(monkeypatch, capsys, stdin_text, *flags):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin_text))
    code = main(["extract", "-", *flags])
    captured = capsys.readouterr()
    return code, [json.loads(line) for line in captured.out.splitlines() if line.strip()], captured.err


def test_extract_prints_contract_fields_and_exact_quotes(monkeypatch, capsys):
    text = "Four civilians, including two students, were killed in Aleppo on Friday due to insurgent shelling."
    doc = json.dumps({"id": "d1", "text": text, "published_at": "2016-08-07"})
    code, facts, _ = _run_extract(monkeypatch, capsys, doc + "\n")
    assert code == 0
    assert [(f["outcome"], f["best"], f["fact_class"]) for f in facts] == [("killed", 4, "news"), ("killed", 2, "part")]
    required = {"doc_id", "fact_id", "outcome", "low", "best", "high", "qualifier", "victim_category", "parent_fact_id",
                "cause", "actor", "place", "event_date", "reported_by", "span_start", "span_end", "quote", "rule"}
    for fact in facts:
        assert required <= set(fact)
        assert text[fact["span_start"]:fact["span_end"]] == fact["quote"]
    assert facts[1]["parent_fact_id"] == facts[0]["fact_id"] == "d1#1"


def test_extract_summary_gives_every_document_a_line_and_skips_bad_ones_loudly(monkeypatch, capsys):
    lines = [json.dumps({"id": "a", "text": "Three soldiers were killed and 5 wounded."}),
             "{not json",
             json.dumps({"id": "b", "text": "The market reopened on Monday."})]
    code, summaries, err = _run_extract(monkeypatch, capsys, "\n".join(lines) + "\n", "--summary")
    assert code == 0
    assert summaries == [{"id": "a", "killed": {"low": 3, "best": 3, "high": 3},
                          "injured": {"low": 5, "best": 5, "high": 5}},
                         {"id": "b"}]
    assert "<stdin>:2" in err and "malformed JSON" in err


def test_runs_lists_the_latest_run(tmp_path, capsys):
    sample = tmp_path / "a.txt"
    sample.write_text("Title: test\nDate: 2024-11-30\n\nTwo soldiers were killed on Friday.\n", encoding="utf-8")
    warehouse = str(tmp_path / "w.duckdb")
    assert main(["run", str(sample), "--warehouse", warehouse, "--quiet"]) == 0
    capsys.readouterr()
    assert main(["runs", "--warehouse", warehouse, "--format", "json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 1
    assert rows[0]["status"] == "completed" and rows[0]["docs_new"] == 1 and rows[0]["facts_loaded"] == 1
    assert main(["runs", "--warehouse", warehouse, "--limit", "0"]) == 2


def test_extract_with_two_workers_prints_exactly_what_one_worker_prints(tmp_path, capsys):
    texts = ["{} soldiers were killed and {} wounded in Kano on Friday.", "Police arrested {} people; {} were hurt.",
             "The market reopened after {} days.", "At least {} people died when a boat capsized; {} are missing."]
    lines = [json.dumps({"id": f"d{i}", "text": texts[i % 4].format(i % 7 + 2, i % 5 + 1), "published_at": "2024-11-30"})
             for i in range(150)]
    src = tmp_path / "docs.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    outputs = []
    for workers in ("1", "2"):
        assert main(["extract", str(src), "--workers", workers]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    assert len(outputs[0].splitlines()) > 150


def test_date_words_and_context_rules_reach_the_warehouse(tmp_path):
    import duckdb

    src = tmp_path / "a.txt"
    src.write_text("Title: t\nDate: 2024-11-30\n\nFour civilians were killed in Aleppo on Friday by shelling.\n",
                   encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    assert main(["run", str(src), "--warehouse", str(warehouse), "--quiet"]) == 0
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        event_date, date_text, rules = con.execute("select event_date, date_text, context_rules from facts").fetchone()
    finally:
        con.close()
    assert str(event_date) == "2024-11-29" and date_text == "Friday"
    assert {"cause", "place", "event_date"} <= set(json.loads(rules))


def test_quality_reports_the_run_and_views_are_stored_for_analysts(tmp_path, capsys):
    import duckdb

    src = tmp_path / "a.txt"
    src.write_text("Title: t\nDate: 2024-11-30\n\nTwo soldiers were killed on Friday.\n", encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    assert main(["run", str(src), "--warehouse", str(warehouse), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["quality", "--warehouse", str(warehouse), "--format", "json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["facts"] == 1 and row["counted_without_place"] == 1 and row["largest_counted"] == 2
    con = duckdb.connect(str(warehouse), read_only=True)  # a plain DuckDB client sees the stored views
    try:
        assert con.execute("select best from casualties_by_outcome where outcome = 'killed' and unit = 'fact'").fetchone()[0] == 2
    finally:
        con.close()

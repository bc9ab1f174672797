"""Pandera contracts: good frames pass; each bad frame fails on the check and column it is about."""
from __future__ import annotations

import re
from datetime import date

import polars as pl
import pytest

from etl import frames, warehouse
from etl.pipeline import extract_records
from etl.validation import validate
from schemas import DocumentModel, FactCheckModel, FactModel, QuarantineModel, dictionary

TEXT = ("At least 12 civilians were killed when shells hit the market on Friday. "
        "Four civilians, among them two students, were killed in Aleppo. Another 30 people were wounded.")
PUBLISHED = date(2024, 11, 30)
HXL = re.compile(r"^#[a-z][a-z0-9_]*(\+[a-z][a-z0-9_]*)*$")


def good_rows() -> list[dict]:
    records, error = extract_records(TEXT, PUBLISHED, "d1")
    assert error is None and len(records) >= 3
    return [dict(r, extractor_version="v", run_id="r") for r in records]


def check_frame(rows):
    return frames.facts_frame(rows, {"d1": (PUBLISHED, TEXT)})


def failures(rows):
    return {(f["check"], f["column"]) for f in validate(FactCheckModel, check_frame(rows))}


def test_extracted_facts_pass():
    rows = good_rows()
    assert validate(FactCheckModel, check_frame(rows)) == []
    assert validate(FactModel, frames.facts_frame(rows)) == []


@pytest.mark.parametrize("change, check, column", [
    ({"best": -1, "low": None, "high": None}, "greater_than_or_equal_to(0)", "best"),
    ({"low": 1000}, "low_le_best", "low"),
    ({"high": 1, "low": None}, "best_le_high", "best"),
    ({"outcome": "exploded"}, "isin", "outcome"),
    ({"qualifier": "roughly"}, "isin", "qualifier"),
    ({"fact_class": "gossip"}, "isin", "fact_class"),
    ({"victim_category": "aliens"}, "isin", "victim_category"),
    ({"count_anchor": "sometimes"}, "isin", "count_anchor"),
    ({"quote": "x"}, "quote_length_matches_span", "quote"),
    ({"event_date": date(2024, 12, 25)}, "event_date_not_after_published", "event_date"),
    ({"lat": 123.0}, "in_range", "lat"),
    ({"fact_id": "other#1"}, "fact_id_in_document", "fact_id"),
])
def test_bad_value_names_check_and_column(change, check, column):
    rows = good_rows()
    last = len(rows) - 1  # a fact with no parent and no sub-counts
    assert rows[last]["parent_fact_id"] is None
    assert all(r["parent_fact_id"] != rows[last]["fact_id"] for r in rows)
    rows[last].update(change)
    found = failures(rows)
    assert any(c.startswith(check) and col == column for c, col in found), found
    # only the changed row fails
    assert {f["index"] for f in validate(FactCheckModel, check_frame(rows))} == {last}


def test_quote_must_equal_the_text_at_the_span():
    rows = good_rows()
    n = rows[0]["span_end"] - rows[0]["span_start"]
    rows[0]["quote"] = "Z" * n  # right length, wrong words
    assert ("quote_equals_span", "quote") in failures(rows)


def test_subcount_never_above_its_parent():
    rows = good_rows()
    child = dict(rows[1], fact_id="d1#99", parent_fact_id=rows[1]["fact_id"], best=rows[1]["best"] + 1,
                 low=rows[1]["best"] + 1, high=rows[1]["best"] + 1)
    found = failures(rows + [child])
    assert ("subcount_le_parent", "best") in found
    ok_child = dict(child, best=1, low=1, high=1)
    assert failures(rows + [ok_child]) == set()


def test_subcount_with_missing_parent_fails():
    rows = good_rows()
    rows[0]["parent_fact_id"] = "d1#404"
    assert ("subcount_le_parent", "best") in failures(rows)


def test_wrong_dtype_is_a_bug_not_data():
    from etl.errors import FatalError
    frame = frames.facts_frame(good_rows()).with_columns(pl.col("best").cast(pl.Int64))
    with pytest.raises(FatalError, match="best"):
        validate(FactModel, frame)


def test_document_model_checks():
    row = {"doc_id": "d1", "content_hash": "a" * 64, "text": "Two people were killed.", "superseded_by": None}
    assert validate(DocumentModel, frames.documents_frame([row])) == []
    bad = [dict(row, text="   "), dict(row, doc_id="d2", content_hash="not-a-hash")]
    found = {(f["index"], f["check"]) for f in validate(DocumentModel, frames.documents_frame(bad))}
    assert (0, "text_not_blank") in found
    assert any(i == 1 and c.startswith("str_matches") for i, c in found)


@pytest.mark.parametrize("model", [DocumentModel, FactModel, QuarantineModel])
def test_every_column_has_description_and_hxl_metadata(model):
    for col in dictionary(model):
        assert col["description"] and len(col["description"]) > 5, col["column"]
        assert col["hxl"] is None or HXL.match(col["hxl"]), (col["column"], col["hxl"])
    schema = model.to_schema()
    assert all("hxl" in (c.metadata or {}) for c in schema.columns.values())


@pytest.mark.parametrize("model, table", [(DocumentModel, "documents"), (FactModel, "facts"),
                                          (QuarantineModel, "quarantine")])
def test_models_match_the_ddl_column_order(model, table):
    con = warehouse.connect(":memory:")
    ddl = [r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_name = ? order by ordinal_position",
        [table]).fetchall()]
    assert list(model.to_schema().columns) == ddl

"""Loading: idempotent by content hash, one transaction per batch, quarantine with reasons, versions."""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from etl import load, pipeline
from etl.pipeline import reprocess, run_pipeline

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "etl" / "samples"


@pytest.fixture(autouse=True)
def no_incidents(monkeypatch):
    """These tests are about loading; incidents are rebuilt by their own module's tests."""
    monkeypatch.setattr(pipeline, "_rebuild_incidents", lambda con: False)


def run(inputs, wh, **kw):
    kw.setdefault("quiet", True)
    kw.setdefault("workers", 1)
    return run_pipeline([str(i) for i in inputs], warehouse=str(wh), **kw)


def counts(wh) -> dict:
    con = duckdb.connect(str(wh), read_only=True)
    try:
        q = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
        return {"documents": q("select count(*) from documents"),
                "current": q("select count(*) from documents where superseded_by is null"),
                "facts": q("select count(*) from facts"),
                "best": q("select coalesce(sum(best), 0) from facts"),
                "hashes": q("select count(distinct content_hash) from documents")}
    finally:
        con.close()


def rows(wh, sql, params=None):
    con = duckdb.connect(str(wh), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def write_jsonl(path: Path, docs: list[dict]) -> Path:
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    return path


def test_same_inputs_twice_change_no_counts(tmp_path):
    wh = tmp_path / "w.duckdb"
    first = run([SAMPLES], wh)
    after_first = counts(wh)
    assert first.counts.new >= 12 and first.counts.facts > 20
    assert after_first["facts"] == first.counts.facts
    second = run([SAMPLES], wh)
    assert counts(wh) == after_first
    assert second.counts.new == 0 and second.counts.facts == 0
    assert second.counts.skipped == first.counts.new
    assert second.counts.seen == first.counts.seen


def test_batches_of_any_size_load_the_same(tmp_path):
    run([SAMPLES], tmp_path / "big.duckdb", batch_size=500)
    run([SAMPLES], tmp_path / "small.duckdb", batch_size=3)
    assert counts(tmp_path / "big.duckdb") == counts(tmp_path / "small.duckdb")
    fact_sql = "select fact_id, outcome, best, quote from facts order by fact_id"
    assert rows(tmp_path / "big.duckdb", fact_sql) == rows(tmp_path / "small.duckdb", fact_sql)


def test_failure_mid_batch_leaves_nothing_of_that_batch(tmp_path, monkeypatch):
    wh = tmp_path / "w.duckdb"
    docs = [{"id": f"d{i}", "text": f"{i + 2} civilians were killed in the village on Monday."} for i in range(6)]
    src = write_jsonl(tmp_path / "in.jsonl", docs)
    real = load._insert_facts
    calls = []

    def flaky(con, frame):
        calls.append(frame.height)
        if len(calls) == 2:  # the second batch: documents are already inserted when this fails
            raise RuntimeError("disk on fire")
        real(con, frame)

    monkeypatch.setattr(load, "_insert_facts", flaky)
    with pytest.raises(RuntimeError, match="disk on fire"):
        run([src], wh, batch_size=3)
    # batch 1 (d0-d2) committed whole; batch 2 (d3-d5) left nothing, not even its documents
    assert [r[0] for r in rows(wh, "select doc_id from documents order by doc_id")] == ["d0", "d1", "d2"]
    assert rows(wh, "select distinct doc_id from facts order by doc_id") == [("d0",), ("d1",), ("d2",)]
    status, new, error = rows(wh, "select status, docs_new, error from runs")[0]
    assert status == "failed" and new == 3 and "disk on fire" in error
    monkeypatch.setattr(load, "_insert_facts", real)
    again = run([src], wh, batch_size=3)  # the re-run completes to the same counts as a clean run
    assert (again.counts.skipped, again.counts.new) == (3, 3)
    clean = tmp_path / "clean.duckdb"
    run([src], clean, batch_size=3)
    assert counts(wh) == counts(clean)


def test_a_failing_fact_row_is_quarantined_with_its_reason_and_the_rest_load(tmp_path, monkeypatch):
    wh = tmp_path / "w.duckdb"
    src = write_jsonl(tmp_path / "in.jsonl", [
        {"id": "good", "text": "Three soldiers were killed. Five people were injured."},
        {"id": "bad", "text": "Two civilians were killed. Seven people were wounded."}])
    real = pipeline.extract_records

    def corrupting(text, published, doc_id):
        records, error = real(text, published, doc_id)
        if doc_id == "bad":
            records[0]["low"] = records[0]["best"] + 5  # low > best breaks the contract
        return records, error

    monkeypatch.setattr(pipeline, "extract_records", corrupting)
    result = run([src], wh)
    assert result.counts.new == 2 and result.counts.fact_rows == 1
    assert rows(wh, "select fact_id from facts order by fact_id") == [("bad#2",), ("good#1",), ("good#2",)]
    q = rows(wh, "select run_id, doc_id, stage, failed_check, column_name, offending_value, reason, raw "
                 "from quarantine")
    assert len(q) == 1
    run_id, doc_id, stage, check, column, value, reason, raw = q[0]
    assert (run_id, doc_id, stage, check, column) == (result.run_id, "bad", "validate", "low_le_best", "low")
    assert value == "low=7, best=2" and "low <= best" in reason and "bad#1" in reason
    assert raw == "Two civilians were killed"
    assert rows(wh, "select rows_quarantined, facts_loaded from runs") == [(1, 3)]
    assert "1 fact rows quarantined" in result.summary_line()


def test_changed_document_at_same_url_supersedes_the_old_version(tmp_path):
    wh = tmp_path / "w.duckdb"
    url = "https://example.org/story"
    v1 = write_jsonl(tmp_path / "v1.jsonl", [{"id": "story", "url": url, "text": "Four people were killed."}])
    v2 = write_jsonl(tmp_path / "v2.jsonl", [{"id": "story", "url": url, "text": "Nine people were killed."}])
    run([v1], wh)
    second = run([v2], wh)
    assert second.counts.new == 1
    docs = rows(wh, "select doc_id, superseded_by from documents order by doc_id")
    new_id = docs[1][0]
    assert docs[0] == ("story", new_id) and new_id.startswith("story~") and docs[1][1] is None
    # the old version and its facts are kept; only the new one is current
    assert rows(wh, "select doc_id, best from facts order by doc_id") == [("story", 4), (new_id, 9)]
    current = rows(wh, "select f.best from facts f join documents d using (doc_id) where d.superseded_by is null")
    assert current == [(9,)]
    run([v1], wh)  # the old text again: already stored, changes nothing
    assert len(rows(wh, "select * from documents")) == 2


def test_two_versions_in_one_batch_the_later_is_current(tmp_path):
    wh = tmp_path / "w.duckdb"
    url = "https://example.org/live"
    src = write_jsonl(tmp_path / "in.jsonl", [{"url": url, "text": "Two people were killed."},
                                               {"url": url, "text": "Five people were killed."}])
    run([src], wh)
    got = rows(wh, "select d.superseded_by is null, f.best from documents d join facts f using (doc_id) "
                   "order by f.best")
    assert got == [(False, 2), (True, 5)]


def test_duplicate_text_within_one_input_is_loaded_once(tmp_path):
    wh = tmp_path / "w.duckdb"
    src = write_jsonl(tmp_path / "in.jsonl", [{"text": "Six people were killed."}] * 3)
    result = run([src], wh)
    assert (result.counts.new, result.counts.skipped) == (1, 2)
    assert counts(wh)["facts"] == 1


def test_reprocess_rederives_stale_documents_only(tmp_path):
    wh = tmp_path / "w.duckdb"
    run([SAMPLES], wh)
    before = rows(wh, "select fact_id, best, quote from facts order by fact_id")
    con = duckdb.connect(str(wh))
    con.execute("update documents set extractor_version = 'old' where doc_id in "
                "(select doc_id from documents order by doc_id limit 2)")
    stale = [r[0] for r in con.execute("select doc_id from documents where extractor_version = 'old'").fetchall()]
    con.execute("delete from facts where doc_id in (select unnest(?::varchar[]))", [stale])
    con.close()
    result = reprocess(str(wh))
    assert result.counts.seen == 2
    assert rows(wh, "select fact_id, best, quote from facts order by fact_id") == before
    assert rows(wh, "select count(*) from documents where extractor_version = 'old'") == [(0,)]
    assert reprocess(str(wh)).counts.seen == 0  # nothing stale any more
    everything = reprocess(str(wh), everything=True)
    assert everything.counts.seen == counts(wh)["current"]
    assert rows(wh, "select fact_id, best, quote from facts order by fact_id") == before
    assert "documents re-derived" in everything.summary_line()


def test_reader_issues_are_quarantined_but_the_document_loads(tmp_path, monkeypatch):
    from etl.documents import Document
    wh = tmp_path / "w.duckdb"
    doc = Document(text="Two people were killed.", id="d1", ref="feed.jsonl:7",
                   meta={"issues": [{"check": "unparseable_date", "column": "published_at", "value": "31/31/2024",
                                     "reason": "published_at '31/31/2024' is not a date; stored without one"}]})
    monkeypatch.setattr(pipeline, "read_documents", lambda inputs, sources, stdin, con=None: iter([doc]))
    result = run(["ignored"], wh)
    assert result.counts.new == 1 and result.counts.quarantined == 0
    assert rows(wh, "select doc_id, published_at from documents") == [("d1", None)]
    assert rows(wh, "select input_ref, doc_id, stage, failed_check, column_name, offending_value from quarantine") \
        == [("feed.jsonl:7", "d1", "read", "unparseable_date", "published_at", "31/31/2024")]


def test_list_runs_newest_first(tmp_path):
    from etl.runs import list_runs
    wh = tmp_path / "w.duckdb"
    first = run([SAMPLES], wh)
    second = run([SAMPLES], wh)
    listed = list_runs(wh)
    assert [r["run_id"] for r in listed] == [second.run_id, first.run_id]
    assert listed[0]["status"] == "completed" and listed[0]["docs_skipped"] == first.counts.new


def test_a_value_that_does_not_fit_its_column_is_quarantined_not_fatal(tmp_path, monkeypatch):
    wh = tmp_path / "w.duckdb"
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "huge", "text": "Two people were killed. Four were hurt."}])
    real = pipeline.extract_records

    def overflowing(text, published, doc_id):
        records, error = real(text, published, doc_id)
        records[0].update(low=3_000_000_000, best=3_000_000_000, high=3_000_000_000)  # beyond a 32-bit integer
        return records, error

    monkeypatch.setattr(pipeline, "extract_records", overflowing)
    result = run([src], wh)
    assert result.counts.new == 1 and result.counts.fact_rows == 1
    assert rows(wh, "select failed_check, column_name, offending_value from quarantine") == \
        [("dtype", "low", "3000000000")]
    assert rows(wh, "select count(*) from facts where fact_id = 'huge#1'") == [(0,)]


def test_a_document_field_of_the_wrong_type_quarantines_that_document_only(tmp_path, monkeypatch):
    from etl.documents import Document
    wh = tmp_path / "w.duckdb"
    docs = [Document(text="Two people were killed.", id="good", ref="in.jsonl:1"),
            Document(text="Three people were killed.", id="odd", title=["not", "a", "string"], ref="in.jsonl:2")]
    monkeypatch.setattr(pipeline, "read_documents", lambda inputs, sources, stdin, con=None: iter(docs))
    result = run(["ignored"], wh)
    assert (result.counts.new, result.counts.quarantined) == (1, 1)
    assert rows(wh, "select doc_id from documents") == [("good",)]
    assert rows(wh, "select distinct doc_id from facts") == [("good",)]
    assert rows(wh, "select input_ref, doc_id, failed_check, column_name from quarantine") == \
        [("in.jsonl:2", "odd", "dtype", "title")]


def test_reprocess_resolves_relative_dates_as_the_run_did(tmp_path):
    wh = tmp_path / "w.duckdb"
    # 01:00 on Saturday 30 November in the publisher's zone is still Friday 29 November in UTC
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "late", "published_at": "2024-11-30T01:00:00+03:00",
                                               "text": "Two people were killed in Aleppo yesterday."}])
    run([src], wh)
    sql = "select fact_id, best, event_date from facts order by fact_id"
    first = rows(wh, sql)
    assert [str(r[2]) for r in first] == ["2024-11-29"]
    assert rows(wh, "select published_date, published_at from documents")[0][0].isoformat() == "2024-11-30"
    reprocess(str(wh), everything=True)
    assert rows(wh, sql) == first


def test_changed_text_under_the_same_id_without_url_supersedes(tmp_path):
    wh = tmp_path / "w.duckdb"
    for n, text in enumerate(["Four people were killed.", "Six people were killed.", "Seven people were killed."]):
        run([write_jsonl(tmp_path / f"v{n}.jsonl", [{"id": "n1", "text": text}])], wh)
    got = rows(wh, "select doc_id, superseded_by from documents order by rowid")
    assert [r[0] == "n1" or r[0].startswith("n1~") for r in got] == [True] * 3
    assert [r[1] for r in got] == [got[1][0], got[2][0], None]  # a chain: each version points to the next
    current = rows(wh, "select f.best from facts f join documents d using (doc_id) where d.superseded_by is null")
    assert current == [(7,)]


def test_the_same_id_from_another_source_is_another_document(tmp_path):
    wh = tmp_path / "w.duckdb"
    run([write_jsonl(tmp_path / "a.jsonl", [{"id": "1", "source": "Agency A", "text": "Four people were killed."}])],
        wh)
    run([write_jsonl(tmp_path / "b.jsonl", [{"id": "1", "source": "Agency B", "text": "Six people were killed."}])],
        wh)
    assert rows(wh, "select count(*) from documents where superseded_by is null") == [(2,)]

"""Validate -> split valid rows from quarantine -> insert by content hash, one transaction per batch.

A batch is planned against the warehouse first (``plan_batch`` in etl.plan: skip known content hashes,
give changed texts under a known id a version id), then extracted by the pipeline, then loaded here
(``load_batch``): documents and facts are validated with Pandera on collected frames (``lazy=True``, see
etl.validation); every failing row becomes a ``quarantine`` row with its check, column, value and a
readable reason; the rest goes in through Arrow together with the supersede marks, the quarantine rows
and the run's counters, in one transaction, so a crash leaves whole batches only. ``replace_facts``
does the same for re-derived facts of stored documents.

The batch model, ``plan_batch`` and the validation functions are importable from here too.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time

import duckdb
import polars as pl

from etl import frames
from etl.documents import Document, DocumentError
from etl.plan import Batch, Counts, NewDocument, plan_batch
from etl.validation import (RAW_LIMIT, TYPE_ERRORS, check_facts, error_row, issue_rows, read_check, untypeable,
                            validate)
from etl.warehouse import fetch_all, sql_text

__all__ = [
    "ADD_COUNTS", "DELETE_FACTS_OF_DOCUMENTS", "RAW_LIMIT", "SET_EXTRACTOR_VERSION", "SUPERSEDE", "TYPE_ERRORS",
    "Batch", "Counts", "NewDocument", "add_counts", "check_facts", "error_row", "issue_rows", "load_batch",
    "plan_batch", "read_check", "replace_facts", "stored_documents", "untypeable", "validate",
]

# Statements that change rows are kept here, with bound parameters only; the queries and the
# Arrow inserts are files in sql/load/ (whose files end in a select, see tests/test_sql.py).
SUPERSEDE = """
update documents
set superseded_by = s.new_id
from batch_supersede as s
where documents.doc_id = s.old_id
  and documents.superseded_by is null
"""
DELETE_FACTS_OF_DOCUMENTS = "delete from facts where doc_id in (select unnest($ids::varchar[]))"
SET_EXTRACTOR_VERSION = "update documents set extractor_version = $version where doc_id in (select unnest($ids::varchar[]))"
ADD_COUNTS = """
update runs
set docs_seen = docs_seen + $seen,
    docs_new = docs_new + $new,
    docs_skipped = docs_skipped + $skipped,
    docs_quarantined = docs_quarantined + $quarantined,
    facts_loaded = facts_loaded + $facts,
    rows_quarantined = rows_quarantined + $rows_quarantined
where run_id = $run_id
"""


def _register_insert(con, name: str, frame: pl.DataFrame, sql: str) -> None:
    """Register ``frame`` (Arrow, zero-copy) as ``name`` and run ``sql`` that reads it."""
    if frame.height == 0:
        return
    con.register(name, frame.to_arrow())
    try:
        con.execute(sql)
    finally:
        con.unregister(name)


def _insert_documents(con, frame: pl.DataFrame) -> None:
    _register_insert(con, "batch_documents", frame, sql_text("load/insert_documents"))


def _insert_facts(con, frame: pl.DataFrame) -> None:
    _register_insert(con, "batch_facts", frame, sql_text("load/insert_facts"))


def _insert_quarantine(con, frame: pl.DataFrame) -> None:
    _register_insert(con, "batch_quarantine", frame, sql_text("load/insert_quarantine"))


def _supersede(con, pairs: list[tuple[str, str]]) -> None:
    if pairs:
        frame = pl.DataFrame(pairs, schema={"old_id": pl.String, "new_id": pl.String}, orient="row")
        _register_insert(con, "batch_supersede", frame, SUPERSEDE)


def load_batch(con: duckdb.DuckDBPyConnection, batch: Batch, run_id: str, extractor_version: str) -> Counts:
    """Validate and load one extracted batch in a single transaction; returns its counts."""
    qrows = [error_row(e, run_id) for e in batch.errors]
    counts = Counts(seen=batch.seen, skipped=batch.skipped, quarantined=len(batch.errors))
    extracted = []
    for nd in batch.new:
        if nd.error is not None or nd.facts is None:
            qrows.append(error_row(DocumentError(nd.doc.ref or nd.doc_id, nd.error or "not extracted",
                                                 nd.doc.text[:RAW_LIMIT], stage="extract"), run_id)
                         | {"doc_id": nd.doc_id})
            counts.quarantined += 1
        else:
            extracted.append(nd)

    doc_rows = [frames.document_row(nd.doc, nd.doc_id, extractor_version, run_id) for nd in extracted]
    from schemas.documents import DocumentModel
    doc_failures: dict[int, list[dict]] = defaultdict(list)
    typed = list(range(len(doc_rows)))
    try:
        docs_frame = frames.documents_frame(doc_rows)
    except TYPE_ERRORS:
        for i, failure in untypeable(doc_rows, frames.document_schema()).items():
            doc_failures[i].append(failure)
        typed = [i for i in typed if i not in doc_failures]
        docs_frame = frames.documents_frame([doc_rows[i] for i in typed])
    for failure in validate(DocumentModel, docs_frame):
        doc_failures[typed[failure["index"]]].append(failure)
    kept: list[NewDocument] = []
    for i, nd in enumerate(extracted):
        if i in doc_failures:
            counts.quarantined += 1
            for f in doc_failures[i]:
                qrows.append({"run_id": run_id, "input_ref": nd.doc.ref or None, "doc_id": nd.doc_id,
                              "stage": "validate", "failed_check": f["check"], "column_name": f["column"],
                              "offending_value": None if f["value"] is None else str(f["value"])[:RAW_LIMIT],
                              "reason": f"document {nd.doc_id}: {f['reason']}", "raw": nd.doc.text[:RAW_LIMIT]})
        else:
            kept.append(nd)
    doc_rows = [r for i, r in enumerate(doc_rows) if i not in doc_failures]

    for nd in kept:  # problems a reader noted but that do not stop the document (e.g. an unparseable date)
        qrows.extend(issue_rows(nd, run_id))

    supersede = _supersede_pairs(con, kept, doc_rows)
    context = {nd.doc_id: (nd.doc.published_date, nd.doc.text) for nd in kept}
    refs = {nd.doc_id: nd.doc.ref or None for nd in kept}
    fact_rows = [dict(r, extractor_version=extractor_version, run_id=run_id) for nd in kept for r in nd.facts]
    facts_frame, fact_qrows = check_facts(fact_rows, context, refs, run_id)
    qrows.extend(fact_qrows)
    counts.fact_rows = len(fact_qrows)
    counts.new = len(kept)
    counts.facts = facts_frame.height
    counts.rows_quarantined = len(qrows)

    docs_frame = frames.documents_frame(doc_rows)
    quarantine = frames.quarantine_frame(qrows)
    batch.quarantined = qrows
    con.execute("begin transaction")
    try:
        _insert_documents(con, docs_frame)
        _supersede(con, supersede)
        _insert_facts(con, facts_frame)
        _insert_quarantine(con, quarantine)
        add_counts(con, run_id, counts)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return counts


def _version_key(doc: Document) -> tuple | None:
    """What makes two texts versions of one document: the same URL, else the same source and given id."""
    if doc.url:
        return ("url", doc.url)
    if doc.id:
        return ("id", doc.source, doc.id)
    return None


def _supersede_pairs(con, kept: list[NewDocument], doc_rows: list[dict]) -> list[tuple[str, str]]:
    """(old doc_id, new doc_id) for every current older version of a new document: same URL, or (for
    documents without a URL) the same given id.

    Within the batch the later document wins; the earlier one's row is marked before insert.
    """
    latest: dict[tuple[str, str], int] = {}
    for i, nd in enumerate(kept):
        key = _version_key(nd.doc)
        if key is None:
            continue
        if key in latest:
            doc_rows[latest[key]]["superseded_by"] = nd.doc_id
        latest[key] = i
    urls = sorted(key[1] for key in latest if key[0] == "url")
    ids = [key[1:] for key in latest if key[0] == "id"]
    pairs = []
    if urls:
        pairs += [(old, kept[latest[("url", url)]].doc_id)
                  for old, url in fetch_all(con, "load/current_at_urls", {"urls": urls})]
    if ids:
        found = fetch_all(con, "load/current_versions_of_ids",
                          {"sources": [s for s, _ in ids], "ids": [i for _, i in ids]})
        pairs += [(old, kept[latest[("id", source, given)]].doc_id) for old, source, given in found]
    return pairs


def add_counts(con, run_id: str, counts: Counts) -> None:
    """Add a batch's counts to the run row (call inside the batch transaction)."""
    con.execute(ADD_COUNTS, {"run_id": run_id, "seen": counts.seen, "new": counts.new,
                                     "skipped": counts.skipped, "quarantined": counts.quarantined,
                                     "facts": counts.facts, "rows_quarantined": counts.rows_quarantined})


def replace_facts(con: duckdb.DuckDBPyConnection, docs: list[NewDocument], run_id: str,
                  extractor_version: str) -> Counts:
    """Re-derived facts for stored documents: delete the old facts and insert the new, one transaction."""
    counts = Counts(seen=len(docs))
    qrows = []
    ok = []
    for nd in docs:
        if nd.error is not None or nd.facts is None:
            qrows.append(error_row(DocumentError(nd.doc.ref or nd.doc_id, nd.error or "not extracted",
                                                 stage="extract"), run_id) | {"doc_id": nd.doc_id})
            counts.quarantined += 1
        else:
            ok.append(nd)
    context = {nd.doc_id: (nd.doc.published_date, nd.doc.text) for nd in ok}
    refs = {nd.doc_id: nd.doc.ref or None for nd in ok}
    fact_rows = [dict(r, extractor_version=extractor_version, run_id=run_id) for nd in ok for r in nd.facts]
    facts_frame, fact_qrows = check_facts(fact_rows, context, refs, run_id)
    qrows.extend(fact_qrows)
    counts.fact_rows = len(fact_qrows)
    counts.new = len(ok)
    counts.facts = facts_frame.height
    counts.rows_quarantined = len(qrows)
    ids = [nd.doc_id for nd in ok]
    con.execute("begin transaction")
    try:
        if ids:
            con.execute(DELETE_FACTS_OF_DOCUMENTS, {"ids": ids})
        _insert_facts(con, facts_frame)
        if ids:
            con.execute(SET_EXTRACTOR_VERSION, {"ids": ids, "version": extractor_version})
        _insert_quarantine(con, frames.quarantine_frame(qrows))
        add_counts(con, run_id, counts)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return counts


def stored_documents(con: duckdb.DuckDBPyConnection, ids: list[str]) -> list[NewDocument]:
    """Stored documents (text and publication time) of ``ids``, ready for re-extraction."""
    out = []
    for doc_id, text, published_date, ref in fetch_all(con, "load/documents_by_id", {"ids": ids}):
        # the stored local publication date, so relative dates resolve as they did when the document was loaded
        published = datetime.combine(published_date, time()) if published_date is not None else None
        out.append(NewDocument(Document(text=text, id=doc_id, published_at=published, ref=ref or doc_id), doc_id))
    return out

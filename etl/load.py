"""Validate -> split valid rows from quarantine -> insert by content hash, one transaction per batch.

A batch is planned against the warehouse first (``plan_batch``: skip known content hashes, give
changed texts under a known id a version id), then extracted by the pipeline, then loaded here
(``load_batch``): documents and facts are validated with Pandera on collected frames (``lazy=True``);
every failing row becomes a ``quarantine`` row with its check, column, value and a readable reason;
the rest goes in through Arrow together with the supersede marks, the quarantine rows and the run's
counters, in one transaction, so a crash leaves whole batches only.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

import duckdb
import pandera.polars as pa
import polars as pl

from etl import frames
from etl.documents import Document, DocumentError
from etl.errors import FatalError
from etl.warehouse import fetch_all, sql_text

RAW_LIMIT = 2000

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


@dataclass
class Counts:
    """What one batch (or a whole run) did."""

    seen: int = 0
    new: int = 0
    skipped: int = 0
    quarantined: int = 0          # documents kept out (bad input, extraction crash, failed document checks)
    facts: int = 0
    rows_quarantined: int = 0     # quarantine rows written (documents and fact rows)
    fact_rows: int = 0            # of which fact rows (not stored in ``runs``; for the summary line)

    def add(self, other: "Counts") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class NewDocument:
    """A document to load: its warehouse id, and (after extraction) its fact records or the error."""

    doc: Document
    doc_id: str
    facts: list[dict] | None = None
    error: str | None = None


@dataclass
class Batch:
    """One planned batch: new documents, bad inputs, and how many were already loaded."""

    new: list[NewDocument] = field(default_factory=list)
    errors: list[DocumentError] = field(default_factory=list)
    skipped: int = 0
    quarantined: list[dict] = field(default_factory=list)  # quarantine rows written by load_batch

    @property
    def seen(self) -> int:
        return len(self.new) + len(self.errors) + self.skipped


# ---------------------------------------------------------------- planning (read-only queries)

def plan_batch(con: duckdb.DuckDBPyConnection, items: list[Document | DocumentError]) -> Batch:
    """Split reader output into bad inputs, already-loaded documents (skipped) and new ones with ids.

    A known content hash is skipped cheaply (before extraction). A new text whose id is already taken
    (same id, changed text) gets the version id ``<id>~<8 hash digits>``.
    """
    batch = Batch()
    docs = []
    for item in items:
        (batch.errors if isinstance(item, DocumentError) else docs).append(item)
    hashes = [d.content_hash for d in docs]
    known = {r[0] for r in fetch_all(con, "load/known_hashes", {"hashes": hashes})} if hashes else set()
    wanted = {d.doc_id for d in docs}
    taken = {r[0] for r in fetch_all(con, "load/existing_doc_ids", {"ids": sorted(wanted)})} if wanted else set()
    for doc in docs:
        digest = doc.content_hash
        if digest in known:
            batch.skipped += 1
            continue
        known.add(digest)
        doc_id = doc.doc_id
        if doc_id in taken:
            doc_id = f"{doc_id}~{digest[:8]}"
        taken.add(doc_id)
        batch.new.append(NewDocument(doc, doc_id))
    return batch


# ---------------------------------------------------------------- validation -> quarantine rows

def _row_checks(model) -> dict:
    from schemas import documents, facts
    return facts.ROW_CHECKS if issubclass(model, facts.FactModel) else documents.ROW_CHECKS


def _reason(check: str, column: str, value) -> str:
    if check.startswith("isin("):
        return f"{column} {value!r} is not a known value; allowed: {check[5:-1]}"
    if check == "not_nullable":
        return f"{column} is missing (null) but required"
    if check in ("field_uniqueness", "unique"):
        return f"{column} {value!r} occurs more than once in the batch"
    if check.startswith("greater_than_or_equal_to("):
        return f"{column} must be >= {check[25:-1]}, got {value}"
    if check.startswith("in_range("):
        return f"{column} {value} is outside the range {check[9:-1]}"
    if check.startswith("str_length("):
        return f"{column} has the wrong length ({check[11:-1]})"
    if check.startswith("str_matches("):
        return f"{column} {value!r} does not match {check[12:-1]}"
    return f"{column} failed {check} with value {value!r}"


def validate(model: type[pa.DataFrameModel], frame: pl.DataFrame) -> list[dict]:
    """Validate a collected frame (lazy=True); one dict per failing (row, check): index, check, column,
    value, reason. Frame-level failures (missing column, wrong dtype) are bugs, not data: FatalError.

    >>> from schemas import QuarantineModel
    >>> validate(QuarantineModel, frames.quarantine_frame([]))
    []
    """
    try:
        model.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    else:
        return []
    frame_level = cases.filter(pl.col("index").is_null())
    if frame_level.height:
        detail = "; ".join(f"{r['column']}: {r['check']} ({r['failure_case']})" for r in frame_level.iter_rows(named=True))
        raise FatalError(f"{model.__name__} does not match the frame built for it: {detail}")
    row_checks = _row_checks(model)
    failures = []
    for case in cases.iter_rows(named=True):
        index, check = int(case["index"]), case["check"]
        if case["schema_context"] == "DataFrameSchema" and check in row_checks:
            columns, reason = row_checks[check]
            row = frame.row(index, named=True)
            value = ", ".join(f"{c}={row.get(c)!r}" for c in columns)
            failures.append({"index": index, "check": check, "column": columns[0], "value": value,
                             "reason": f"{reason} ({value})"})
        else:
            column = case["column"]
            failures.append({"index": index, "check": check, "column": column, "value": case["failure_case"],
                             "reason": _reason(check, column, case["failure_case"])})
    return failures


# reader messages -> a check name to filter quarantine rows by (first match wins)
_READ_CHECKS = (("no such file", "missing_input"), ("unsupported file type", "unsupported_type"),
                ("binary", "binary_content"), ("utf-8", "invalid_encoding"), ("decode", "invalid_encoding"),
                ("json", "malformed_json"), ("'text'", "missing_text"), ("text field", "missing_text"),
                ("empty", "empty_document"), ("larger than", "too_large"), ("html", "malformed_html"))


def read_check(err: DocumentError) -> str:
    """Check name of a reader error: the error's own ``check`` if it has one, else from its message.

    >>> read_check(DocumentError("a.jsonl:3", "malformed JSON: Expecting value at column 1"))
    'malformed_json'
    """
    own = getattr(err, "check", None)
    if own:
        return own
    stage = err.stage or "read"
    if stage == "read":
        reason = err.reason.lower()
        for words, check in _READ_CHECKS:
            if words in reason:
                return check
    return f"{stage}_error"


def error_row(err: DocumentError, run_id: str) -> dict:
    """Quarantine row for a bad input (unreadable file, malformed line, extraction crash)."""
    return {"run_id": run_id, "input_ref": err.ref, "doc_id": None, "stage": err.stage or "read",
            "failed_check": read_check(err), "column_name": None, "offending_value": None,
            "reason": err.reason, "raw": err.raw[:RAW_LIMIT] if err.raw else None}


def issue_rows(nd: "NewDocument", run_id: str) -> list[dict]:
    """Quarantine rows for ``doc.meta["issues"]``: problems a reader found in a document it still yields,
    each a dict with ``check``, ``reason`` and optionally ``column``, ``value`` (the document loads)."""
    rows = []
    for issue in nd.doc.meta.get("issues") or ():
        value = issue.get("value")
        rows.append({"run_id": run_id, "input_ref": nd.doc.ref or None, "doc_id": nd.doc_id,
                     "stage": issue.get("stage", "read"), "failed_check": issue.get("check") or "reader_issue",
                     "column_name": issue.get("column"), "offending_value": None if value is None else str(value),
                     "reason": issue.get("reason") or "reader issue", "raw": None})
    return rows


# ---------------------------------------------------------------- loading

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


TYPE_ERRORS = (TypeError, ValueError, OverflowError, pl.exceptions.PolarsError)


def untypeable(rows: list[dict], schema: dict) -> dict[int, dict]:
    """Rows with a value that cannot be stored in its column's type (a 3e9 count in an integer column,
    text where a number belongs): {row index: failure}. Called only when building the whole frame failed."""
    bad: dict[int, dict] = {}
    for column, dtype in schema.items():
        for i, row in enumerate(rows):
            if i in bad:
                continue
            try:
                pl.Series(column, [row.get(column)], dtype=dtype)
            except TYPE_ERRORS:
                value = row.get(column)
                bad[i] = {"index": i, "check": "dtype", "column": column, "value": repr(value)[:200],
                          "reason": f"{column} {value!r} cannot be stored as {dtype}"}
    return bad


def check_facts(fact_rows: list[dict], context: dict[str, tuple[date | None, str]], refs: dict[str, str | None],
                run_id: str) -> tuple[pl.DataFrame, list[dict]]:
    """Validate fact records with FactCheckModel: (valid frame in FactModel columns, quarantine rows).

    A sub-count whose parent is quarantined is quarantined too (check ``parent_quarantined``).
    """
    from schemas.facts import COLUMNS, FactCheckModel
    by_row: dict[int, list[dict]] = defaultdict(list)
    typed = list(range(len(fact_rows)))
    try:
        frame = frames.facts_frame(fact_rows, context)
    except TYPE_ERRORS:
        for i, failure in untypeable(fact_rows, frames.fact_schema()).items():
            by_row[i].append(failure)
        typed = [i for i in typed if i not in by_row]
        frame = frames.facts_frame([fact_rows[i] for i in typed], context)
    for failure in validate(FactCheckModel, frame):
        by_row[typed[failure["index"]]].append(failure)
    bad_ids = {fact_rows[i]["fact_id"] for i in by_row}
    cascade = True
    while cascade:  # children of quarantined facts, transitively
        cascade = False
        for i, row in enumerate(fact_rows):
            if i not in by_row and row.get("parent_fact_id") in bad_ids:
                by_row[i].append({"index": i, "check": "parent_quarantined", "column": "parent_fact_id",
                                  "value": row["parent_fact_id"],
                                  "reason": f"its parent fact {row['parent_fact_id']} was quarantined"})
                bad_ids.add(row["fact_id"])
                cascade = True
    rows = []
    for i, failures in sorted(by_row.items()):
        fact = fact_rows[i]
        for f in failures:
            rows.append({"run_id": run_id, "input_ref": refs.get(fact["doc_id"]), "doc_id": fact["doc_id"],
                         "stage": "validate", "failed_check": f["check"], "column_name": f["column"],
                         "offending_value": None if f["value"] is None else str(f["value"]),
                         "reason": f"fact {fact['fact_id']}: {f['reason']}", "raw": fact.get("quote")})
    drop = [p for p, i in enumerate(typed) if i in by_row]
    if drop:
        frame = frame.filter(~pl.int_range(pl.len()).is_in(drop))
    return frame.select(COLUMNS), rows


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

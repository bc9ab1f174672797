"""Validation -> quarantine rows: frames checked with Pandera (``lazy=True``), values that cannot be
typed, and reader errors and issues, each failure a ``quarantine`` row with its check, column, value and
a readable reason."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

import pandera.polars as pa
import polars as pl

from etl import frames
from etl.documents import DocumentError
from etl.errors import FatalError
from etl.plan import NewDocument

RAW_LIMIT = 2000


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

"""Records -> Polars frames in the exact dtypes and column order of the Pandera models (and the DDL)."""
from __future__ import annotations

import functools
from datetime import date, datetime, timezone
from typing import Iterable

import polars as pl

from etl.documents import Document
from etl.facts import Fact


def _polars_schema(model) -> dict[str, pl.DataType]:
    return {name: col.dtype.type for name, col in model.to_schema().columns.items()}


@functools.cache
def fact_schema() -> dict[str, pl.DataType]:
    """Column -> polars dtype of ``facts`` (FactModel order)."""
    from schemas.facts import FactModel
    return _polars_schema(FactModel)


@functools.cache
def document_schema() -> dict[str, pl.DataType]:
    """Column -> polars dtype of ``documents`` (DocumentModel order)."""
    from schemas.documents import DocumentModel
    return _polars_schema(DocumentModel)


@functools.cache
def quarantine_schema() -> dict[str, pl.DataType]:
    """Column -> polars dtype of ``quarantine`` (QuarantineModel order)."""
    from schemas.quarantine import QuarantineModel
    return _polars_schema(QuarantineModel)


def utc_naive(value: datetime | None) -> datetime | None:
    """Aware datetime -> naive UTC (DuckDB ``timestamp``); naive values are taken as UTC already."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def _as_date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def fact_rows(facts: Iterable[Fact], extractor_version: str, run_id: str) -> list[dict]:
    """Fact records with the warehouse-only columns filled in."""
    rows = []
    for fact in facts:
        record = fact.to_record()
        record["event_date"] = _as_date(record.get("event_date"))
        record["date_end"] = _as_date(record.get("date_end"))
        record["extractor_version"] = extractor_version
        record["run_id"] = run_id
        rows.append(record)
    return rows


def facts_frame(rows: list[dict], context: dict[str, tuple[date | None, str]] | None = None) -> pl.DataFrame:
    """Fact records -> frame in FactModel order; with ``context`` (doc_id -> (published_date, text))
    the two FactCheckModel context columns are added.

    >>> facts_frame([]).columns[:3]
    ['fact_id', 'doc_id', 'outcome']
    """
    schema = dict(fact_schema())
    columns = {name: [r.get(name) for r in rows] for name in schema}
    if context is not None:
        schema["published_date"] = pl.Date
        schema["doc_text"] = pl.String
        columns["published_date"] = [context[r["doc_id"]][0] for r in rows]
        columns["doc_text"] = [context[r["doc_id"]][1] for r in rows]
    return pl.DataFrame(columns, schema=schema)


def document_row(doc: Document, doc_id: str, extractor_version: str | None, run_id: str | None) -> dict:
    """One ``documents`` row for a Document (doc_id may be a version id, see load.assign_ids)."""
    return {"doc_id": doc_id, "content_hash": doc.content_hash, "url": doc.url, "title": doc.title,
            "source": doc.source, "published_at": utc_naive(doc.published_at),
            "retrieved_at": utc_naive(doc.retrieved_at), "input_ref": doc.ref or None, "text": doc.text,
            "superseded_by": None, "extractor_version": extractor_version, "run_id": run_id,
            "published_date": doc.published_date}


def documents_frame(rows: list[dict]) -> pl.DataFrame:
    """Document rows -> frame in DocumentModel order."""
    schema = document_schema()
    return pl.DataFrame({name: [r.get(name) for r in rows] for name in schema}, schema=schema)


def quarantine_frame(rows: list[dict]) -> pl.DataFrame:
    """Quarantine rows -> frame in QuarantineModel order (quarantined_at defaults to now, UTC)."""
    schema = quarantine_schema()
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    filled = [{**r, "quarantined_at": r.get("quarantined_at") or now} for r in rows]
    return pl.DataFrame({name: [r.get(name) for r in filled] for name in schema}, schema=schema)

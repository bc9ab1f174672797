"""The ETL run: read -> plan (skip known hashes) -> extract (optionally in worker processes) -> load.

Documents stream through in batches of ``batch_size``: memory stays flat whatever the input size,
and each batch is one transaction. ``reprocess`` re-derives facts of stored documents.
"""
from __future__ import annotations

import importlib.util
import itertools
import json
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import date
from typing import TYPE_CHECKING

from etl.batch import Workers, chunked
from etl.batch import extract_records as batch_extract_records
from etl.documents import Document, DocumentError
from etl.errors import UsageError

if TYPE_CHECKING:  # only for annotations: the real imports wait until the workers are forked
    from etl.plan import Batch, Counts, NewDocument
    from etl.runs import RunSummary

# etl.load, etl.plan, etl.runs and etl.warehouse (duckdb, polars, pandera) are imported by the functions that use
# them, after the workers are forked: a fork never copies their threads or a DuckDB connection

POOL_MIN_DOCS = 16  # smaller batches are extracted in this process: not worth the round trip to a worker

# ---------------------------------------------------------------- reading (the one call site)

def read_documents(inputs: list[str], sources: str | None, stdin, con=None) -> Iterator[Document | DocumentError]:
    """Every document (or DocumentError) of the run's inputs and sources file, lazily.

    This is the only place the pipeline touches the readers. A bad sources file raises UsageError
    here, before the run is recorded. ``con`` lets the readers keep fetch state in the warehouse.
    """
    from etl import readers
    return readers.read_inputs(list(inputs), stdin=stdin, sources=sources, con=con)


def batched(items: Iterable, size: int) -> Iterator[list]:
    """Lists of up to ``size`` items, lazily.

    >>> [len(b) for b in batched(range(5), 2)]
    [2, 2, 1]
    """
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


# ---------------------------------------------------------------- extraction

def extract_records(text: str, published: date | None, doc_id: str) -> tuple[list[dict] | None, str | None]:
    """Fact records of one document, or the error text if the extractor crashed on it."""
    return batch_extract_records(text, published, doc_id)


class Extractor:
    """Extracts lists of documents in order, in this process or in ``workers`` forked processes
    (etl.batch.Workers, the same pool ``extract`` uses; identical results). Enter it before opening
    the warehouse: the workers are forked then, never from a process holding a DuckDB connection."""

    def __init__(self, workers: int = 1):
        self._workers = Workers(workers)
        self.workers = self._workers.workers

    def __enter__(self) -> "Extractor":
        self._workers.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._workers.__exit__(*exc)

    @property
    def parallel(self) -> bool:
        """True when documents are extracted by worker processes."""
        return self._workers.parallel

    def start(self, docs: list[NewDocument]):
        """Hand ``docs`` to the workers now (when parallel); ``finish`` fills in the results."""
        if self._workers.parallel and len(docs) >= POOL_MIN_DOCS:
            payloads = [(nd.doc.text, nd.doc.published_date, nd.doc_id) for nd in docs]
            return self._workers.submit("records", chunked(payloads))
        return None

    def finish(self, docs: list[NewDocument], job) -> None:
        """Fill ``facts`` (or ``error``) of every document of a ``start``."""
        if job is not None:
            results = [r for chunk in self._workers.collect(job) for r in chunk]
        else:  # looked up here so a test can replace it
            results = [extract_records(nd.doc.text, nd.doc.published_date, nd.doc_id) for nd in docs]
        for nd, (records, error) in zip(docs, results):
            nd.facts, nd.error = records, error

    def run(self, docs: list[NewDocument]) -> None:
        """Fill ``facts`` (or ``error``) of every document."""
        self.finish(docs, self.start(docs))


# ---------------------------------------------------------------- logging

class Log:
    """Progress on a TTY (text), JSON lines on stderr (``--log-format json``), nothing when quiet."""

    def __init__(self, fmt: str = "text", quiet: bool = False, stream=None):
        self.fmt = fmt
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._progress_shown = False

    def event(self, event: str, **fields) -> None:
        if self.quiet or self.fmt != "json":
            return
        record = {"ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "event": event, **fields}
        self.stream.write(json.dumps(record, default=str) + "\n")
        self.stream.flush()

    def progress(self, counts: Counts, elapsed: float) -> None:
        if self.quiet or self.fmt != "text" or not self.tty:
            return
        self.stream.write(f"\r{counts.seen} documents, {counts.new} new, {counts.facts} facts, "
                          f"{counts.quarantined} quarantined ({elapsed:.1f}s)")
        self.stream.flush()
        self._progress_shown = True

    def done(self) -> None:
        if self._progress_shown:
            self.stream.write("\n")
            self.stream.flush()
            self._progress_shown = False

    def warn(self, message: str) -> None:
        if self.quiet or self.fmt != "text":
            return
        self.done()
        self.stream.write(f"casualty-etl: {message}\n")


# ---------------------------------------------------------------- runs

def _rebuild_incidents(con) -> bool:
    """Call ``etl.incidents.rebuild_incidents(con)`` in one transaction when that module exists."""
    if importlib.util.find_spec("etl.incidents") is None:
        return False
    from etl.incidents import rebuild_incidents
    con.execute("begin transaction")
    try:
        rebuild_incidents(con)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return True


def _check_options(workers: int, batch_size: int) -> None:
    if batch_size < 1:
        raise UsageError(f"--batch-size must be at least 1 (got {batch_size})")
    if workers < 0:
        raise UsageError(f"--workers must be 0 (all cores) or more (got {workers})")


def run_pipeline(inputs: list[str], warehouse: str = "warehouse/casualties.duckdb", sources: str | None = None,
                 workers: int = 0, batch_size: int = 500, log_format: str = "text", quiet: bool = False,
                 stdin=None) -> RunSummary:
    """Load ``inputs`` into ``warehouse``; returns the run's summary. Raises WarehouseBusy (exit 75)
    when another run holds the warehouse, UsageError (2) for bad options, anything else is fatal (1)
    with the failing batch rolled back and the run marked failed.
    """
    from etl.extract.version import extractor_version
    _check_options(workers, batch_size)
    log = Log(log_format, quiet)
    version = extractor_version()
    with Extractor(workers) as extractor:  # forked first, before duckdb/polars are imported
        from etl.load import load_batch
        from etl.readers import is_url
        from etl.runs import RunLock, RunSummary, finish_run, new_run_id, start_run
        from etl.warehouse import connect
        with RunLock(warehouse) as lock:
            con = connect(warehouse)
            try:
                items = read_documents(inputs, sources, stdin, con)
                run_id = new_run_id()
                lock.describe(run_id)
                start_run(con, run_id, list(inputs) + ([f"--sources {sources}"] if sources else []), version)
                log.event("run_started", run_id=run_id, inputs=inputs, warehouse=str(warehouse),
                          extractor_version=version)
                summary = RunSummary(run_id)
                started = time.monotonic()
                try:
                    ahead = extractor.parallel and not sources and not any(is_url(i) for i in inputs)
                    for number, (batch, job) in enumerate(_planned(con, batched(items, batch_size), extractor,
                                                                   ahead), 1):
                        extractor.finish(batch.new, job)
                        counts = load_batch(con, batch, run_id, version)
                        summary.counts.add(counts)
                        _log_batch(log, run_id, number, batch, counts)
                        log.progress(summary.counts, time.monotonic() - started)
                    log.done()
                    _rebuild_incidents(con)
                    finish_run(con, run_id, "completed")
                except BaseException as exc:
                    log.done()
                    summary.status = "failed"
                    finish_run(con, run_id, "failed", f"{type(exc).__name__}: {exc}")
                    log.event("run_failed", run_id=run_id, error=f"{type(exc).__name__}: {exc}")
                    raise
                log.event("run_completed", run_id=run_id, seen=summary.counts.seen, new=summary.counts.new,
                          skipped=summary.counts.skipped, quarantined=summary.counts.quarantined,
                          facts=summary.counts.facts, seconds=round(time.monotonic() - started, 3))
                return summary
            finally:
                con.close()


def _planned(con, chunks, extractor: Extractor, ahead: bool):
    """(batch, extraction job) per chunk of reader output, each planned and handed to the workers.

    With ``ahead``, the next chunk is read, planned and handed to the workers before this batch is
    yielded (and loaded), so the workers extract it while the parent loads this one - but only when
    nothing in it can depend on this batch's load: planning reads the documents table by content hash
    and by id, and loading this batch adds only its new documents' hashes and ids. Otherwise (and for
    URL or --sources input, whose readers keep fetch state in the warehouse) the next chunk is read and
    planned after this batch is loaded, as in a sequential run. Either way the plans are the same.
    """
    from etl.plan import plan_batch
    chunks = iter(chunks)
    chunk = next(chunks, None)
    if chunk is None:
        return
    batch = plan_batch(con, chunk)
    job = extractor.start(batch.new)
    while True:
        nxt = next(chunks, None) if ahead else None
        nxt_batch = nxt_job = None
        if nxt is not None and _independent(batch, nxt):
            nxt_batch = plan_batch(con, nxt)
            nxt_job = extractor.start(nxt_batch.new)
        yield batch, job  # the caller finishes and loads this batch
        if not ahead:
            nxt = next(chunks, None)
        if nxt is None:
            return
        if nxt_batch is None:
            nxt_batch = plan_batch(con, nxt)
            nxt_job = extractor.start(nxt_batch.new)
        batch, job = nxt_batch, nxt_job


def _independent(batch, chunk) -> bool:
    """True when no document of ``chunk`` shares a content hash or an id with ``batch``'s new ones."""
    from etl.documents import Document
    hashes = {nd.doc.content_hash for nd in batch.new}
    ids = {nd.doc_id for nd in batch.new} | {nd.doc.doc_id for nd in batch.new}
    return not any(isinstance(d, Document) and (d.content_hash in hashes or d.doc_id in ids) for d in chunk)


def _log_batch(log: Log, run_id: str, number: int, batch: Batch, counts: Counts) -> None:
    log.event("batch_loaded", run_id=run_id, batch=number, seen=counts.seen, new=counts.new,
              skipped=counts.skipped, quarantined=counts.quarantined, facts=counts.facts)
    for row in batch.quarantined:
        log.event("quarantined", run_id=run_id, input=row["input_ref"], doc_id=row["doc_id"], stage=row["stage"],
                  check=row["failed_check"], column=row["column_name"], reason=row["reason"])
        log.warn(f"quarantined {row['input_ref'] or row['doc_id']}: {row['reason']}")


def reprocess(warehouse: str = "warehouse/casualties.duckdb", everything: bool = False, batch_size: int = 200,
              workers: int = 1, quiet: bool = True) -> RunSummary:
    """Re-derive the facts of current documents whose extractor version differs (all with ``everything``),
    from the stored text, without fetching anything. One transaction per batch.
    """
    from etl.extract.version import extractor_version
    _check_options(workers, batch_size)
    version = extractor_version()
    with Extractor(workers) as extractor:  # forked first, before duckdb/polars are imported
        from etl.load import replace_facts, stored_documents
        from etl.runs import RunLock, RunSummary, finish_run, new_run_id, start_run
        from etl.warehouse import connect, fetch_all
        with RunLock(warehouse) as lock:
            con = connect(warehouse)
            try:
                run_id = new_run_id()
                lock.describe(run_id)
                start_run(con, run_id, ["reprocess --all" if everything else "reprocess"], version)
                summary = RunSummary(run_id, kind="reprocess")
                try:
                    ids = [r[0] for r in fetch_all(con, "load/documents_to_reprocess",
                                                   {"everything": everything, "version": version})]
                    for chunk in batched(ids, batch_size):
                        docs = stored_documents(con, chunk)
                        extractor.run(docs)
                        summary.counts.add(replace_facts(con, docs, run_id, version))
                    _rebuild_incidents(con)
                    finish_run(con, run_id, "completed")
                except BaseException as exc:
                    summary.status = "failed"
                    finish_run(con, run_id, "failed", f"{type(exc).__name__}: {exc}")
                    raise
                return summary
            finally:
                con.close()

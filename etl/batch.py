"""Extraction of a stream of documents in one process or several: the one parallel mechanism of
`casualty-etl extract` (rendered JSON lines) and `casualty-etl run` / `reprocess` (fact records).

Output is identical whatever the number of workers: documents are cut into chunks (a few dozen
documents, or about 64 KB of text), each chunk is extracted by one worker, and chunks are handed back
in input order. At most ``4 * workers`` chunks are in flight, so memory stays flat for any input size.
Workers are forked once, after the patterns, lexicons and gazetteer are loaded in the parent, so they
start at once and share those pages; the parent only reads input and writes output. Workers send back
compact results: one string of output lines per chunk (``extract``) or a list of ``(records, error)``
per chunk (``run``), never the Fact objects themselves.
"""
from __future__ import annotations

import itertools
import json
import os
from collections import deque
from collections.abc import Iterable, Iterator
from datetime import date

from etl.documents import Document

CHUNK_DOCS = 16          # documents per task at most
CHUNK_CHARS = 64_000     # ... or about this much text: IPC costs ~0.2 ms a chunk, small chunks balance the tail
IN_FLIGHT = 4            # chunks queued per worker


def render(doc_id: str, text: str, published, out_id, mode: str) -> str:
    """The output lines of one document: facts (JSON lines), a summary line, or explain lines."""
    from etl.extract import extract, summarize
    from etl.extract.explain import explain_lines

    facts = extract(text, published, doc_id=doc_id)
    if mode == "explain":
        return "\n".join(explain_lines(doc_id, facts)) + "\n"
    if mode == "summary":
        return json.dumps({"id": out_id, **summarize(facts)}) + "\n"
    return "".join(json.dumps(f.to_record(), default=str) + "\n" for f in facts)


def extract_records(text: str, published: date | None, doc_id: str) -> tuple[list[dict] | None, str | None]:
    """Fact records of one document, or the error text if the extractor crashed on it."""
    from etl.extract import extract
    try:
        facts = extract(text, published, doc_id=doc_id)
        records = [f.to_record() for f in facts]
    except (ImportError, MemoryError):  # a broken install or exhaustion, never one document's fault: fatal
        raise
    except Exception as exc:  # one bad document must not stop the run; it is quarantined with this reason
        return None, f"extractor failed: {type(exc).__name__}: {exc}"
    for r in records:
        if isinstance(r.get("event_date"), str):
            r["event_date"] = date.fromisoformat(r["event_date"])
    return records, None


def work(mode: str, chunk: list[tuple]):
    """Extract one chunk: a string of output lines (modes facts, summary, explain) or, for mode
    ``records``, a list of ``(records, error)`` per ``(text, published, doc_id)`` payload."""
    if mode == "records":
        return [extract_records(*payload) for payload in chunk]
    return "".join(render(*payload, mode) for payload in chunk)


def _work_star(args):
    return work(*args)


def warm_up() -> None:
    """Compile every pattern and load lexicons and gazetteer (done once, before forking workers)."""
    from etl.extract import extract
    extract("Two soldiers were killed in Aleppo on Friday, the ministry said.")


def chunked(payloads: Iterable[tuple], size_of=lambda p: len(p[0])) -> Iterator[list[tuple]]:
    """Lists of payloads of at most CHUNK_DOCS items or about CHUNK_CHARS characters, lazily.

    >>> [len(c) for c in chunked([("x" * 70_000,), ("y",), ("z",)])]
    [1, 2]
    """
    chunk, chars = [], 0
    for payload in payloads:
        chunk.append(payload)
        chars += size_of(payload)
        if len(chunk) >= CHUNK_DOCS or chars >= CHUNK_CHARS:
            yield chunk
            chunk, chars = [], 0
    if chunk:
        yield chunk


def cpu_workers(workers: int) -> int:
    """The number of worker processes for ``--workers`` (0 = every core)."""
    return (os.cpu_count() or 1) if workers == 0 else workers


class Workers:
    """A pool of forked extraction processes (none when ``workers`` <= 1: work runs in this process).

    Use as a context manager; ``map(mode, chunks)`` yields each chunk's result in input order.
    Create it before opening a DuckDB connection: a process holding one must not fork.
    """

    def __init__(self, workers: int = 1):
        self.workers = cpu_workers(workers)
        self._pool = None

    def __enter__(self) -> "Workers":
        if self.workers > 1:
            from multiprocessing import get_context
            warm_up()
            self._pool = get_context("fork").Pool(self.workers)
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            if exc and exc[0] is not None:
                self._pool.terminate()
            else:
                self._pool.close()
            self._pool.join()
            self._pool = None

    @property
    def parallel(self) -> bool:
        """True when chunks go to worker processes."""
        return self._pool is not None

    def map(self, mode: str, chunks: Iterable[list[tuple]]) -> Iterator:
        """Results of ``work(mode, chunk)`` for each chunk, in order, with a bounded number in flight."""
        if self._pool is None:
            for chunk in chunks:
                yield work(mode, chunk)
            return
        pending: deque = deque()
        limit = self.workers * IN_FLIGHT
        for chunk in chunks:
            pending.append(self._pool.apply_async(_work_star, ((mode, chunk),)))
            if len(pending) >= limit:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()

    def submit(self, mode: str, chunks: Iterable[list[tuple]]) -> list:
        """Queue every chunk now (for a bounded list, e.g. one load batch) and return the handles for
        ``collect``: the workers go on while the caller does other work."""
        if self._pool is None:
            return [(mode, chunk) for chunk in chunks]  # run lazily, by collect
        return [self._pool.apply_async(_work_star, ((mode, chunk),)) for chunk in chunks]

    def collect(self, handles: list) -> Iterator:
        """The results of submitted chunks, in order (waiting for each)."""
        for handle in handles:
            yield work(*handle) if isinstance(handle, tuple) else handle.get()


def _payload(doc: Document) -> tuple:
    return doc.doc_id, doc.text, doc.published_date, doc.id if doc.id is not None else doc.doc_id


def extract_stream(docs: Iterable[Document], mode: str = "facts", workers: int = 1) -> Iterator[str]:
    """Rendered output per chunk of documents, in input order. ``workers=0`` uses every core.

    >>> from etl.documents import Document
    >>> "".join(extract_stream([Document(text="Two soldiers were killed.", id="a")], "summary"))
    '{"id": "a", "killed": {"low": 2, "best": 2, "high": 2}}\\n'
    """
    payloads = (_payload(d) for d in docs)
    if cpu_workers(workers) <= 1:  # one document at a time: output appears as soon as it is ready
        for payload in payloads:
            yield render(*payload, mode)
        return
    chunks = chunked(payloads, size_of=lambda p: len(p[1]))
    head = list(itertools.islice(chunks, 2))
    if len(head) < 2:  # one chunk: forking workers would cost more than it saves
        for chunk in head:
            yield work(mode, chunk)
        return
    with Workers(workers) as pool:
        yield from pool.map(mode, itertools.chain(head, chunks))

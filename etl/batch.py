"""Extraction of a stream of documents for `casualty-etl extract`, in one process or several.

Output is identical whatever the number of workers: documents are extracted in chunks and written
back in input order. Workers are forked after the patterns are compiled, so they start at once.
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from itertools import islice
from multiprocessing import get_context

from etl.documents import Document

CHUNK = 64  # documents per task: large enough to amortise IPC, small enough to keep memory flat


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


def _render_chunk(chunk: list[tuple]) -> str:
    return "".join(render(*item) for item in chunk)


def _payload(doc: Document, mode: str) -> tuple:
    return doc.doc_id, doc.text, doc.published_date, doc.id if doc.id is not None else doc.doc_id, mode


def extract_stream(docs: Iterable[Document], mode: str = "facts", workers: int = 1) -> Iterator[str]:
    """Rendered output per chunk of documents, in input order. ``workers=0`` uses every core.

    >>> from etl.documents import Document
    >>> "".join(extract_stream([Document(text="Two soldiers were killed.", id="a")], "summary"))
    '{"id": "a", "killed": {"low": 2, "best": 2, "high": 2}}\\n'
    """
    workers = (os.cpu_count() or 1) if workers == 0 else workers
    payloads = (_payload(d, mode) for d in docs)
    if workers <= 1:
        for item in payloads:
            yield render(*item)
        return
    from etl.extract import extract
    extract("Two soldiers were killed in Aleppo on Friday.")  # compile and load lexicons before forking
    chunks = iter(lambda: list(islice(payloads, CHUNK)), [])
    with get_context("fork").Pool(workers) as pool:
        yield from pool.imap(_render_chunk, chunks, chunksize=1)

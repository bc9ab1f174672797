"""Planning a batch against the warehouse (read-only queries): the batch model (``Batch``,
``NewDocument``, ``Counts``) and ``plan_batch``, which skips known content hashes before extraction and
gives a changed text under a known id a version id."""
from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from etl.documents import Document, DocumentError
from etl.warehouse import fetch_all


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

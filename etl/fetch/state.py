"""Fetch state: what was fetched, with its validators (ETag, Last-Modified) and content hash, kept in
the warehouse's ``fetch_state`` table (or in memory) so that a second run fetches nothing already ingested."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

SCHEMA_SQL = Path(__file__).resolve().parents[2] / "sql" / "schema" / "070_fetch_state.sql"
STATE_COLUMNS = ("url", "kind", "feed_url", "entry_id", "source", "etag", "last_modified", "content_hash",
                 "status", "http_status", "error", "attempts", "fetched_at")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def sha256(data: bytes | str) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


@dataclass
class StateRow:
    url: str
    kind: str
    feed_url: str | None = None
    entry_id: str | None = None
    source: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    status: str = "ok"
    http_status: int | None = None
    error: str | None = None
    attempts: int = 0
    fetched_at: datetime = field(default_factory=utcnow)


class FetchState:
    """What was fetched, with its validators and content hash: in the warehouse's ``fetch_state`` table
    when given a DuckDB connection (so it lasts between runs), else in memory (one run).

    Only the thread that created it should call it (DuckDB connections are not shared across threads);
    the Fetcher does all state reads and writes on the calling thread.
    """

    def __init__(self, con=None):
        self.con = con
        self._rows: dict[str, StateRow] = {}
        self._has_documents: bool | None = None
        if con is not None:
            con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))

    def get(self, url: str) -> StateRow | None:
        if self.con is None:
            return self._rows.get(url)
        row = self.con.execute(f"select {', '.join(STATE_COLUMNS)} from fetch_state where url = ?",
                               [url]).fetchone()
        return StateRow(*row) if row else None

    def put(self, row: StateRow) -> None:
        if self.con is None:
            self._rows[row.url] = row
            return
        values = [getattr(row, c) for c in STATE_COLUMNS]
        values[-1] = row.fetched_at.astimezone(timezone.utc).replace(tzinfo=None)
        self.con.execute(f"insert or replace into fetch_state ({', '.join(STATE_COLUMNS)}) "
                         f"values ({', '.join('?' * len(STATE_COLUMNS))})", values)

    def failed(self, url: str, kind: str, reason: str, http_status: int | None = None, **extra) -> None:
        old = self.get(url)
        row = StateRow(url=url, kind=kind, status="error", error=reason, http_status=http_status,
                       attempts=(old.attempts if old else 0) + 1, **extra)
        if old is not None:  # keep the validators and hash of the last good fetch
            row.etag, row.last_modified, row.content_hash = old.etag, old.last_modified, old.content_hash
            row.entry_id = row.entry_id or old.entry_id
        self.put(row)

    def ingested(self, content_hash: str | None) -> bool:
        """Is a document with this text in the warehouse? Without a ``documents`` table (no warehouse,
        or fetching on its own), the state's word is taken for it."""
        if not content_hash:
            return False
        if self.con is None:
            return True
        if not self._documents_table():
            return True
        return self.con.execute("select count(*) from documents where content_hash = ?",
                                [content_hash]).fetchone()[0] > 0

    def _documents_table(self) -> bool:
        if self._has_documents is None:  # the warehouse is migrated before reading starts: ask once
            self._has_documents = bool(self.con.execute(
                "select count(*) from information_schema.tables where table_name = 'documents'").fetchone()[0])
        return self._has_documents

    def pending_entries(self, feed_url: str) -> list[StateRow]:
        """Entries of a feed to try again: those that failed, or were fetched but never loaded."""
        if self.con is None:
            return [r for r in self._rows.values() if r.feed_url == feed_url and r.status == "error"]
        not_loaded = ("or (s.status = 'ok' and not exists (select 1 from documents d "
                      "where d.content_hash = s.content_hash))") if self._documents_table() else ""
        return [StateRow(*r) for r in self.con.execute(
            f"select {', '.join('s.' + c for c in STATE_COLUMNS)} from fetch_state s "
            f"where s.feed_url = ? and (s.status = 'error' {not_loaded}) order by s.url", [feed_url]).fetchall()]

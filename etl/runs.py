"""One writer per warehouse (a file lock beside it) and the ``runs`` table bookkeeping."""
from __future__ import annotations

import json
import os
import secrets
import socket
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import filelock

from etl.errors import WarehouseBusy
from etl.plan import Counts

# Statements on ``runs`` (bound parameters only); kept here because they change rows.
START_RUN = """
insert into runs (run_id, started_at, status, inputs, extractor_version)
values ($run_id, $started_at, 'running', $inputs, $version)
"""
ABANDON_STALE = """
update runs
set status = 'failed',
    ended_at = $now,
    error = coalesce(error, 'abandoned: the process ended without finishing (killed?); its open batch was rolled back')
where status = 'running'
"""
FINISH_RUN = "update runs set status = $status, ended_at = $ended_at, error = $error where run_id = $run_id"
GET_RUN = "select * from runs where run_id = $run_id"


def utcnow() -> datetime:
    """Now in UTC, naive (as DuckDB ``timestamp`` stores it)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def new_run_id() -> str:
    """``r-20241130T081500Z-3fa9``: sortable by start time, unique across processes.

    >>> new_run_id().startswith("r-")
    True
    """
    return f"r-{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}-{secrets.token_hex(2)}"


def lock_path(warehouse: str | Path) -> Path:
    """The lock file beside the warehouse: ``casualties.duckdb.lock``."""
    return Path(f"{warehouse}.lock")


class RunLock:
    """Exclusive lock on a warehouse for the length of a run; raises WarehouseBusy at once if held.

    The holder writes who it is into the lock file, so the refused run can name it.
    """

    def __init__(self, warehouse: str | Path):
        self.warehouse = str(warehouse)
        self.path = None if self.warehouse == ":memory:" else lock_path(self.warehouse)
        self._lock = None

    def __enter__(self) -> "RunLock":
        if self.path is None:
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = filelock.FileLock(str(self.path), timeout=0)
        try:
            self._lock.acquire()
        except filelock.Timeout:
            raise WarehouseBusy(f"warehouse {self.warehouse} is busy: {self.holder()} holds {self.path}; "
                                "try again when it has finished") from None
        self.describe(None)
        return self

    def describe(self, run_id: str | None) -> None:
        """Record the holder (pid, host, run id, start time) in the lock file."""
        if self.path is None:
            return
        info = {"pid": os.getpid(), "host": socket.gethostname(), "run_id": run_id,
                "since": f"{utcnow():%Y-%m-%d %H:%M:%S} UTC"}
        self.path.write_text(json.dumps(info), encoding="utf-8")

    def holder(self) -> str:
        """Who holds the lock, as far as its file says."""
        try:
            info = json.loads(self.path.read_text(encoding="utf-8"))
            run = f"run {info['run_id']}" if info.get("run_id") else "a run"
            return f"{run} (pid {info.get('pid')} on {info.get('host')}, since {info.get('since')})"
        except (OSError, ValueError, KeyError, TypeError):
            return "another process"

    def __exit__(self, *exc) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None


def start_run(con: duckdb.DuckDBPyConnection, run_id: str, inputs: list[str], extractor_version: str) -> None:
    """Close runs left 'running' by a killed process (we hold the lock), then open this one."""
    con.execute(ABANDON_STALE, {"now": utcnow()})
    con.execute(START_RUN, {"run_id": run_id, "started_at": utcnow(), "inputs": json.dumps(inputs),
                                    "version": extractor_version})


def finish_run(con: duckdb.DuckDBPyConnection, run_id: str, status: str, error: str | None = None) -> None:
    """Mark the run completed or failed."""
    con.execute(FINISH_RUN, {"run_id": run_id, "status": status, "ended_at": utcnow(), "error": error})


def get_run(con: duckdb.DuckDBPyConnection, run_id: str) -> dict | None:
    """The runs row as a dict (None if absent)."""
    cur = con.execute(GET_RUN, {"run_id": run_id})
    row = cur.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cur.description], row))


@dataclass
class RunSummary:
    """What a run did; ``summary_line()`` is what the CLI prints."""

    run_id: str
    counts: Counts = field(default_factory=Counts)
    status: str = "completed"
    kind: str = "run"

    def summary_line(self) -> str:
        c = self.counts
        if self.kind == "reprocess":
            line = (f"reprocess {self.run_id}: {c.seen} documents re-derived, {c.facts} facts loaded, "
                    f"{c.quarantined} documents quarantined")
        else:
            line = (f"run {self.run_id}: {c.seen} documents seen, {c.new} new, {c.skipped} skipped, "
                    f"{c.quarantined} quarantined, {c.facts} facts loaded")
        if c.fact_rows:
            line += f" ({c.fact_rows} fact rows quarantined)"
        if c.quarantined or c.rows_quarantined:
            line += f"; see `casualty-etl quarantine --run {self.run_id}`"
        return line


def list_runs(warehouse: str | Path, limit: int = 20) -> list[dict]:
    """The most recent runs, newest first (read-only; for a ``casualty-etl runs`` listing)."""
    from etl.warehouse import connect
    con = connect(warehouse, read_only=True)
    try:
        cur = con.execute("select * from runs order by started_at desc limit $limit", {"limit": limit})
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]
    finally:
        con.close()

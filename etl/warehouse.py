"""The DuckDB warehouse: connect, migrate (sql/schema/*.sql in numeric order), run named .sql files.

Every DDL file is idempotent (``create ... if not exists``) and is recorded in ``schema_version`` once
applied, so a new file (``060_...sql``) migrates existing warehouses on their next connect. Values are
always bound parameters (``$name``); SQL text only ever comes from the files under ``sql/``.
"""
from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import duckdb

from etl.errors import UsageError

_MIGRATION = re.compile(r"^(\d+)_[\w.-]+\.sql$")


def sql_root():
    """The ``sql`` package folder (shipped as package data)."""
    return resources.files("sql")


def sql_text(name: str) -> str:
    """Text of a named SQL file, e.g. ``"load/insert_documents"`` or ``"schema/020_documents.sql"``.

    >>> "create table" in sql_text("schema/020_documents")
    True
    """
    path = name if name.endswith(".sql") else f"{name}.sql"
    entry = sql_root()
    for part in path.split("/"):
        entry = entry / part
    if not entry.is_file():
        raise FileNotFoundError(f"no SQL file sql/{path}")
    return entry.read_text(encoding="utf-8")


def migrations() -> list[tuple[str, str]]:
    """``(file name, DDL)`` of every ``sql/schema/NNN_*.sql``, in numeric order."""
    folder = sql_root() / "schema"
    found = [(int(m.group(1)), e.name, e) for e in folder.iterdir() if (m := _MIGRATION.match(e.name))]
    return [(name, entry.read_text(encoding="utf-8")) for _, name, entry in sorted(found, key=lambda t: (t[0], t[1]))]


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the schema files not yet recorded in ``schema_version``; returns the names applied.

    Each file runs in its own transaction together with its ``schema_version`` row, so a crash
    leaves either the whole migration or none of it.
    """
    applied: set[str] = set()
    has_table = con.execute(
        "select count(*) from information_schema.tables where table_name = 'schema_version'").fetchone()[0]
    if has_table:
        applied = {row[0] for row in con.execute("select version from schema_version").fetchall()}
    done = []
    for name, ddl in migrations():
        if name in applied:
            continue
        con.execute("begin transaction")
        try:
            con.execute(ddl)
            con.execute("insert into schema_version (version) values ($v) on conflict do nothing", {"v": name})
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        done.append(name)
    return done


def connect(path: str | Path = "warehouse/casualties.duckdb", read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating folder and file if needed) and migrate the warehouse; ``":memory:"`` works too.

    Read-only connections never migrate and need an existing file.

    >>> con = connect(":memory:")
    >>> con.execute("select count(*) from facts").fetchone()
    (0,)
    """
    target = str(path)
    if target != ":memory:":
        p = Path(target)
        if read_only and not p.exists():
            raise UsageError(f"no warehouse at {p}; load one first with `casualty-etl run PATH --warehouse {p}`")
        p.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(target, read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            from etl.errors import WarehouseBusy
            raise WarehouseBusy(f"warehouse {target} is open in another process: {exc}") from exc
        raise
    if not read_only:
        migrate(con)
        from etl.reporting import install_views
        install_views(con, temp=False)  # stored views, so analysts' own SQL clients see them too
    return con


def execute(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None):
    """Run the named SQL file with bound ``$parameters``; returns the connection (cursor) for fetching.

    >>> con = connect(":memory:")
    >>> execute(con, "load/count_documents").fetchone()
    (0, 0)
    """
    return con.execute(sql_text(name), params or {})


def fetch_all(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> list[tuple]:
    """Rows of the named SQL file run with bound parameters."""
    return execute(con, name, params).fetchall()


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Row counts of the four warehouse tables (names from a fixed allow-list)."""
    return {t: con.execute(f"select count(*) from {t}").fetchone()[0]  # noqa: S608 - fixed allow-list
            for t in ("documents", "facts", "runs", "quarantine")}

"""The warehouse: DDL applied in order and once, migrations of older warehouses, named SQL files."""
from __future__ import annotations

import duckdb
import pytest

from etl import warehouse
from etl.errors import UsageError


def test_connect_creates_folder_tables_and_records_every_schema_file(tmp_path):
    path = tmp_path / "deep" / "dir" / "w.duckdb"
    con = warehouse.connect(path)
    tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    assert {"documents", "facts", "runs", "quarantine", "schema_version"} <= tables
    recorded = [r[0] for r in con.execute("select version from schema_version order by version").fetchall()]
    assert recorded == [name for name, _ in warehouse.migrations()]
    assert path.exists()


def test_connect_is_idempotent_and_keeps_data(tmp_path):
    path = tmp_path / "w.duckdb"
    con = warehouse.connect(path)
    con.execute("insert into runs (run_id, started_at, status) values ('r-1', now(), 'completed')")
    con.close()
    con = warehouse.connect(path)
    assert con.execute("select count(*) from schema_version").fetchone()[0] == len(warehouse.migrations())
    assert con.execute("select run_id from runs").fetchall() == [("r-1",)]
    assert warehouse.migrate(con) == []


def test_an_older_warehouse_is_migrated_not_rebuilt(tmp_path):
    path = tmp_path / "old.duckdb"
    files = warehouse.migrations()
    old = duckdb.connect(str(path))
    for name, ddl in files[:3]:  # a warehouse made before the later files existed
        old.execute(ddl)
        old.execute("insert into schema_version (version) values (?)", [name])
    old.execute("insert into documents (doc_id, content_hash, text) values ('d1', 'h1', 'kept text')")
    old.close()
    con = warehouse.connect(path)
    assert con.execute("select text from documents").fetchall() == [("kept text",)]
    assert con.execute("select count(*) from schema_version").fetchone()[0] == len(files)
    assert con.execute("select count(*) from quarantine").fetchone()[0] == 0


def test_migrations_are_in_numeric_order():
    names = [name for name, _ in warehouse.migrations()]
    assert names[0] == "010_schema_version.sql"
    numbers = [int(n.split("_")[0]) for n in names]
    assert numbers == sorted(numbers)


def test_read_only_needs_an_existing_warehouse(tmp_path):
    with pytest.raises(UsageError, match="no warehouse"):
        warehouse.connect(tmp_path / "missing.duckdb", read_only=True)


def test_read_only_connection_reads_between_runs(tmp_path):
    path = tmp_path / "w.duckdb"
    warehouse.connect(path).close()
    ro = warehouse.connect(path, read_only=True)
    assert ro.execute("select count(*) from facts").fetchone() == (0,)
    with pytest.raises(duckdb.Error):
        ro.execute("insert into runs (run_id, started_at, status) values ('x', now(), 'running')")


def test_named_sql_runs_with_bound_parameters():
    con = warehouse.connect(":memory:")
    con.execute("insert into documents (doc_id, content_hash, text) values ('d1', 'h1', 't'), ('d2', 'h2', 't')")
    rows = warehouse.fetch_all(con, "load/known_hashes", {"hashes": ["h2", "nope"]})
    assert rows == [("h2",)]
    with pytest.raises(FileNotFoundError, match="no SQL file"):
        warehouse.sql_text("load/does_not_exist")


@pytest.mark.parametrize("module", ["etl.warehouse", "etl.frames", "etl.pipeline", "etl.runs", "etl.validation",
                                    "schemas._common"])
def test_docstring_examples(module):
    import doctest
    import importlib
    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0

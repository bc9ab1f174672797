"""Given rows -> expected rows for every view and report in sql/ (fixtures in tests/sql_cases/*.yaml).

Each YAML file holds a list of cases:

    - name: what the case shows
      sql: views/casualties_by_day          # the file under sql/, without .sql
      given: {documents: [...], facts: [...], runs: [...], quarantine: [...]}
      rebuild_incidents: true               # optional: link facts into incidents first
      params: {unit: fact}                  # optional: bound parameters (report filters default to null)
      where: {unit: fact}                   # optional: keep only result rows matching these values
      ordered: true                         # optional: compare in order (default: as multisets)
      expect: [{col: value, ...}, ...]      # only the columns named are compared

The helpers below are also used by the report, export and incident tests.
"""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
import yaml

from etl.incidents import rebuild_incidents
from etl.reporting import FILTER_KEYS, install_views, sql_text

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "sql_cases"  # not "sql": a folder of that name would shadow the sql package

DEFAULTS = {
    "documents": lambda r: {"content_hash": "hash-" + r["doc_id"], "text": "text of " + r["doc_id"],
                            "published_at": datetime(2024, 3, 1, 12), "source": "source-" + r["doc_id"],
                            "url": "https://example.org/" + r["doc_id"], "title": "title " + r["doc_id"],
                            "run_id": "run1"},
    "facts": lambda r: {"outcome": "killed", "qualifier": "exact", "count_anchor": "incremental",
                        "fact_class": "part" if r.get("parent_fact_id") else "news", "span_start": 0,
                        "span_end": 10, "quote": "quote of " + r["fact_id"], "rule": "test",
                        "extractor_version": "test", "run_id": "run1",
                        "doc_id": r["fact_id"].split("#")[0]},
    "runs": lambda r: {"started_at": datetime(2024, 3, 2), "status": "completed"},
    "quarantine": lambda r: {"stage": "validate", "failed_check": "check", "reason": "reason"},
}


def apply_schema(con) -> None:
    """The warehouse DDL, as ``etl.warehouse.connect`` applies it (numeric order)."""
    for path in sorted((REPO / "sql" / "schema").glob("*.sql")):
        con.execute(path.read_text(encoding="utf-8"))


def load_rows(con, given: dict) -> None:
    """Insert fixture rows, filling the NOT NULL columns a case does not care about."""
    for table, rows in given.items():
        for row in rows:
            full = {**DEFAULTS[table](row), **row}
            cols = ", ".join(full)
            marks = ", ".join(f"${c}" for c in full)
            con.execute(f"insert into {table} ({cols}) values ({marks})", full)


def memory_warehouse(given: dict, rebuild: bool = True):
    """An in-memory warehouse holding ``given`` rows, incidents rebuilt and views installed."""
    con = duckdb.connect(":memory:")
    apply_schema(con)
    load_rows(con, given)
    if rebuild:
        rebuild_incidents(con)
    install_views(con)
    return con


def file_warehouse(path: Path, given: dict) -> Path:
    """A warehouse file holding ``given`` rows with incidents rebuilt (for report/export/explain)."""
    con = duckdb.connect(str(path))
    apply_schema(con)
    load_rows(con, given)
    con.execute("begin")
    rebuild_incidents(con)
    con.execute("commit")
    con.close()
    return path


def query(con, sql_name: str, params: dict | None = None) -> list[dict]:
    layer, name = sql_name.split("/")
    text = sql_text(layer, name)
    if layer == "reports" and "$unit" in text:
        params = {**{k: None for k in FILTER_KEYS}, "unit": "incident", **(params or {})}
    cur = con.execute(text, params or {})
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row)) for row in cur.fetchall()]


def _cases():
    for path in sorted(FIXTURES.glob("*.yaml")):
        for i, case in enumerate(yaml.safe_load(path.read_text(encoding="utf-8"))):
            yield pytest.param(case, id=f"{path.stem}[{i}] {case['name']}")


def _norm(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


@pytest.mark.parametrize("case", list(_cases()))
def test_sql_fixture(case):
    con = memory_warehouse(case.get("given", {}), rebuild=case.get("rebuild_incidents", True))
    rows = query(con, case["sql"], case.get("params"))
    where = case.get("where", {})
    rows = [r for r in rows if all(r.get(k) == v for k, v in where.items())]
    expect = case["expect"]
    got = [{k: _norm(r.get(k, "<missing column>")) for k in e} for r, e in zip(rows, expect)]
    want = [{k: _norm(v) for k, v in e.items()} for e in expect]
    assert len(rows) == len(expect), f"{case['sql']}: {len(rows)} rows, expected {len(expect)}: {rows}"
    if not case.get("ordered"):
        # match each expected row against the result rows as a multiset
        remaining = [{k: _norm(v) for k, v in r.items()} for r in rows]
        got = []
        for e in want:
            hit = next((r for r in remaining if all(r.get(k, "<missing>") == v for k, v in e.items())), None)
            got.append({k: hit.get(k) for k in e} if hit else {"no row matching": e, "rows": remaining})
            if hit:
                remaining.remove(hit)
    assert got == want, case["name"]


def test_every_view_and_report_has_a_fixture():
    covered = set()
    for path in FIXTURES.glob("*.yaml"):
        covered |= {case["sql"] for case in yaml.safe_load(path.read_text(encoding="utf-8"))}
    objects = {f"{p.parent.name}/{p.stem}" for layer in ("staging", "views", "reports", "incidents")
               for p in (REPO / "sql" / layer).glob("*.sql")}
    # these run only inside the linker with a temporary relation; tests/test_incidents.py covers them
    objects -= {"incidents/link_pairs", "incidents/incident_links", "incidents/incident_rollup"}
    assert sorted(objects - covered) == []


def test_sql_files_state_their_grain_and_bind_parameters():
    layers = ("staging", "views", "reports", "incidents")
    paths = [p for layer in layers for p in (REPO / "sql" / layer).glob("*.sql")]
    paths += [p for p in (REPO / "sql" / "schema").glob("06*.sql")]
    assert len(paths) > 20
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert text.startswith("-- grain: "), path
        assert "{" not in text and "%s" not in text, f"{path}: formatted SQL"
        if path.parent.name != "schema":
            assert text.rstrip().splitlines()[-1].startswith("select * from "), f"{path}: end with select * from"


def test_views_can_be_stored_for_analysts_and_read_without_this_package(tmp_path):
    path = file_warehouse(tmp_path / "w.duckdb", {"documents": [{"doc_id": "d1"}],
                                                  "facts": [{"fact_id": "d1#1", "best": 4, "place": "Gao"}]})
    con = duckdb.connect(str(path))
    install_views(con, temp=False)
    con.close()
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("select unit, outcome, best from casualties_by_outcome order by unit").fetchall() == \
        [("fact", "killed", 4), ("incident", "killed", 4)]
    install_views(con)  # temporary views over stored ones, as reports do
    assert con.execute("select count(*) from stg_units").fetchone() == (2,)

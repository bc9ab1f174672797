"""Reports over the warehouse: totals grouped as asked, `explain`, and the quarantine listing.

Every query lives in ``sql/`` (one object per file); filters are bound ``$name`` parameters and the
only identifier chosen at run time is the report file, from a fixed allow-list.
"""
from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from etl.errors import UsageError

SQL_DIR = Path(__file__).resolve().parents[1] / "sql"
REPORT_BY = ("outcome", "day", "week", "month", "place", "category", "cause", "source")
UNITS = ("fact", "incident")
GRADES = ("single_source", "corroborated")
OUTCOMES = ("killed", "injured", "missing", "abducted", "arrested", "displaced")
FILTER_KEYS = ("date_from", "date_to", "place", "outcome", "grade")
FORMATS = ("table", "csv", "json", "markdown")


def sql_text(layer: str, name: str) -> str:
    """The text of ``sql/<layer>/<name>.sql``."""
    return (SQL_DIR / layer / f"{name}.sql").read_text(encoding="utf-8")


def install_views(con, temp: bool = True) -> None:
    """Create the staging and analysis views on ``con``: temporary (the default; works on a read-only
    connection) or, with ``temp=False``, stored in the warehouse for analysts' own SQL clients."""
    files = [*sorted((SQL_DIR / "staging").glob("*.sql")), SQL_DIR / "incidents" / "link_candidates.sql",
             *sorted((SQL_DIR / "views").glob("*.sql"))]
    for path in files:
        kind = "temp view" if temp else "view"
        con.execute(f"create or replace {kind} {path.stem} as\n{path.read_text(encoding='utf-8')}")
    for path in sorted((SQL_DIR / "macros").glob("*.sql")):  # the reports' shared filter: always temporary
        con.execute(path.read_text(encoding="utf-8"))


def open_warehouse(path):
    """Open an existing warehouse read-only with the views installed; UsageError when it is missing."""
    if str(path) != ":memory:" and not Path(path).is_file():
        raise UsageError(f"no warehouse at {path}: run `casualty-etl run PATH_OR_URL --warehouse {path}` first")
    try:
        from etl.warehouse import connect  # maps a held lock to WarehouseBusy
    except ImportError:
        import duckdb
        con = duckdb.connect(str(path), read_only=True)
    else:
        con = connect(path, read_only=True)
    tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
    missing = {"documents", "facts", "incidents", "incident_facts", "quarantine", "runs"} - tables
    if missing:
        con.close()
        raise UsageError(f"warehouse {path} lacks table(s) {', '.join(sorted(missing))}: "
                         "run `casualty-etl run` (or `casualty-etl reprocess`) with this version first")
    install_views(con)
    return con


def report_params(unit: str, filters: dict | None) -> dict:
    """Validated bound parameters for the report and export queries."""
    filters = dict(filters or {})
    unknown = set(filters) - set(FILTER_KEYS)
    if unknown:
        raise UsageError(f"unknown filter(s): {', '.join(sorted(unknown))}")
    if unit not in UNITS:
        raise UsageError(f"--unit must be one of {', '.join(UNITS)}, not {unit!r}")
    params = {"unit": unit, **{k: filters.get(k) for k in FILTER_KEYS}}
    for key in ("date_from", "date_to"):
        if params[key] is not None:
            try:
                params[key] = date.fromisoformat(str(params[key]))
            except ValueError:
                raise UsageError(f"--{key.removeprefix('date_')} wants a date as YYYY-MM-DD, not {params[key]!r}")
    if params["outcome"] is not None and params["outcome"] not in OUTCOMES:
        raise UsageError(f"--outcome must be one of {', '.join(OUTCOMES)}, not {params['outcome']!r}")
    if params["grade"] is not None and params["grade"] not in GRADES:
        raise UsageError(f"--grade must be one of {', '.join(GRADES)}, not {params['grade']!r}")
    return params


def report_rows(con, by: str, unit: str = "incident", filters: dict | None = None) -> tuple[list[str], list[tuple]]:
    """(columns, rows) of ``sql/reports/report_by_<by>.sql`` on an open connection."""
    if by not in REPORT_BY:
        raise UsageError(f"--by must be one of {', '.join(REPORT_BY)}, not {by!r}")
    cur = con.execute(sql_text("reports", f"report_by_{by}"), report_params(unit, filters))
    return [d[0] for d in cur.description], cur.fetchall()


def report(warehouse, by: str = "outcome", fmt: str = "table", unit: str = "incident",
           filters: dict | None = None) -> str:
    """Casualty totals grouped ``by`` one dimension, as table, csv, json or markdown text."""
    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    con = open_warehouse(warehouse)
    try:
        columns, rows = report_rows(con, by, unit, filters)
    finally:
        con.close()
    if fmt in ("csv", "json"):
        return render(columns, rows, fmt)
    totals = totals_line(columns, rows, unit)
    return render(*with_range(columns, rows), fmt) + "\n" + totals + "\n"


def with_range(columns: list[str], rows: list[tuple]) -> tuple[list[str], list[tuple]]:
    """Replace low/high/high_open with one ``range`` column "low–high" ("+" when open above)."""
    i_low, i_high, i_open = columns.index("low"), columns.index("high"), columns.index("high_open")
    keep = [i for i, c in enumerate(columns) if c not in ("low", "high", "high_open")]
    at = keep.index(columns.index("best")) + 1
    out_cols = [columns[i] for i in keep]
    out_cols.insert(at, "range")
    out_rows = []
    for row in rows:
        values = [row[i] for i in keep]
        values.insert(at, range_text(row[i_low], row[i_high], row[i_open]))
        out_rows.append(tuple(values))
    return out_cols, out_rows


def range_text(low, high, high_open=False) -> str:
    """``"4–7"``; ``"4–7+"`` when some figure had no upper bound.

    >>> range_text(4, 7, True)
    '4–7+'
    """
    return f"{low}–{high}{'+' if high_open else ''}"


def totals_line(columns: list[str], rows: list[tuple], unit: str) -> str:
    """One line per outcome: total best and the low–high range (only for groupings that add up)."""
    if "source" in columns:
        return "(an incident appears under every source that reported it; rows do not add up)"
    at = {c: i for i, c in enumerate(columns)}
    sums: dict[str, list] = {}
    for row in rows:
        acc = sums.setdefault(row[at["outcome"]], [0, 0, 0, 0, False])
        acc[0] += row[at["n"]]
        acc[1] += row[at["best"]]
        acc[2] += row[at["low"]]
        acc[3] += row[at["high"]]
        acc[4] = acc[4] or bool(row[at["high_open"]])
    noun = "incidents" if unit == "incident" else "facts"
    lines = [f"total {o}: best {a[1]} (range {range_text(a[2], a[3], a[4])}) in {a[0]} {noun}"
             for o, a in sorted(sums.items())]
    return "\n".join(lines) if lines else "total: none"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def _json_value(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def render(columns: list[str], rows: list[tuple], fmt: str) -> str:
    """Rows as an aligned text table, RFC 4180 CSV, JSON (a list of objects) or a Markdown table."""
    if fmt == "json":
        return json.dumps([{c: _json_value(v) for c, v in zip(columns, row)} for row in rows], indent=2) + "\n"
    if fmt == "csv":
        buf = io.StringIO(newline="")
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(columns)
        writer.writerows([[str(v).lower() if isinstance(v, bool) else _cell(v) for v in row] for row in rows])
        return buf.getvalue()
    cells = [[_cell(v) for v in row] for row in rows]
    if fmt == "markdown":
        esc = [[c.replace("|", "\\|") for c in row] for row in cells]
        lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
        return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in esc]) + "\n"
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    numeric = [all(_is_number(r[i]) for r in cells) and bool(cells) for i in range(len(columns))]

    def line(values):
        return "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric)).rstrip()

    return "\n".join([line(columns), line(["-" * w for w in widths]), *(line(r) for r in cells)]) + "\n"


def _is_number(text: str) -> bool:
    return text == "" or text.lstrip("-").replace(".", "", 1).isdigit()


def explain(warehouse, ref: str) -> str:
    """The facts and quotes behind an incident id or a document id (or a fact id's document)."""
    con = open_warehouse(warehouse)
    try:
        if con.execute("select 1 from incidents where incident_id = $ref", {"ref": ref}).fetchone():
            return _explain_incident(con, ref)
        doc_id = ref.split("#", 1)[0]
        if con.execute("select 1 from documents where doc_id = $ref", {"ref": doc_id}).fetchone():
            return _explain_document(con, doc_id)
    finally:
        con.close()
    raise UsageError(f"no incident or document with id {ref!r} (see `casualty-etl export --unit incident`)")


def _explain_incident(con, incident_id: str) -> str:
    cur = con.execute("select * from incidents where incident_id = $id", {"id": incident_id})
    inc = dict(zip([d[0] for d in cur.description], cur.fetchone()))
    lines = [f"incident {incident_id}: {inc['outcome']} best={inc['best']} "
             f"range={range_text(inc['low'], inc['high'], inc['high_open'])}"
             f"{' DISPUTED' if inc['disputed'] else ''} grade={inc['grade']}",
             f"  {_cell(inc['event_date']) or 'date unknown'} at {inc['place'] or 'place unknown'}"
             f"{', ' + inc['admin1'] if inc['admin1'] else ''}{', ' + inc['country'] if inc['country'] else ''};"
             f" cause {inc['cause'] or 'unknown'}; victims {inc['victim_category']}",
             f"  {inc['n_facts']} report(s) from {inc['n_documents']} document(s), {inc['n_sources']} source(s),"
             f" {inc['n_independent']} independent"]
    rows = con.execute(sql_text("reports", "explain_incident"), {"incident_id": incident_id}).fetchall()
    for role, used, fid, fclass, reason, outcome, best, low, high, quote, source, url, published, title in rows:
        mark = "part of a member" if role == "part" else ("used" if used else "replaced by the source's later report")
        lines.append(f"  - {fid} [{fclass}] {outcome} best={best} range={low}–{high} ({mark})")
        lines.append(f"      \"{quote}\"")
        lines.append(f"      {source or 'unknown source'}, {_cell(published) or 'undated'}: {title or ''} {url or ''}".rstrip())
        if reason:
            lines.append(f"      why: {reason}")
    return "\n".join(lines) + "\n"


def _explain_document(con, doc_id: str) -> str:
    doc = con.execute("select title, url, source, published_at, superseded_by from documents where doc_id = $id",
                      {"id": doc_id}).fetchone()
    title, url, source, published, superseded = doc
    lines = [f"document {doc_id}: {title or '(no title)'}",
             f"  {source or 'unknown source'}, {_cell(published) or 'undated'} {url or ''}".rstrip()]
    if superseded:
        lines.append(f"  superseded by {superseded}: its facts are not counted")
    rows = con.execute(sql_text("reports", "explain_document"), {"doc_id": doc_id}).fetchall()
    if not rows:
        lines.append("  no facts")
    for fid, fclass, reason, parent, outcome, best, low, high, quote, category, place, day, incident in rows:
        counted = " part of " + parent if parent else ""
        rng = f"{low if low is not None else best}–{high if high is not None else 'open'}"
        lines.append(f"  - {fid} [{fclass}]{counted} {outcome} best={best} range={rng}"
                     f" victims={category or 'unknown'} place={place or '?'} date={_cell(day) or '?'}"
                     f" incident={incident or '-'}")
        lines.append(f"      \"{quote}\"")
        if reason:
            lines.append(f"      why: {reason}")
    return "\n".join(lines) + "\n"


def quarantine_listing(warehouse, run: str | None = None, fmt: str = "table") -> str:
    """Quarantined inputs and rows with the check that failed and why; ``run`` may be 'latest'."""
    if fmt not in ("table", "csv", "json"):
        raise UsageError(f"--format must be table, csv or json, not {fmt!r}")
    con = open_warehouse(warehouse)
    try:
        cur = con.execute(sql_text("reports", "quarantine_listing"), {"run": run})
        columns, rows = [d[0] for d in cur.description], cur.fetchall()
    finally:
        con.close()
    if fmt == "table" and not rows:
        return "no quarantined rows\n"
    return render(columns, rows, fmt)


def quality(warehouse, fmt: str = "table") -> str:
    """The ``data_quality`` view: per run, facts without a date or place, quarantined rows, largest figure."""
    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    con = open_warehouse(warehouse)
    try:
        cur = con.execute("select * from data_quality")
        columns, rows = [d[0] for d in cur.description], cur.fetchall()
    finally:
        con.close()
    return render(columns, rows, fmt) + ("" if fmt in ("csv", "json") else "\n")

"""Exports for partners: CSV (UTF-8, RFC 4180, ISO dates, optional HXL hashtag row), Parquet, and the
data dictionary.

The export columns are Pandera models below: every export is validated against its model, and the HXL
row and the data dictionary are generated from the same models, so the three cannot drift apart.
CSV cells that a spreadsheet would evaluate (leading ``= + - @``, tab or carriage return) are
neutralised with a leading apostrophe.
"""
from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import pandera.polars as pa
import polars as pl

from etl.errors import UsageError
from etl.reporting import open_warehouse, report_params, sql_text

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def col(hxl: str, description: str, **checks):
    """A nullable export column with its HXL hashtag and description."""
    return pa.Field(nullable=True, description=description, metadata={"hxl": hxl}, **checks)


def _warehouse_columns() -> dict:
    """Columns of the warehouse contracts (schemas.FactModel, DocumentModel) by name, when present."""
    try:
        from schemas import DocumentModel, FactModel
    except ImportError:  # the contracts not installed: the export models' own texts apply
        return {}
    return {**DocumentModel.to_schema().columns, **FactModel.to_schema().columns}


_WAREHOUSE = _warehouse_columns()


def mirror(name: str, hxl: str, description: str, **checks):
    """An export column copied from a warehouse column: its HXL tag and description come from the
    warehouse contract (so the dictionary cannot drift from it); ``hxl``/``description`` are fallbacks."""
    column = _WAREHOUSE.get(name)
    if column is not None and column.description:
        hxl = (column.metadata or {}).get("hxl") or hxl
        description = column.description
    return col(hxl, description, **checks)


class _Export(pa.DataFrameModel):
    class Config:
        coerce = True
        strict = True
        ordered = True


class FactExport(_Export):
    """One row per counted fact (``export --unit fact``)."""

    fact_id: pl.Utf8 = mirror("fact_id", "#meta+id", "Fact id: document id # figure number")
    incident_id: pl.Utf8 = col("#event+id", "Incident the fact was linked to")
    event_date: pl.Date = mirror("event_date", "#date+occurred", "Date of the event as reported (ISO 8601)")
    published_date: pl.Date = col("#date+reported", "Publication date of the report")
    place: pl.Utf8 = mirror("place", "#loc+name", "Place as reported")
    admin1: pl.Utf8 = mirror("admin1", "#adm1+name", "First-level administrative area, when geocoded")
    country: pl.Utf8 = mirror("country", "#country+code", "Country code, when geocoded")
    lat: pl.Float64 = mirror("lat", "#geo+lat", "Latitude (WGS84), when geocoded")
    lon: pl.Float64 = mirror("lon", "#geo+lon", "Longitude (WGS84), when geocoded")
    outcome: pl.Utf8 = col("#meta+outcome", "killed, injured, missing, abducted, arrested or displaced")
    victim_category: pl.Utf8 = col("#meta+victims", "Victim category: civilian, child, woman, combatant, "
                                                    "perpetrator or unknown")
    killed: pl.Int64 = col("#affected+killed", "People killed: best (conservative) figure", ge=0)
    killed_min: pl.Int64 = col("#affected+killed+min", "People killed: lowest figure", ge=0)
    killed_max: pl.Int64 = col("#affected+killed+max", "People killed: highest figure (blank: no upper bound "
                                                       "stated)", ge=0)
    killed_children: pl.Int64 = col("#affected+killed+children", "Of the killed, children (blank: not stated)",
                                    ge=0)
    killed_women: pl.Int64 = col("#affected+killed+f", "Of the killed, women (blank: not stated)", ge=0)
    injured: pl.Int64 = col("#affected+injured", "People injured: best (conservative) figure", ge=0)
    injured_min: pl.Int64 = col("#affected+injured+min", "People injured: lowest figure", ge=0)
    injured_max: pl.Int64 = col("#affected+injured+max", "People injured: highest figure (blank: no upper "
                                                         "bound stated)", ge=0)
    missing: pl.Int64 = col("#affected+missing", "People missing: best figure", ge=0)
    abducted: pl.Int64 = col("#affected+abducted", "People abducted: best figure", ge=0)
    arrested: pl.Int64 = col("#affected+arrested", "People arrested: best figure", ge=0)
    displaced: pl.Int64 = col("#affected+displaced", "People displaced: best figure", ge=0)
    cause: pl.Utf8 = mirror("cause", "#cause+type", "Cause or weapon, normalised (shelling, air strike, ...)")
    actor: pl.Utf8 = mirror("actor", "#group+name+first", "Perpetrator as reported")
    fact_class: pl.Utf8 = mirror("fact_class", "#meta+class", "Why the figure is counted: news or perpetrator")
    grade: pl.Utf8 = col("#meta+grade", "Grade of the fact's incident: single_source or corroborated")
    source: pl.Utf8 = mirror("source", "#meta+source", "Publisher of the report")
    url: pl.Utf8 = mirror("url", "#meta+url", "URL of the report")
    title: pl.Utf8 = mirror("title", "#meta+title", "Title of the report")
    quote: pl.Utf8 = mirror("quote", "#description", "The exact words the figure was read from")


class IncidentExport(_Export):
    """One row per incident (``export --unit incident``): one event counted once, as a range."""

    incident_id: pl.Utf8 = col("#event+id", "Incident id, stable while its first report is unchanged")
    event_date: pl.Date = col("#date+occurred", "Date of the event (the most precise member date)")
    first_reported: pl.Date = col("#date+reported", "Publication date of the first report")
    place: pl.Utf8 = mirror("place", "#loc+name", "Place as reported")
    admin1: pl.Utf8 = mirror("admin1", "#adm1+name", "First-level administrative area, when geocoded")
    country: pl.Utf8 = mirror("country", "#country+code", "Country code, when geocoded")
    lat: pl.Float64 = mirror("lat", "#geo+lat", "Latitude (WGS84), when geocoded")
    lon: pl.Float64 = mirror("lon", "#geo+lon", "Longitude (WGS84), when geocoded")
    outcome: pl.Utf8 = col("#meta+outcome", "killed, injured, missing, abducted, arrested or displaced")
    victim_category: pl.Utf8 = col("#meta+victims", "Most specific victim category the reports give")
    killed: pl.Int64 = col("#affected+killed", "People killed: best figure, the lowest across sources", ge=0)
    killed_min: pl.Int64 = col("#affected+killed+min", "People killed: smallest credible figure", ge=0)
    killed_max: pl.Int64 = col("#affected+killed+max", "People killed: largest figure reported", ge=0)
    killed_children: pl.Int64 = col("#affected+killed+children", "Of the killed, children (blank: not stated)",
                                    ge=0)
    killed_women: pl.Int64 = col("#affected+killed+f", "Of the killed, women (blank: not stated)", ge=0)
    injured: pl.Int64 = col("#affected+injured", "People injured: best figure, the lowest across sources", ge=0)
    injured_min: pl.Int64 = col("#affected+injured+min", "People injured: smallest credible figure", ge=0)
    injured_max: pl.Int64 = col("#affected+injured+max", "People injured: largest figure reported", ge=0)
    missing: pl.Int64 = col("#affected+missing", "People missing: best figure", ge=0)
    abducted: pl.Int64 = col("#affected+abducted", "People abducted: best figure", ge=0)
    arrested: pl.Int64 = col("#affected+arrested", "People arrested: best figure", ge=0)
    displaced: pl.Int64 = col("#affected+displaced", "People displaced: best figure", ge=0)
    cause: pl.Utf8 = col("#cause+type", "Cause or weapon, normalised")
    actor: pl.Utf8 = col("#group+name+first", "Perpetrator as first reported")
    grade: pl.Utf8 = col("#meta+grade", "single_source, or corroborated (two or more independent sources)")
    disputed: pl.Boolean = col("#meta+disputed", "Sources disagree on the figure")
    n_sources: pl.Int64 = col("#meta+sources+num", "Distinct publishers that reported the incident", ge=1)
    n_documents: pl.Int64 = col("#meta+documents+num", "Reports linked to the incident", ge=1)
    sources: pl.Utf8 = col("#meta+source", "Publishers, separated by ' | '")
    urls: pl.Utf8 = col("#meta+url", "URLs of the reports, separated by ' | '")
    titles: pl.Utf8 = col("#meta+title", "Titles of the reports, separated by ' | '")
    quotes: pl.Utf8 = col("#description", "The words each figure was read from, separated by ' | '")


MODELS = {"fact": FactExport, "incident": IncidentExport}


def neutralise(value: str) -> str:
    """Make a text cell inert in spreadsheets (OWASP CSV injection): prefix an apostrophe.

    >>> neutralise('=HYPERLINK("http://x")')
    '\\'=HYPERLINK("http://x")'
    >>> neutralise("Aleppo")
    'Aleppo'
    """
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def dictionary_rows(unit: str = "fact") -> list[dict]:
    """The data dictionary of an export unit: column, type, HXL tag, description (from the model)."""
    schema = MODELS[unit].to_schema()
    return [{"column": name, "type": str(c.dtype), "hxl": c.metadata["hxl"], "description": c.description}
            for name, c in schema.columns.items()]


def dictionary_markdown(unit: str = "fact") -> str:
    """The data dictionary as a Markdown table (the README embeds this; a test keeps them equal)."""
    lines = ["| column | type | HXL tag | description |", "|---|---|---|---|"]
    lines += [f"| {r['column']} | {r['type']} | `{r['hxl']}` | {r['description']} |" for r in dictionary_rows(unit)]
    return "\n".join(lines) + "\n"


def export_frame(con, unit: str = "fact", filters: dict | None = None) -> pl.DataFrame:
    """The export rows of ``unit`` as a frame validated against its model."""
    params = report_params(unit, filters)
    table = con.sql(sql_text("reports", f"export_{unit}s"), params=params).to_arrow_table()
    frame = pl.from_arrow(table)
    try:
        return MODELS[unit].validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:  # a bug in the SQL, never in the user's data
        raise RuntimeError(f"export_{unit}s.sql does not match {MODELS[unit].__name__}: {exc}") from exc


def export(warehouse, out, hxl: bool = False, fmt: str = "csv", unit: str = "fact", dictionary: bool = False,
           filters: dict | None = None) -> int:
    """Write facts or incidents (or the data dictionary) to ``out``; returns the number of data rows."""
    if fmt not in ("csv", "parquet"):
        raise UsageError(f"--format must be csv or parquet, not {fmt!r}")
    if unit not in MODELS:
        raise UsageError(f"--unit must be fact or incident, not {unit!r}")
    out = Path(out)
    if dictionary:
        rows = dictionary_rows(unit)
        frame = pl.DataFrame(rows)
        if fmt == "parquet":
            frame.write_parquet(out)
        else:
            _write_csv(out, list(rows[0]), [list(r.values()) for r in rows], None)
        return len(rows)
    con = open_warehouse(warehouse)
    try:
        frame = export_frame(con, unit, filters)
    finally:
        con.close()
    if fmt == "parquet":
        if hxl:
            raise UsageError("--hxl applies to CSV only (Parquet keeps the tags in the data dictionary)")
        frame.write_parquet(out)
        return frame.height
    tags = [r["hxl"] for r in dictionary_rows(unit)] if hxl else None
    _write_csv(out, frame.columns, frame.rows(), tags)
    return frame.height


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, str):
        return neutralise(value)
    return str(value)


def _write_csv(out: Path, header: list[str], rows, tags: list[str] | None) -> None:
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")  # RFC 4180: CRLF, quotes doubled, minimal quoting
        writer.writerow(header)
        if tags:
            writer.writerow(tags)
        for row in rows:
            writer.writerow([_csv_cell(v) for v in row])

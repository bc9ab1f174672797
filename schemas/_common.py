"""Shared helpers for the Pandera models: the data dictionary is read from each Field's metadata."""
from __future__ import annotations

import pandera.polars as pa


def dictionary(model: type[pa.DataFrameModel]) -> list[dict]:
    """``[{"column", "dtype", "nullable", "description", "hxl"}]`` in column order, from the model.

    >>> from schemas.quarantine import QuarantineModel
    >>> dictionary(QuarantineModel)[0]["column"]
    'run_id'
    """
    schema = model.to_schema()
    return [{"column": name, "dtype": str(col.dtype), "nullable": col.nullable,
             "description": col.description, "hxl": (col.metadata or {}).get("hxl")}
            for name, col in schema.columns.items()]

"""QuarantineModel: one row per failed check on an input, document or fact row (nothing is dropped silently)."""
from __future__ import annotations

from typing import Annotated, Optional

import pandera.polars as pa
import polars as pl

STAGES = ("read", "fetch", "extract", "validate", "load")


class QuarantineModel(pa.DataFrameModel):
    """Why an input or a row was kept out of the warehouse, with enough context to fix it."""

    run_id: pl.String = pa.Field(description="Run that quarantined it.", metadata={"hxl": None})
    input_ref: Optional[pl.String] = pa.Field(nullable=True, description="File and line, URL or doc_id of the input.",
                                              metadata={"hxl": "#meta+source"})
    doc_id: Optional[pl.String] = pa.Field(nullable=True, description="Document id when the document was parsed.",
                                           metadata={"hxl": "#meta+document+id"})
    stage: pl.String = pa.Field(isin=list(STAGES), description="Pipeline stage: read, fetch, extract, validate, "
                                                               "load.", metadata={"hxl": None})
    failed_check: pl.String = pa.Field(str_length={"min_value": 1}, description="Name of the check that failed.",
                                       metadata={"hxl": None})
    column_name: Optional[pl.String] = pa.Field(nullable=True, description="Column the check is about, if any.",
                                                metadata={"hxl": None})
    offending_value: Optional[pl.String] = pa.Field(nullable=True, description="The value that failed, as text.",
                                                    metadata={"hxl": None})
    reason: pl.String = pa.Field(str_length={"min_value": 1}, description="Readable reason and how to fix it.",
                                 metadata={"hxl": "#description"})
    raw: Optional[pl.String] = pa.Field(nullable=True, description="The raw input (truncated) where it fits.",
                                        metadata={"hxl": None})
    quarantined_at: Annotated[pl.Datetime, "us", None] = pa.Field(description="When it was quarantined (UTC).",
                                                                  metadata={"hxl": None})

    class Config:
        strict = True
        ordered = True
        metadata = {"table": "quarantine", "grain": "one row per failed check on one input, document or fact row"}


COLUMNS = list(QuarantineModel.to_schema().columns)

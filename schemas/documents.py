"""DocumentModel: one row per distinct document version in the ``documents`` table."""
from __future__ import annotations

from typing import Annotated, Optional

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

Timestamp = Annotated[pl.Datetime, "us", None]  # naive UTC, as DuckDB ``timestamp`` stores it


class DocumentModel(pa.DataFrameModel):
    """A document as stored: raw text kept so its facts can be re-derived without fetching."""

    doc_id: pl.String = pa.Field(unique=True, str_length={"min_value": 1, "max_value": 200},
                                 description="Document id: the id given by the source, else the first 16 hex "
                                             "digits of content_hash; a changed text under a known id gets "
                                             "'~' and 8 hash digits appended.",
                                 metadata={"hxl": "#meta+document+id"})
    content_hash: pl.String = pa.Field(unique=True, str_matches=r"^[0-9a-f]{64}$",
                                       description="sha256 of the text (hex); the idempotency key.",
                                       metadata={"hxl": None})
    url: Optional[pl.String] = pa.Field(nullable=True, description="URL the document was published at.",
                                        metadata={"hxl": "#meta+url"})
    title: Optional[pl.String] = pa.Field(nullable=True, description="Headline as published.",
                                          metadata={"hxl": "#meta+title"})
    source: Optional[pl.String] = pa.Field(nullable=True, description="Publisher or outlet name.",
                                           metadata={"hxl": "#meta+source"})
    published_at: Optional[Timestamp] = pa.Field(nullable=True, description="Publication time (UTC).",
                                                 metadata={"hxl": "#date+reported"})
    retrieved_at: Optional[Timestamp] = pa.Field(nullable=True, description="Time the document was read or "
                                                 "fetched (UTC).", metadata={"hxl": None})
    input_ref: Optional[pl.String] = pa.Field(nullable=True, description="Where it was read from: file:line or URL.",
                                              metadata={"hxl": None})
    text: pl.String = pa.Field(str_length={"min_value": 1}, description="Full document text.",
                               metadata={"hxl": None})
    superseded_by: Optional[pl.String] = pa.Field(nullable=True, description="doc_id of the newer version at the "
                                                  "same URL; NULL for the current version.", metadata={"hxl": None})
    extractor_version: Optional[pl.String] = pa.Field(nullable=True, description="Extractor version that derived "
                                                      "this document's facts.", metadata={"hxl": "#meta+version"})
    run_id: Optional[pl.String] = pa.Field(nullable=True, description="Run that loaded this document.",
                                           metadata={"hxl": None})
    published_date: Optional[pl.Date] = pa.Field(nullable=True, description="Publication date in the publisher's "
                                                 "own time zone; relative dates in the text resolve against it.",
                                                 metadata={"hxl": None})

    class Config:
        strict = True
        ordered = True
        metadata = {"table": "documents", "grain": "one row per distinct document version (content hash)"}

    @pa.dataframe_check(name="text_not_blank")
    def text_not_blank(cls, data: PolarsData) -> pl.LazyFrame:
        """The text has at least one non-whitespace character."""
        return data.lazyframe.select(pl.col("text").str.strip_chars().str.len_chars() > 0)

    @pa.dataframe_check(name="retrieved_not_before_published")
    def retrieved_not_before_published(cls, data: PolarsData) -> pl.LazyFrame:
        """A document cannot be read before it was published (one day of clock/time-zone slack)."""
        return data.lazyframe.select(
            pl.col("published_at").is_null() | pl.col("retrieved_at").is_null()
            | (pl.col("published_at") <= pl.col("retrieved_at") + pl.duration(days=1)))


COLUMNS = list(DocumentModel.to_schema().columns)

# dataframe-level checks: the columns they are about and a readable reason (used for quarantine rows)
ROW_CHECKS = {
    "text_not_blank": (("text",), "the document text is blank"),
    "retrieved_not_before_published": (("published_at", "retrieved_at"),
                                       "published_at is more than a day after retrieved_at; check the date"),
}

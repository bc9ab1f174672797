"""FactModel: one row per extracted casualty figure in the ``facts`` table, with the domain checks.

``FactCheckModel`` adds two context columns taken from the fact's document (``published_date`` and
``doc_text``) so that "event date not after publication" and "quote equals the span of the text" are
checked by Pandera too; the loader drops them before inserting.
"""
from __future__ import annotations

import functools
from typing import Optional

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from etl.facts import FACT_CLASSES, OUTCOMES, QUALIFIERS

COUNT_ANCHORS = ("incremental", "cumulative")


@functools.cache
def victim_categories() -> tuple[str, ...]:
    """Known victim categories: the rule names of ``etl/lexicon/victims.yaml``."""
    from etl.extract.lexicon import load
    return tuple(load().category_parent)


def _count(desc: str, hxl: str | None, nullable: bool = True):
    return pa.Field(ge=0, nullable=nullable, description=desc, metadata={"hxl": hxl})


class FactModel(pa.DataFrameModel):
    """A casualty figure as reported, with its span, its rule and its provenance."""

    fact_id: pl.String = pa.Field(unique=True, description="Fact id: '<doc_id>#<n>' in text order.",
                                  metadata={"hxl": "#meta+id"})
    doc_id: pl.String = pa.Field(description="Document the figure was read from (documents.doc_id).",
                                 metadata={"hxl": "#meta+document+id"})
    outcome: pl.String = pa.Field(isin=list(OUTCOMES), description="What happened to the people counted: "
                                  + ", ".join(OUTCOMES) + ".", metadata={"hxl": "#impact+type"})
    low: Optional[pl.Int32] = _count("Lower bound of the figure (NULL when only an upper bound was given).",
                                     "#affected+num+min")
    best: pl.Int32 = _count("Best (conservative) figure: the stated number, the lower figure of a range.",
                            "#affected+num", nullable=False)
    high: Optional[pl.Int32] = _count("Upper bound of the figure (NULL when open-ended, e.g. 'at least').",
                                      "#affected+num+max")
    qualifier: pl.String = pa.Field(isin=list(QUALIFIERS), description="How the figure was qualified: "
                                    + ", ".join(QUALIFIERS) + ".", metadata={"hxl": "#meta+qualifier"})
    vague: pl.Boolean = pa.Field(description="True when the figure is a fixed value for a vague word ('dozens').",
                                 metadata={"hxl": "#meta+vague"})
    vague_lexeme: Optional[pl.String] = pa.Field(nullable=True, description="The vague word, when vague.",
                                                 metadata={"hxl": None})
    victim_category: Optional[pl.String] = pa.Field(nullable=True, isin=list(victim_categories()),
                                                    description="Victim category from the lexicon (unknown, "
                                                    "civilian, child, woman, combatant, perpetrator, ...).",
                                                    metadata={"hxl": "#affected+category"})
    victim_group: Optional[pl.String] = pa.Field(nullable=True, description="Victim noun as written ('students').",
                                                 metadata={"hxl": "#affected+group"})
    parent_fact_id: Optional[pl.String] = pa.Field(nullable=True, description="The total this figure is a part of "
                                                   "('four civilians, including two students'); never added to it.",
                                                   metadata={"hxl": "#meta+parent"})
    count_anchor: pl.String = pa.Field(isin=list(COUNT_ANCHORS), description="incremental (this event) or "
                                       "cumulative (a running toll; never summed).", metadata={"hxl": None})
    fact_class: pl.String = pa.Field(isin=list(FACT_CLASSES), description="Role of the figure in the document: "
                                     + ", ".join(FACT_CLASSES) + ".", metadata={"hxl": "#meta+class"})
    class_reason: Optional[pl.String] = pa.Field(nullable=True, description="Why the class was chosen.",
                                                 metadata={"hxl": None})
    cause: Optional[pl.String] = pa.Field(nullable=True, description="Normalised cause or weapon (shelling, "
                                          "air strike, gunfire ...).", metadata={"hxl": "#cause+type"})
    cause_text: Optional[pl.String] = pa.Field(nullable=True, description="Cause as written.", metadata={"hxl": None})
    actor: Optional[pl.String] = pa.Field(nullable=True, description="Perpetrator as reported (not verified).",
                                          metadata={"hxl": "#group+name+first"})
    place: Optional[pl.String] = pa.Field(nullable=True, description="Place as reported.",
                                          metadata={"hxl": "#loc+name"})
    country: Optional[pl.String] = pa.Field(nullable=True, description="Country code of the resolved place.",
                                            metadata={"hxl": "#country+code"})
    admin1: Optional[pl.String] = pa.Field(nullable=True, description="First-level admin area of the place.",
                                           metadata={"hxl": "#adm1+code"})
    lat: Optional[pl.Float64] = pa.Field(nullable=True, in_range={"min_value": -90, "max_value": 90},
                                         description="Latitude of the resolved place (WGS84).",
                                         metadata={"hxl": "#geo+lat"})
    lon: Optional[pl.Float64] = pa.Field(nullable=True, in_range={"min_value": -180, "max_value": 180},
                                         description="Longitude of the resolved place (WGS84).",
                                         metadata={"hxl": "#geo+lon"})
    geo_precision: Optional[pl.Int32] = pa.Field(nullable=True, in_range={"min_value": 1, "max_value": 7},
                                                 description="UCDP where_prec 1 (exact) .. 7 (country or wider).",
                                                 metadata={"hxl": None})
    event_date: Optional[pl.Date] = pa.Field(nullable=True, description="Date of the event, resolved against the "
                                             "publication date; never after it.", metadata={"hxl": "#date+occurred"})
    date_precision: Optional[pl.Int32] = pa.Field(nullable=True, in_range={"min_value": 1, "max_value": 5},
                                                  description="UCDP date_prec 1 (day) .. 5 (year or vaguer).",
                                                  metadata={"hxl": None})
    reported_by: Optional[pl.String] = pa.Field(nullable=True, description="Who the text attributes the figure "
                                                "to ('the health ministry').", metadata={"hxl": "#meta+attribution"})
    sentence_idx: pl.Int32 = pa.Field(ge=0, description="Zero-based index of the sentence in the text.",
                                      metadata={"hxl": None})
    span_start: pl.Int32 = pa.Field(ge=0, description="Zero-based character offset where the quote starts.",
                                    metadata={"hxl": None})
    span_end: pl.Int32 = pa.Field(ge=0, description="Character offset where the quote ends (exclusive).",
                                  metadata={"hxl": None})
    quote: pl.String = pa.Field(str_length={"min_value": 1}, description="The exact words: text[span_start:span_end].",
                                metadata={"hxl": "#description"})
    rule: pl.String = pa.Field(str_length={"min_value": 1}, description="Extraction rule that produced the figure.",
                               metadata={"hxl": "#meta+rule"})
    extractor_version: pl.String = pa.Field(description="Extractor version (package + rules digest).",
                                            metadata={"hxl": "#meta+version"})
    run_id: pl.String = pa.Field(description="Run that loaded the fact.", metadata={"hxl": None})
    date_end: Optional[pl.Date] = pa.Field(nullable=True, description="Last day of the event when the text gives a "
                                           "range (UCDP date_end); null for a single day.", metadata={"hxl": "#date+end"})
    date_text: Optional[pl.String] = pa.Field(nullable=True, description="The words the event date was read from "
                                              "('on Friday', 'June 19-20').", metadata={"hxl": None})
    context_rules: Optional[pl.String] = pa.Field(nullable=True, description="JSON object: which lexicon rule filled "
                                                  "each context field (cause, place, date...).", metadata={"hxl": None})

    class Config:
        strict = True
        ordered = True
        metadata = {"table": "facts", "grain": "one row per extracted fact (one figure in one document)"}

    @pa.dataframe_check(name="low_le_best")
    def low_le_best(cls, data: PolarsData) -> pl.LazyFrame:
        """low <= best where low is set."""
        return data.lazyframe.select(pl.col("low").is_null() | (pl.col("low") <= pl.col("best")))

    @pa.dataframe_check(name="best_le_high")
    def best_le_high(cls, data: PolarsData) -> pl.LazyFrame:
        """best <= high where high is set."""
        return data.lazyframe.select(pl.col("high").is_null() | (pl.col("best") <= pl.col("high")))

    @pa.dataframe_check(name="span_ordered")
    def span_ordered(cls, data: PolarsData) -> pl.LazyFrame:
        """span_start < span_end."""
        return data.lazyframe.select(pl.col("span_start") < pl.col("span_end"))

    @pa.dataframe_check(name="quote_length_matches_span")
    def quote_length_matches_span(cls, data: PolarsData) -> pl.LazyFrame:
        """The quote is exactly span_end - span_start characters long."""
        return data.lazyframe.select(
            pl.col("quote").str.len_chars() == (pl.col("span_end") - pl.col("span_start")).cast(pl.UInt32))

    @pa.dataframe_check(name="fact_id_in_document")
    def fact_id_in_document(cls, data: PolarsData) -> pl.LazyFrame:
        """fact_id is '<doc_id>#<n>'."""
        return data.lazyframe.select(pl.col("fact_id").str.starts_with(pl.col("doc_id") + "#"))

    @pa.dataframe_check(name="subcount_le_parent")
    def subcount_le_parent(cls, data: PolarsData) -> pl.LazyFrame:
        """A sub-count refers to a fact of the same frame and is never above its parent's best."""
        lf = data.lazyframe
        parents = (lf.select(pl.col("fact_id").alias("parent_fact_id"), pl.col("best").alias("_parent_best"))
                   .unique("parent_fact_id", keep="first"))
        joined = lf.join(parents, on="parent_fact_id", how="left", maintain_order="left")
        return joined.select(pl.col("parent_fact_id").is_null()
                             | (pl.col("_parent_best").is_not_null() & (pl.col("best") <= pl.col("_parent_best"))))


class FactCheckModel(FactModel):
    """FactModel plus the document context needed by the cross-table checks (dropped before loading)."""

    published_date: Optional[pl.Date] = pa.Field(nullable=True, description="Publication date of the document.",
                                                 metadata={"hxl": None})
    doc_text: pl.String = pa.Field(description="Full text of the document (for the span check).",
                                   metadata={"hxl": None})

    class Config:
        strict = True
        ordered = True

    @pa.dataframe_check(name="event_date_not_after_published")
    def event_date_not_after_published(cls, data: PolarsData) -> pl.LazyFrame:
        """An event cannot happen after the article reporting it was published."""
        return data.lazyframe.select(pl.col("event_date").is_null() | pl.col("published_date").is_null()
                                     | (pl.col("event_date") <= pl.col("published_date")))

    @pa.dataframe_check(name="quote_equals_span")
    def quote_equals_span(cls, data: PolarsData) -> pl.LazyFrame:
        """quote == doc_text[span_start:span_end]."""
        return data.lazyframe.select(
            pl.col("doc_text").str.slice(pl.col("span_start"), pl.col("span_end") - pl.col("span_start"))
            == pl.col("quote"))


COLUMNS = list(FactModel.to_schema().columns)
CONTEXT_COLUMNS = ["published_date", "doc_text"]

# dataframe-level checks: the columns they are about and a readable reason (used for quarantine rows)
ROW_CHECKS = {
    "low_le_best": (("low", "best"), "low is above best; a figure's range must satisfy low <= best"),
    "best_le_high": (("best", "high"), "best is above high; a figure's range must satisfy best <= high"),
    "span_ordered": (("span_start", "span_end"), "span_end must be after span_start"),
    "quote_length_matches_span": (("quote", "span_start", "span_end"),
                                  "quote length differs from span_end - span_start"),
    "fact_id_in_document": (("fact_id", "doc_id"), "fact_id must start with '<doc_id>#'"),
    "subcount_le_parent": (("best", "parent_fact_id"),
                           "sub-count is above its parent's best, or its parent fact is missing"),
    "event_date_not_after_published": (("event_date", "published_date"),
                                       "event_date is after the document's publication date"),
    "quote_equals_span": (("quote", "span_start", "span_end"),
                          "quote is not the text at [span_start:span_end] of its document"),
}

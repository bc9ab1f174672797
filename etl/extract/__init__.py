"""Pure extraction core: text and publication date in, typed facts out."""
from etl.extract.api import extract
from etl.extract.summary import summarize

__all__ = ["extract", "summarize"]

"""Pandera data contracts (polars backend) for the warehouse tables; also the data dictionary."""
from schemas._common import dictionary
from schemas.documents import DocumentModel
from schemas.facts import FactCheckModel, FactModel
from schemas.quarantine import QuarantineModel

__all__ = ["DocumentModel", "FactModel", "FactCheckModel", "QuarantineModel", "dictionary"]

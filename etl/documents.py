"""The Document record that readers produce and the pipeline consumes."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime


class DocumentError(ValueError):
    """Bad input: the message names the document (file, line or URL) and what is wrong."""

    def __init__(self, ref: str, reason: str, raw: str | None = None, stage: str = "read"):
        super().__init__(f"{ref}: {reason}")
        self.ref = ref
        self.reason = reason
        self.raw = raw
        self.stage = stage  # read | fetch | extract


@dataclass
class Document:
    """One article or event description, with its provenance."""

    text: str
    id: str | None = None
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published_at: datetime | None = None
    retrieved_at: datetime | None = None
    ref: str = ""  # where it came from: "path:line" or URL
    meta: dict = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        """sha256 of the text: the key that makes loading idempotent."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def doc_id(self) -> str:
        """Stable id: the given id, else the first 16 hex digits of the content hash."""
        return self.id or self.content_hash[:16]

    @property
    def published_date(self) -> date | None:
        return self.published_at.date() if self.published_at else None

"""Document fields of a record: which keys hold the text, id, title, URL, date and source (FieldMap),
and reading their values (publication dates, URLs)."""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timezone

from etl.documents import Document, DocumentError

# Column (or JSON key) names, normalised (lower case, non-alphanumerics -> "_"), in order of preference.
TEXT_FIELDS = ("text", "body", "content", "article", "article_text", "full_text", "fulltext", "body_text",
               "main_text", "text_content", "content_text", "story", "message", "notes", "description",
               "summary", "opening_text", "hit_sentence", "snippet", "abstract", "lead")
ID_FIELDS = ("id", "doc_id", "document_id", "article_id", "event_id_cnty", "event_id", "guid", "uuid",
             "record_id", "item_id")
TITLE_FIELDS = ("title", "headline", "heading", "subject", "name")
URL_FIELDS = ("url", "link", "article_url", "source_url", "permalink", "href", "web_url")
DATE_FIELDS = ("published_at", "published", "publication_date", "publish_date", "date_published", "pubdate",
               "pub_date", "date", "event_date", "datetime", "created_at", "timestamp")
SOURCE_FIELDS = ("source", "source_name", "publisher", "outlet", "site", "media", "media_outlet", "feed",
                 "source_domain", "domain")
TEXT_HINT = "text, body, content, article, notes, summary, description"

_DATE_FORMATS = ("%d %B %Y", "%B %d, %Y", "%d %b %Y", "%b %d, %Y", "%Y/%m/%d", "%a, %d %b %Y %H:%M:%S %z",
                 "%a, %d %b %Y %H:%M:%S %Z", "%d-%b-%Y %I:%M%p", "%d-%b-%Y", "%d %B %Y %H:%M", "%Y-%m-%d %H:%M",
                 "%d.%m.%Y", "%d/%m/%Y", "%d/%m/%Y %H:%M", "%Y%m%d")  # day first, as most non-US exports


def parse_datetime(value) -> datetime | None:
    """ISO date or datetime (``2024-11-30``, ``2024-11-30T08:00:00Z``), RFC 822, "30 November 2024" or
    an epoch number -> aware datetime (UTC when no zone is given), else None.

    >>> parse_datetime("2024-11-30").isoformat()
    '2024-11-30T00:00:00+00:00'
    >>> parse_datetime("Sat, 30 Nov 2024 08:15:00 +0200").isoformat()
    '2024-11-30T08:15:00+02:00'
    """
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool) or re.fullmatch(r"\d{9,10}", str(value).strip()):
        try:
            return datetime.fromtimestamp(int(float(value)), tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    else:
        raw = str(value).strip()
        text = raw[:-1] + "+00:00" if raw.endswith("Z") else raw
        text = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", text) if "T" in text else text
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            for fmt in _DATE_FORMATS:
                try:
                    parsed = datetime.strptime(raw, fmt)
                    break
                except ValueError:
                    continue
            else:
                return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def is_url(item: str) -> bool:
    return item.lower().startswith(("http://", "https://"))


def dated(raw) -> dict:
    """``published_at`` for a Document, plus a reader issue when a date was given but cannot be read
    (the document still loads; the issue becomes a quarantine row naming the value).

    >>> dated("2024-11-30")["published_at"].isoformat()
    '2024-11-30T00:00:00+00:00'
    >>> dated("next Tuesday-ish")["meta"]["issues"][0]["check"]
    'unparseable_date'
    """
    parsed = parse_datetime(raw)
    if parsed is not None or raw in (None, "") or not str(raw).strip():
        return {"published_at": parsed}
    issue = {"check": "unparseable_date", "column": "published_at", "value": str(raw)[:200],
             "reason": f"publication date {str(raw)[:60]!r} is not a date this reader understands; "
                       "relative dates in the text stay unresolved"}
    return {"published_at": None, "meta": {"issues": [issue]}}


def _norm(key) -> str:
    return re.sub(r"[^0-9a-z]+", "_", str(key).strip().lower()).strip("_")


class FieldMap:
    """Which record keys hold the text, id, title, url, date and source (by normalised name)."""

    def __init__(self, keys: Iterable, text_column: str | None = None):
        by_norm: dict[str, object] = {}
        for key in keys:
            by_norm.setdefault(_norm(key), key)
        self.keys = list(by_norm.values())
        if text_column:
            self.text = [by_norm[_norm(text_column)]] if _norm(text_column) in by_norm else []
        else:
            self.text = [by_norm[n] for n in TEXT_FIELDS if n in by_norm]
        used = set(self.text)

        def pick(names):
            for n in names:
                if n in by_norm and by_norm[n] not in used:
                    return by_norm[n]
            return None

        self.id, self.title, self.url = pick(ID_FIELDS), pick(TITLE_FIELDS), pick(URL_FIELDS)
        self.date, self.source = pick(DATE_FIELDS), pick(SOURCE_FIELDS)

    def document(self, record: dict, ref: str, raw: str) -> Document | DocumentError:
        text = None
        for key in self.text:
            value = record.get(key)
            if isinstance(value, str) and value.strip():
                text = value.strip().replace("\r\n", "\n").replace("\r", "\n")
                break
        if text is None:
            if not self.text:
                return DocumentError(ref, f"no text field (expected one of {TEXT_HINT}...; found "
                                          f"{', '.join(map(str, self.keys)) or 'none'})", raw)
            return DocumentError(ref, f"missing or empty '{self.text[0]}' field", raw)
        return Document(text=text, id=_field(record, self.id), title=_field(record, self.title),
                        url=_field(record, self.url), source=_field(record, self.source),
                        **dated(record.get(self.date) if self.date else None), ref=ref)


def _field(record: dict, key) -> str | None:
    if key is None:
        return None
    value = record.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return str(value).strip()

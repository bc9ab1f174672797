"""Documents of URLs: a page, or a feed whose entries' pages are fetched (on worker threads), with
provenance, conditional and incremental fetching by the fetch state, and every failure a DocumentError."""
from __future__ import annotations

import calendar
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from urllib.parse import urljoin

from etl.documents import Document, DocumentError
from etl.fetch.http_client import FetchError, FetchResult, HttpClient
from etl.fetch.state import StateRow, sha256, utcnow
from etl.readers.html_text import html_document, html_fragment_text
from etl.readers.records import _text_document

log = logging.getLogger("etl.fetch")
log.addHandler(logging.NullHandler())  # a library: silent unless the application configures logging

HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = ("rss", "atom", "rdf", "xml")


class Fetcher(HttpClient):
    """An HTTP client for pages and feeds, with fetch state.

    ``timeout``: seconds to connect / wait for data; ``deadline``: seconds for a whole response;
    ``retries``: extra attempts after a timeout, connection error, 429 or 5xx, waiting ``backoff``,
    2×``backoff``... seconds (or the server's Retry-After, up to ``max_wait``); ``max_bytes``: largest
    body read; ``workers``: feed entry pages fetched at once; ``per_host``: at most this many requests
    to one host at a time; ``delay``: seconds between two requests to one host; ``max_entries``: newest
    entries read per feed.
    """

    def read_url(self, url: str, source=None, kind: str | None = None):
        """Documents of one URL: a feed (its entries' pages) or a page. ``kind`` "feed" forces a feed,
        "page" a page; else ("url", None) the response decides (first bytes, then content type)."""
        state = self.state.get(url)
        conditional = state is not None and state.status != "error" and (
            state.kind == "feed" or state.status == "empty" or self.state.ingested(state.content_hash))
        try:
            res = self.get(url, state.etag if conditional else None,
                           state.last_modified if conditional else None)
        except FetchError as exc:
            self._count("errors")
            log.warning("fetch failed: %s: %s", url, exc.reason)
            self.state.failed(url, kind="feed" if kind == "feed" else "page", reason=exc.reason,
                              http_status=exc.http_status, source=_name(source))
            yield DocumentError(url, exc.reason, stage="fetch")
            return
        if res.status == 304:
            self._count("not_modified")
            log.info("not modified: %s", url)
            if state is not None and state.kind == "feed":
                yield from self._entries([(r.url, None, r, False) for r in self.state.pending_entries(url)],
                                         url, source, None)
            return
        if kind == "feed" or (kind != "page" and looks_like_feed(res)):
            yield from self._feed(url, res, source)
            return
        try:
            item, row = self._page(res, url, source, kind="page", old=state)
        except Exception as exc:  # one page that breaks the extractor must not stop the run
            reason = f"cannot read the page: {type(exc).__name__}: {exc}"
            self.state.failed(url, kind="page", reason=reason, http_status=res.status, source=_name(source))
            yield DocumentError(url, reason, stage="fetch")
            return
        if row is not None:
            self.state.put(row)
        if item is not None:
            yield item

    def _feed(self, url: str, res: FetchResult, source):
        import feedparser

        parsed = feedparser.parse(res.content, response_headers={"content-type": res.content_type,
                                                                 "content-location": res.final_url})
        if not parsed.entries and (parsed.bozo or not parsed.get("version")):
            reason = f"not a readable RSS/Atom feed: {parsed.get('bozo_exception') or 'no entries'}"
            self.state.failed(url, kind="feed", reason=reason, http_status=res.status, source=_name(source))
            yield DocumentError(url, reason, stage="fetch")
            return
        feed_title = parsed.feed.get("title")
        entries = parsed.entries[: self.max_entries] if self.max_entries else parsed.entries
        todo, seen = [], set()
        for i, entry in enumerate(entries, 1):
            link = entry.get("link")
            if not link:
                yield DocumentError(f"{url}#entry-{i}", "feed entry has no link", stage="fetch",
                                    raw=str(entry.get("title") or entry.get("id") or ""))
                continue
            link = urljoin(res.final_url, link)
            if link in seen:
                continue
            seen.add(link)
            old = self.state.get(link)
            if old is not None and old.status == "ok" and self.state.ingested(old.content_hash):
                updated = _entry_time(entry, ("updated_parsed",))
                if updated is None or updated <= _aware(old.fetched_at):
                    self._count("skipped_ingested")
                    continue
                todo.append((link, entry, old, True))  # updated since: ask again, conditionally
                continue
            todo.append((link, entry, old, old is not None and old.status == "empty"))
        yield from self._entries(todo, url, source, feed_title)
        self.state.put(StateRow(url=url, kind="feed", source=_name(source), etag=res.etag,
                                last_modified=res.last_modified, content_hash=sha256(res.content),
                                status="ok", http_status=res.status, fetched_at=res.retrieved_at))
        log.info("feed %s: %d entries, %d to fetch", url, len(entries), len(todo))

    def _entries(self, todo, feed_url, source, feed_title):
        """Fetch entry pages on worker threads; build documents there; write state here, in order."""
        if not todo:
            return
        use_feed_content = bool(source is not None and source.options.get("content") == "feed")

        def work(job):
            link, entry, old, conditional = job
            if use_feed_content and entry is not None:
                return self._entry_from_feed(link, entry, feed_url, source, feed_title)
            try:
                res = self.get(link, old.etag if conditional else None,
                               old.last_modified if conditional else None)
            except FetchError as exc:
                return exc, None
            if res.status == 304:
                return None, None
            try:
                return self._page(res, link, source, kind="entry", old=old, entry=entry, feed_url=feed_url,
                                  feed_title=feed_title)
            except Exception as exc:  # one page that breaks the extractor must not stop the others
                return FetchError(f"cannot read the page: {type(exc).__name__}: {exc}", res.status), None

        def results():  # a few pages ahead of the consumer, not a whole feed's pages in memory
            step = self.workers * 4
            with ThreadPoolExecutor(max_workers=min(self.workers, len(todo))) as pool:
                for i in range(0, len(todo), step):
                    chunk = todo[i:i + step]
                    yield from zip(chunk, pool.map(work, chunk))

        for (link, entry, old, _), (item, row) in results():
            if isinstance(item, FetchError):
                self._count("errors")
                log.warning("fetch failed: %s: %s", link, item.reason)
                self.state.failed(link, kind="entry", reason=item.reason, http_status=item.http_status,
                                  feed_url=feed_url, source=_name(source),
                                  entry_id=entry.get("id") if entry is not None else None)
                yield DocumentError(link, item.reason, stage="fetch")
                continue
            if row is not None:
                self.state.put(row)
            if item is None:
                if row is None:
                    self._count("not_modified")
                continue
            yield item

    def _page(self, res: FetchResult, url: str, source, *, kind: str, old: StateRow | None = None,
              entry=None, feed_url=None, feed_title=None):
        """(Document or DocumentError or None when unchanged, state row to write)."""
        ctype = res.content_type.split(";")[0].strip()
        row = StateRow(url=url, kind=kind, feed_url=feed_url, source=_name(source), etag=res.etag,
                       last_modified=res.last_modified, http_status=res.status, fetched_at=res.retrieved_at,
                       entry_id=(entry.get("id") if entry is not None else (old.entry_id if old else None)))
        if ctype == "text/plain":
            text = _decode_body(res.content, _charset(res.content_type))
            doc = _text_document(text if isinstance(text, str) else text.decode("utf-8", "replace"), url)
        elif ctype and ctype not in HTML_TYPES:
            self._count("errors")
            row.status, row.error = "error", f"not an HTML page (Content-Type {ctype})"
            return DocumentError(url, row.error, stage="fetch"), row
        else:
            charset = _charset(res.content_type, None)
            # the server said which encoding: trust it over the page's guesswork
            body = _decode_body(res.content, charset) if charset else res.content
            doc = html_document(body, url, url=url)
        if isinstance(doc, DocumentError):
            row.status, row.error = "empty", doc.reason
            self._count("empty")
            return doc, row
        row.content_hash, row.status = doc.content_hash, "ok"
        if old is not None and old.content_hash == doc.content_hash and self.state.ingested(doc.content_hash):
            self._count("unchanged")
            return None, row
        self._count("fetched")
        doc.url = url
        doc.retrieved_at = res.retrieved_at
        published = _entry_time(entry) if entry is not None else None
        if published is not None:
            doc.published_at = published
        if entry is not None and entry.get("title"):
            doc.title = entry.get("title")
        site = doc.source
        doc.source = _name(source) or feed_title or site
        doc.meta.update({k: v for k, v in {
            "final_url": res.final_url if res.final_url != url else None, "http_status": res.status,
            "feed": feed_url, "feed_title": feed_title, "entry_id": row.entry_id, "site_name": site,
            "source_name": _name(source), "reliability": getattr(source, "reliability", None),
        }.items() if v is not None})
        return doc, row

    def _entry_from_feed(self, link, entry, feed_url, source, feed_title):
        """A document from the feed's own content (``content = "feed"`` sources), no page fetched."""
        body = (entry.get("content") or [{}])[0].get("value") or entry.get("summary") or ""
        row = StateRow(url=link, kind="entry", feed_url=feed_url, source=_name(source),
                       entry_id=entry.get("id"), fetched_at=utcnow())
        try:  # a feed's content is the article body itself: no furniture to find, just the text of it
            text = html_fragment_text(body)
        except Exception as exc:  # html.parser is lenient; anything raised here is truly malformed
            text, reason = "", f"malformed HTML in the feed entry: {exc}"
        else:
            reason = "feed entry has no content"
        if not text:
            row.status, row.error = "empty", reason
            return DocumentError(link, reason), row
        doc = Document(text=text, url=link, ref=link, meta={})
        row.content_hash = doc.content_hash
        doc.retrieved_at, doc.title = row.fetched_at, entry.get("title") or doc.title
        doc.published_at = _entry_time(entry) or doc.published_at
        doc.source = _name(source) or feed_title
        doc.meta.update({"feed": feed_url, "entry_id": entry.get("id"), "source_name": _name(source),
                         "reliability": getattr(source, "reliability", None), "extractor": "feed content"})
        self._count("fetched")
        return doc, row


def looks_like_feed(res: FetchResult) -> bool:
    """A feed by its first bytes (servers often label feeds text/html or text/plain), else by type."""
    head = res.content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<rss", b"<feed", b"<rdf:rdf")):
        return True
    if head.startswith(b"<?xml"):
        return any(t in head for t in (b"<rss", b"<feed", b"<rdf:rdf"))
    ctype = res.content_type.split(";")[0].strip()
    return ctype not in HTML_TYPES and any(t in ctype for t in FEED_TYPES) and not head.startswith(b"<!doctype html")


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _entry_time(entry, keys=("published_parsed", "updated_parsed", "created_parsed")) -> datetime | None:
    for key in keys:
        value = dict.get(entry, key)  # raw: feedparser's own updated->published fallback warns
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), tz=timezone.utc)
    return None


def _charset(content_type: str, default: str | None = "utf-8") -> str | None:
    for part in content_type.split(";"):
        key, _, value = part.strip().partition("=")
        if key == "charset" and value:
            return value.strip('"')
    return default


def _decode_body(data: bytes, charset: str | None) -> str | bytes:
    """Text in the declared charset; the bytes themselves (left to the extractor) if it is unknown."""
    try:
        return data.decode(charset or "utf-8", "replace")
    except LookupError:
        return data if charset else data.decode("utf-8", "replace")


def _name(source) -> str | None:
    return getattr(source, "name", None)
